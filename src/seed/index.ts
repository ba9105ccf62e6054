/**
 * Generated inventories for tests and benches, written through the repositories of src/inventory
 * and nothing else: no column list outside src/inventory, so a schema change either goes through
 * here unnoticed (the repositories follow it) or fails to compile.
 *
 * Why here: it is a feature module like src/coverage (it imports src/inventory and src/domain,
 * nothing in src imports it), and it sits in src/ so that the normal build compiles it to
 * dist/src/seed, which bench/*.js scripts require the way they require the rest of govnet. Tests
 * import the TypeScript directly.
 *
 * Seeded records are typed and complete, not parsed from user input: the repositories' write paths
 * after validation take them, and the tables' CHECK constraints and foreign keys still refuse a
 * bad value. Every function takes the time to write (`at`), so that a scenario is reproducible
 * (change log, created/updated times); each writes in one transaction.
 */
import {DIVISION_LEVELS, levelOf, parentOf} from '../domain/divisions'
import {DEFAULT_SSH_PORT, ExtranetNode, NodeStatus, Platform, Role} from '../domain/nodes'
import {Exposure, HostedLevel, Tenant, TenantFields, TenantStatus} from '../domain/tenants'
import {defaultTierForLevel, Tier} from '../domain/tiers'
import {AuditRecord, AuditRepository} from '../inventory/audits'
import type {Inventory} from '../inventory/db'
import {DivisionRepository} from '../inventory/divisions'
import {NodeRepository} from '../inventory/nodes'
import {TenantRepository} from '../inventory/tenants'

/** A division to seed: code and name, level and parent follow from the code. */
export interface SeedDivision {
  code: string
  name: string
}

/**
 * Divisions as a fixture: upserted level by level (parents first; a parent must be in the rows or
 * stored already) as the division import writes them, recorded with `source`, and not in the change
 * log. Seeding the same rows again changes nothing. Returns how many rows were created or renamed.
 */
export function seedDivisions(
  inventory: Inventory,
  rows: readonly SeedDivision[],
  options: {source?: string; at?: string} = {},
): number {
  const source = options.source ?? 'seed'
  const at = options.at ?? new Date().toISOString()
  const divisions = new DivisionRepository(inventory)
  return inventory.write(() => {
    let changed = 0
    for (const level of DIVISION_LEVELS) {
      const atLevel = rows
        .filter((row) => levelOf(row.code) === level)
        .map((row) => [row.code, row.name, parentOf(row.code) ?? null] as const)
      if (atLevel.length > 0) changed += divisions.upsertLevel(level, atLevel, source, at)
    }
    return changed
  })
}

/** A node to seed: id and division, everything else defaulted. */
export interface SeedNode {
  id: string
  division: string
  /** Default: the tier of the division's level (provincial for a province). */
  tier?: Tier
  /** Default: the id. */
  name?: string
  /** Default: access. */
  role?: Role
  /** Default: 127.0.0.1. */
  mgmtAddress?: string
  sshPort?: number
  /** Default: linux. */
  platform?: Platform
  uplink?: string | null
  bandwidthMbps?: number | null
  /** Default: active. */
  status?: NodeStatus
  tags?: readonly string[]
}

/** The stored form of a seed node created at `at`. */
function seedNodeRecord(node: SeedNode, at: string): ExtranetNode {
  const level = levelOf(node.division)
  const tier = node.tier ?? (level && defaultTierForLevel(level))
  if (!tier) throw new Error(`seed node ${node.id}: no tier for division ${node.division}`)
  return {
    id: node.id,
    name: node.name ?? node.id,
    divisionCode: node.division,
    tier,
    role: node.role ?? 'access',
    mgmtAddress: node.mgmtAddress ?? '127.0.0.1',
    sshPort: node.sshPort ?? DEFAULT_SSH_PORT,
    platform: node.platform ?? 'linux',
    uplinkId: node.uplink ?? null,
    bandwidthMbps: node.bandwidthMbps ?? null,
    status: node.status ?? 'active',
    tags: [...new Set(node.tags ?? [])].sort(),
    lastAuditAt: null,
    lastAuditOutcome: null,
    lastSeenAt: null,
    createdAt: at,
    updatedAt: at,
  }
}

