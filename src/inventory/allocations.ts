import type {Statement} from 'better-sqlite3'

import {blockSize, parseCidr} from '../domain/cidr'
import {OtherTenantsUsage} from '../domain/preflight'
import {quotaShortfall, RegionFields, RegionUsage} from '../domain/regions'
import {insideAnyPool, placeSubnet, ZoneName, ZoneRequest, ZoneSubnet} from '../domain/zones'
import {ExitCode, GovnetError} from '../errors'
import * as provisionMessages from '../messages/provision'
import * as regionMessages from '../messages/regions'
import {ChangeLog} from './changes'
import {Inventory, nowIso} from './db'
import {notDecommissionedSql} from './sql-rules'

/**
 * What the local target's dynamic providers hold in the inventory for each tenant: one subnet per
 * zone carved from the region's pools, a quota reservation against the region's capacity, and the
 * rendered rule set. Every write is one IMMEDIATE transaction that reads what others hold first,
 * so two tenants racing for the last block queue on the write lock and the second finds no room.
 */
export const ALLOCATION_ENTITY = 'network_allocation'
export const RESERVATION_ENTITY = 'quota_reservation'
export const RULE_SET_ENTITY = 'rule_set'

export interface SubnetAllocation {
  tenantId: string
  zone: ZoneName
  regionId: string
  cidr: string
  allocatedAt: string
}

export interface SubnetRequest {
  tenantId: string
  regionId: string
  zone: ZoneName
  prefix: number
  /** The tenant's own block to carve from, or null to carve from the region's pools. */
  within: string | null
}

export interface QuotaReservation {
  tenantId: string
  regionId: string
  vcpu: number
  ramGib: number
  storageGib: number
  reservedAt: string
  updatedAt: string
}

export type QuotaRequest = Omit<QuotaReservation, 'reservedAt' | 'updatedAt'>

export interface RuleSetRecord<Rule = unknown, Controls = unknown> {
  tenantId: string
  mlpsLevel: number
  defaultAction: 'deny'
  rules: Rule[]
  controls: Controls
  recordedAt: string
}

interface AllocationRow {
  tenant_id: string
  /** No CHECK on the column: allocateSubnet, its only writer, takes a ZoneName. */
  zone: ZoneName
  region_id: string
  cidr: string
  allocated_at: string
}

interface ReservationRow {
  tenant_id: string
  region_id: string
  vcpu: number
  ram_gib: number
  storage_gib: number
  reserved_at: string
  updated_at: string
}

interface RegionCapacityRow {
  pools: string
  capacity_vcpu: number
  capacity_ram_gib: number
  capacity_storage_gib: number
}

/** What quota_reservations hold in a region, summed (0 when nothing): an aggregate, so always one row. */
interface ReservedRow {
  vcpu: number
  ram_gib: number
  storage_gib: number
}

interface RuleSetRow {
  tenant_id: string
  mlps_level: number
  default_action: 'deny'
  rules: string
  controls: string
  recorded_at: string
}

const allocationFromRow = (r: AllocationRow): SubnetAllocation => ({
  tenantId: r.tenant_id,
  zone: r.zone,
  regionId: r.region_id,
  cidr: r.cidr,
  allocatedAt: r.allocated_at,
})

const reservationFromRow = (r: ReservationRow): QuotaReservation => ({
  tenantId: r.tenant_id,
  regionId: r.region_id,
  vcpu: r.vcpu,
  ramGib: r.ram_gib,
  storageGib: r.storage_gib,
  reservedAt: r.reserved_at,
  updatedAt: r.updated_at,
})

const ruleSetFromRow = <Rule, Controls>(row: RuleSetRow): RuleSetRecord<Rule, Controls> => ({
  tenantId: row.tenant_id,
  mlpsLevel: row.mlps_level,
  defaultAction: row.default_action,
  rules: JSON.parse(row.rules) as Rule[],
  controls: JSON.parse(row.controls) as Controls,
  recordedAt: row.recorded_at,
})

