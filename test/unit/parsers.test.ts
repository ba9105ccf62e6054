import {readFileSync} from 'node:fs'
import path from 'node:path'

import {describe, expect, it} from 'vitest'

import {
  parseIosInterfacesDescription,
  parseIosIpInterfaceBrief,
  parseIosVersion,
} from '../../src/domain/audit-parsers/cisco-ios'
import {interfaceSummary, uptimePhraseSeconds} from '../../src/domain/audit-parsers/common'
import {platformOfBanner} from '../../src/domain/audit-parsers/detect'
import {parseComwareInterfaceBrief, parseComwareVersion} from '../../src/domain/audit-parsers/h3c-comware'
import {
  parseVrpInterfaceBrief,
  parseVrpInterfaceDescription,
  parseVrpVersion,
} from '../../src/domain/audit-parsers/huawei-vrp'
import {
  parseIpLink,
  parseOsRelease,
  parseProcUptime,
  parseSysClassNet,
  parseUname,
} from '../../src/domain/audit-parsers/linux'

const fixture = (platform: string, name: string) =>
  readFileSync(path.join(__dirname, '..', 'fixtures', 'devices', platform, name), 'utf8')

const WEEK = 7 * 86_400
const DAY = 86_400
const HOUR = 3_600
const MINUTE = 60

describe('uptime phrases', () => {
  it('adds up every unit, singular or plural, with or without blanks after commas', () => {
    expect(uptimePhraseSeconds('1 year, 1 week, 3 days, 20 hours, 36 minutes')).toBe(
      365 * DAY + WEEK + 3 * DAY + 20 * HOUR + 36 * MINUTE,
    )
    expect(uptimePhraseSeconds('0 week, 0 day, 1 hour, 13 minutes')).toBe(HOUR + 13 * MINUTE)
    expect(uptimePhraseSeconds('84 weeks,2 days,3 hours,47 minutes')).toBe(84 * WEEK + 2 * DAY + 3 * HOUR + 47 * MINUTE)
    expect(uptimePhraseSeconds('not a duration')).toBeUndefined()
  })
})

describe('huawei-vrp parsers', () => {
  it('reads model, product version and uptime from display version (AR router, V200)', () => {
    expect(parseVrpVersion(fixture('huawei-vrp', 'ar2220-display-version.txt'))).toEqual({
      vendor: 'Huawei',
      model: 'AR2220',
      softwareVersion: 'V200R009C00SPC500',
      uptimeSeconds: 3 * WEEK + 2 * DAY + 4 * HOUR + 13 * MINUTE,
    })
  })

  it('reads V800 output (days, singular hour) and old Quidway switches', () => {
    expect(parseVrpVersion(fixture('huawei-vrp', 'ne40e-v800-display-version.txt'))).toEqual({
      vendor: 'Huawei',
      model: 'NE40E-X2-M8A',
      softwareVersion: 'V800R011C00SPC200',
      uptimeSeconds: 161 * DAY + 20 * MINUTE,
    })
    expect(parseVrpVersion(fixture('huawei-vrp', 's7706-display-version.txt'))).toEqual({
      vendor: 'Huawei',
      model: 'S7706',
      softwareVersion: 'V200R010C00SPC600',
      uptimeSeconds: 19 * WEEK + 5 * DAY + 5 * HOUR + 27 * MINUTE,
    })
  })

  it('reads state and description from display interface description', () => {
    const {interfaces} = parseVrpInterfaceDescription(fixture('huawei-vrp', 'ar2220-display-interface-description.txt'))
    expect(interfaces).toEqual([
      {name: 'Cellular0/0/0', adminUp: true, operUp: false, description: 'HUAWEI, AR Series, Cellular0/0/0 Interface'},
      {name: 'GE0/0/0', adminUp: true, operUp: true, description: 'uplink-to-county-core GE1/0/12'},
      {name: 'GE0/0/1', adminUp: true, operUp: true, description: 'township-gov-LAN'},
      {name: 'GE0/0/2', adminUp: true, operUp: false, description: 'backup-link-telecom'},
      {name: 'GE0/0/3', adminUp: false, operUp: false},
      {name: 'GE0/0/4', adminUp: true, operUp: false, description: 'standby-line'},
      {name: 'LoopBack0', adminUp: true, operUp: true, description: 'mgmt-loopback'},
      {name: 'NULL0', adminUp: true, operUp: true},
      {name: 'Vlanif1', adminUp: true, operUp: false},
      {name: 'Vlanif100', adminUp: true, operUp: true, description: 'office-vlan'},
    ])
    expect(interfaceSummary(interfaces!)).toEqual({
      interfacesUp: 5,
      interfacesDown: 4,
      uplink: {name: 'GE0/0/0', operUp: true},
    })
  })

  it('reads state from display interface brief, ignoring the utilisation columns', () => {
    const {interfaces} = parseVrpInterfaceBrief(fixture('huawei-vrp', 'ar2220-display-interface-brief.txt'))
    expect(interfaces?.map((i) => [i.name, i.adminUp, i.operUp])).toEqual([
      ['Cellular0/0/0', true, false],
      ['GigabitEthernet0/0/0', true, true],
      ['GigabitEthernet0/0/1', true, true],
      ['GigabitEthernet0/0/2', true, false],
      ['GigabitEthernet0/0/3', false, false],
      ['GigabitEthernet0/0/4', true, false],
      ['LoopBack0', true, true],
      ['NULL0', true, true],
      ['Vlanif1', true, false],
      ['Vlanif100', true, true],
    ])
    expect(interfaces?.some((i) => i.description !== undefined)).toBe(false)
    expect(interfaceSummary(interfaces!)).toEqual({interfacesUp: 5, interfacesDown: 4})
  })
})

