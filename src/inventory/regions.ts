import type {Statement} from 'better-sqlite3'

import {RawRecord} from '../domain/fields'
import {mergeRegion, parseRegion, Region, RegionFields, regionChangeProblems, RegionUsage} from '../domain/regions'
import {HostedLevel} from '../domain/tenants'
import {formatProblem} from '../errors'
import {inventoryMessages} from '../messages'
import * as msg from '../messages/regions'
import {AllocationRepository} from './allocations'
import {ChangeLog} from './changes'
import {Inventory, nowIso} from './db'
import {notDecommissionedSql} from './sql-rules'

export const REGION_ENTITY = 'region'

interface RegionRow {
  id: string
  name: string
  pools: string
  extranet_ranges: string
  capacity_vcpu: number
  capacity_ram_gib: number
  capacity_storage_gib: number
  /** The column's CHECK holds it to the hosted levels. */
  max_mlps_level: HostedLevel
  external_network: string | null
  created_at: string
  updated_at: string
}

function fromRow(row: RegionRow): Region {
  return {
    id: row.id,
    name: row.name,
    pools: JSON.parse(row.pools) as string[],
    extranetRanges: JSON.parse(row.extranet_ranges) as string[],
    capacityVcpu: row.capacity_vcpu,
    capacityRamGib: row.capacity_ram_gib,
    capacityStorageGib: row.capacity_storage_gib,
    maxMlpsLevel: row.max_mlps_level,
    externalNetwork: row.external_network,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  }
}

function toRow(region: Region): RegionRow {
  return {
    id: region.id,
    name: region.name,
    pools: JSON.stringify(region.pools),
    extranet_ranges: JSON.stringify(region.extranetRanges),
    capacity_vcpu: region.capacityVcpu,
    capacity_ram_gib: region.capacityRamGib,
    capacity_storage_gib: region.capacityStorageGib,
    max_mlps_level: region.maxMlpsLevel,
    external_network: region.externalNetwork,
    created_at: region.createdAt,
    updated_at: region.updatedAt,
  }
}

/** The fields the change log records (no timestamps). */
export function regionFields(region: RegionFields): RegionFields {
  const {
    id,
    name,
    pools,
    extranetRanges,
    capacityVcpu,
    capacityRamGib,
    capacityStorageGib,
    maxMlpsLevel,
    externalNetwork,
  } = region
  return {
    id,
    name,
    pools,
    extranetRanges,
    capacityVcpu,
    capacityRamGib,
    capacityStorageGib,
    maxMlpsLevel,
    externalNetwork,
  }
}

/** Same settings, whatever the order of the fields. */
export const sameRegion = (a: RegionFields, b: RegionFields) =>
  JSON.stringify(regionFields(a)) === JSON.stringify(regionFields(b))

export interface RegionWithUsage extends Region {
  usage: RegionUsage
  tenants: string[]
}

export class RegionRepository {
  private readonly byId: Statement<[string], RegionRow>
  private readonly all: Statement<[], RegionRow>
  private readonly insert: Statement<[RegionRow]>
  private readonly update: Statement<[RegionRow]>
  private readonly deleteById: Statement<[string]>
  private readonly tenantsIn: Statement<[string], string>
  private readonly changes: ChangeLog
  private readonly allocations: AllocationRepository

  constructor(private readonly inventory: Inventory) {
    const db = inventory.db
    this.byId = db.prepare<[string], RegionRow>('SELECT * FROM regions WHERE id = ?')
    this.all = db.prepare<[], RegionRow>('SELECT * FROM regions ORDER BY id')
    const columns =
      'id, name, pools, extranet_ranges, capacity_vcpu, capacity_ram_gib, capacity_storage_gib, max_mlps_level, external_network, created_at, updated_at'
    this.insert = db.prepare<RegionRow>(
      `INSERT INTO regions (${columns}) VALUES (${columns
        .split(', ')
        .map((c) => `@${c}`)
        .join(', ')})`,
    )
    this.update = db.prepare<RegionRow>(
      `UPDATE regions SET name = @name, pools = @pools, extranet_ranges = @extranet_ranges, capacity_vcpu = @capacity_vcpu,
         capacity_ram_gib = @capacity_ram_gib, capacity_storage_gib = @capacity_storage_gib, max_mlps_level = @max_mlps_level,
         external_network = @external_network, updated_at = @updated_at WHERE id = @id`,
    )
    this.deleteById = db.prepare<[string]>('DELETE FROM regions WHERE id = ?')
    this.tenantsIn = db
      .prepare<[string], string>(
        `SELECT id FROM tenants WHERE region = ? AND ${notDecommissionedSql('status')} ORDER BY id`,
      )
      .pluck()
    this.changes = new ChangeLog(inventory)
    this.allocations = new AllocationRepository(inventory)
  }

  get(id: string): Region | undefined {
    const row = this.byId.get(id)
    return row ? fromRow(row) : undefined
  }

  require(id: string): Region {
    const region = this.get(id)
    if (!region) throw msg.regionNotFound(id)
    return region
  }

  list(): Region[] {
    return this.all.all().map(fromRow)
  }

  /** A region with what its tenants hold (for `region show` and `region list --json`). */
  withUsage(region: Region): RegionWithUsage {
    return {...region, usage: this.allocations.regionUsage(region.id), tenants: this.tenantIds(region.id)}
  }

  /** Tenants placed in the region (decommissioned ones aside). */
  tenantIds(id: string): string[] {
    return this.tenantsIn.all(id)
  }

  add(input: RawRecord): Region {
    const {region, problems} = parseRegion(input)
    if (!region) throw inventoryMessages.invalidRecord('region', problems)
    return this.inventory.write(() => {
      if (this.get(region.id)) throw msg.regionExists(region.id)
      const at = nowIso()
      const stored: Region = {...regionFields(region), createdAt: at, updatedAt: at}
      this.insert.run(toRow(stored))
      this.changes.record(REGION_ENTITY, region.id, 'create', null, regionFields(region), at)
      return stored
    })
  }

  /** Change fields (input names). Refused when tenants hold more than the new values allow. */
  set(id: string, changes: RawRecord): {region: Region; changed: boolean} {
    return this.inventory.write(() => {
      const current = this.require(id)
      const {region: next, problems} = mergeRegion(current, changes)
      if (!next) throw inventoryMessages.invalidRecord('region', problems)
      if (sameRegion(current, next)) return {region: current, changed: false}
      const refused = regionChangeProblems(next, this.allocations.regionUsage(id))
      if (refused.length > 0) throw msg.regionChangeRefused(id, refused.map(formatProblem))
      const stored: Region = {...regionFields(next), createdAt: current.createdAt, updatedAt: nowIso()}
      this.update.run(toRow(stored))
      this.changes.record(REGION_ENTITY, id, 'update', regionFields(current), regionFields(next), stored.updatedAt)
      return {region: stored, changed: true}
    })
  }

  /** Remove a region that hosts no tenant and holds no allocation. */
  remove(id: string): Region {
    return this.inventory.write(() => {
      const current = this.require(id)
      const tenants = [...new Set([...this.tenantIds(id), ...this.allocations.tenantsHoldingIn(id)])].sort()
      if (tenants.length > 0) throw msg.regionInUse(id, tenants)
      this.deleteById.run(id)
      this.changes.record(REGION_ENTITY, id, 'delete', regionFields(current), null)
      return current
    })
  }
}
