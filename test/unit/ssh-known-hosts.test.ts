import {createHmac, generateKeyPairSync, randomBytes} from 'node:crypto'
import {mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import path from 'node:path'
import {afterAll, describe, expect, it} from 'vitest'

import {SshError} from '../../src/ssh-errors'
import {isHostKeyFingerprint} from '../../src/domain/node-access'
import {auditMessages as msg} from '../../src/messages'
import {
  HostKeyPolicy,
  hostKeyFingerprint,
  hostsMatch,
  keyTypeOf,
  KnownHosts,
  knownHostsName,
} from '../../src/audit/known-hosts'

/** An ed25519 public key blob as an SSH server presents it: string "ssh-ed25519", string key(32). */
function ed25519Blob(): Buffer {
  const raw = generateKeyPairSync('ed25519').publicKey.export({format: 'der', type: 'spki'}).subarray(-32)
  const type = Buffer.from('ssh-ed25519')
  const length = (n: number) => {
    const b = Buffer.alloc(4)
    b.writeUInt32BE(n)
    return b
  }
  return Buffer.concat([length(type.length), type, length(raw.length), raw])
}

const line = (hosts: string, blob: Buffer, marker = '') =>
  `${marker ? `${marker} ` : ''}${hosts} ${keyTypeOf(blob)} ${blob.toString('base64')}`

function hashed(name: string): string {
  const salt = randomBytes(20)
  return `|1|${salt.toString('base64')}|${createHmac('sha1', salt).update(name).digest('base64')}`
}

describe('known_hosts', () => {
  const key = ed25519Blob()
  const other = ed25519Blob()
  const dir = mkdtempSync(path.join(tmpdir(), 'govnet-kh-'))
  afterAll(() => rmSync(dir, {recursive: true, force: true}))

  it('names hosts as OpenSSH does: bare on port 22, [host]:port otherwise', () => {
    expect(knownHostsName('10.0.0.1', 22)).toBe('10.0.0.1')
    expect(knownHostsName('10.0.0.1', 2222)).toBe('[10.0.0.1]:2222')
  })

  it('fingerprints like ssh-keygen -lf: SHA256 and unpadded base64', () => {
    const fingerprint = hostKeyFingerprint(key)
    expect(fingerprint).toMatch(/^SHA256:[A-Za-z0-9+/]{43}$/)
    expect(isHostKeyFingerprint(fingerprint)).toBe(true)
    expect(isHostKeyFingerprint(`${fingerprint}=`)).toBe(false)
  })

  it('matches patterns with wildcards, negation and the port form', () => {
    expect(hostsMatch('10.0.0.1,gw.example', 'gw.example')).toBe(true)
    expect(hostsMatch('10.0.0.*', '10.0.0.7')).toBe(true)
    expect(hostsMatch('10.0.0.?', '10.0.0.17')).toBe(false)
    expect(hostsMatch('10.0.0.*,!10.0.0.7', '10.0.0.7')).toBe(false)
    expect(hostsMatch('[10.0.0.1]:2222', '[10.0.0.1]:2222')).toBe(true)
    expect(hostsMatch('10.0.0.1', '[10.0.0.1]:2222')).toBe(false)
    expect(hostsMatch('GW.Example', 'gw.example')).toBe(true)
  })

  it('matches hashed entries (|1|salt|hmac) for the exact name only', () => {
    expect(hostsMatch(hashed('[10.0.0.1]:2222'), '[10.0.0.1]:2222')).toBe(true)
    expect(hostsMatch(hashed('[10.0.0.1]:2222'), '10.0.0.1')).toBe(false)
  })

  it('tells known, unknown, changed and revoked apart', () => {
    const knownHosts = KnownHosts.parse(
      'kh',
      [
        '# comment',
        '',
        line('10.0.0.1', key),
        line(hashed('[10.0.0.2]:830'), key),
        line('*', other, '@cert-authority'),
        line('10.0.0.9', other, '@revoked'),
        line('10.0.0.9', other),
        'garbage-line',
      ].join('\n'),
    )
    expect(knownHosts.check('10.0.0.1', 22, key).status).toBe('known')
    expect(knownHosts.check('10.0.0.2', 830, key).status).toBe('known')
    expect(knownHosts.check('10.0.0.3', 22, key).status).toBe('unknown')
    expect(knownHosts.check('10.0.0.1', 22, other)).toMatchObject({status: 'changed', knownKeyTypes: ['ssh-ed25519']})
    expect(knownHosts.check('10.0.0.9', 22, other).status).toBe('revoked')
    // A @cert-authority line is not a host key: the host stays unknown.
    expect(knownHosts.check('10.0.0.5', 22, other).status).toBe('unknown')
    expect(knownHosts.knownKeyTypes('10.0.0.2', 830)).toEqual(['ssh-ed25519'])
  })

  it('the policy: pins win, unknown keys are refused unless --accept-new records them, changed keys never', () => {
    const file = path.join(dir, 'known_hosts')
    writeFileSync(file, line('10.0.0.1', key)) // no trailing newline, as hand-edited files often are
    const strict = new HostKeyPolicy(KnownHosts.load(file), false)
    const codeOf = (fn: () => unknown) => {
      try {
        fn()
      } catch (error) {
        expect(error).toBeInstanceOf(SshError)
        return (error as SshError).code
      }
      return expect.fail('the key was accepted')
    }
    expect(strict.verify('h', '10.0.0.1', 22, key)).toBe(hostKeyFingerprint(key))
    expect(codeOf(() => strict.verify('h', '10.0.0.1', 22, other))).toBe('host-key-changed')
    expect(codeOf(() => strict.verify('h', '10.0.0.4', 22, key))).toBe('host-key-unknown')
    expect(strict.verify('h', '10.0.0.4', 22, key, hostKeyFingerprint(key))).toBe(hostKeyFingerprint(key))
    expect(codeOf(() => strict.verify('h', '10.0.0.1', 22, key, hostKeyFingerprint(other)))).toBe('host-key-changed')

    const lenient = new HostKeyPolicy(KnownHosts.load(file), true)
    expect(codeOf(() => lenient.verify('h', '10.0.0.1', 22, other))).toBe('host-key-changed')
    lenient.verify('h', '10.0.0.4', 2222, key)
    expect(readFileSync(file, 'utf8')).toBe(`${line('10.0.0.1', key)}\n${line('[10.0.0.4]:2222', key)}\n`)
    expect(new HostKeyPolicy(KnownHosts.load(file), false).verify('h', '10.0.0.4', 2222, key)).toBe(
      hostKeyFingerprint(key),
    )
  })

  it('prefers the algorithms of the key types already known for a host', () => {
    const policy = new HostKeyPolicy(
      KnownHosts.parse(
        'kh',
        `${line('10.0.0.1', key)}\n10.0.0.1 ssh-rsa ${Buffer.concat([Buffer.from([0, 0, 0, 7]), Buffer.from('ssh-rsa')]).toString('base64')}`,
      ),
      false,
    )
    expect(policy.preferredAlgorithms('10.0.0.1', 22)).toEqual([
      'ssh-ed25519',
      'rsa-sha2-512',
      'rsa-sha2-256',
      'ssh-rsa',
    ])
    expect(policy.preferredAlgorithms('10.0.0.2', 22)).toEqual([])
  })
})

describe('--accept-new where the known_hosts file cannot be written', () => {
  it('refuses the key as unknown, saying why it was not recorded', () => {
    const key = ed25519Blob()
    const dir = mkdtempSync(path.join(tmpdir(), 'govnet-kh-ro-'))
    try {
      // A directory where the file should be: appending fails with EISDIR, also for root.
      const file = path.join(dir, 'known_hosts')
      mkdirSync(file)
      const policy = new HostKeyPolicy(KnownHosts.parse(file, ''), true)
      expect(() => policy.verify('h', '10.0.0.1', 22, key)).toThrow(
        msg.hostKeyNotRecorded('h', 'ssh-ed25519', hostKeyFingerprint(key), file, 'EISDIR').message,
      )
    } finally {
      rmSync(dir, {recursive: true, force: true})
    }
  })
})
