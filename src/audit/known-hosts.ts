import {createHash, createHmac, timingSafeEqual} from 'node:crypto'
import {appendFileSync, existsSync, mkdirSync, readFileSync} from 'node:fs'
import path from 'node:path'

import {GovnetError} from '../errors'
import {auditMessages as msg} from '../messages'
import {checkKnownHostsFile} from './file-modes'

/**
 * OpenSSH known_hosts, read and checked the way `ssh` does with StrictHostKeyChecking: plain and
 * hashed (`|1|salt|hash`) host patterns, `[host]:port` for ports other than 22, wildcards and
 * negation, and the `@revoked` marker. `@cert-authority` lines are skipped: govnet does not accept
 * host certificates.
 */

export type HostKeyStatus = 'known' | 'unknown' | 'changed' | 'revoked'

export interface HostKeyVerdict {
  status: HostKeyStatus
  /** The key type inside the presented blob, e.g. `ssh-ed25519`. */
  keyType: string
  /** `SHA256:…`, as `ssh-keygen -lf` prints it. */
  sha256: string
  /** For `changed`: the key types known for this host (the presented one may be among them). */
  knownKeyTypes: readonly string[]
}

interface KnownHostLine {
  marker?: 'revoked'
  hosts: string
  keyType: string
  key: Buffer
}

/** `SHA256:<base64 without padding>` of a public key blob. */
export function hostKeyFingerprint(keyBlob: Buffer): string {
  return `SHA256:${createHash('sha256').update(keyBlob).digest('base64').replace(/=+$/, '')}`
}

/** The key type is the first SSH string of the blob (a uint32 length, then the name). */
export function keyTypeOf(keyBlob: Buffer): string {
  if (keyBlob.length < 4) return 'unknown'
  const length = keyBlob.readUInt32BE(0)
  return keyBlob.subarray(4, 4 + length).toString('latin1')
}

/** The name known_hosts files use for a host: the bare host on port 22, `[host]:port` otherwise. */
export function knownHostsName(host: string, port: number): string {
  return port === 22 ? host : `[${host}]:${port}`
}

/** The ssh2 host-key algorithms that produce keys of a known_hosts key type (an RSA key signs as rsa-sha2-*). */
export function hostKeyAlgorithmsFor(keyType: string): string[] {
  return keyType === 'ssh-rsa' ? ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'] : [keyType]
}

export class KnownHosts {
  private constructor(
    readonly file: string,
    private readonly lines: KnownHostLine[],
  ) {}

  /**
   * Read a known_hosts file; a missing file is an empty one (every host is then unknown). A file that
   * others can write (or in a folder they can write) is refused: see checkKnownHostsFile.
   */
  static load(file: string): KnownHosts {
    if (!existsSync(file)) return new KnownHosts(file, [])
    try {
      checkKnownHostsFile(file)
    } catch (error) {
      if (error instanceof GovnetError) throw error
      throw msg.knownHostsUnreadable(file, (error as NodeJS.ErrnoException).code ?? (error as Error).message)
    }
    try {
      return new KnownHosts(file, parseKnownHosts(readFileSync(file, 'utf8')))
    } catch (error) {
      throw msg.knownHostsUnreadable(file, (error as NodeJS.ErrnoException).code ?? (error as Error).message)
    }
  }

  static parse(file: string, text: string): KnownHosts {
    return new KnownHosts(file, parseKnownHosts(text))
  }

  /** The key types recorded for a host, so the client can ask for one of those first (as OpenSSH orders HostKeyAlgorithms). */
  knownKeyTypes(host: string, port: number): string[] {
    const name = knownHostsName(host, port)
    const types = this.lines.filter((line) => !line.marker && hostsMatch(line.hosts, name)).map((line) => line.keyType)
    return [...new Set(types)]
  }

  check(host: string, port: number, keyBlob: Buffer): HostKeyVerdict {
    const name = knownHostsName(host, port)
    const keyType = keyTypeOf(keyBlob)
    const sha256 = hostKeyFingerprint(keyBlob)
    const matching = this.lines.filter((line) => hostsMatch(line.hosts, name))
    const verdict = (status: HostKeyStatus, knownKeyTypes: readonly string[] = []): HostKeyVerdict => ({
      status,
      keyType,
      sha256,
      knownKeyTypes,
    })
    if (matching.some((line) => line.marker === 'revoked' && line.key.equals(keyBlob))) return verdict('revoked')
    const known = matching.filter((line) => !line.marker)
    if (known.some((line) => line.key.equals(keyBlob))) return verdict('known')
    if (known.length === 0) return verdict('unknown')
    // The host is known with other keys. The client asks for the known key types first, so a server that
    // still had one of them would have presented it: a different key, of whatever type, means the key changed.
    return verdict('changed', [...new Set(known.map((line) => line.keyType))])
  }