const regionCapacityFromRow = (
  row: RegionCapacityRow,
): Pick<RegionFields, 'pools' | 'capacityVcpu' | 'capacityRamGib' | 'capacityStorageGib'> => ({
  pools: JSON.parse(row.pools) as string[],
  capacityVcpu: row.capacity_vcpu,
  capacityRamGib: row.capacity_ram_gib,
  capacityStorageGib: row.capacity_storage_gib,
})

const allocationId = (tenantId: string, zone: string) => `${tenantId}/${zone}`

/** Whether a held subnet satisfies a request for its zone: same region, same size. */
const satisfies = (held: Pick<SubnetAllocation, 'regionId' | 'cidr'>, regionId: string, prefix: number) =>
  held.regionId === regionId && parseCidr(held.cidr).prefix === prefix

/** The subnet insert's named parameters: the allocation and its address range in integers. */
type SubnetParams = SubnetAllocation & {first: number; last: number}
/** The rule-set upsert's named parameters: the record with rules and controls in JSON. */
type RuleSetParams = Omit<RuleSetRecord, 'rules' | 'controls'> & {rules: string; controls: string}

export class AllocationRepository {
  private readonly regionById: Statement<[string], RegionCapacityRow>
  private readonly subnetsOfTenant: Statement<[string], AllocationRow>
  private readonly subnetOfZone: Statement<[string, string], AllocationRow>
  private readonly subnetsOfRegion: Statement<[string], AllocationRow>
  private readonly insertSubnet: Statement<[SubnetParams]>
  private readonly deleteSubnet: Statement<[string, string, string]>
  private readonly reservationOfTenant: Statement<[string], ReservationRow>
  private readonly reservedByOthers: Statement<[{region: string; tenant: string | null}], ReservedRow>
  private readonly upsertReservation: Statement<[QuotaRequest & {at: string}]>
  private readonly deleteReservation: Statement<[string]>
  private readonly ruleSetOfTenant: Statement<[string], RuleSetRow>
  private readonly upsertRuleSet: Statement<[RuleSetParams]>
  private readonly deleteRuleSetRow: Statement<[string]>
  private readonly highestLevel: Statement<[{region: string}], number>
  private readonly holders: Statement<[{region: string}], string>
  private readonly changes: ChangeLog

