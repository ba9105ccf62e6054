import {Inventory} from '../../src/inventory/db'
import {DivisionRepository} from '../../src/inventory/divisions'
import {seedAudits, seedNodes as writeNodes, seedTenants} from '../../src/seed'
import {seedDivisions} from './seed'

/** The clock of every metrics test: the seeded audit and assessment times are relative to it. */
export const METRICS_NOW = new Date('2026-11-25T12:00:00Z')

const hoursAgo = (hours: number) => new Date(METRICS_NOW.getTime() - hours * 3_600_000).toISOString()

export interface SeedNode {
  id: string
  division: string
  tier: 'national' | 'provincial' | 'prefecture' | 'county' | 'township'
  status: 'planned' | 'active' | 'degraded' | 'decommissioned'
  platform: 'huawei-vrp' | 'h3c-comware' | 'cisco-ios' | 'linux'
  /** Outcome of the latest audit and how many hours before METRICS_NOW it finished; absent: never audited. */
  audit?: {outcome: string; hoursAgo: number}
}

export interface SeedTenant {
  id: string
  level: 1 | 2 | 3 | 4
  /** Default: cn-test-1. */
  region?: string
  status: 'requested' | 'provisioning' | 'active' | 'failed' | 'decommissioned'
  filing?: string
  assessedOn?: string
}

/**
 * The metrics test inventory, seeded through the repositories (src/seed): the fixture's 650
 * divisions, then these nodes with their audits, and the tenants, all created at
 * SEED_LAST_CHANGE_AT. Townships below are the first ones of Beijing (11) and of Dongguan (4419,
 * no county level).
 */
export const SEED_NODES: readonly SeedNode[] = [
  {
    id: 'bj-core',
    division: '11',
    tier: 'provincial',
    status: 'active',
    platform: 'huawei-vrp',
    audit: {outcome: 'ok', hoursAgo: 1},
  },
  {
    id: 'gd-core',
    division: '44',
    tier: 'provincial',
    status: 'active',
    platform: 'h3c-comware',
    audit: {outcome: 'timeout', hoursAgo: 2},
  },
  {
    id: 'dg-agg',
    division: '4419',
    tier: 'prefecture',
    status: 'active',
    platform: 'cisco-ios',
    audit: {outcome: 'host-key-changed', hoursAgo: 3},
  },
  {id: 'jyg-agg', division: '6202', tier: 'prefecture', status: 'planned', platform: 'linux'},
]

/** [township index under Beijing, status, audit] */
const BEIJING_TOWNSHIPS: ReadonlyArray<[number, SeedNode['status'], SeedNode['audit']]> = [
  [0, 'active', {outcome: 'ok', hoursAgo: 1}],
  [1, 'active', {outcome: 'ok', hoursAgo: 5}],
  [2, 'active', {outcome: 'ok', hoursAgo: 23}],
  [3, 'active', {outcome: 'ok', hoursAgo: 30}], // covered, not verified: audit older than 24 h
  [4, 'active', {outcome: 'auth', hoursAgo: 2}], // covered, not verified: audit failed
  [5, 'active', undefined], // covered, never audited
  [6, 'active', {outcome: 'refused', hoursAgo: 2}],
  [7, 'planned', undefined], // not covered
  [8, 'degraded', {outcome: 'ok', hoursAgo: 1}], // not covered: degraded is not active
  [9, 'decommissioned', {outcome: 'timeout', hoursAgo: 400}],
]

const DONGGUAN_TOWNSHIPS: ReadonlyArray<[number, SeedNode['status'], SeedNode['audit']]> = [
  [0, 'active', {outcome: 'ok', hoursAgo: 2}],
  [1, 'active', {outcome: 'ok', hoursAgo: 3}],
  [2, 'active', {outcome: 'host-key-changed', hoursAgo: 3}],
]

export const SEED_TENANTS: readonly SeedTenant[] = [
  {id: 'tax-l3-overdue', level: 3, status: 'active', filing: '11010099001-00001', assessedOn: '2024-06-01'},
  {id: 'health-l3-unfiled', level: 3, status: 'active', assessedOn: '2026-05-01'},
  {id: 'edu-l2', level: 2, status: 'active', filing: '44010099002-00002', region: 'gd-gz-1'},
  {id: 'police-l4-requested', level: 4, status: 'requested'},
  {id: 'police-l4-overdue', level: 4, status: 'active', filing: '44010099003-00003', assessedOn: '2026-03-01'},
  {id: 'portal-l1', level: 1, status: 'active'},
  {id: 'old-l3', level: 3, status: 'decommissioned', filing: '11010099004-00004', assessedOn: '2020-01-01'},
]

