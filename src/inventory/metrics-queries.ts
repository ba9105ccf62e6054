import type {Statement} from 'better-sqlite3'

import type {TenantFacts} from '../domain/mlps'
import type {Inventory} from './db'

export interface NodeCount {
  tier: string
  status: string
  platform: string
  nodes: number
}

export interface AuditOutcomeCount {
  tier: string
  /** nodes.last_audit_outcome: 'ok' or an SshError code; null when the node was never audited. */
  outcome: string | null
  nodes: number
}

export interface LastAuditByTier {
  tier: string
  /** ISO time of the most recent finished audit of any node of that tier. */
  lastAuditAt: string
}

export interface TenantCount {
  mlpsLevel: number
  status: string
  tenants: number
}

/**
 * The aggregate reads behind govnet's Prometheus metrics. Every statement is a GROUP BY over an
 * indexed column, prepared once per instance; a refresh runs each of them once.
 */
export class MetricsQueries {
  private readonly nodeCountsStatement: Statement
  private readonly auditOutcomesStatement: Statement
  private readonly lastAuditStatement: Statement
  private readonly tenantCountsStatement: Statement
  private readonly tenantFactsStatement: Statement

  constructor(inventory: Inventory) {
    const db = inventory.db
    this.nodeCountsStatement = db.prepare(
      'SELECT tier, status, platform, count(*) AS nodes FROM nodes GROUP BY tier, status, platform',
    )
    // Audit results only mean something for nodes in service: planned nodes are not installed yet and
    // decommissioned ones are gone, so neither should count as unreachable.
    this.auditOutcomesStatement = db.prepare(
      `SELECT tier, last_audit_outcome AS outcome, count(*) AS nodes FROM nodes
       WHERE status IN ('active', 'degraded') GROUP BY tier, last_audit_outcome`,
    )
    this.lastAuditStatement = db.prepare(
      'SELECT tier, max(last_audit_at) AS lastAuditAt FROM nodes WHERE last_audit_at IS NOT NULL GROUP BY tier',
    )
    this.tenantCountsStatement = db.prepare(
      'SELECT mlps_level AS mlpsLevel, status, count(*) AS tenants FROM tenants GROUP BY mlps_level, status',
    )
    this.tenantFactsStatement = db.prepare(
      `SELECT mlps_level AS mlpsLevel, status, filing_number AS filingNumber, last_assessed_on AS lastAssessedOn
       FROM tenants WHERE status <> 'decommissioned'`,
    )
  }

  nodeCounts(): NodeCount[] {
    return this.nodeCountsStatement.all() as NodeCount[]
  }

  /** Nodes that are active or degraded, by tier and by the outcome of their latest audit. */
  auditOutcomeCounts(): AuditOutcomeCount[] {
    return this.auditOutcomesStatement.all() as AuditOutcomeCount[]
  }

  lastAuditByTier(): LastAuditByTier[] {
    return this.lastAuditStatement.all() as LastAuditByTier[]
  }

  tenantCounts(): TenantCount[] {
    return this.tenantCountsStatement.all() as TenantCount[]
  }

  /** What the baseline evaluation reads, for every tenant that is not decommissioned. */
  tenantFactsInService(): TenantFacts[] {
    return this.tenantFactsStatement.all() as TenantFacts[]
  }
}
