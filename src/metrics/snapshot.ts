import {computeCoverageAllLevels, coverageWindow, CoverageWindow} from '../coverage'
import {localCalendarDate} from '../domain/calendar'
import type {CoverageRow} from '../domain/coverage'
import type {Scope} from '../domain/scope'
import {isInService} from '../domain/nodes'
import {BaselineRepository} from '../inventory/baselines'
import {ChangeLog, verifyChangeLog} from '../inventory/changes'
import {readKey} from '../inventory/changelog-key'
import type {Inventory} from '../inventory/db'
import {MetricsQueries, NodeGroup, TenantCount} from '../inventory/metrics-queries'
import {DashboardQueries} from '../inventory/dashboard-queries'
import {inventoryScope} from '../inventory/scope'
import {countComplianceFailures} from './compliance'
import {DashboardFacts, readDashboardFacts} from './dashboard'

export interface NodeCount {
  tier: string
  status: string
  platform: string
  nodes: number
}

export interface AuditOutcomeCount {
  tier: string
  /** 'ok' or an SshError code; null when never audited. */
  outcome: string | null
  nodes: number
}

export interface LastAuditByTier {
  tier: string
  /** ISO time of the most recent finished audit of any node of that tier. */
  lastAuditAt: string
}

export interface ControlFailureCount {
  control: string
  mlpsLevel: number
  tenants: number
}

export interface OverdueAssessmentCount {
  mlpsLevel: number
  tenants: number
}

/**
 * Everything the exporter serves, read from the inventory in one refresh. Immutable once taken:
 * scrapes read it, a refresh replaces it whole.
 */
export interface MetricsSnapshot {
  takenAt: Date
  /** The division subtrees the inventory holds (`govnet init --scope`); empty for the whole country. */
  scope: Scope
  /** The national line first, then every province, prefecture and county, as `govnet coverage` reports them. */
  coverage: CoverageRow[]
  /** The freshness window of `coverage`. */
  coverageWindow: CoverageWindow
  nodes: NodeCount[]
  auditOutcomes: AuditOutcomeCount[]
  lastAudits: LastAuditByTier[]
  tenants: TenantCount[]
  /** One entry per (control, level) that the evaluation checks, zero included. */
  controlFailures: ControlFailureCount[]
  overdueAssessments: OverdueAssessmentCount[]
  lastChangeAt?: Date
  changeLog: ChangeLogState
  /** Region capacity, tenants by region and audit results by province (src/metrics/dashboard.ts). */
  dashboard: DashboardFacts
}

export interface ChangeLogState {
  rows: number
  /** The chain verified in this snapshot; null when this user cannot read the key. */
  verified: boolean | null
  /** The last snapshot of this reader in which the chain verified. */
  lastVerifiedAt?: Date
}

export interface SnapshotOptions {
  /** How recent an `ok` audit must be for a covered township to count as verified; the coverage default when absent. */
  freshnessMs?: number
  /** The clock, for tests. */
  now?: () => Date
  /**
   * The day deadlines are judged on (YYYY-MM-DD, already validated: see judgementDay), for replaying
   * a date; by default the local calendar date of each snapshot.
   */
  today?: string
  /** When the change log last verified before this reader (an earlier refresh thread's last snapshot). */
  lastVerifiedAt?: Date
}

/**
 * A function that reads one snapshot from `inventory` per call. Statements are prepared once, here;
 * each call runs the coverage roll-up, a few grouped queries and the tenant evaluation.
 */
export function snapshotReader(inventory: Inventory, options: SnapshotOptions = {}): () => MetricsSnapshot {
  const queries = new MetricsQueries(inventory)
  const dashboardQueries = new DashboardQueries(inventory)
  const baselines = new BaselineRepository(inventory)
  const changes = new ChangeLog(inventory)
  const clock = options.now ?? (() => new Date())
  let lastVerifiedAt = options.lastVerifiedAt
  // One read transaction: every number of a snapshot comes from the same state of the inventory,
  // even while another process writes to it.
  const read = inventory.db.transaction((now: Date): MetricsSnapshot => {
    const lastChangeAt = changes.lastChangeAt()
    const verified = verifyForMetrics(inventory)
    if (verified) lastVerifiedAt = now
    // Read before the tenants are walked: no other statement may run while they are.
    const controls = baselines.controls()
    return {
      takenAt: now,
      scope: inventoryScope(inventory),
      coverage: coverageLines(inventory, now, options.freshnessMs),
      coverageWindow: coverageWindow({now, freshnessMs: options.freshnessMs}),
      ...summarizeNodes(queries.nodeGroups()),
      tenants: queries.tenantCounts(),
      ...countComplianceFailures(
        queries.tenantFactsNotDecommissioned(),
        controls,
        options.today ?? localCalendarDate(now),
      ),
      lastChangeAt: lastChangeAt === undefined ? undefined : new Date(lastChangeAt),
      changeLog: {rows: changes.count(), verified, lastVerifiedAt},
      dashboard: readDashboardFacts(dashboardQueries),
    }
  })
  return () => read.deferred(clock())
}

/** The whole chain, when this user can read the key (a monitoring account may not: then null). */
function verifyForMetrics(inventory: Inventory): boolean | null {
  let key: Buffer | undefined
  try {
    key = readKey(inventory.keyFile)
  } catch {
    return null
  }
  if (!key) return null
  return verifyChangeLog(inventory, key, inventory.keyFile).ok
}

function coverageLines(inventory: Inventory, now: Date, freshnessMs: number | undefined): CoverageRow[] {
  const all = computeCoverageAllLevels(inventory, {now, freshnessMs})
  return [all.national, ...all.province, ...all.prefecture, ...all.county]
}

/**
 * Node counts, audit outcomes of nodes in service (active or degraded: isInService; audit results only
 * mean something for installed nodes), and the last audit per tier, from one grouped scan of the nodes.
 */
export function summarizeNodes(
  groups: readonly NodeGroup[],
): Pick<MetricsSnapshot, 'nodes' | 'auditOutcomes' | 'lastAudits'> {
  const nodes = new Map<string, NodeCount>()
  const outcomes = new Map<string, AuditOutcomeCount>()
  const lastAudit = new Map<string, string>()
  for (const group of groups) {
    const nodeKey = `${group.tier}\u0000${group.status}\u0000${group.platform}`
    const counted = nodes.get(nodeKey) ?? {tier: group.tier, status: group.status, platform: group.platform, nodes: 0}
    counted.nodes += group.nodes
    nodes.set(nodeKey, counted)
    if (isInService(group.status)) {
      const outcomeKey = `${group.tier}\u0000${group.outcome ?? ''}`
      const outcome = outcomes.get(outcomeKey) ?? {tier: group.tier, outcome: group.outcome, nodes: 0}
      outcome.nodes += group.nodes
      outcomes.set(outcomeKey, outcome)
    }
    const latest = lastAudit.get(group.tier)
    if (group.lastAuditAt !== null && (latest === undefined || group.lastAuditAt > latest))
      lastAudit.set(group.tier, group.lastAuditAt)
  }
  return {
    nodes: [...nodes.values()],
    auditOutcomes: [...outcomes.values()],
    lastAudits: [...lastAudit].map(([tier, lastAuditAt]) => ({tier, lastAuditAt})),
  }
}
