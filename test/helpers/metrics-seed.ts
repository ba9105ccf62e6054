import Database from 'better-sqlite3'

import {ChangeLog} from '../../src/inventory/changes'
import {Inventory} from '../../src/inventory/db'

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
  status: 'requested' | 'provisioning' | 'active' | 'failed' | 'decommissioned'
  filing?: string
  assessedOn?: string
}

/**
 * The metrics test inventory, seeded with SQL straight into the schema-v1 tables (the fixture's
 * 650 divisions, then these nodes, tenants and one change), so the metrics tests depend only on
 * the schema. Townships below are the first ones of Beijing (11) and of Dongguan (4419, no county level).
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
  {id: 'edu-l2', level: 2, status: 'active', filing: '44010099002-00002'},
  {id: 'police-l4-requested', level: 4, status: 'requested'},
  {id: 'police-l4-overdue', level: 4, status: 'active', filing: '44010099003-00003', assessedOn: '2026-03-01'},
  {id: 'portal-l1', level: 1, status: 'active'},
  {id: 'old-l3', level: 3, status: 'decommissioned', filing: '11010099004-00004', assessedOn: '2020-01-01'},
]

/** Time of the one change the seed records. */
export const SEED_LAST_CHANGE_AT = '2026-11-24T08:30:00.000Z'

function townshipsUnder(db: Database.Database, prefix: string, count: number): string[] {
  const rows = db
    .prepare("SELECT code FROM divisions WHERE level = 'township' AND code LIKE ? ORDER BY code LIMIT ?")
    .all(`${prefix}%`, count) as {code: string}[]
  if (rows.length < count) throw new Error(`fixture has only ${rows.length} townships under ${prefix}`)
  return rows.map((r) => r.code)
}

/** Every node the seed writes: the backbone ones above plus the township nodes of Beijing and Dongguan. */
export function seedNodes(db: Database.Database): SeedNode[] {
  const beijing = townshipsUnder(db, '11', BEIJING_TOWNSHIPS.length)
  const dongguan = townshipsUnder(db, '4419', DONGGUAN_TOWNSHIPS.length)
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
  const db = new Database(dbPath)
  try {
    const insertNode = db.prepare(
      `INSERT INTO nodes (id, name, division_code, tier, role, mgmt_address, platform, status, last_audit_at, last_audit_outcome, created_at, updated_at)
       VALUES (@id, @id, @division, @tier, 'access', '127.0.0.1', @platform, @status, @auditAt, @outcome, @now, @now)`,
    )
    const insertTenant = db.prepare(
      `INSERT INTO tenants (id, name, department_name, department_uscc, region, mlps_level, exposure, quota_vcpu, quota_ram_gib,
         quota_storage_gib, filing_number, last_assessed_on, status, created_at, updated_at)
       VALUES (@id, @id, '测试部门', '91430111MA4L41YT1U', 'cn-test-1', @level, 'extranet', 8, 32, 500, @filing, @assessedOn, @status, @now, @now)`,
    )
    const now = METRICS_NOW.toISOString()
    db.transaction(() => {
      for (const node of seedNodes(db)) {
        insertNode.run({
          ...node,
          auditAt: node.audit ? hoursAgo(node.audit.hoursAgo) : null,
          outcome: node.audit?.outcome ?? null,
          now,
        })
      }
      for (const tenant of SEED_TENANTS) {
        insertTenant.run({filing: null, assessedOn: null, ...tenant, now})
      }
    })()
  } finally {
    db.close()
  }
  // The change log through its repository: the row is chained like every real one.
  const inventory = Inventory.open(dbPath, {actor: 'test'})
  try {
    inventory.write(() => new ChangeLog(inventory).record('node', 'bj-core', 'create', null, {}, SEED_LAST_CHANGE_AT))
  } finally {
    inventory.close()
  }
}