  constructor(private readonly inventory: Inventory) {
    const db = inventory.db
    this.regionById = db.prepare<[string], RegionCapacityRow>(
      'SELECT pools, capacity_vcpu, capacity_ram_gib, capacity_storage_gib FROM regions WHERE id = ?',
    )
    this.subnetsOfTenant = db.prepare<[string], AllocationRow>(
      'SELECT * FROM network_allocations WHERE tenant_id = ? ORDER BY first_address',
    )
    this.subnetOfZone = db.prepare<[string, string], AllocationRow>(
      'SELECT * FROM network_allocations WHERE tenant_id = ? AND zone = ?',
    )
    this.subnetsOfRegion = db.prepare<[string], AllocationRow>(
      'SELECT * FROM network_allocations WHERE region_id = ? ORDER BY first_address',
    )
    this.insertSubnet = db.prepare<SubnetParams>(
      `INSERT INTO network_allocations (tenant_id, zone, region_id, cidr, first_address, last_address, allocated_at)
       VALUES (@tenantId, @zone, @regionId, @cidr, @first, @last, @allocatedAt)`,
    )
    this.deleteSubnet = db.prepare<[string, string, string]>(
      'DELETE FROM network_allocations WHERE tenant_id = ? AND zone = ? AND cidr = ?',
    )
    this.reservationOfTenant = db.prepare<[string], ReservationRow>(
      'SELECT * FROM quota_reservations WHERE tenant_id = ?',
    )
    this.reservedByOthers = db.prepare<{region: string; tenant: string | null}, ReservedRow>(
      `SELECT coalesce(sum(vcpu), 0) AS vcpu, coalesce(sum(ram_gib), 0) AS ram_gib, coalesce(sum(storage_gib), 0) AS storage_gib
       FROM quota_reservations WHERE region_id = @region AND tenant_id IS NOT @tenant`,
    )
    this.upsertReservation = db.prepare<QuotaRequest & {at: string}>(
      `INSERT INTO quota_reservations (tenant_id, region_id, vcpu, ram_gib, storage_gib, reserved_at, updated_at)
       VALUES (@tenantId, @regionId, @vcpu, @ramGib, @storageGib, @at, @at)
       ON CONFLICT (tenant_id) DO UPDATE SET region_id = excluded.region_id, vcpu = excluded.vcpu, ram_gib = excluded.ram_gib,
         storage_gib = excluded.storage_gib, updated_at = excluded.updated_at`,
    )
    this.deleteReservation = db.prepare<[string]>('DELETE FROM quota_reservations WHERE tenant_id = ?')
    this.ruleSetOfTenant = db.prepare<[string], RuleSetRow>('SELECT * FROM tenant_rule_sets WHERE tenant_id = ?')
    this.upsertRuleSet = db.prepare<RuleSetParams>(
      `INSERT INTO tenant_rule_sets (tenant_id, mlps_level, default_action, rules, controls, recorded_at)
       VALUES (@tenantId, @mlpsLevel, @defaultAction, @rules, @controls, @recordedAt)
       ON CONFLICT (tenant_id) DO UPDATE SET mlps_level = excluded.mlps_level, default_action = excluded.default_action,
         rules = excluded.rules, controls = excluded.controls, recorded_at = excluded.recorded_at`,
    )
    this.deleteRuleSetRow = db.prepare<[string]>('DELETE FROM tenant_rule_sets WHERE tenant_id = ?')
    this.highestLevel = db
      .prepare<{region: string}, number>(
        `SELECT coalesce(max(mlps_level), 0) AS level FROM tenants
       WHERE ${notDecommissionedSql('status')} AND (region = @region OR id IN (SELECT tenant_id FROM quota_reservations WHERE region_id = @region))`,
      )
      .pluck()
    this.holders = db
      .prepare<{region: string}, string>(
        `SELECT tenant_id FROM network_allocations WHERE region_id = @region UNION SELECT tenant_id FROM quota_reservations WHERE region_id = @region
       ORDER BY 1`,
      )
      .pluck()
    this.changes = new ChangeLog(inventory)
  }

  // ---- Reads ----

  subnetsOf(tenantId: string): SubnetAllocation[] {
    return this.subnetsOfTenant.all(tenantId).map(allocationFromRow)
  }

  subnetsIn(regionId: string): SubnetAllocation[] {
    return this.subnetsOfRegion.all(regionId).map(allocationFromRow)
  }

  reservationOf(tenantId: string): QuotaReservation | undefined {
    const row = this.reservationOfTenant.get(tenantId)
    return row ? reservationFromRow(row) : undefined
  }

  ruleSetOf<Rule = unknown, Controls = unknown>(tenantId: string): RuleSetRecord<Rule, Controls> | undefined {
    const row = this.ruleSetOfTenant.get(tenantId)
    return row ? ruleSetFromRow<Rule, Controls>(row) : undefined
  }

  /** Tenants holding subnets or quota in the region. */
  tenantsHoldingIn(regionId: string): string[] {
    return this.holders.all({region: regionId})
  }

  /** What the region's other tenants hold, for the pre-flight of `tenantId`. */
  otherTenantsUsage(regionId: string, tenantId: string): OtherTenantsUsage {
    const reserved = this.reservedByOthers.get({region: regionId, tenant: tenantId})!
    return {
      reservedVcpu: reserved.vcpu,
      reservedRamGib: reserved.ram_gib,
      reservedStorageGib: reserved.storage_gib,
      allocations: this.subnetsIn(regionId)
        .filter((a) => a.tenantId !== tenantId)
        .map((a) => a.cidr),
    }
  }

  regionUsage(regionId: string): RegionUsage {
    const reserved = this.reservedByOthers.get({region: regionId, tenant: null})!
    return {
      reservedVcpu: reserved.vcpu,
      reservedRamGib: reserved.ram_gib,
      reservedStorageGib: reserved.storage_gib,
      allocations: this.subnetsIn(regionId).map((a) => a.cidr),
      highestTenantLevel: this.highestLevel.get({region: regionId})!,
    }
  }

  // ---- Writes (the local target's dynamic providers) ----

