import type {Statement} from 'better-sqlite3'

import {IN_SERVICE_STATUSES} from '../domain/nodes'
import type {Inventory} from './db'
import {sqlOneOf} from './sql-rules'

/** One cloud region's capacity and what tenant quotas reserve of it (quota_reservations, summed). */
export interface RegionCapacityRow {
  region: string
  name: string
  maxMlpsLevel: number
  capacityVcpu: number
  capacityRamGib: number
  capacityStorageGib: number
  reservedVcpu: number
  reservedRamGib: number
  reservedStorageGib: number
}

/** Tenants sharing region, level and status. */
export interface RegionTenantCount {
  region: string
  mlpsLevel: number
  status: string
  tenants: number
}

/** Nodes in service of one province (first two digits of their division) sharing their latest audit outcome. */
export interface ProvinceOutcomeCount {
  province: string
  /** nodes.last_audit_outcome; null when never audited. */
  outcome: string | null
  nodes: number
}

/**
 * The reads behind the dashboard metrics (region capacity, tenants by region, audit results by
 * province), prepared once per instance. Kept apart from MetricsQueries: each is one grouped scan.
 */
export class DashboardQueries {
  private readonly regionsStatement: Statement<[], RegionCapacityRow>
  private readonly regionTenantsStatement: Statement<[], RegionTenantCount>
  private readonly provinceOutcomesStatement: Statement<[], ProvinceOutcomeCount>

  constructor(inventory: Inventory) {
    const db = inventory.db
    this.regionsStatement = db.prepare<[], RegionCapacityRow>(
      `SELECT r.id AS region, r.name, r.max_mlps_level AS maxMlpsLevel, r.capacity_vcpu AS capacityVcpu,
              r.capacity_ram_gib AS capacityRamGib, r.capacity_storage_gib AS capacityStorageGib,
              coalesce(sum(q.vcpu), 0) AS reservedVcpu, coalesce(sum(q.ram_gib), 0) AS reservedRamGib,
              coalesce(sum(q.storage_gib), 0) AS reservedStorageGib
       FROM regions r LEFT JOIN quota_reservations q ON q.region_id = r.id
       GROUP BY r.id ORDER BY r.id`,
    )
    this.regionTenantsStatement = db.prepare<[], RegionTenantCount>(
      'SELECT region, mlps_level AS mlpsLevel, status, count(*) AS tenants FROM tenants GROUP BY region, mlps_level, status',
    )
    this.provinceOutcomesStatement = db.prepare<[], ProvinceOutcomeCount>(
      `SELECT substr(division_code, 1, 2) AS province, last_audit_outcome AS outcome, count(*) AS nodes
       FROM nodes WHERE ${sqlOneOf('status', IN_SERVICE_STATUSES)}
       GROUP BY province, last_audit_outcome`,
    )
  }

  regions(): RegionCapacityRow[] {
    return this.regionsStatement.all()
  }

  regionTenants(): RegionTenantCount[] {
    return this.regionTenantsStatement.all()
  }

  provinceOutcomes(): ProvinceOutcomeCount[] {
    return this.provinceOutcomesStatement.all()
  }
}
