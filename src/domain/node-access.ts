import {addressProblem, normalizeAddress} from './address'
import {FieldError, integer, RecordSchema, text} from './fields'
import {redactLoginName, redactUserinfo} from '../messages/redact'
import {auditMessages as msg} from '../messages'
import {algorithmOverrideProblem, AlgorithmCategory, AlgorithmOverrides} from './ssh-algorithms'

/**
 * How govnet reaches one node when it differs from the run's defaults: login user, jump host,
 * algorithms, keepalive, and a pinned host key. Stored in node_access; never a credential.
 */
export interface NodeAccess {
  nodeId: string
  user: string | null
  /** `user@host[:port]`. */
  jump: string | null
  kex: string | null
  hostKeyAlgorithms: string | null
  ciphers: string | null
  macs: string | null
  keepaliveSeconds: number | null
  hostKeySha256: string | null
  updatedAt: string
}

/** The settable fields as written on the command line (`--host-key-algorithms` → host_key_algorithms). */
export interface NodeAccessFields {
  user: string | undefined
  jump: string | undefined
  kex: string | undefined
  host_key_algorithms: string | undefined
  ciphers: string | undefined
  macs: string | undefined
  keepalive_s: number | undefined
  host_key_sha256: string | undefined
}

export interface JumpHost {
  user: string
  host: string
  port: number
}

const USER = /^[A-Za-z0-9_][A-Za-z0-9_.@-]{0,63}$/
const JUMP = /^([^@\s]+)@(\[[^\]]+\]|[^:\s]+)(?::(\d{1,5}))?$/

/** A login name govnet sends as the SSH user: letters, digits, _ . @ -, up to 64 characters. */
export function isLoginName(value: string): boolean {
  return USER.test(value)
}

/** `user@host[:port]`, an IPv6 host in brackets. Undefined when the text is not one. */
export function parseJump(value: string): JumpHost | undefined {
  const match = JUMP.exec(value.trim())
  if (!match) return undefined
  const [, user, rawHost, rawPort] = match
  const host = rawHost!.startsWith('[') ? rawHost!.slice(1, -1) : rawHost!
  const port = rawPort === undefined ? 22 : Number(rawPort)
  if (!USER.test(user!) || addressProblem(host) !== undefined || port < 1 || port > 65_535) return undefined
  return {user: user!, host: normalizeAddress(host), port}
}

const loginUser = (value: unknown): string => {
  const user = text({max: 64})(value)
  if (!USER.test(user))
    throw new FieldError(`"${redactLoginName(user)}" is not a login name (letters, digits, _ . @ -; up to 64)`)
  return user
}

const jumpHost = (value: unknown): string => {
  const jump = text({max: 300})(value)
  if (!parseJump(jump)) throw new FieldError(`"${redactUserinfo(jump)}" is not user@host[:port]`)
  return jump
}

const algorithms =
  (category: AlgorithmCategory) =>
  (value: unknown): string => {
    const list = text({max: 1000})(value)
    const problem = algorithmOverrideProblem(category, list)
    if (problem) throw new FieldError(problem)
    return list
  }

const fingerprint = (value: unknown): string => {
  const pin = text({max: 60})(value)
  if (!isHostKeyFingerprint(pin)) throw new FieldError(msg.invalidFingerprint(pin))
  return pin
}

const FINGERPRINT = /^SHA256:[A-Za-z0-9+/]{43}$/

/** A pinned host key as OpenSSH prints it: `SHA256:` and 43 base64 characters. */
export function isHostKeyFingerprint(text: string): boolean {
  return FINGERPRINT.test(text)
}

const optional = <T>(parse: (value: unknown) => T) => ({required: false, parse})

export const NODE_ACCESS_SCHEMA: RecordSchema<NodeAccessFields> = {
  user: optional(loginUser),
  jump: optional(jumpHost),
  kex: optional(algorithms('kex')),
  host_key_algorithms: optional(algorithms('hostKey')),
  ciphers: optional(algorithms('cipher')),
  macs: optional(algorithms('mac')),
  keepalive_s: optional(integer({min: 0, max: 3600})),
  host_key_sha256: optional(fingerprint),
}

export const NODE_ACCESS_FIELDS = Object.keys(NODE_ACCESS_SCHEMA) as (keyof NodeAccessFields)[]

/** The algorithm overrides of a node, in the categories the SSH client knows. */
export function accessAlgorithms(access: NodeAccess | undefined): AlgorithmOverrides {
  const overrides: AlgorithmOverrides = {}
  if (access?.kex) overrides.kex = access.kex
  if (access?.hostKeyAlgorithms) overrides.hostKey = access.hostKeyAlgorithms
  if (access?.ciphers) overrides.cipher = access.ciphers
  if (access?.macs) overrides.mac = access.macs
  return overrides
}
