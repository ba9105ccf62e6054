/**
 * The inventory dynamic providers, called directly against a real SQLite inventory: carving never
 * overlaps, destroy releases, quota is refused over capacity, two tenants racing for the last
 * block (two processes) cannot both get it — and the providers still work after the engine's
 * closure serialization, loaded from the serialized text as the engine's provider host does.
 */
import {execFile} from 'node:child_process'
import {writeFileSync} from 'node:fs'
import path from 'node:path'
import {promisify} from 'node:util'
import {afterEach, beforeEach, describe, expect, it} from 'vitest'

import {overlaps, parseCidr} from '../../src/domain/cidr'
import {AllocationRepository} from '../../src/inventory/allocations'
import {Inventory} from '../../src/inventory/db'
import {RegionRepository} from '../../src/inventory/regions'
import {TenantRepository} from '../../src/inventory/tenants'
import * as msg from '../../src/messages/provision'
import {repoRoot, tempDir} from '../helpers/cli'
import {snapshot} from '../helpers/db'
import {requireDist} from '../helpers/provision'

const pulumi = requireDist('@pulumi/pulumi')
const providers = requireDist('./stacks/tenant/local/providers')
const run = promisify(execFile)

let dir: string
let cleanup: () => void
let dbPath: string

function seed(pools: string[]): void {
  const inventory = Inventory.open(dbPath, {create: true, actor: 'test'})
  try {
    new RegionRepository(inventory).add({
      id: 'gz-1',
      name: '广州一区',
      pools,
      extranet_ranges: '59.255.0.0/16',
      vcpu: 100,
      ram_gib: 400,
      storage_gib: 10_000,
      max_level: 4,
    })
    const tenants = new TenantRepository(inventory)
    for (const id of ['alpha', 'bravo', 'charlie']) {
      tenants.add({
        id,
        name: id,
        department: '市数据局',
        uscc: '91430111MA4L41YT1U',
        region: 'gz-1',
        level: 2,
        exposure: 'extranet',
        vcpu: 40,
        ram_gib: 100,
        storage_gib: 1000,
      })
    }
  } finally {
    inventory.close()
  }
}

function held<T>(fn: (r: AllocationRepository) => T): T {
  const inventory = Inventory.open(dbPath, {readonly: true})
  try {
    return fn(new AllocationRepository(inventory))
  } finally {
    inventory.close()
  }
}

const subnet = (tenantId: string, zone: string, extra: Record<string, unknown> = {}) => ({
  inventoryPath: dbPath,
  actor: 'test',
  tenantId,
  regionId: 'gz-1',
  zone,
  prefix: 24,
  within: null,
  ...extra,
})

const quota = (tenantId: string, vcpu: number) => ({
  inventoryPath: dbPath,
  actor: 'test',
  tenantId,
  regionId: 'gz-1',
  vcpu,
  ramGib: 100,
  storageGib: 1000,
})

beforeEach(() => {
  ;({dir, cleanup} = tempDir())
  dbPath = path.join(dir, 'govnet.db')
})
afterEach(() => cleanup())

describe('the pre-flight plan of zone subnets', () => {
  const zones = [
    {zone: 'web', prefix: 24},
    {zone: 'app', prefix: 24},
    {zone: 'data', prefix: 24},
    {zone: 'management', prefix: 24},
  ] as const
  const plan = (tenantId: string, within: string | null = null) =>
    held((r) => r.planSubnets(tenantId, 'gz-1', zones, within))

  it('is what the providers then allocate one after another, around what others hold, and writes nothing', async () => {
    seed(['10.20.0.0/21'])
    await providers.zoneSubnetProvider.create(subnet('alpha', 'service'))
    await providers.zoneSubnetProvider.create(subnet('alpha', 'management', {prefix: 23}))
    const before = snapshot(dbPath)
    const planned = plan('bravo')
    expect(snapshot(dbPath)).toBe(before)
    expect(planned).toEqual({
      subnets: [
        {zone: 'web', cidr: '10.20.1.0/24'},
        {zone: 'app', cidr: '10.20.4.0/24'},
        {zone: 'data', cidr: '10.20.5.0/24'},
        {zone: 'management', cidr: '10.20.6.0/24'},
      ],
    })
    const allocated = []
    for (const {zone} of zones) allocated.push((await providers.zoneSubnetProvider.create(subnet('bravo', zone))).outs)
    expect({subnets: allocated.map((a) => ({zone: a.zone, cidr: a.cidr}))}).toEqual(planned)
    // Once held, the plan is what the tenant holds: the next up keeps it.
    expect(plan('bravo')).toEqual(planned)
  })

  it("places the zones inside the tenant's own block, and names the first zone that does not fit", () => {
    seed(['10.20.0.0/21'])
    expect(plan('charlie', '10.20.4.0/22')).toEqual({
      subnets: zones.map((z, i) => ({zone: z.zone, cidr: `10.20.${4 + i}.0/24`})),
    })
    expect(
      held((r) => r.planSubnets('charlie', 'gz-1', [...zones, {zone: 'service', prefix: 24}], '10.20.4.0/22')),
    ).toEqual({
      noRoomFor: {zone: 'service', prefix: 24},
    })
  })
})

