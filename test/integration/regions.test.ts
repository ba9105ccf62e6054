import {afterEach, beforeEach, describe, expect, it} from 'vitest'

import {formatProblem} from '../../src/errors'
import {AllocationRepository} from '../../src/inventory/allocations'
import {ChangeLog} from '../../src/inventory/changes'
import {Inventory} from '../../src/inventory/db'
import {RegionRepository} from '../../src/inventory/regions'
import {TenantRepository} from '../../src/inventory/tenants'
import * as provisionMsg from '../../src/messages/provision'
import * as regionMsg from '../../src/messages/regions'
import {preflightTenant} from '../../src/provision/context'
import {inventoryMessages} from '../../src/messages'
import {snapshot} from '../helpers/db'
import {tempInventory} from '../helpers/inventory'

let cleanup: () => void
let dbPath: string
let inventory: Inventory
let regions: RegionRepository

const region = {
  id: 'gz-1',
  name: '广州一区',
  pools: '10.20.0.0/22',
  extranet_ranges: '59.255.0.0/16',
  vcpu: 100,
  ram_gib: 400,
  storage_gib: 10_000,
  max_level: 4,
}
const tenant = (id: string, level: number) => ({
  id,
  name: id,
  department: '市数据局',
  uscc: '91430111MA4L41YT1U',
  region: 'gz-1',
  level,
  exposure: 'extranet',
  vcpu: 40,
  ram_gib: 100,
  storage_gib: 1000,
})

beforeEach(() => {
  ;({db: dbPath, inventory, cleanup} = tempInventory())
  regions = new RegionRepository(inventory)
})
afterEach(() => {
  inventory.close()
  cleanup()
})

describe('RegionRepository', () => {
  it('adds, changes and removes a region, logging each change once', () => {
    regions.add(region)
    expect(regions.set('gz-1', {vcpu: '100'}).changed).toBe(false)
    expect(regions.set('gz-1', {vcpu: '200', external_network: 'ext-net'}).region).toMatchObject({
      capacityVcpu: 200,
      externalNetwork: 'ext-net',
    })
    regions.remove('gz-1')
    expect(regions.get('gz-1')).toBeUndefined()
    expect(new ChangeLog(inventory).list({entity: 'region'}).map((c) => c.action)).toEqual([
      'delete',
      'update',
      'create',
    ])
  })

  it('refuses a duplicate, an invalid record and an unknown id, writing nothing', () => {
    regions.add(region)
    const before = snapshot(dbPath)
    expect(() => regions.add(region)).toThrow(regionMsg.regionExists('gz-1'))
    expect(() => regions.add({...region, id: 'gz-2', max_level: 5})).toThrow(
      inventoryMessages.invalidRecord('region', [{field: 'max_level', message: regionMsg.ratingNotHosted(5)}]),
    )
    expect(() => regions.set('nowhere', {vcpu: '1'})).toThrow(regionMsg.regionNotFound('nowhere'))
    expect(() => regions.remove('nowhere')).toThrow(regionMsg.regionNotFound('nowhere'))
    expect(snapshot(dbPath)).toBe(before)
  })

  it('will not take away capacity, rating or pools that tenants hold', () => {
    regions.add(region)
    new TenantRepository(inventory).add(tenant('alpha', 3))
    const allocations = new AllocationRepository(inventory)
    allocations.reserveQuota({tenantId: 'alpha', regionId: 'gz-1', vcpu: 40, ramGib: 100, storageGib: 1000})
    allocations.allocateSubnet({tenantId: 'alpha', regionId: 'gz-1', zone: 'web', prefix: 24, within: null})
    const before = snapshot(dbPath)
    expect(() => regions.set('gz-1', {vcpu: '39', max_level: '2', pools: '10.30.0.0/16'})).toThrow(
      regionMsg.regionChangeRefused('gz-1', [
        formatProblem({field: 'vcpu', message: regionMsg.capacityBelowReserved(39, 40)}),
        formatProblem({field: 'max_level', message: regionMsg.ratingBelowTenants(2, 3)}),
        formatProblem({field: 'pools', message: regionMsg.poolStillAllocated('10.20.0.0/24')}),
      ]),
    )
    expect(() => regions.remove('gz-1')).toThrow(regionMsg.regionInUse('gz-1', ['alpha']))
    expect(snapshot(dbPath)).toBe(before)
    expect(regions.withUsage(regions.require('gz-1'))).toMatchObject({
      usage: {
        reservedVcpu: 40,
        reservedRamGib: 100,
        reservedStorageGib: 1000,
        allocations: ['10.20.0.0/24'],
        highestTenantLevel: 3,
      },
      tenants: ['alpha'],
    })
  })

  it('finds a region’s allocations through its index', () => {
    const plan = inventory.db
      .prepare('EXPLAIN QUERY PLAN SELECT * FROM network_allocations WHERE region_id = ? ORDER BY first_address')
      .all('gz-1') as {detail: string}[]
    expect(plan.map((p) => p.detail).join('\n')).toMatch(/USING INDEX network_allocations_region/)
  })

  it('runs the pre-flight of a stored tenant against its region, the baseline and what others hold', () => {
    regions.add({...region, vcpu: 50})
    const tenants = new TenantRepository(inventory)
    tenants.add(tenant('alpha', 3))
    tenants.add(tenant('bravo', 3))
    new AllocationRepository(inventory).reserveQuota({
      tenantId: 'alpha',
      regionId: 'gz-1',
      vcpu: 40,
      ramGib: 100,
      storageGib: 1000,
    })
    // alpha's own reservation does not count against it; bravo finds only 10 vCPU left.
    expect(preflightTenant(inventory, tenants.require('alpha')).ok).toBe(true)
    const bravo = preflightTenant(inventory, tenants.require('bravo'), 'openstack')
    expect(bravo.findings.filter((f) => !f.ok)).toEqual([
      {check: 'external-network', ok: false, message: provisionMsg.noExternalNetwork('gz-1')},
      {check: 'quota', ok: false, message: provisionMsg.quotaOverCapacity('gz-1', 'vCPU', 40, 10)},
    ])
  })
})
