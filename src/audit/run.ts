import type {ExtranetNode} from '../domain/nodes'
import {AuditRecord, AuditRepository} from '../inventory/audits'
import {Inventory, nowIso} from '../inventory/db'
import {NodeAccessRepository} from '../inventory/node-access'
import {NodeFilter, NodeRepository} from '../inventory/nodes'
import {auditMessages as msg} from '../messages'
import {accessAlgorithms, JumpHost, NodeAccess, parseJump} from '../domain/node-access'
import {connect, describeHop, Hop, JumpHosts, SshConnection} from './connect'
import {Credentials} from './credentials'
import {HOST_KEY_SSH_ERROR_CODES, isSshError, SshError, SshErrorCode} from '../ssh-errors'
import {HostKeyPolicy} from './known-hosts'
import {pause, runPool} from './pool'
import {runProfile as defaultRunProfile} from './profiles'
import type {NodeFacts} from '../domain/audit-facts'
import {isDecommissioned} from '../domain/lifecycle'
import type {Platform} from '../domain/nodes'
import type {RunProfile} from './profiles'

/** A node to audit, with its stored access settings. */
export interface AuditTarget {
  node: Pick<ExtranetNode, 'id' | 'mgmtAddress' | 'sshPort' | 'platform'>
  access?: NodeAccess
}

export interface AuditRunOptions {
  credentials: Credentials
  hostKeys: HostKeyPolicy
  /** Login user for nodes without their own (node_access.user). */
  user: string
  /** Jump host for nodes without their own (node_access.jump). */
  jump?: JumpHost
  /** 'auto' detects each node's platform from its version banner; otherwise each node's own platform. */
  platform?: Platform | 'auto'
  concurrency: number
  /** Per hop: TCP connect, banner, key exchange and authentication. */
  connectTimeoutMs: number
  /** Per command of the profile. */
  commandTimeoutMs: number
  /** Default keepalive interval for nodes without node_access.keepalive_s; 0 turns keepalives off. */
  keepaliveIntervalMs: number
  /** Wait before the one retry after 'refused' or 'timeout'. */
  retryBackoffMs: number
  /** Hard limit per node, all attempts included; default from the timeouts (see nodeDeadline). */
  nodeDeadlineMs?: number
  /** Aborted: start no further node (first Ctrl-C). Nodes in flight finish. */
  stop?: AbortSignal
  /** Aborted: also abandon the nodes in flight (second Ctrl-C); they are not recorded. */
  abort?: AbortSignal
  /** Called as each node finishes, before the next starts in its slot: the write-back. */
  record: (audit: AuditRecord) => void
  /** Called once before the first node starts, with the number of nodes to audit. */
  onStart?: (total: number) => void
  /** Called after `record`, for progress display. */
  onResult?: (result: NodeAuditResult) => void
  runProfile?: RunProfile
}

export interface NodeAuditResult {
  nodeId: string
  /** `user@host:port` of the node (the jump host is in `via`). */
  target: string
  via?: string
  outcome: 'ok' | SshErrorCode
  reason: string | null
  /** The platform whose profile ran (the detected one with --platform auto). */
  platform?: Platform
  facts?: NodeFacts
  hostKeySha256: string | null
  attempts: number
  startedAt: string
  finishedAt: string
  durationMs: number
}

export interface AuditSummary {
  selected: number
  /** Nodes that finished and were recorded. */
  audited: number
  reached: number
  failed: number
  /** Failed nodes per outcome code. */
  failedByReason: Partial<Record<SshErrorCode, number>>
  /** Nodes whose host key was unknown or changed: these need a person to decide. */
  hostKeyProblems: {nodeId: string; outcome: SshErrorCode; reason: string}[]
  /** True when the run was stopped (Ctrl-C) before every node finished. */
  interrupted: boolean
  /** Selected nodes that were never started, or abandoned in flight, because of the interruption. */
  notAudited: string[]
  results: NodeAuditResult[]
}

export const RETRY_BACKOFF_MS = 1000

/**
 * The hard limit for one node: the first attempt's connects (one per hop) may time out, then the
 * backoff, then the second attempt's connects and four commands' worth of command timeout. A node that
 * passes it is abandoned with 'timeout', so no node can hold its slot forever.
 */