  /**
   * Carve the zone's subnet. Idempotent: when the tenant already holds a subnet for the zone that
   * satisfies the request (an engine interrupted after the write), that subnet is returned.
   */
  allocateSubnet(request: SubnetRequest): SubnetAllocation {
    return this.inventory.write(() => {
      const held = this.subnetOfZone.get(request.tenantId, request.zone)
      const placed = this.place(request, this.subnetsIn(request.regionId), held && allocationFromRow(held))
      if ('held' in placed) return placed.held
      const block = parseCidr(placed.cidr)
      const allocation: SubnetAllocation = {
        tenantId: request.tenantId,
        zone: request.zone,
        regionId: request.regionId,
        cidr: placed.cidr,
        allocatedAt: nowIso(),
      }
      this.insertSubnet.run({...allocation, first: block.network, last: block.network + blockSize(block.prefix) - 1})
      this.changes.record(
        ALLOCATION_ENTITY,
        allocationId(request.tenantId, request.zone),
        'create',
        null,
        allocation,
        allocation.allocatedAt,
      )
      return allocation
    })
  }

  /**
   * Where `up` will put the tenant's zone subnets: allocateSubnet's placement for each request in
   * turn, in the order the stack creates them (one after another), each seeing the ones before it,
   * without writing. A subnet the tenant holds that satisfies its request is kept; one that does
   * not is released first (the stack replaces it, deleting before creating), so it is not in the
   * way. This is the pre-flight's plan (src/domain/preflight.ts), so `tenant check` shows what `up`
   * allocates.
   */
  planSubnets(
    tenantId: string,
    regionId: string,
    requests: readonly ZoneRequest[],
    within: string | null,
  ): {subnets: ZoneSubnet[]} | {noRoomFor: ZoneRequest} {
    const asked = (a: SubnetAllocation) => requests.find((r) => r.zone === a.zone)
    const replaced = (a: SubnetAllocation) =>
      a.tenantId === tenantId && asked(a) !== undefined && !satisfies(a, regionId, asked(a)!.prefix)
    const own = this.subnetsOf(tenantId).filter((a) => !replaced(a))
    const taken = this.subnetsIn(regionId).filter((a) => !replaced(a))
    const subnets: ZoneSubnet[] = []
    for (const zone of requests) {
      try {
        const request = {tenantId, regionId, zone: zone.zone, prefix: zone.prefix, within}
        const placed = this.place(
          request,
          taken,
          own.find((a) => a.zone === zone.zone),
        )
        const allocation = 'held' in placed ? placed.held : {tenantId, zone: zone.zone, regionId, cidr: placed.cidr}
        if (!('held' in placed)) taken.push({...allocation, allocatedAt: ''})
        subnets.push({zone: zone.zone, cidr: allocation.cidr})
      } catch (error) {
        if (error instanceof GovnetError && error.exit === ExitCode.conflict) return {noRoomFor: zone}
        throw error
      }
    }
    return {subnets}
  }

  /** Release a subnet; false when it was not held (already released). */
  releaseSubnet(tenantId: string, zone: string, cidr: string): boolean {
    return this.inventory.write(() => {
      const held = this.subnetOfZone.get(tenantId, zone)
      if (!held || held.cidr !== cidr) return false
      this.deleteSubnet.run(tenantId, zone, cidr)
      this.changes.record(ALLOCATION_ENTITY, allocationId(tenantId, zone), 'delete', allocationFromRow(held), null)
      return true
    })
  }

  /** Reserve (or resize) the tenant's quota; refused when it does not fit in what the other tenants left. */
  reserveQuota(request: QuotaRequest): QuotaReservation {
    return this.inventory.write(() => {
      const region = this.region(request.regionId)
      const others = this.reservedByOthers.get({region: request.regionId, tenant: request.tenantId})!
      const shortfall = quotaShortfall(request, region, {
        vcpu: others.vcpu,
        ramGib: others.ram_gib,
        storageGib: others.storage_gib,
      })
      if (shortfall) {
        throw new GovnetError(
          provisionMessages.quotaOverCapacity(request.regionId, shortfall.resource, shortfall.wanted, shortfall.free),
          ExitCode.conflict,
        )
      }
      const before = this.reservationOf(request.tenantId)
      const unchanged =
        before &&
        before.regionId === request.regionId &&
        before.vcpu === request.vcpu &&
        before.ramGib === request.ramGib &&
        before.storageGib === request.storageGib
      if (unchanged) return before
      const at = nowIso()
      this.upsertReservation.run({...request, at})
      const after = this.reservationOf(request.tenantId)!
      this.changes.record(RESERVATION_ENTITY, request.tenantId, before ? 'update' : 'create', before ?? null, after, at)
      return after
    })
  }