  /** Record a new host key (--accept-new): appended to the file, as `ssh` does, and remembered for this run. */
  add(host: string, port: number, keyBlob: Buffer): void {
    const keyType = keyTypeOf(keyBlob)
    const name = knownHostsName(host, port)
    mkdirSync(path.dirname(this.file), {recursive: true, mode: 0o700})
    const needsNewline = existsSync(this.file) && !endsWithNewline(this.file)
    appendFileSync(this.file, `${needsNewline ? '\n' : ''}${name} ${keyType} ${keyBlob.toString('base64')}\n`, {
      mode: 0o600,
    })
    this.lines.push({hosts: name, keyType, key: keyBlob})
  }
}

function endsWithNewline(file: string): boolean {
  const text = readFileSync(file)
  return text.length === 0 || text[text.length - 1] === 0x0a
}

function parseKnownHosts(text: string): KnownHostLine[] {
  const lines: KnownHostLine[] = []
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim()
    if (line === '' || line.startsWith('#')) continue
    const fields = line.split(/\s+/)
    let marker: string | undefined
    if (fields[0]?.startsWith('@')) marker = fields.shift()
    if (marker !== undefined && marker !== '@revoked') continue
    const [hosts, keyType, keyBase64] = fields
    if (!hosts || !keyType || !keyBase64) continue
    const key = Buffer.from(keyBase64, 'base64')
    // A line whose blob does not say its own type is corrupt: skipped, as ssh does.
    if (keyTypeOf(key) !== keyType) continue
    lines.push({marker: marker === '@revoked' ? 'revoked' : undefined, hosts, keyType, key})
  }
  return lines
}

/** One known_hosts host field against a lookup name: a hashed entry, or comma-separated patterns with `!` negation. */
export function hostsMatch(hosts: string, name: string): boolean {
  if (hosts.startsWith('|1|')) return hashedHostMatches(hosts, name)
  let matched = false
  for (const pattern of hosts.split(',')) {
    const negated = pattern.startsWith('!')
    if (!wildcardMatch(negated ? pattern.slice(1) : pattern, name)) continue
    if (negated) return false
    matched = true
  }
  return matched
}

function hashedHostMatches(entry: string, name: string): boolean {
  const [, , saltBase64, hashBase64] = entry.split('|')
  if (!saltBase64 || !hashBase64) return false
  const expected = Buffer.from(hashBase64, 'base64')
  const actual = createHmac('sha1', Buffer.from(saltBase64, 'base64')).update(name).digest()
  return expected.length === actual.length && timingSafeEqual(expected, actual)
}

/** OpenSSH `match_pattern`: `*` any run, `?` one character, case-insensitive for host names. */
function wildcardMatch(pattern: string, name: string): boolean {
  const regex = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.')
  return new RegExp(`^${regex}$`, 'i').test(name)
}

/**
 * The host-key decision for one connection, strict as OpenSSH's StrictHostKeyChecking: a fingerprint
 * pinned for the node wins over known_hosts; an unknown key is refused unless --accept-new, which
 * records it; a changed or revoked key is always refused. Throws the SshError that fails the node.
 */
export class HostKeyPolicy {
  constructor(
    readonly knownHosts: KnownHosts,
    readonly acceptNew: boolean,
  ) {}

  /** Returns the presented key's fingerprint when the connection may go on. */
  verify(hop: string, host: string, port: number, keyBlob: Buffer, pinnedSha256?: string): string {
    const verdict = this.knownHosts.check(host, port, keyBlob)
    if (verdict.status === 'revoked')
      throw msg.hostKeyRevoked(hop, verdict.keyType, verdict.sha256, this.knownHosts.file)
    if (pinnedSha256 !== undefined) {
      if (verdict.sha256 === pinnedSha256) return verdict.sha256
      throw msg.hostKeyChanged(
        hop,
        verdict.keyType,
        verdict.sha256,
        `the fingerprint pinned in the inventory (${pinnedSha256})`,
      )
    }
    switch (verdict.status) {
      case 'known':
        return verdict.sha256
      case 'changed':
        throw msg.hostKeyChanged(
          hop,
          verdict.keyType,
          verdict.sha256,
          `the ${verdict.knownKeyTypes.join(', ')} key(s) in ${this.knownHosts.file}`,
        )
      default:
        if (!this.acceptNew) throw msg.hostKeyUnknown(hop, verdict.keyType, verdict.sha256, this.knownHosts.file)
        try {
          this.knownHosts.add(host, port, keyBlob)
        } catch (error) {
          throw msg.hostKeyNotRecorded(
            hop,
            verdict.keyType,
            verdict.sha256,
            this.knownHosts.file,
            (error as NodeJS.ErrnoException).code ?? String(error),
          )
        }
        return verdict.sha256
    }
  }

  /** The host-key algorithms to ask for first: those of the key types already known for the host. */
  preferredAlgorithms(host: string, port: number): string[] {
    return this.knownHosts.knownKeyTypes(host, port).flatMap(hostKeyAlgorithmsFor)
  }
}
