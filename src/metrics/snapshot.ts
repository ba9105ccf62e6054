import {computeCoverageAllLevels} from '../coverage'
import type {CoverageRow} from '../domain/coverage'
import {BaselineRepository} from '../inventory/baselines'
import {ChangeLog} from '../inventory/changes'
import type {Inventory} from '../inventory/db'
import {AuditOutcomeCount, LastAuditByTier, MetricsQueries, NodeCount, TenantCount} from '../inventory/metrics-queries'
import {countComplianceFailures} from './compliance'

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
  /** The national line first, then every province, prefecture and county, as `govnet coverage` reports them. */
  coverage: CoverageRow[]
  nodes: NodeCount[]
  auditOutcomes: AuditOutcomeCount[]
  lastAudits: LastAuditByTier[]
  tenants: TenantCount[]
  /** One entry per (control, level) that the evaluation checks, zero included. */
  controlFailures: ControlFailureCount[]
  overdueAssessments: OverdueAssessmentCount[]
  lastChangeAt?: Date
}

export interface SnapshotOptions {
  /** How recent an `ok` audit must be for a covered township to count as verified; the coverage default when absent. */
  freshnessMs?: number
  /** The clock, for tests. */
  now?: () => Date
}

/**
 * A function that reads one snapshot from `inventory` per call. Statements are prepared once, here;
 * each call runs the coverage roll-up, a handful of GROUP BY queries and the tenant evaluation.
 */
export function snapshotReader(inventory: Inventory, options: SnapshotOptions = {}): () => MetricsSnapshot {
  const queries = new MetricsQueries(inventory)
  const baselines = new BaselineRepository(inventory)
  const changes = new ChangeLog(inventory)
  const clock = options.now ?? (() => new Date())
  return () => {
    const now = clock()
    const lastChangeAt = changes.lastChangeAt()
    return {
      takenAt: now,
      coverage: coverageLines(inventory, now, options.freshnessMs),
      nodes: queries.nodeCounts(),
      auditOutcomes: queries.auditOutcomeCounts(),
      lastAudits: queries.lastAuditByTier(),
      tenants: queries.tenantCounts(),
      ...countComplianceFailures(queries.tenantFactsInService(), baselines.controls(), now),
      lastChangeAt: lastChangeAt === undefined ? undefined : new Date(lastChangeAt),
    }
  }
}

function coverageLines(inventory: Inventory, now: Date, freshnessMs: number | undefined): CoverageRow[] {
  const all = computeCoverageAllLevels(inventory, {now, freshnessMs})
  return [all.national, ...all.province, ...all.prefecture, ...all.county]
}
