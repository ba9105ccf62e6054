import {Args, Flags} from '@oclif/core'

import {isSelection, isUnderCode, TenantSelection} from '../domain/batch'
import {Target, TARGETS} from '../domain/preflight'
import {Operation} from '../domain/provisioning'
import {HOSTED_LEVELS, HostedLevel, TENANT_STATUSES, TenantStatus} from '../domain/tenants'
import {FindingError} from '../errors'
import * as msg from '../messages/provision'
import {BACKEND_ENV} from '../provision/backend'
import {BatchItem, BatchResult, provisionBatch} from '../provision/batch'
import {provisionTenant, ProvisionResult} from '../provision/driver'
import {actorFlag, GovnetCommand} from './base'
import {Progress} from './progress'
import {renderFields, renderTable} from './table'

/** Exit status of a batch stopped with Ctrl-C: 128 + SIGINT, as shells report it (as `govnet audit`). */
export const EXIT_INTERRUPTED = 130

/** `tenant preview | up | destroy | refresh` take one tenant id or a selection (batchFlags). */
export const batchArgs = {
  id: Args.string({description: 'tenant id (or a selection: --all, --under, --level, --status, --region)'}),
}

export const provisionFlags = {
  actor: actorFlag,
  target: Flags.string({
    description: 'where the tenant is built: local (the inventory only) or openstack',
    options: [...TARGETS],
    default: 'local',
  }),
  backend: Flags.string({
    description: `Pulumi state backend URL shared by many runners, e.g. postgres://user:password@host:5432/db?sslmode=disable or s3://bucket?region=… (default: ${BACKEND_ENV}, then the file backend next to the inventory); its password is never shown or stored`,
  }),
}

export const batchFlags = {
  all: Flags.boolean({description: 'every tenant (decommissioned ones only with --status decommissioned)'}),
  under: Flags.string({
    description:
      "tenants whose department's USCC division (characters 3–8) is this province, prefecture or county code, or below it",
  }),
  level: Flags.option({description: 'tenants of this MLPS level', options: HOSTED_LEVELS.map(String)})(),
  status: Flags.option({
    description: 'tenants with this status (repeatable)',
    options: TENANT_STATUSES,
    multiple: true,
  })(),
  region: Flags.string({description: 'tenants in this cloud region'}),
  parallel: Flags.integer({description: 'stacks run at once in a batch', default: 2, min: 1, max: 64}),
}

export const upFlags = {
  force: Flags.boolean({
    description: 'run the engine even when the stack is up to date (its inputs unchanged since its last successful up)',
  }),
}

export function renderProvisionResult(result: ProvisionResult): string {
  const networks = Array.isArray(result.outputs.networks)
    ? (result.outputs.networks as Array<{zone: string; cidr: string}>).map((n) => `${n.zone} ${n.cidr}`).join(', ')
    : null
  return renderFields([
    ['tenant', result.tenant],
    ['operation', `${result.operation} (${result.target})`],
    ['status', result.status],
    ['resources', result.upToDate ? 'up to date: the engine was not run' : renderChanges(result.changes)],
    ['networks', networks],
    ['at', result.at],
  ])
}

const renderChanges = (changes: Record<string, number>) =>
  Object.entries(changes)
    .filter(([, n]) => n > 0)
    .map(([kind, n]) => `${kind} ${n}`)
    .join(', ') || 'no changes'

/** One tenant's line of a batch: "gz-a: created (create 8) 12.3s" or "gz-b: failed: <reason>". */
export function renderBatchItem(operation: string, item: BatchItem): string {
  const detail = item.reason ?? (item.upToDate ? 'up to date' : renderChanges(item.changes))
  return `tenant ${operation} ${item.tenant}: ${item.outcome}${item.reason ? ': ' : ' ('}${detail}${item.reason ? '' : ')'} ${item.seconds}s`
}

export function renderBatch(result: BatchResult): string {
  const counts = Object.entries(result.summary)
    .filter(([, n]) => n > 0)
    .map(([outcome, n]) => `${outcome} ${n}`)
    .join(', ')
  const failures = result.tenants.filter((t) => t.reason !== null)
  const table =
    failures.length > 0
      ? `\n${renderTable<BatchItem>(
          [
            {header: 'TENANT', value: (t) => t.tenant},
            {header: 'OUTCOME', value: (t) => t.outcome},
            {header: 'REASON', value: (t) => t.reason},
          ],
          failures,
        )}`
      : ''
  return `tenant ${result.operation} (${result.target}, ${result.parallel} at once): ${result.selected} selected; ${counts || 'nothing to do'}${result.interrupted ? ' (interrupted)' : ''}${table}`
}