  releaseQuota(tenantId: string): boolean {
    return this.inventory.write(() => {
      const before = this.reservationOf(tenantId)
      if (!before) return false
      this.deleteReservation.run(tenantId)
      this.changes.record(RESERVATION_ENTITY, tenantId, 'delete', before, null)
      return true
    })
  }

  /** Record the rendered rules and control settings; logs a change only when they differ. */
  recordRuleSet<Rule, Controls>(
    record: Omit<RuleSetRecord<Rule, Controls>, 'recordedAt'>,
  ): RuleSetRecord<Rule, Controls> {
    return this.inventory.write(() => {
      const before = this.ruleSetOf<Rule, Controls>(record.tenantId)
      const same = (r: Omit<RuleSetRecord, 'recordedAt'>) =>
        JSON.stringify([r.mlpsLevel, r.defaultAction, r.rules, r.controls])
      if (before && same(before) === same(record)) return before
      const stored = {...record, recordedAt: nowIso()}
      this.upsertRuleSet.run({
        ...stored,
        rules: JSON.stringify(record.rules),
        controls: JSON.stringify(record.controls),
      })
      this.changes.record(
        RULE_SET_ENTITY,
        record.tenantId,
        before ? 'update' : 'create',
        before ?? null,
        stored,
        stored.recordedAt,
      )
      return stored
    })
  }

  deleteRuleSet(tenantId: string): boolean {
    return this.inventory.write(() => {
      const before = this.ruleSetOf(tenantId)
      if (!before) return false
      this.deleteRuleSetRow.run(tenantId)
      this.changes.record(RULE_SET_ENTITY, tenantId, 'delete', before, null)
      return true
    })
  }

  /**
   * Where one zone's subnet goes, given what the region's tenants hold (`taken`) and the subnet the
   * tenant holds for the zone (`own`): that subnet when it satisfies the request, else the first
   * free block of the tenant's own block or of the region's pools. Refused (exit 5) when the tenant
   * holds another subnet for the zone, its block lies outside the pools, or nothing fits.
   */
  private place(
    request: SubnetRequest,
    taken: readonly SubnetAllocation[],
    own: SubnetAllocation | undefined,
  ): {held: SubnetAllocation} | {cidr: string} {
    if (own) {
      if (satisfies(own, request.regionId, request.prefix)) return {held: own}
      throw new GovnetError(
        provisionMessages.zoneAlreadyAllocated(request.tenantId, request.zone, own.cidr),
        ExitCode.conflict,
      )
    }
    const region = this.region(request.regionId)
    if (request.within !== null && !insideAnyPool(region.pools, request.within)) {
      throw new GovnetError(
        provisionMessages.blockOutsidePools(request.within, request.regionId, region.pools),
        ExitCode.conflict,
      )
    }
    const cidr = placeSubnet(
      region.pools,
      request.within,
      request.prefix,
      taken.map((a) => a.cidr),
    )
    if (cidr === undefined) {
      const pools = request.within === null ? region.pools : [request.within]
      throw new GovnetError(
        provisionMessages.poolExhausted(request.regionId, request.zone, request.prefix, pools),
        ExitCode.conflict,
      )
    }
    return {cidr}
  }

  private region(id: string): Pick<RegionFields, 'pools' | 'capacityVcpu' | 'capacityRamGib' | 'capacityStorageGib'> {
    const row = this.regionById.get(id)
    if (!row) throw regionMessages.regionNotFound(id)
    return regionCapacityFromRow(row)
  }
}
