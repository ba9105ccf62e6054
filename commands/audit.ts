import {Flags} from '@oclif/core'
import {userInfo} from 'node:os'

import {isLoginName, parseJump} from '../src/domain/node-access'
import {resolveCredentials} from '../src/audit/credentials'
import {HostKeyPolicy, KnownHosts} from '../src/audit/known-hosts'
import {auditInventory, InventoryAuditSummary, RETRY_BACKOFF_MS} from '../src/audit/run'
import {PLATFORMS} from '../src/domain/nodes'
import {AuditProgress, DEFAULT_KNOWN_HOSTS, renderSummary, sshFlags} from '../src/cli/audit'
import {GovnetCommand} from '../src/cli/base'
import {TIERS} from '../src/domain/tiers'
import {ExitCode} from '../src/errors'
import {auditMessages as msg} from '../src/messages'

/** Exit status of a run stopped with Ctrl-C: 128 + SIGINT, as shells report it. */
export const EXIT_INTERRUPTED = 130

export default class Audit extends GovnetCommand {
  static description =
    'Audit extranet nodes over SSH: log in, check the host key (strict, as OpenSSH: known_hosts or a pinned fingerprint), ' +
    "run the platform's read-only commands and record facts and reachability. Each node's result is written to the inventory " +
    'as it completes, so an interrupted run keeps what it finished. Decommissioned nodes are skipped. Refused and timed-out ' +
    'connections are retried once. Exits 0 when every node was reached, 7 when any failed, 130 when interrupted (Ctrl-C once: ' +
    'start no more nodes; twice: abandon those in flight).'
  static enableJsonFlag = true
  static examples = [
    '<%= config.bin %> <%= command.id %> --under 4419 --identity ~/.ssh/govnet_ed25519',
    '<%= config.bin %> <%= command.id %> --tier township --under 4419 --concurrency 64 --timeout 5s --json',
    'NODE_PW=… <%= config.bin %> <%= command.id %> --node twn-441900003 --user audit --password-env NODE_PW --jump ops@10.1.0.10',
    '<%= config.bin %> <%= command.id %> --platform auto --under 4419 --known-hosts ./known_hosts --accept-new',
  ]
  static flags = {
    under: Flags.string({description: 'only nodes in this division or below it (division code)'}),
    tier: Flags.string({description: 'only nodes of this tier', options: [...TIERS]}),
    tag: Flags.string({description: 'only nodes with this tag'}),
    node: Flags.string({description: 'only this node (repeatable); every id must exist', multiple: true}),
    platform: Flags.string({
      description: "only nodes of this platform; 'auto' audits every platform and detects it from the version banner",
      options: [...PLATFORMS, 'auto'],
    }),
    concurrency: Flags.integer({description: 'nodes audited at the same time', default: 32, min: 1, max: 1024}),
    ...sshFlags,
  }
  static summary = 'Audit extranet nodes over SSH'

  async run(): Promise<InventoryAuditSummary> {
    const {flags} = await this.parse(Audit)
    const connectTimeoutMs = flags.timeout.ms
    const commandTimeoutMs = flags['command-timeout'].ms
    const keepaliveIntervalMs = flags.keepalive.ms
    const nodeDeadlineMs = flags['node-deadline']?.ms
    const jump = flags.jump === undefined ? undefined : parseJump(flags.jump)
    if (flags.jump !== undefined && !jump) throw msg.invalidJump(flags.jump)
    if (flags.user !== undefined && !isLoginName(flags.user)) throw msg.invalidUser(flags.user)
    const credentials = resolveCredentials({
      agent: flags.agent,
      identityFile: flags.identity,
      passphraseEnv: flags['passphrase-env'],
      passwordEnv: flags['password-env'],
      passwordFile: flags['password-file'],
    })
    const hostKeys = new HostKeyPolicy(
      KnownHosts.load(flags['known-hosts'] ?? DEFAULT_KNOWN_HOSTS),
      flags['accept-new'],
    )
    const inventory = this.openInventory(flags.db)

    const stop = new AbortController()
    const abort = new AbortController()
    let progress: AuditProgress | undefined
    const onSigint = () => {
      if (!stop.signal.aborted) {
        stop.abort()
        progress?.note('interrupted: starting no more nodes, finishing those in flight (Ctrl-C again to abandon them)')
      } else {
        abort.abort(msg.interruptedNode('in flight'))
      }
    }
    process.on('SIGINT', onSigint)
    let summary: InventoryAuditSummary
    try {
      summary = await auditInventory(
        inventory,
        {
          under: flags.under,
          tier: flags.tier as (typeof TIERS)[number] | undefined,
          tag: flags.tag,
          nodeIds: flags.node,
          platform: flags.platform as (typeof PLATFORMS)[number] | 'auto' | undefined,
        },
        {
          credentials,
          hostKeys,
          user: flags.user ?? userInfo().username,
          jump,
          concurrency: flags.concurrency,
          connectTimeoutMs,
          commandTimeoutMs,
          keepaliveIntervalMs,
          retryBackoffMs: RETRY_BACKOFF_MS,
          nodeDeadlineMs,
          stop: stop.signal,
          abort: abort.signal,
          onStart: (total) =>
            (progress = new AuditProgress(total, process.stderr, this.jsonEnabled() && !process.stderr.isTTY)),
          onResult: (result) => progress?.onResult(result),
        },
      )
    } finally {
      progress?.stop()
      process.removeListener('SIGINT', onSigint)
    }
    if (!this.jsonEnabled()) this.log(renderSummary(summary))
    // The summary is the output either way (also with --json); failures and interruptions set the exit code.
    if (summary.interrupted) process.exitCode = EXIT_INTERRUPTED
    else if (summary.failed > 0) process.exitCode = ExitCode.checkFailed
    return summary
  }
}
