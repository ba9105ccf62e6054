import {Flags} from '@oclif/core'
import {homedir} from 'node:os'
import path from 'node:path'

import type {NodeAccess} from '../domain/node-access'
import type {InventoryAuditSummary, NodeAuditResult} from '../audit/run'
import {durationFlag, SSH_TIMEOUT_RULE} from './flags'
import {Progress} from './progress'
import {renderFields, renderTable} from './table'

export const DEFAULT_KNOWN_HOSTS = path.join(homedir(), '.ssh', 'known_hosts')

/** The SSH flags of `govnet audit`: how to log in, how to trust host keys, how long to wait. */
export const sshFlags = {
  user: Flags.string({
    description: 'login user for nodes without their own (`node access set --user`); default: the OS user',
    helpGroup: 'SSH',
  }),
  identity: Flags.string({char: 'i', description: 'private key file (OpenSSH or PEM format)', helpGroup: 'SSH'}),
  'passphrase-env': Flags.string({
    description: 'environment variable holding the passphrase of --identity',
    helpGroup: 'SSH',
  }),
  'password-env': Flags.string({
    description: 'environment variable holding the password (password and keyboard-interactive)',
    helpGroup: 'SSH',
  }),
  'password-file': Flags.string({
    description: 'file whose first line is the password; must be mode 0600 or stricter',
    helpGroup: 'SSH',
    exclusive: ['password-env'],
  }),
  agent: Flags.boolean({
    description: 'use ssh-agent when SSH_AUTH_SOCK is set',
    default: true,
    allowNo: true,
    helpGroup: 'SSH',
  }),
  'known-hosts': Flags.string({
    description: 'OpenSSH known_hosts file to check host keys against (default: ~/.ssh/known_hosts)',
    helpGroup: 'SSH',
  }),
  'accept-new': Flags.boolean({
    description: 'record unknown host keys in the known_hosts file (changed keys are still refused)',
    helpGroup: 'SSH',
  }),
  jump: Flags.string({
    description: 'jump host (bastion) as user@host[:port] for nodes without their own; its host key is checked too',
    helpGroup: 'SSH',
  }),
  timeout: durationFlag(SSH_TIMEOUT_RULE, {
    description: 'connect timeout per hop: TCP, banner, key exchange, login (e.g. 10s)',
    default: '10s',
    helpGroup: 'SSH',
  }),
  'command-timeout': durationFlag(SSH_TIMEOUT_RULE, {
    description: 'timeout of each command on the node',
    default: '30s',
    helpGroup: 'SSH',
  }),
  keepalive: durationFlag(SSH_TIMEOUT_RULE, {
    description: 'SSH keepalive interval for nodes without their own; 0 turns it off (3 missed = dropped)',
    default: '15s',
    helpGroup: 'SSH',
  }),
  'node-deadline': durationFlag(SSH_TIMEOUT_RULE, {
    description: 'hard limit per node, retries included (default: 2×timeout per hop + backoff + 4×command-timeout)',
    helpGroup: 'SSH',
  }),
}

// ---- output ----

export function renderSummary(summary: InventoryAuditSummary): string {
  const failures = Object.entries(summary.failedByReason)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([code, count]) => `${code} ${count}`)
    .join(', ')
  const lines = [
    renderFields([
      ['selected', summary.selected],
      ['reached', summary.reached],
      ['failed', summary.failed === 0 ? '0' : `${summary.failed} (${failures})`],
      ['host-key problems', summary.hostKeyProblems.length],
      ...(summary.skipped.length > 0
        ? ([['skipped (decommissioned)', summary.skipped.length]] as [string, number][])
        : []),
      ...(summary.interrupted
        ? ([['not audited (interrupted)', summary.notAudited.length]] as [string, number][])
        : []),
    ]),
  ]
  const failed = summary.results.filter((result) => result.outcome !== 'ok')
  if (failed.length > 0) {
    lines.push(
      '',
      renderTable<NodeAuditResult>(
        [
          {header: 'NODE', value: (r) => r.nodeId},
          {header: 'OUTCOME', value: (r) => r.outcome},
          {header: 'REASON', value: (r) => r.reason},
        ],
        failed,
      ),
    )
  }
  return lines.join('\n')
}

/** One plain line per finished node, for logs and pipes. */
export function resultLine(result: NodeAuditResult): string {
  const head = `${result.outcome === 'ok' ? 'ok  ' : 'FAIL'} ${result.nodeId} ${result.target}${result.via ? ` via ${result.via}` : ''} ${result.durationMs}ms`
  return result.outcome === 'ok' ? `${head} ${result.platform}` : `${head} ${result.outcome}: ${result.reason}`
}

/**
 * The audit's progress on stderr (src/cli/progress.ts): a bar with count, rate, elapsed time and ETA
 * on a terminal; otherwise one line per finished node and a status line every few seconds.
 * `stop()` must run in a `finally`: it ends the bar's line also when the run fails.
 */
export class AuditProgress {
  private failed = 0
  private readonly progress: Progress

  constructor(
    total: number,
    private readonly stream: NodeJS.WriteStream = process.stderr,
    quiet = false,
  ) {
    this.progress = new Progress({label: 'audit', unit: 'nodes', total, stream, quiet})
  }

  /** On a terminal only failures get a line above the bar; in logs every node does. */
  onResult(result: NodeAuditResult): void {
    if (result.outcome !== 'ok') this.failed++
    if (!this.stream.isTTY || result.outcome !== 'ok') this.progress.line(resultLine(result))
    this.progress.tick(1, `failed ${this.failed}`)
  }

  note(line: string): void {
    this.progress.line(line)
  }

  stop(): void {
    this.progress.stop()
  }
}

export function renderAccess(nodeId: string, access: NodeAccess | null | undefined): string {
  return renderFields([
    ['node', nodeId],
    ['user', access?.user],
    ['jump', access?.jump],
    ['kex', access?.kex],
    ['host key algorithms', access?.hostKeyAlgorithms],
    ['ciphers', access?.ciphers],
    ['macs', access?.macs],
    ['keepalive (s)', access?.keepaliveSeconds],
    ['pinned host key', access?.hostKeySha256],
    ['updated', access?.updatedAt],
  ])
}