export function nodeDeadline(
  options: Pick<AuditRunOptions, 'connectTimeoutMs' | 'commandTimeoutMs' | 'retryBackoffMs'>,
  hops: number,
): number {
  return 2 * hops * options.connectTimeoutMs + options.retryBackoffMs + 4 * options.commandTimeoutMs
}

export interface AuditSelection {
  under?: string
  tier?: NodeFilter['tier']
  tag?: string
  /** Explicit node ids; every one must exist. */
  nodeIds?: readonly string[]
  /** Only nodes of this platform; 'auto' selects every platform and detects it. */
  platform?: Platform | 'auto'
}

export interface InventoryAuditSummary extends AuditSummary {
  /** Selected nodes that are not audited because they are decommissioned. */
  skipped: {nodeId: string; status: string}[]
}

/**
 * `govnet audit`: select nodes (decommissioned ones are skipped), load their access settings, run the
 * pool, and write each node's result to the inventory as it completes.
 */
export async function auditInventory(
  inventory: Inventory,
  selection: AuditSelection,
  options: Omit<AuditRunOptions, 'record' | 'platform'>,
): Promise<InventoryAuditSummary> {
  const nodes = new NodeRepository(inventory)
  const ids = selection.nodeIds && selection.nodeIds.length > 0 ? [...new Set(selection.nodeIds)] : undefined
  const platform = selection.platform === 'auto' ? undefined : selection.platform
  const selected = nodes.list({under: selection.under, tier: selection.tier, tag: selection.tag, platform, ids})
  if (ids) {
    const found = new Set(selected.map((node) => node.id))
    const missing = ids.filter((id) => !found.has(id) && !nodes.get(id))
    if (missing.length > 0) throw msg.nodesNotFound(missing)
  }
  const auditable = selected.filter((node) => !isDecommissioned(node.status))
  const access = new NodeAccessRepository(inventory).forNodes(auditable.map((node) => node.id))
  const audits = new AuditRepository(inventory)
  const summary = await runAudit(
    auditable.map((node) => ({node, access: access.get(node.id)})),
    {...options, platform: selection.platform === 'auto' ? 'auto' : undefined, record: (audit) => audits.record(audit)},
  )
  const skipped = selected
    .filter((node) => isDecommissioned(node.status))
    .map((node) => ({nodeId: node.id, status: node.status}))
  return {...summary, skipped}
}

/** Audit the targets through the bounded pool, recording each result as it completes. */
export async function runAudit(targets: readonly AuditTarget[], options: AuditRunOptions): Promise<AuditSummary> {
  options.onStart?.(targets.length)
  const stop = options.abort
    ? AbortSignal.any([options.stop ?? new AbortController().signal, options.abort])
    : options.stop
  const jumpHosts = new JumpHosts(options)
  let pool: Awaited<ReturnType<typeof runPool<AuditTarget, NodeAuditResult | undefined>>>
  try {
    pool = await runPool(targets, (target) => auditNode(target, options, jumpHosts), {
      concurrency: options.concurrency,
      stop,
      onSettled: (_target, result) => {
        if (result === undefined) return
        options.record(toAuditRecord(result))
        options.onResult?.(result)
      },
    })
  } finally {
    await jumpHosts.closeAll()
  }
  const results = pool.results.filter((result): result is NodeAuditResult => result !== undefined)
  return summarize(targets, results, Boolean(options.stop?.aborted || options.abort?.aborted))
}