describe('zone subnets', () => {
  it('carves non-overlapping subnets inside the pool, and refuses when the pool has no room', async () => {
    seed(['10.20.0.0/22'])
    const created = []
    for (const [tenant, zone] of [
      ['alpha', 'service'],
      ['alpha', 'management'],
      ['bravo', 'service'],
      ['bravo', 'management'],
    ]) {
      created.push(await providers.zoneSubnetProvider.create(subnet(tenant!, zone!)))
    }
    const cidrs = created.map((c) => c.outs.cidr)
    expect(cidrs).toEqual(['10.20.0.0/24', '10.20.1.0/24', '10.20.2.0/24', '10.20.3.0/24'])
    expect(created.map((c) => c.id)).toEqual(['alpha/service', 'alpha/management', 'bravo/service', 'bravo/management'])
    for (const [i, a] of cidrs.entries())
      for (const b of cidrs.slice(i + 1)) expect(overlaps(parseCidr(a), parseCidr(b))).toBe(false)
    expect(held((r) => r.subnetsIn('gz-1').map((s) => `${s.tenantId}/${s.zone}=${s.cidr}`))).toEqual(
      created.map((c) => `${c.id}=${c.outs.cidr}`),
    )

    const before = snapshot(dbPath)
    await expect(providers.zoneSubnetProvider.create(subnet('charlie', 'service'))).rejects.toThrow(
      msg.poolExhausted('gz-1', 'service', 24, ['10.20.0.0/22']),
    )
    expect(snapshot(dbPath)).toBe(before)
  })

  it('delete releases the block for the next tenant; create is idempotent per tenant and zone', async () => {
    seed(['10.20.0.0/23'])
    const a = await providers.zoneSubnetProvider.create(subnet('alpha', 'service'))
    const again = await providers.zoneSubnetProvider.create(subnet('alpha', 'service'))
    expect(again.outs.cidr).toBe(a.outs.cidr)
    await providers.zoneSubnetProvider.create(subnet('bravo', 'service'))
    await expect(providers.zoneSubnetProvider.create(subnet('charlie', 'service'))).rejects.toThrow(
      msg.poolExhausted('gz-1', 'service', 24, ['10.20.0.0/23']),
    )

    await providers.zoneSubnetProvider.delete(a.id, a.outs)
    expect(held((r) => r.subnetsOf('alpha'))).toEqual([])
    expect((await providers.zoneSubnetProvider.create(subnet('charlie', 'service'))).outs.cidr).toBe(a.outs.cidr)
    // Refresh of a released allocation reports it gone.
    expect(await providers.zoneSubnetProvider.read(a.id, a.outs)).toEqual({})
  })

  it('carves inside the tenant block when it has one', async () => {
    seed(['10.20.0.0/20'])
    const created = await providers.zoneSubnetProvider.create(
      subnet('alpha', 'data', {within: '10.20.8.0/22', prefix: 24}),
    )
    expect(created.outs.cidr).toBe('10.20.8.0/24')
    await expect(
      providers.zoneSubnetProvider.create(subnet('bravo', 'data', {within: '10.30.0.0/22'})),
    ).rejects.toThrow(msg.blockOutsidePools('10.30.0.0/22', 'gz-1', ['10.20.0.0/20']))
  })

  it('diff: the actor never changes a subnet, a moved inventory updates it, its size replaces it (deleting first)', async () => {
    seed(['10.20.0.0/22'])
    const {outs} = await providers.zoneSubnetProvider.create(subnet('alpha', 'service'))
    expect(
      await providers.zoneSubnetProvider.diff('alpha/service', outs, {
        ...subnet('alpha', 'service'),
        actor: 'someone-else',
      }),
    ).toEqual({
      changes: false,
      replaces: [],
      deleteBeforeReplace: false,
    })
    expect(
      await providers.zoneSubnetProvider.diff('alpha/service', outs, subnet('alpha', 'service', {prefix: 25})),
    ).toEqual({
      changes: true,
      replaces: ['prefix'],
      deleteBeforeReplace: true,
    })
    const moved = {...subnet('alpha', 'service'), inventoryPath: '/srv/govnet/govnet.db'}
    expect(await providers.zoneSubnetProvider.diff('alpha/service', outs, moved)).toEqual({
      changes: true,
      replaces: [],
      deleteBeforeReplace: false,
    })
    const updated = await providers.zoneSubnetProvider.update('alpha/service', outs, moved)
    expect(updated.outs).toEqual({...outs, inventoryPath: '/srv/govnet/govnet.db'})
  })

  it('two tenants racing (two processes) for the last block: exactly one gets it', async () => {
    seed(['10.20.0.0/24'])
    const script = path.join(dir, 'race.js')
    writeFileSync(
      script,
      `const {zoneSubnetProvider} = require(${JSON.stringify(path.join(repoRoot, 'dist/stacks/tenant/local/providers.js'))})
const start = Number(process.argv[3])
while (Date.now() < start) {}
zoneSubnetProvider.create(JSON.parse(process.argv[2])).then(
  (r) => console.log(JSON.stringify({cidr: r.outs.cidr})),
  (e) => console.log(JSON.stringify({error: e.message})))\n`,
    )
    const start = String(Date.now() + 1500)
    const results = await Promise.all(
      ['alpha', 'bravo'].map(async (tenant) =>
        JSON.parse((await run(process.execPath, [script, JSON.stringify(subnet(tenant, 'service')), start])).stdout),
      ),
    )
    expect(results.filter((r) => r.cidr === '10.20.0.0/24')).toHaveLength(1)
    expect(results.filter((r) => r.error === msg.poolExhausted('gz-1', 'service', 24, ['10.20.0.0/24']))).toHaveLength(
      1,
    )
    expect(held((r) => r.subnetsIn('gz-1')).map((s) => s.cidr)).toEqual(['10.20.0.0/24'])
  })
})

