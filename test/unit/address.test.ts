import {describe, expect, it} from 'vitest'

import {addressKind, addressProblem, isHostname, isIpv4, isIpv6, normalizeAddress} from '../../src/domain/address'

describe('management addresses', () => {
  it.each([
    ['10.44.1.1', 'ipv4'],
    ['0.0.0.0', 'ipv4'],
    ['255.255.255.255', 'ipv4'],
    ['2001:db8::1', 'ipv6'],
    ['::1', 'ipv6'],
    ['::', 'ipv6'],
    ['fe80::', 'ipv6'],
    ['2001:0db8:0000:0000:0000:ff00:0042:8329', 'ipv6'],
    ['2001:DB8:0:0:8:800:200C:417A', 'ipv6'],
    ['::ffff:192.0.2.128', 'ipv6'],
    ['64:ff9b::10.0.0.1', 'ipv6'],
    ['1:2:3:4:5:6:7::', 'ipv6'],
    ['::2:3:4:5:6:7:8', 'ipv6'],
    ['1:2:3:4:5:6:192.0.2.1', 'ipv6'],
    ['core1', 'hostname'],
    ['gz-core-1.gdzwfw.gov.cn', 'hostname'],
    ['gz-core-1.gdzwfw.gov.cn.', 'hostname'],
    ['xn--fiqs8s.example', 'hostname'],
    ['3com.example', 'hostname'],
    [`${'a'.repeat(63)}.example`, 'hostname'],
  ])('accepts %s as %s', (text, kind) => {
    expect(addressKind(text)).toBe(kind)
    expect(addressProblem(text)).toBeUndefined()
  })

  it.each([
    '10.0.0.256',
    '10.0.0',
    '10.0.0.1.5',
    '010.0.0.1',
    '1.2.3.-4',
    '2001:db8::1::2',
    '1:2:3:4:5:6:7:8:9',
    '1:2:3:4:5:6:7',
    '1:2:3:4:5:6:7:8::',
    '12345::1',
    'g::1',
    ':1:2:3:4:5:6:7',
    '::ffff:300.0.0.1',
    '1:2:3:4:5:6:7:1.2.3.4',
    '-core.example',
    'core-.example',
    'core_1.example',
    'a..b',
    '.example',
    `${'a'.repeat(64)}.example`,
    `${'abcdefghi.'.repeat(26)}com`,
    '',
  ])('rejects %j', (text) => {
    expect(addressKind(text)).toBeUndefined()
    expect(addressProblem(text)).toBeDefined()
  })

  it('keeps the kinds apart', () => {
    expect(isIpv4('2001:db8::1')).toBe(false)
    expect(isIpv6('10.0.0.1')).toBe(false)
    expect(isHostname('10.0.0.1')).toBe(false)
    expect(isHostname('2001:db8::1')).toBe(false)
  })

  it('explains the usual mistakes', () => {
    expect(addressProblem('[2001:db8::1]')).toMatch(/without brackets/)
    expect(addressProblem('[2001:db8::1]:22')).toMatch(/without brackets/)
    expect(addressProblem('10.0.0.1:22')).toMatch(/leave the port out/)
    expect(addressProblem('core.example:2222')).toMatch(/leave the port out/)
    expect(addressProblem('10.0.0.0/24')).toMatch(/not a prefix/)
    expect(addressProblem('fe80::1%eth0')).toMatch(/zone index/)
    expect(addressProblem('政务.example')).toMatch(/punycode/)
    expect(addressProblem('10.0.0.256')).toMatch(/not a valid IPv4 address/)
    expect(addressProblem('2001:db8:::1')).toMatch(/not a valid IPv6 address/)
    expect(addressProblem('core 1')).toMatch(/neither an IPv4 or IPv6 address nor a valid host name/)
  })

  it('stores names and IPv6 in lower case', () => {
    expect(normalizeAddress('GZ-Core.Example')).toBe('gz-core.example')
    expect(normalizeAddress('2001:DB8::A')).toBe('2001:db8::a')
  })
})
