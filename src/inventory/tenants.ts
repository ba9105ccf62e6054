import type {Statement} from 'better-sqlite3'

import {localCalendarDate} from '../domain/calendar'
import {RawRecord} from '../domain/fields'
import {tenantScopeProblem} from '../domain/scope'
import {
  changedFields,
  HostedLevel,
  KnownRegions,
  mergeTenant,
  NetworkClaim,
  NetworkClaims,
  parseTenant,
  REMOVABLE_STATUSES,
  Tenant,
  TenantFields,
  tenantFields,
  TenantStatus,
} from '../domain/tenants'
import {inventoryMessages, tenantMessages as msg} from '../messages'
import {ChangeLog} from './changes'
import {Inventory, nowIso} from './db'
import {inventoryScope} from './scope'
import {notDecommissionedSql, searchPattern, searchSql} from './sql-rules'

export const TENANT_ENTITY = 'tenant'

export interface TenantFilter {
  level?: HostedLevel
  status?: TenantStatus
  region?: string
  /** Text that the id, the name or the department name contains (matchesSearch in src/domain/search.ts). */
  search?: string
}

interface TenantRow {
  id: string
  name: string
  department_name: string
  department_uscc: string
  region: string
  mlps_level: HostedLevel
  exposure: Tenant['exposure']
  quota_vcpu: number
  quota_ram_gib: number
  quota_storage_gib: number
  cidr: string | null
  filing_number: string | null
  last_assessed_on: string | null
  graded_on: string | null
  live_on: string | null
  status: TenantStatus
  created_at: string
  updated_at: string
}

const toTenant = (row: TenantRow): Tenant => ({
  id: row.id,
  name: row.name,
  departmentName: row.department_name,
  departmentUscc: row.department_uscc,
  region: row.region,
  mlpsLevel: row.mlps_level,
  exposure: row.exposure,
  quotaVcpu: row.quota_vcpu,
  quotaRamGib: row.quota_ram_gib,
  quotaStorageGib: row.quota_storage_gib,
  cidr: row.cidr,
  filingNumber: row.filing_number,
  lastAssessedOn: row.last_assessed_on,
  gradedOn: row.graded_on,
  liveOn: row.live_on,
  status: row.status,
  createdAt: row.created_at,
  updatedAt: row.updated_at,
})

const COLUMNS = `id, name, department_name, department_uscc, region, mlps_level, exposure, quota_vcpu, quota_ram_gib,
  quota_storage_gib, cidr, filing_number, last_assessed_on, graded_on, live_on, status, created_at, updated_at`

const VALUES = `@id, @name, @departmentName, @departmentUscc, @region, @mlpsLevel, @exposure, @quotaVcpu, @quotaRamGib,
  @quotaStorageGib, @cidr, @filingNumber, @lastAssessedOn, @gradedOn, @liveOn, @status, @createdAt, @updatedAt`

/** Result of `set`: the tenant as stored, and the fields that changed (none when the values were the same). */
export interface TenantSetResult {
  tenant: Tenant
  changed: (keyof TenantFields)[]
}

/** The list query's named parameters: null matches every value. */
interface ListParams {
  level: HostedLevel | null
  status: TenantStatus | null
  region: string | null
  search: string | null
}

/**
 * Cloud tenants. Every write validates through the tenant schema (src/domain/tenants.ts), runs in
 * one transaction and records its change in the same transaction.
 */
export class TenantRepository {
  private readonly byId: Statement<[string], TenantRow>
  private readonly filtered: Statement<[ListParams], TenantRow>
  private readonly insert: Statement<[Tenant]>
  private readonly update: Statement<[Tenant]>
  private readonly updateStatus: Statement<[status: TenantStatus, liveOn: string | null, updatedAt: string, id: string]>
  private readonly deleteById: Statement<[string]>
  private readonly claims: Statement<[], NetworkClaim>
  private readonly regionIds: Statement<[], string>
  private readonly changes: ChangeLog

  constructor(private readonly inventory: Inventory) {
    const db = inventory.db
    this.byId = db.prepare<[string], TenantRow>(`SELECT ${COLUMNS} FROM tenants WHERE id = ?`)
    this.filtered = db.prepare<ListParams, TenantRow>(
      `SELECT ${COLUMNS} FROM tenants
       WHERE (@level IS NULL OR mlps_level = @level) AND (@status IS NULL OR status = @status) AND (@region IS NULL OR region = @region)
         AND (@search IS NULL OR ${searchSql(['id', 'name', 'department_name'], '@search')})
       ORDER BY id`,
    )
    this.insert = db.prepare<Tenant>(`INSERT INTO tenants (${COLUMNS}) VALUES (${VALUES})`)
    this.update = db.prepare<Tenant>(
      `UPDATE tenants SET name = @name, department_name = @departmentName, department_uscc = @departmentUscc, region = @region,
         mlps_level = @mlpsLevel, exposure = @exposure, quota_vcpu = @quotaVcpu, quota_ram_gib = @quotaRamGib,
         quota_storage_gib = @quotaStorageGib, cidr = @cidr, filing_number = @filingNumber, last_assessed_on = @lastAssessedOn,
         graded_on = @gradedOn, live_on = @liveOn, status = @status, updated_at = @updatedAt
       WHERE id = @id`,
    )
    this.updateStatus = db.prepare<[TenantStatus, string | null, string, string]>(
      'UPDATE tenants SET status = ?, live_on = ?, updated_at = ? WHERE id = ?',
    )
    this.deleteById = db.prepare<[string]>('DELETE FROM tenants WHERE id = ?')
    this.claims = db.prepare<[], NetworkClaim>(
      `SELECT id, region, cidr, status FROM tenants WHERE cidr IS NOT NULL AND ${notDecommissionedSql('status')}`,
    )
    this.regionIds = db.prepare<[], string>('SELECT id FROM regions').pluck()
    this.changes = new ChangeLog(inventory)
  }

