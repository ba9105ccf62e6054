/**
 * Every failure to reach or audit a node is an SshError with a machine-readable code. The code is what
 * the audit records as the node's outcome (node_audits.outcome, nodes.last_audit_outcome), what the
 * summary groups failures by, and what the pool's retry rule looks at. The message is one line a
 * network engineer can act on; it never contains a credential.
 */
export const SSH_ERROR_CODES = [
  /** No SSH banner or handshake within the connect timeout (readyTimeout), or the run's deadline passed. */
  'timeout',
  /** The server rejected every authentication method offered. */
  'auth',
  /** The host key is in neither the known_hosts file nor the pinned fingerprint, and --accept-new is off. */
  'host-key-unknown',
  /**
   * The host key differs from the known or pinned one, or is marked @revoked in known_hosts (the message
   * says which): the presented key is not one the node may have. Never connected past.
   */
  'host-key-changed',
  /** TCP connection refused: nothing listens on that port. */
  'refused',
  /** No route, host down, DNS failure, or the jump host could not open a channel to the target. */
  'unreachable',
  /** The peer broke the SSH protocol or sent something the client cannot parse. */
  'protocol',
  /** No key exchange, host-key, cipher or MAC algorithm in common; the message names what the device offered. */
  'algorithm-mismatch',
  /** A command did not finish (or the prompt did not come back) within the command timeout. */
  'command-timeout',
  /** The connection closed before the audit finished (e.g. the device dropped it mid-command). */
  'closed',
  /** The device refused a command of the profile and no fallback exists. */
  'command-refused',
] as const

export type SshErrorCode = (typeof SSH_ERROR_CODES)[number]

/** The codes after which the pool tries a node once more (after a backoff): transient by nature. */
export const RETRYABLE_SSH_ERROR_CODES: ReadonlySet<SshErrorCode> = new Set<SshErrorCode>(['refused', 'timeout'])

/** The codes that are host-key problems, reported apart in the summary because they need a human decision. */
export const HOST_KEY_SSH_ERROR_CODES: ReadonlySet<SshErrorCode> = new Set<SshErrorCode>([
  'host-key-unknown',
  'host-key-changed',
])

export interface SshErrorDetails {
  /** The hop that failed when it was the jump host rather than the node itself, as `user@host:port`. */
  hop?: string
  /** For host-key problems: the fingerprint the server presented, `SHA256:…`. */
  presentedKeySha256?: string
  /** For algorithm-mismatch: what the device offered, per algorithm category. */
  offered?: Readonly<Record<string, readonly string[]>>
  /** The underlying error, kept for debugging; never printed by the CLI. */
  cause?: unknown
}

export class SshError extends Error {
  readonly hop?: string
  readonly presentedKeySha256?: string
  readonly offered?: Readonly<Record<string, readonly string[]>>

  constructor(
    readonly code: SshErrorCode,
    message: string,
    details: SshErrorDetails = {},
  ) {
    super(message, details.cause === undefined ? undefined : {cause: details.cause})
    this.name = 'SshError'
    this.hop = details.hop
    this.presentedKeySha256 = details.presentedKeySha256
    this.offered = details.offered
  }

  get retryable(): boolean {
    return RETRYABLE_SSH_ERROR_CODES.has(this.code)
  }
}

export function isSshError(error: unknown): error is SshError {
  return error instanceof SshError
}
