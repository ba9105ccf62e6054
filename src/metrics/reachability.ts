import {AUDIT_OK} from '../domain/audit-facts'
import {SSH_ERROR_CODES, SshErrorCode} from '../ssh-errors'

/** What the latest SSH audit of a node says about it, as the govnet_audit_nodes `result` label. */
export const AUDIT_RESULTS = ['reachable', 'unreachable', 'host_key_mismatch', 'audit_failed', 'never_audited'] as const
export type AuditResult = (typeof AUDIT_RESULTS)[number]

/** The outcome label of a node that was never audited (nodes.last_audit_outcome IS NULL). */
export const NEVER_AUDITED_OUTCOME = 'never'

/** Every outcome an audit records: 'ok', then each SshError code. */
export const AUDIT_OUTCOMES: readonly string[] = [AUDIT_OK, ...SSH_ERROR_CODES]

/**
 * Each SshError code's meaning for reachability. Unreachable: the SSH service could not be reached at
 * all. Host key mismatch: reached, but the key differs from the known one (possible interception, or
 * a replaced device), so the audit stopped. Everything else reached the device and failed later.
 * A Record over SshErrorCode, so a new code does not compile until it is placed here.
 */
const RESULT_OF_SSH_ERROR: Readonly<Record<SshErrorCode, AuditResult>> &
  Readonly<Partial<Record<string, AuditResult>>> = {
  timeout: 'unreachable',
  refused: 'unreachable',
  unreachable: 'unreachable',
  'host-key-changed': 'host_key_mismatch',
  'host-key-unknown': 'audit_failed',
  auth: 'audit_failed',
  protocol: 'audit_failed',
  'algorithm-mismatch': 'audit_failed',
  'command-timeout': 'audit_failed',
  closed: 'audit_failed',
  'command-refused': 'audit_failed',
}

/** Classify nodes.last_audit_outcome (null: never audited). An outcome this govnet does not know counts as audit_failed. */
export function auditResultOf(outcome: string | null): AuditResult {
  if (outcome === null) return 'never_audited'
  if (outcome === AUDIT_OK) return 'reachable'
  return RESULT_OF_SSH_ERROR[outcome] ?? 'audit_failed'
}