  get(id: string): Tenant | undefined {
    const row = this.byId.get(id)
    return row && toTenant(row)
  }

  /** The tenant, or a not-found error (exit 4). */
  require(id: string): Tenant {
    const tenant = this.get(id)
    if (!tenant) throw msg.tenantNotFound(id)
    return tenant
  }

  list(filter: TenantFilter = {}): Tenant[] {
    const rows = this.filtered.all({
      level: filter.level ?? null,
      status: filter.status ?? null,
      region: filter.region ?? null,
      search: filter.search === undefined ? null : searchPattern(filter.search),
    })
    return rows.map(toTenant)
  }

  /** The network blocks tenants hold, to keep a new block from overlapping one in the same region. */
  networkClaims(): NetworkClaim[] {
    return this.claims.all()
  }

  /** The regions a tenant may be placed in (parseTenant refuses others). */
  knownRegions(): KnownRegions {
    return new Set(this.regionIds.all())
  }

  /** Validate and create one tenant from its input fields (import column names). */
  add(input: RawRecord): Tenant {
    return this.inventory.write(() => {
      const {tenant, problems} = parseTenant(input, this.knownRegions())
      if (!tenant) throw inventoryMessages.invalidRecord(TENANT_ENTITY, problems)
      if (this.get(tenant.id)) throw msg.tenantExists(tenant.id)
      this.refuseOutsideScope(tenant)
      this.refuseOverlap(tenant)
      return this.create(tenant, nowIso())
    })
  }

  /** Apply changes (input field names; '' clears an optional field) and validate the whole record. */
  set(id: string, changes: RawRecord): TenantSetResult {
    return this.inventory.write(() => {
      const current = this.require(id)
      const {tenant, problems} = mergeTenant(current, changes, this.knownRegions())
      if (!tenant) throw inventoryMessages.invalidRecord(TENANT_ENTITY, problems)
      const changed = changedFields(current, tenant)
      if (changed.length === 0) return {tenant: current, changed}
      this.refuseOutsideScope(tenant)
      this.refuseOverlap(tenant)
      return {tenant: this.replace(current, tenant, nowIso()), changed}
    })
  }

  /**
   * Write back a status (the provisioning driver does this as it runs). Returns the tenant as
   * stored; a status equal to the current one writes and logs nothing. The first time a tenant
   * becomes active without a go-live date, today's local date is recorded as its go-live date
   * (live_on), which opens its 30-day filing window.
   */
  setStatus(id: string, status: TenantStatus, now: Date = new Date()): Tenant {
    return this.inventory.write(() => {
      const current = this.require(id)
      if (current.status === status) return current
      const updatedAt = nowIso()
      const liveOn = status === 'active' && current.liveOn === null ? localCalendarDate(now) : current.liveOn
      this.updateStatus.run(status, liveOn, updatedAt, id)
      const next = {...current, status, liveOn, updatedAt}
      this.changes.record(TENANT_ENTITY, id, 'update', tenantFields(current), tenantFields(next), updatedAt)
      return next
    })
  }

  /** Remove a tenant that has no resources left (requested or decommissioned). */
  remove(id: string): Tenant {
    return this.inventory.write(() => {
      const current = this.require(id)
      if (!REMOVABLE_STATUSES.includes(current.status)) throw msg.tenantNotRemovable(id, current.status)
      this.deleteById.run(id)
      this.changes.record(TENANT_ENTITY, id, 'delete', tenantFields(current), null)
      return current
    })
  }

  /** A scoped inventory holds only tenants whose department is registered inside its scope. */
  private refuseOutsideScope(tenant: TenantFields): void {
    const problem = tenantScopeProblem({id: tenant.id, uscc: tenant.departmentUscc}, inventoryScope(this.inventory))
    if (problem) throw inventoryMessages.invalidRecord(TENANT_ENTITY, [problem])
  }

  private refuseOverlap(tenant: TenantFields): void {
    const others = new NetworkClaims(this.networkClaims().filter((claim) => claim.id !== tenant.id))
    const problem = others.problem(tenant)
    if (problem) throw inventoryMessages.invalidRecord(TENANT_ENTITY, [problem])
  }

  /** Insert and log; call inside a write transaction. */
  private create(tenant: TenantFields, at: string): Tenant {
    const stored: Tenant = {...tenantFields(tenant), createdAt: at, updatedAt: at}
    this.insert.run(stored)
    this.changes.record(TENANT_ENTITY, tenant.id, 'create', null, tenantFields(tenant), at)
    return stored
  }

  /** Update and log; call inside a write transaction. */
  private replace(current: Tenant, next: TenantFields, at: string): Tenant {
    const stored: Tenant = {...tenantFields(next), createdAt: current.createdAt, updatedAt: at}
    this.update.run(stored)
    this.changes.record(TENANT_ENTITY, current.id, 'update', tenantFields(current), tenantFields(next), at)
    return stored
  }

  /** Write a plan, every change at `at`; call inside the write transaction that made it. */
  applyImport(plan: ImportPlan, at: string = nowIso()): void {
    for (const tenant of plan.creates) this.create(tenant, at)
    for (const {current, next} of plan.updates) this.replace(current, next, at)
  }
}

export interface ImportPlan {
  creates: TenantFields[]
  updates: Array<{current: Tenant; next: TenantFields}>
  unchanged: number
}
