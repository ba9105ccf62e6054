import {BATCH_OUTCOMES, BatchOutcome, outcomeOf, selects, TenantSelection} from '../domain/batch'
import {Target} from '../domain/preflight'
import {Operation} from '../domain/provisioning'
import {errorText, GovnetError} from '../errors'
import {Inventory} from '../inventory/db'
import {TenantRepository} from '../inventory/tenants'
import * as msg from '../messages/provision'
import {resolveBackend} from './backend'
import {provisionTenant} from './driver'
import {provisionPaths} from './workspace'

export interface BatchRequest {
  operation: Operation
  target: Target
  selection: TenantSelection
  /** Stacks run at once (a bounded pool). */
  parallel: number
  backend?: string
  force?: boolean
  /** Aborted: start no more stacks; those running finish. */
  stop: AbortSignal
  /** Aborted: interrupt the running stacks (SIGINT to their engine, then `pulumi cancel`'s lock removal). */
  cancel: AbortSignal
  onStart?: (total: number) => void
  /** A stack is taken from the queue (its pre-flight and engine run follow). */
  onTake?: (tenant: string) => void
  /** A stack's engine run starts (not called for a stack that is up to date). */
  onEngineStart?: (tenant: string) => void
  onResult?: (item: BatchItem) => void
}

export interface BatchItem {
  tenant: string
  outcome: BatchOutcome
  /** Resources by change kind, as the single-tenant command reports them. */
  changes: Record<string, number>
  /** Why it failed, was cancelled or not started; null otherwise. */
  reason: string | null
  /** up: the stack was up to date and the engine was not run. */
  upToDate: boolean
  /** Wall time of this tenant's operation in seconds (0 when not started). */
  seconds: number
}

export interface BatchResult {
  operation: Operation
  target: Target
  /** The state backend, its password masked. */
  backend: string
  parallel: number
  selected: number
  /** Tenants per outcome (every outcome present, zero included). */
  summary: Record<BatchOutcome, number>
  /** Ctrl-C was pressed: no stack was started after it. */
  interrupted: boolean
  tenants: BatchItem[]
}

export function selectTenants(inventory: Inventory, selection: TenantSelection): string[] {
  return new TenantRepository(inventory)
    .list()
    .filter((tenant) => selects(selection, tenant))
    .map((tenant) => tenant.id)
}

/**
 * Run one operation over a selection of tenants, `parallel` stacks at a time. Every tenant is tried
 * (a failure does not stop the others); each outcome is written back to the inventory by the driver as
 * for a single tenant. Stopping (first Ctrl-C) starts no more stacks; cancelling (second) interrupts
 * those running, which end as failed in the inventory and `cancelled` here.
 */
export async function provisionBatch(
  inventory: Inventory,
  request: BatchRequest,
  env: NodeJS.ProcessEnv = process.env,
): Promise<BatchResult> {
  const backend = resolveBackend(provisionPaths(inventory.path), request.backend, env)
  const ids = selectTenants(inventory, request.selection)
  request.onStart?.(ids.length)
  const items = new Map<string, BatchItem>()
  const finish = (item: BatchItem) => {
    items.set(item.tenant, item)
    request.onResult?.(item)
  }
  let next = 0
  const worker = async () => {
    while (next < ids.length && !request.stop.aborted) {
      const tenant = ids[next++]!
      request.onTake?.(tenant)
      finish(await provisionOne(inventory, tenant, request, env))
    }
  }
  await Promise.all(Array.from({length: Math.min(request.parallel, ids.length)}, worker))
  for (const tenant of ids.slice(next))
    finish({tenant, outcome: 'not-started', changes: {}, reason: msg.notStartedReason, upToDate: false, seconds: 0})

  const tenants = ids.map((id) => items.get(id)!)
  const summary = Object.fromEntries(BATCH_OUTCOMES.map((o) => [o, 0])) as Record<BatchOutcome, number>
  for (const item of tenants) summary[item.outcome]++
  return {
    operation: request.operation,
    target: request.target,
    backend: backend.shown,
    parallel: request.parallel,
    selected: ids.length,
    summary,
    interrupted: request.stop.aborted,
    tenants,
  }
}

async function provisionOne(
  inventory: Inventory,
  tenant: string,
  request: BatchRequest,
  env: NodeJS.ProcessEnv,
): Promise<BatchItem> {
  const started = Date.now()
  const seconds = () => Math.round((Date.now() - started) / 100) / 10
  try {
    const result = await provisionTenant(
      inventory,
      {
        tenantId: tenant,
        operation: request.operation,
        target: request.target,
        backend: request.backend,
        force: request.force,
        signal: request.cancel,
        ownProcessGroup: true,
        onEngineStart: () => request.onEngineStart?.(tenant),
      },
      env,
    )
    return {
      tenant,
      outcome: result.upToDate ? 'unchanged' : outcomeOf(request.operation, result.changes),
      changes: result.changes,
      reason: null,
      upToDate: result.upToDate,
      seconds: seconds(),
    }
  } catch (error) {
    // A tenant that fails (pre-flight, policy, engine) is reported and the batch goes on; anything
    // that is not a GovnetError is a bug, reported the same way with its message rather than lost.
    const reason = error instanceof GovnetError ? error.message : `internal error: ${errorText(error)}`
    return {
      tenant,
      outcome: request.cancel.aborted ? 'cancelled' : 'failed',
      changes: {},
      reason,
      upToDate: false,
      seconds: seconds(),
    }
  }
}