describe('quota reservations', () => {
  it('reserves against capacity, resizes in place, refuses over capacity and releases on delete', async () => {
    seed(['10.20.0.0/22'])
    const a = await providers.quotaProvider.create(quota('alpha', 60))
    await expect(providers.quotaProvider.create(quota('bravo', 41))).rejects.toThrow(
      msg.quotaOverCapacity('gz-1', 'vCPU', 41, 40),
    )
    expect(await providers.quotaProvider.diff('alpha', a.outs, quota('alpha', 70))).toEqual({
      changes: true,
      replaces: [],
      deleteBeforeReplace: false,
    })
    await providers.quotaProvider.update('alpha', a.outs, quota('alpha', 70))
    expect(held((r) => r.reservationOf('alpha'))).toMatchObject({vcpu: 70, ramGib: 100, storageGib: 1000})
    await expect(providers.quotaProvider.update('alpha', a.outs, quota('alpha', 101))).rejects.toThrow(
      msg.quotaOverCapacity('gz-1', 'vCPU', 101, 100),
    )
    expect(held((r) => r.reservationOf('alpha'))?.vcpu).toBe(70)
    await providers.quotaProvider.delete('alpha', a.outs)
    expect(held((r) => r.reservationOf('alpha'))).toBeUndefined()
    expect((await providers.quotaProvider.create(quota('bravo', 100))).outs.vcpu).toBe(100)
  })
})

describe('rule sets', () => {
  it('records, updates and deletes the rendered rules, logging only real changes', async () => {
    seed(['10.20.0.0/22'])
    const inputs = {
      inventoryPath: dbPath,
      actor: 'test',
      tenantId: 'alpha',
      mlpsLevel: 2,
      defaultAction: 'deny',
      rules: [{id: 'service-in-management-22', zone: 'service'}],
      controls: {logRetentionDays: 180},
      zoneSubnets: [{zone: 'service', cidr: '10.20.0.0/24'}],
    }
    const created = await providers.ruleSetProvider.create(inputs)
    expect(held((r) => r.ruleSetOf('alpha'))).toMatchObject({
      mlpsLevel: 2,
      rules: inputs.rules,
      controls: {logRetentionDays: 180, zoneSubnets: inputs.zoneSubnets},
    })
    const changesBefore = snapshot(dbPath)
    await providers.ruleSetProvider.update('alpha', created.outs, inputs)
    expect(snapshot(dbPath)).toBe(changesBefore)
    const widened = {...inputs, controls: {logRetentionDays: 365}}
    expect(await providers.ruleSetProvider.diff('alpha', created.outs, widened)).toEqual({
      changes: true,
      replaces: [],
      deleteBeforeReplace: false,
    })
    await providers.ruleSetProvider.update('alpha', created.outs, widened)
    expect(held((r) => r.ruleSetOf('alpha'))?.controls).toMatchObject({logRetentionDays: 365})
    await providers.ruleSetProvider.delete('alpha', widened)
    expect(held((r) => r.ruleSetOf('alpha'))).toBeUndefined()
  })
})

describe('after the engine serializes them', () => {
  it('the providers capture no database handle and work when loaded from their serialized text', async () => {
    seed(['10.20.0.0/22'])
    const serialized = await pulumi.runtime.serializeFunction(() => providers.zoneSubnetProvider)
    expect(serialized.text).not.toMatch(/better-sqlite3|Database|prepare\(/)
    const file = path.join(dir, 'serialized-provider.js')
    writeFileSync(file, serialized.text)
    const provider = requireDist(file).handler()
    const created = await provider.create(subnet('alpha', 'service'))
    expect(created.outs.cidr).toBe('10.20.0.0/24')
    await provider.delete(created.id, created.outs)
    expect(held((r) => r.subnetsOf('alpha'))).toEqual([])
  })
})
