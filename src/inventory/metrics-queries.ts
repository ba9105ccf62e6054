import type {Statement} from 'better-sqlite3'

import type {TenantFacts} from '../domain/mlps'
import type {Inventory} from './db'
import {notDecommissionedSql} from './sql-rules'

/** Nodes sharing tier, status, platform and latest audit outcome. */
export interface NodeGroup {
  tier: string
  status: string
  platform: string
  /** nodes.last_audit_outcome: 'ok' or an SshError code; null when the node was never audited. */
  outcome: string | null
  nodes: number
  /** ISO time of the group's most recent finished audit; null when none of them was audited. */
  lastAuditAt: string | null
}

export interface TenantCount {
  mlpsLevel: number
  status: string
  tenants: number
}

/** Tenants by level and status: answered from the tenants_level_status index alone. */
export const TENANT_COUNTS_SQL =
  'SELECT mlps_level AS mlpsLevel, status, count(*) AS tenants FROM tenants GROUP BY mlps_level, status'

/**
 * The aggregate reads behind govnet's Prometheus metrics, prepared once per instance. The nodes
 * table is scanned once per refresh: node counts, audit results and last audit times all come
 * from the same grouped rows.
 */
export class MetricsQueries {
  private readonly nodeGroupsStatement: Statement<[], NodeGroup>
  private readonly tenantCountsStatement: Statement<[], TenantCount>
  private readonly tenantFactsStatement: Statement<[], TenantFacts>

  constructor(inventory: Inventory) {
    const db = inventory.db
    this.nodeGroupsStatement = db.prepare<[], NodeGroup>(
      `SELECT tier, status, platform, last_audit_outcome AS outcome, count(*) AS nodes, max(last_audit_at) AS lastAuditAt
       FROM nodes GROUP BY tier, status, platform, last_audit_outcome`,
    )
    this.tenantCountsStatement = db.prepare<[], TenantCount>(TENANT_COUNTS_SQL)
    this.tenantFactsStatement = db.prepare<[], TenantFacts>(
      `SELECT mlps_level AS mlpsLevel, status, filing_number AS filingNumber, last_assessed_on AS lastAssessedOn,
              graded_on AS gradedOn, live_on AS liveOn
       FROM tenants WHERE ${notDecommissionedSql('status')}`,
    )
  }

  nodeGroups(): NodeGroup[] {
    return this.nodeGroupsStatement.all()
  }

  tenantCounts(): TenantCount[] {
    return this.tenantCountsStatement.all()
  }

  /**
   * What the baseline evaluation reads, for every tenant that is not decommissioned, one row at a
   * time (50,000 tenants at national size): run no other statement of this connection until the
   * iteration ends.
   */
  tenantFactsNotDecommissioned(): IterableIterator<TenantFacts> {
    return this.tenantFactsStatement.iterate()
  }
}