describe('h3c-comware parsers', () => {
  it('reads Comware 7 display version', () => {
    expect(parseComwareVersion(fixture('h3c-comware', 's6850-display-version.txt'))).toEqual({
      vendor: 'H3C',
      model: 'S6850-56HF',
      softwareVersion: '7.1.070, Release 6616P01',
      uptimeSeconds: 12 * WEEK + 3 * DAY + 5 * HOUR + 41 * MINUTE,
    })
  })

  it('reads Comware 5 display version', () => {
    expect(parseComwareVersion(fixture('h3c-comware', 'msr3640-comware5-display-version.txt'))).toEqual({
      vendor: 'H3C',
      model: 'MSR36-40',
      softwareVersion: '5.20.106, Release 2516P15',
      uptimeSeconds: 52 * WEEK + DAY + 2 * HOUR + 5 * MINUTE,
    })
  })

  it('reads both the route-mode and the bridge-mode tables of display interface brief', () => {
    const {interfaces} = parseComwareInterfaceBrief(fixture('h3c-comware', 's6850-display-interface-brief.txt'))
    expect(interfaces).toEqual([
      {name: 'InLoop0', adminUp: true, operUp: true},
      {name: 'MGE0/0/0', adminUp: true, operUp: true, description: 'oob-management'},
      {name: 'NULL0', adminUp: true, operUp: true},
      {name: 'REG0', adminUp: true, operUp: true},
      {name: 'Vlan100', adminUp: true, operUp: true, description: 'township-office'},
      {name: 'Vlan200', adminUp: true, operUp: false},
      {name: 'HGE1/0/49', adminUp: true, operUp: true, description: 'Uplink to Dongguan county core HGE2/0/1'},
      {name: 'HGE1/0/50', adminUp: true, operUp: false, description: 'Uplink backup'},
      {name: 'XGE1/0/1', adminUp: true, operUp: true, description: 'town-hall-1F'},
      {name: 'XGE1/0/2', adminUp: true, operUp: true},
      {name: 'XGE1/0/3', adminUp: true, operUp: false},
      {name: 'XGE1/0/4', adminUp: false, operUp: false, description: 'unused'},
    ])
    expect(interfaceSummary(interfaces!)).toEqual({
      interfacesUp: 8,
      interfacesDown: 3,
      uplink: {name: 'HGE1/0/49', operUp: true},
    })
  })

  it('prefers the configured uplink over descriptions', () => {
    const {interfaces} = parseComwareInterfaceBrief(fixture('h3c-comware', 's6850-display-interface-brief.txt'))
    expect(interfaceSummary(interfaces!, 'hge1/0/50').uplink).toEqual({name: 'HGE1/0/50', operUp: false})
  })
})