/** The cloud regions of the seed: capacity in vCPU, GiB of RAM and GiB of storage. */
export const SEED_REGIONS = [
  {id: 'cn-test-1', name: '测试云', vcpu: 512, ramGib: 2048, storageGib: 40960, maxLevel: 4, pool: '10.20.0.0/16'},
  {id: 'gd-gz-1', name: '广州政务云', vcpu: 256, ramGib: 1024, storageGib: 20480, maxLevel: 3, pool: '10.44.0.0/16'},
] as const

/** Quota reservations (region, vCPU, RAM GiB, storage GiB) of the seed's tenants that were provisioned. */
export const SEED_RESERVATIONS = [
  {tenant: 'tax-l3-overdue', region: 'cn-test-1', vcpu: 16, ramGib: 64, storageGib: 1000},
  {tenant: 'police-l4-overdue', region: 'cn-test-1', vcpu: 8, ramGib: 32, storageGib: 500},
  {tenant: 'edu-l2', region: 'gd-gz-1', vcpu: 4, ramGib: 16, storageGib: 200},
] as const

/**
 * Regions and reservations go in with SQL: the repositories log a region's creation at the current
 * time, and the change log's latest entry must stay the seed's SEED_LAST_CHANGE_AT.
 */
function writeRegions(inventory: Inventory): void {
  const region = inventory.db.prepare(
    `INSERT INTO regions (id, name, pools, capacity_vcpu, capacity_ram_gib, capacity_storage_gib, max_mlps_level, created_at, updated_at)
     VALUES (?, ?, json_array(?), ?, ?, ?, ?, ?, ?)`,
  )
  const reservation = inventory.db.prepare(
    `INSERT INTO quota_reservations (tenant_id, region_id, vcpu, ram_gib, storage_gib, reserved_at, updated_at)
     VALUES (?, ?, ?, ?, ?, ?, ?)`,
  )
  inventory.db.transaction(() => {
    for (const r of SEED_REGIONS)
      region.run(
        r.id,
        r.name,
        r.pool,
        r.vcpu,
        r.ramGib,
        r.storageGib,
        r.maxLevel,
        SEED_LAST_CHANGE_AT,
        SEED_LAST_CHANGE_AT,
      )
    for (const q of SEED_RESERVATIONS)
      reservation.run(q.tenant, q.region, q.vcpu, q.ramGib, q.storageGib, SEED_LAST_CHANGE_AT, SEED_LAST_CHANGE_AT)
  })()
}

/** Time at which the seed creates its nodes and tenants: the latest entry of its change log. */
export const SEED_LAST_CHANGE_AT = '2026-11-24T08:30:00.000Z'

/** The first `count` townships under `prefix`, in code order. */
function townshipsUnder(inventory: Inventory, prefix: string, count: number): string[] {
  const codes = new DivisionRepository(inventory)
    .atLevel('township', prefix)
    .slice(0, count)
    .map((d) => d.code)
  if (codes.length < count) throw new Error(`fixture has only ${codes.length} townships under ${prefix}`)
  return codes
}

/** Every node the seed writes: the backbone ones above plus the township nodes of Beijing and Dongguan. */
function metricsNodes(inventory: Inventory): SeedNode[] {
  const beijing = townshipsUnder(inventory, '11', BEIJING_TOWNSHIPS.length)
  const dongguan = townshipsUnder(inventory, '4419', DONGGUAN_TOWNSHIPS.length)
  const township =
    (prefix: string, codes: string[]) =>
    ([index, status, audit]: [number, SeedNode['status'], SeedNode['audit']]): SeedNode => ({
      id: `${prefix}-t${index}`,
      division: codes[index] as string,
      tier: 'township',
      status,
      platform: 'linux',
      audit,
    })
  return [
    ...SEED_NODES,
    ...BEIJING_TOWNSHIPS.map(township('bj', beijing)),
    ...DONGGUAN_TOWNSHIPS.map(township('dg', dongguan)),
  ]
}

/** Create the metrics test inventory at `dbPath`. */
export function seedMetricsInventory(dbPath: string): void {
  seedDivisions(dbPath)
  const inventory = Inventory.open(dbPath, {actor: 'test'})
  try {
    const nodes = metricsNodes(inventory)
    // Every record is created at the time of the seed's last change, so that is the change log's latest entry.
    writeNodes(
      inventory,
      nodes.map(({audit: _audit, ...node}) => node),
      {at: SEED_LAST_CHANGE_AT},
    )
    seedAudits(
      inventory,
      nodes.flatMap((node) =>
        node.audit ? [{nodeId: node.id, outcome: node.audit.outcome, finishedAt: hoursAgo(node.audit.hoursAgo)}] : [],
      ),
    )
    seedTenants(
      inventory,
      SEED_TENANTS.map(({assessedOn, filing, ...tenant}) => ({
        ...tenant,
        filingNumber: filing,
        lastAssessedOn: assessedOn,
      })),
      {at: SEED_LAST_CHANGE_AT},
    )
    writeRegions(inventory)
  } finally {
    inventory.close()
  }
}