type ProvisionFlags = {
  actor?: string
  target: string
  backend?: string
  db?: string
  all?: boolean
  under?: string
  level?: string
  status?: string[]
  region?: string
  parallel?: number
  force?: boolean
}

function selectionOf(flags: ProvisionFlags): TenantSelection {
  if (flags.under !== undefined && !isUnderCode(flags.under)) throw msg.batchUnderInvalid(flags.under)
  return {
    all: flags.all,
    under: flags.under,
    level: flags.level === undefined ? undefined : (Number(flags.level) as HostedLevel),
    statuses: flags.status as TenantStatus[] | undefined,
    region: flags.region,
  }
}

/**
 * `tenant preview | up | destroy | refresh`: parse, hand the operation to the driver (one tenant) or
 * to the batch (a selection), render. Each command declares its args and flags itself (oclif reads a
 * command's own statics). One tenant's engine output streams as it comes (with --json to stderr, so
 * that stdout stays one JSON document); a batch shows a progress bar on a terminal, plain lines otherwise.
 */
export abstract class ProvisionCommand extends GovnetCommand {
  // The same statics as the subclasses declare, so that parsing through the base is typed.
  static args = batchArgs
  static flags = {...provisionFlags, ...batchFlags}

  protected abstract readonly operation: Operation

  async run(): Promise<ProvisionResult | BatchResult> {
    const {args, flags} = await this.parse(this.constructor as typeof ProvisionCommand)
    const selection = selectionOf(flags)
    if (isSelection(selection)) {
      if (args.id !== undefined) throw msg.batchSelectionWithId(this.operation, args.id)
      return this.runBatch(flags, selection)
    }
    if (args.id === undefined) throw msg.batchSelectionMissing(this.operation)
    const inventory = this.openForWrite(flags)
    const stream = this.jsonEnabled() ? process.stderr : process.stdout
    const result = await provisionTenant(inventory, {
      tenantId: args.id,
      operation: this.operation,
      target: flags.target as Target,
      backend: flags.backend,
      force: (flags as ProvisionFlags).force,
      onOutput: (text) => stream.write(text),
    })
    if (!this.jsonEnabled()) this.log(renderProvisionResult(result))
    return result
  }

  /**
   * Ctrl-C once: start no more stacks, let the running ones finish; twice: interrupt those (the engine
   * gets SIGINT, as from Ctrl-C in `pulumi up`, then its lock is dropped as `pulumi cancel` does).
   * The summary is the output either way; any failure exits 7, an interruption 130.
   */
  private async runBatch(flags: ProvisionFlags, selection: TenantSelection): Promise<BatchResult> {
    const {operation} = this
    const inventory = this.openForWrite(flags)
    const stop = new AbortController()
    const cancel = new AbortController()
    let progress: Progress | undefined
    let total = 0
    let taken = 0
    let done = 0
    let failedSoFar = 0
    const onSigint = () => {
      if (!stop.signal.aborted) {
        stop.abort()
        progress?.line(msg.batchInterrupted(operation, total - taken))
      } else if (!cancel.signal.aborted) {
        progress?.line(msg.batchCancelling(taken - done))
        cancel.abort()
      }
    }
    process.on('SIGINT', onSigint)
    let result: BatchResult
    try {
      result = await provisionBatch(inventory, {
        operation,
        target: flags.target as Target,
        selection,
        parallel: flags.parallel ?? 1,
        backend: flags.backend,
        force: flags.force,
        stop: stop.signal,
        cancel: cancel.signal,
        onStart: (count) => {
          total = count
          progress = new Progress({
            label: `tenant ${operation}`,
            unit: 'tenants',
            total,
            quiet: this.jsonEnabled() && !process.stderr.isTTY,
          })
        },
        onTake: () => taken++,
        onEngineStart: (tenant) => progress?.line(`tenant ${operation} ${tenant}: started`),
        onResult: (item) => {
          if (item.outcome !== 'not-started') {
            done++
            progress?.line(renderBatchItem(operation, item))
          }
          if (item.outcome === 'failed') failedSoFar++
          progress?.tick(1, failedSoFar > 0 ? `failed ${failedSoFar}` : undefined)
        },
      })
    } finally {
      progress?.stop()
      process.removeListener('SIGINT', onSigint)
    }
    if (!this.jsonEnabled()) this.log(renderBatch(result))
    if (result.interrupted) {
      process.exitCode = EXIT_INTERRUPTED
      return result
    }
    const failed = result.summary.failed + result.summary.cancelled
    if (failed > 0) throw new FindingError(msg.batchFailed(operation, failed, result.selected), result)
    return result
  }
}