describe('cisco-ios parsers', () => {
  it('reads IOS 15 show version', () => {
    expect(parseIosVersion(fixture('cisco-ios', 'c2911-ios15-show-version.txt'))).toEqual({
      vendor: 'Cisco',
      model: 'CISCO2911/K9',
      softwareVersion: '15.4(3)M3',
      hostname: 'GZ-TH-R01',
      uptimeSeconds: 365 * DAY + WEEK + 3 * DAY + 20 * HOUR + 36 * MINUTE,
    })
  })

  it('reads IOS-XE 17 show version, model from the Model Number line', () => {
    expect(parseIosVersion(fixture('cisco-ios', 'c9300-iosxe17-show-version.txt'))).toEqual({
      vendor: 'Cisco',
      model: 'C9300-48UXM',
      softwareVersion: '17.3.4a',
      hostname: 'DG-CORE-SW01',
      uptimeSeconds: 14 * WEEK + 2 * DAY + 3 * HOUR + 12 * MINUTE,
    })
  })

  it('reads show interfaces description, leaving deleted subinterfaces out', () => {
    const {interfaces} = parseIosInterfacesDescription(fixture('cisco-ios', 'c2911-show-interfaces-description.txt'))
    expect(interfaces).toEqual([
      {name: 'Gi0/0', adminUp: true, operUp: true, description: 'UPLINK TO GZ-TH-CORE Gi1/0/24'},
      {name: 'Gi0/1', adminUp: true, operUp: true, description: 'township LAN'},
      {name: 'Gi0/2', adminUp: false, operUp: false},
      {name: 'Lo0', adminUp: true, operUp: true, description: 'router-id'},
      {name: 'Tu0', adminUp: true, operUp: false, description: 'ipsec-backup'},
    ])
    expect(interfaceSummary(interfaces!)).toEqual({
      interfacesUp: 3,
      interfacesDown: 1,
      uplink: {name: 'Gi0/0', operUp: true},
    })
  })

  it('reads show ip interface brief', () => {
    expect(parseIosIpInterfaceBrief(fixture('cisco-ios', 'c2911-show-ip-interface-brief.txt')).interfaces).toEqual([
      {name: 'GigabitEthernet0/0', adminUp: true, operUp: true},
      {name: 'GigabitEthernet0/1', adminUp: true, operUp: true},
      {name: 'GigabitEthernet0/2', adminUp: false, operUp: false},
      {name: 'Loopback0', adminUp: true, operUp: true},
      {name: 'Tunnel0', adminUp: true, operUp: false},
    ])
  })
})

describe('linux parsers', () => {
  it('reads os-release, uname and /proc/uptime', () => {
    expect(parseOsRelease(fixture('linux', 'debian12-os-release.txt'))).toEqual({
      vendor: 'Debian GNU/Linux',
      softwareVersion: 'Debian GNU/Linux 12 (bookworm)',
    })
    expect(parseUname(fixture('linux', 'uname-snrm.txt'))).toEqual({hostname: 'gz-th-bastion', model: 'x86_64'})
    expect(parseProcUptime(fixture('linux', 'proc-uptime.txt'))).toEqual({uptimeSeconds: 1028})
  })

  it('reads ip -o link show: UP flag, state, alias, peer suffix', () => {
    const {interfaces} = parseIpLink(fixture('linux', 'ip-o-link-show.txt'))
    expect(interfaces).toEqual([
      {name: 'lo', adminUp: true, operUp: true},
      {name: 'ifb0', adminUp: false, operUp: false},
      {name: 'eth0', adminUp: true, operUp: true, description: 'uplink to county core'},
      {name: 'veth0', adminUp: true, operUp: false},
    ])
    expect(interfaceSummary(interfaces!)).toEqual({
      interfacesUp: 2,
      interfacesDown: 1,
      uplink: {name: 'eth0', operUp: true},
    })
  })

  it('reads the /sys/class/net fallback', () => {
    expect(parseSysClassNet(fixture('linux', 'sys-class-net.txt')).interfaces).toEqual([
      {name: 'eth0', adminUp: true, operUp: true, description: 'uplink to county core'},
      {name: 'ifb0', adminUp: false, operUp: false},
      {name: 'lo', adminUp: true, operUp: true},
    ])
  })
})

describe('platform detection from the version banner', () => {
  it('tells every platform from its fixture', () => {
    expect(platformOfBanner(fixture('huawei-vrp', 'ne40e-v800-display-version.txt'))).toBe('huawei-vrp')
    expect(platformOfBanner(fixture('h3c-comware', 's6850-display-version.txt'))).toBe('h3c-comware')
    expect(platformOfBanner(fixture('h3c-comware', 'msr3640-comware5-display-version.txt'))).toBe('h3c-comware')
    expect(platformOfBanner(fixture('cisco-ios', 'c2911-ios15-show-version.txt'))).toBe('cisco-ios')
    expect(platformOfBanner(fixture('cisco-ios', 'c9300-iosxe17-show-version.txt'))).toBe('cisco-ios')
    expect(platformOfBanner('Linux\n')).toBe('linux')
    expect(platformOfBanner("% Invalid input detected at '^' marker.")).toBeUndefined()
  })
})