/** Create nodes (each logged as created at `at`); an uplink may come later in the list. Returns the stored records. */
export function seedNodes(
  inventory: Inventory,
  nodes: readonly SeedNode[],
  options: {at?: string} = {},
): ExtranetNode[] {
  const at = options.at ?? new Date().toISOString()
  const records = nodes.map((node) => seedNodeRecord(node, at))
  new NodeRepository(inventory).createMany(records)
  return records
}

/** One finished audit of a seeded node. */
export interface SeedAudit {
  nodeId: string
  /** 'ok' or an SshError code. */
  outcome: string
  finishedAt: string
  /** Default: 1000. */
  durationMs?: number
  /** Default: null when ok, else the outcome. */
  reason?: string | null
  facts?: unknown
  hostKeySha256?: string | null
}

/**
 * Record audits as govnet audit does (a node_audits row each, and the node's last-audit columns),
 * in one transaction and in the order given: a node's last audit in the list is its latest.
 */
export function seedAudits(inventory: Inventory, audits: readonly SeedAudit[]): void {
  new AuditRepository(inventory).recordMany(
    audits.map((audit): AuditRecord => {
      const durationMs = audit.durationMs ?? 1000
      return {
        nodeId: audit.nodeId,
        startedAt: new Date(Date.parse(audit.finishedAt) - durationMs).toISOString(),
        finishedAt: audit.finishedAt,
        outcome: audit.outcome,
        reason: audit.reason !== undefined ? audit.reason : audit.outcome === 'ok' ? null : audit.outcome,
        facts: audit.facts ?? null,
        hostKeySha256: audit.hostKeySha256 ?? null,
        durationMs,
      }
    }),
  )
}

/** A tenant to seed: id and level, everything else defaulted. */
export interface SeedTenant {
  id: string
  level: HostedLevel
  /** Default: active. */
  status?: TenantStatus
  /** Default: the id. */
  name?: string
  /** Default: 测试部门. */
  departmentName?: string
  /** Default: a valid code (91430111MA4L41YT1U). */
  departmentUscc?: string
  /** Default: cn-test-1. */
  region?: string
  /** Default: extranet. */
  exposure?: Exposure
  /** Defaults: 8 vCPU, 32 GiB RAM, 500 GiB storage. */
  quotaVcpu?: number
  quotaRamGib?: number
  quotaStorageGib?: number
  cidr?: string | null
  filingNumber?: string | null
  /** YYYY-MM-DD, like the two below. */
  lastAssessedOn?: string | null
  gradedOn?: string | null
  liveOn?: string | null
}

/** The fields of a seed tenant. */
function seedTenantFields(tenant: SeedTenant): TenantFields {
  return {
    id: tenant.id,
    name: tenant.name ?? tenant.id,
    departmentName: tenant.departmentName ?? '测试部门',
    departmentUscc: tenant.departmentUscc ?? '91430111MA4L41YT1U',
    region: tenant.region ?? 'cn-test-1',
    mlpsLevel: tenant.level,
    exposure: tenant.exposure ?? 'extranet',
    quotaVcpu: tenant.quotaVcpu ?? 8,
    quotaRamGib: tenant.quotaRamGib ?? 32,
    quotaStorageGib: tenant.quotaStorageGib ?? 500,
    cidr: tenant.cidr ?? null,
    filingNumber: tenant.filingNumber ?? null,
    lastAssessedOn: tenant.lastAssessedOn ?? null,
    gradedOn: tenant.gradedOn ?? null,
    liveOn: tenant.liveOn ?? null,
    status: tenant.status ?? 'active',
  }
}

/** Create tenants, each logged as created at `at`. Returns the stored records. */
export function seedTenants(
  inventory: Inventory,
  tenants: readonly SeedTenant[],
  options: {at?: string} = {},
): Tenant[] {
  const at = options.at ?? new Date().toISOString()
  const creates = tenants.map(seedTenantFields)
  const repository = new TenantRepository(inventory)
  inventory.write(() => {
    repository.applyImport({creates, updates: [], unchanged: 0}, at)
  })
  return creates.map((fields) => ({...fields, createdAt: at, updatedAt: at}))
}