/** One node, with at most one retry. Undefined when the run was aborted while it was in flight. */
async function auditNode(
  target: AuditTarget,
  options: AuditRunOptions,
  jumpHosts: JumpHosts,
): Promise<NodeAuditResult | undefined> {
  const {node, access} = target
  const startedAt = nowIso()
  const started = performance.now()
  const hop: Hop = {
    host: node.mgmtAddress,
    port: node.sshPort,
    user: access?.user ?? options.user,
    pinnedHostKey: access?.hostKeySha256 ?? undefined,
  }
  const jumpHost = access?.jump ? parseJump(access.jump) : options.jump
  const jump: Hop | undefined = jumpHost && {...jumpHost}
  const name = describeHop(hop)
  const deadlineMs = options.nodeDeadlineMs ?? nodeDeadline(options, jump ? 2 : 1)
  const deadline = new AbortController()
  const timer = setTimeout(() => deadline.abort(msg.nodeDeadline(name, deadlineMs)), deadlineMs)
  const signal = options.abort ? AbortSignal.any([deadline.signal, options.abort]) : deadline.signal
  const keepaliveIntervalMs =
    access?.keepaliveSeconds === null || access?.keepaliveSeconds === undefined
      ? options.keepaliveIntervalMs
      : access.keepaliveSeconds * 1000
  let attempts = 0
  let outcome: Omit<
    NodeAuditResult,
    'nodeId' | 'target' | 'via' | 'attempts' | 'startedAt' | 'finishedAt' | 'durationMs'
  >
  try {
    for (;;) {
      attempts++
      try {
        outcome = await attempt()
        break
      } catch (error) {
        if (options.abort?.aborted) return undefined
        const failure = asSshError(error, name)
        if (attempts === 1 && failure.retryable && !signal.aborted) {
          await pause(options.retryBackoffMs, signal)
          // The pause may have ended by an abort: read the signal again (the type checker cannot see it change).
          // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition
          if (!signal.aborted) continue
        }
        outcome = {outcome: failure.code, reason: failure.message, hostKeySha256: failure.presentedKeySha256 ?? null}
        break
      }
    }
  } finally {
    clearTimeout(timer)
  }
  return {
    nodeId: node.id,
    target: name,
    ...(jump ? {via: describeHop(jump)} : {}),
    ...outcome,
    attempts,
    startedAt,
    finishedAt: nowIso(),
    durationMs: Math.round(performance.now() - started),
  }

  async function attempt() {
    let connection: SshConnection | undefined
    try {
      connection = await connect({
        target: hop,
        jump,
        credentials: options.credentials,
        hostKeys: options.hostKeys,
        algorithms: accessAlgorithms(access),
        connectTimeoutMs: options.connectTimeoutMs,
        keepaliveIntervalMs,
        signal,
        jumpHosts,
      })
      const profile = await (options.runProfile ?? defaultRunProfile)(
        connection.client,
        options.platform ?? node.platform,
        {
          commandTimeoutMs: options.commandTimeoutMs,
          signal,
        },
      )
      return {
        outcome: 'ok' as const,
        reason: null,
        platform: profile.platform,
        facts: profile.facts,
        hostKeySha256: connection.hostKeySha256,
      }
    } catch (error) {
      // A command that saw the connection close says 'closed'; the transport may know why (keepalives unanswered).
      throw (isSshError(error) && error.code === 'closed' && connection?.dropped()) || error
    } finally {
      if (signal.aborted) connection?.destroy()
      else connection?.close()
    }
  }
}

/** An SshError keeps its own code; anything else is a bug in govnet, recorded without hiding it as a network problem. */
function asSshError(error: unknown, name: string): SshError {
  if (isSshError(error)) return error
  return new SshError(
    'protocol',
    `${name}: unexpected error in govnet (please report): ${error instanceof Error ? error.message : String(error)}`,
    {cause: error},
  )
}

function toAuditRecord(result: NodeAuditResult): AuditRecord {
  return {
    nodeId: result.nodeId,
    startedAt: result.startedAt,
    finishedAt: result.finishedAt,
    outcome: result.outcome,
    reason: result.reason,
    facts: result.facts ?? null,
    hostKeySha256: result.hostKeySha256,
    durationMs: result.durationMs,
  }
}

function summarize(targets: readonly AuditTarget[], results: NodeAuditResult[], interrupted: boolean): AuditSummary {
  const failedByReason: Partial<Record<SshErrorCode, number>> = {}
  const hostKeyProblems: AuditSummary['hostKeyProblems'] = []
  for (const result of results) {
    if (result.outcome === 'ok') continue
    failedByReason[result.outcome] = (failedByReason[result.outcome] ?? 0) + 1
    if (HOST_KEY_SSH_ERROR_CODES.has(result.outcome))
      hostKeyProblems.push({nodeId: result.nodeId, outcome: result.outcome, reason: result.reason!})
  }
  const done = new Set(results.map((result) => result.nodeId))
  const reached = results.filter((result) => result.outcome === 'ok').length
  return {
    selected: targets.length,
    audited: results.length,
    reached,
    failed: results.length - reached,
    failedByReason,
    hostKeyProblems,
    interrupted,
    notAudited: targets.map((target) => target.node.id).filter((id) => !done.has(id)),
    results,
  }
}
