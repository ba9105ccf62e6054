/**
 * Extranet nodes: the record, the schema that validates it (the same for `node add`, `node set`
 * and every import row) and the rules that need more than one field or more than one node —
 * placement (the tier must match the division's level) and uplinks (no node its own uplink, no
 * cycles). Pure: the callers in src/inventory bring the divisions and existing nodes.
 */
import {excerpt, FieldProblem} from '../errors'
import {nodeMessages as msg} from '../messages'
import {addressProblem, normalizeAddress} from './address'
import {codeProblem, DivisionLevel} from './divisions'
import {describe, FieldError, integer, oneOf, RawRecord, RecordSchema, slug, text} from './fields'
import {DECOMMISSIONED} from './lifecycle'
import {defaultTierForLevel, Tier, tierProblem, TIERS} from './tiers'

export const ROLES = ['core', 'aggregation', 'access'] as const
export type Role = (typeof ROLES)[number]

export const PLATFORMS = ['huawei-vrp', 'h3c-comware', 'cisco-ios', 'linux'] as const
export type Platform = (typeof PLATFORMS)[number]

export const NODE_STATUSES = ['planned', 'active', 'degraded', DECOMMISSIONED] as const
export type NodeStatus = (typeof NODE_STATUSES)[number]

/**
 * Statuses of a node **in service**: installed and meant to answer, so its audits mean something
 * (the audit metrics count these nodes). Planned nodes are not installed yet, decommissioned ones
 * are gone. Not the same as covering a township: a degraded node is in service but does not count
 * toward coverage (COVERING_STATUSES in src/domain/coverage.ts).
 */
export const IN_SERVICE_STATUSES = ['active', 'degraded'] as const satisfies readonly NodeStatus[]

/** True when a node of this status is in service (IN_SERVICE_STATUSES). */
export function isInService(status: string): boolean {
  return (IN_SERVICE_STATUSES as readonly string[]).includes(status)
}

export const DEFAULT_SSH_PORT = 22
export const DEFAULT_NODE_STATUS: NodeStatus = 'planned'

/** A node as govnet shows it (`node show --json`) and logs it (change log before/after). */
export interface ExtranetNode {
  id: string
  name: string
  divisionCode: string
  tier: Tier
  role: Role
  mgmtAddress: string
  sshPort: number
  platform: Platform
  uplinkId: string | null
  bandwidthMbps: number | null
  status: NodeStatus
  /** Sorted, without duplicates. */
  tags: string[]
  lastAuditAt: string | null
  lastAuditOutcome: string | null
  lastSeenAt: string | null
  createdAt: string
  updatedAt: string
}

/**
 * A node as it is written: import columns, JSON keys and (in kebab-case) CLI flags. Optional
 * fields are undefined when absent; `tier` then follows from the division's level.
 */
export interface NodeFields {
  id: string
  name: string
  division: string
  tier: Tier | undefined
  role: Role
  mgmt_address: string
  ssh_port: number
  platform: Platform
  uplink: string | undefined
  bandwidth_mbps: number | undefined
  status: NodeStatus
  tags: string[]
}

const TAG = /^[\p{L}\p{N}][\p{L}\p{N}._:/=-]{0,62}$/u

/** What separates tags in one CSV cell (`node import` reads it, `node export` writes it). */
export const TAG_SEPARATOR = ';'

/** The most tags a node may have. */
export const MAX_TAGS = 64
/** The longest tag. */
export const MAX_TAG_LENGTH = 63

/** Tags: a JSON array of strings or one string with tags separated by ';'. Sorted and de-duplicated; at most MAX_TAGS. */
export function tags(value: unknown): string[] {
  const items = typeof value === 'string' ? value.split(TAG_SEPARATOR) : Array.isArray(value) ? value : undefined
  if (!items) throw new FieldError(`must be a list of tags or a ';'-separated string, got ${describe(value)}`)
  if (items.length > MAX_TAGS) throw new FieldError(msg.tooManyTags(items.length, MAX_TAGS))
  const found = new Set<string>()
  for (const item of items) {
    if (typeof item !== 'string') throw new FieldError(`every tag must be text, got ${describe(item)}`)
    const tag = item.trim()
    if (tag === '') continue
    if (!TAG.test(tag)) throw new FieldError(msg.invalidTag(excerpt(tag)))
    found.add(tag)
  }
  return [...found].sort()
}

export function divisionCode(value: unknown): string {
  const code = typeof value === 'number' ? String(value) : typeof value === 'string' ? value.trim() : ''
  const problem = codeProblem(code)
  if (problem) throw new FieldError(problem)
  return code
}

export function managementAddress(value: unknown): string {
  if (typeof value !== 'string') throw new FieldError(`must be text, got ${describe(value)}`)
  if (value.trim().length > MAX_ADDRESS_LENGTH)
    throw new FieldError(`is ${value.trim().length} characters long; at most ${MAX_ADDRESS_LENGTH} are allowed`)
  const problem = addressProblem(value.trim())
  if (problem) throw new FieldError(problem)
  return normalizeAddress(value.trim())
}

/** A DNS name's longest form (RFC 1035). */
const MAX_ADDRESS_LENGTH = 253

/** Field limits (characters; `maxItems` for lists): the README's table of limits. */
export const NODE_SCHEMA: RecordSchema<NodeFields> = {
  id: {required: true, parse: slug, max: 63},
  name: {required: true, parse: text({max: 200}), max: 200},
  division: {required: true, parse: divisionCode, max: 32},
  tier: {required: false, parse: oneOf(TIERS), max: 32},
  role: {required: true, parse: oneOf(ROLES), max: 32},
  mgmt_address: {required: true, parse: managementAddress, max: MAX_ADDRESS_LENGTH},
  ssh_port: {required: false, parse: integer({min: 1, max: 65_535}), default: DEFAULT_SSH_PORT, max: 32},
  platform: {required: true, parse: oneOf(PLATFORMS), max: 32},
  uplink: {required: false, parse: slug, max: 63},
  bandwidth_mbps: {required: false, parse: integer({min: 1, max: 10_000_000}), max: 32},
  status: {required: false, parse: oneOf(NODE_STATUSES), default: DEFAULT_NODE_STATUS, max: 32},
  tags: {required: false, parse: tags, default: [], max: MAX_TAGS * (MAX_TAG_LENGTH + 1), maxItems: MAX_TAGS},
}

/** Import columns, in the order of the schema (also the header `node import` documents). */
export const NODE_COLUMNS = Object.keys(NODE_SCHEMA) as (keyof NodeFields)[]

/**
 * The tier of a node placed in a division of `level` (undefined: the division is not in the
 * inventory), with the problems: unknown division, tier not matching the level, or no tier given
 * where the level has no default. Without a tier, a province-level division means `provincial`
 * (a national backbone node must say `national`).
 */
export function placeNode(
  fields: NodeFields,
  level: DivisionLevel | undefined,
  row?: number,
): {tier?: Tier; problems: FieldProblem[]} {
  if (level === undefined) return {problems: [{row, field: 'division', message: msg.unknownDivision(fields.division)}]}
  const tier = fields.tier ?? defaultTierForLevel(level)
  if (tier === undefined)
    return {problems: [{row, field: 'tier', message: msg.tierOmittedForDivision(fields.division, level)}]}
  const problem = tierProblem(tier, level)
  return problem
    ? {problems: [{row, field: 'tier', message: msg.tierMismatch(problem, fields.division)}]}
    : {tier, problems: []}
}

/** The problem for one uplink cycle found by findUplinkCycles: a node that is its own uplink, or a longer loop. */
export function uplinkCycleProblem(cycle: readonly string[], row?: number): FieldProblem {
  return {row, field: 'uplink', message: cycle.length === 2 ? msg.ownUplink(cycle[0]!) : msg.uplinkCycle(cycle)}
}

/**
 * Uplink cycles reachable from `starts`, following `uplinkOf` (null/undefined ends a walk). Each
 * cycle is returned once, in uplink order, closed (first node repeated at the end). Linear in the
 * number of nodes visited: a node is walked at most once across all starts.
 */
export function findUplinkCycles(
  starts: Iterable<string>,
  uplinkOf: (id: string) => string | null | undefined,
): string[][] {
  const state = new Map<string, 'on-walk' | 'done'>()
  const cycles: string[][] = []
  for (const start of starts) {
    const walk: string[] = []
    let id: string | null | undefined = start
    while (id !== null && id !== undefined && !state.has(id)) {
      state.set(id, 'on-walk')
      walk.push(id)
      id = uplinkOf(id)
    }
    if (id !== null && id !== undefined && state.get(id) === 'on-walk') {
      const cycle = walk.slice(walk.indexOf(id))
      cycles.push([...cycle, id])
    }
    for (const visited of walk) state.set(visited, 'done')
  }
  return cycles
}

/** The new record for `fields`, keeping the audit fields and creation time of `existing`. */
export function buildNode(fields: NodeFields, tier: Tier, now: string, existing?: ExtranetNode): ExtranetNode {
  return {
    id: fields.id,
    name: fields.name,
    divisionCode: fields.division,
    tier,
    role: fields.role,
    mgmtAddress: fields.mgmt_address,
    sshPort: fields.ssh_port,
    platform: fields.platform,
    uplinkId: fields.uplink ?? null,
    bandwidthMbps: fields.bandwidth_mbps ?? null,
    status: fields.status,
    tags: [...fields.tags], // a copy: the schema default is one shared empty array
    lastAuditAt: existing?.lastAuditAt ?? null,
    lastAuditOutcome: existing?.lastAuditOutcome ?? null,
    lastSeenAt: existing?.lastSeenAt ?? null,
    createdAt: existing?.createdAt ?? now,
    updatedAt: now,
  }
}

/** A stored node as raw input fields: the base that `node set` flags and `import --update` rows are laid over. */
export function nodeToFields(node: ExtranetNode): RawRecord {
  return {
    id: node.id,
    name: node.name,
    division: node.divisionCode,
    tier: node.tier,
    role: node.role,
    mgmt_address: node.mgmtAddress,
    ssh_port: node.sshPort,
    platform: node.platform,
    uplink: node.uplinkId,
    bandwidth_mbps: node.bandwidthMbps,
    status: node.status,
    tags: node.tags,
  }
}

const EDITABLE: readonly (keyof ExtranetNode)[] = [
  'name',
  'divisionCode',
  'tier',
  'role',
  'mgmtAddress',
  'sshPort',
  'platform',
  'uplinkId',
  'bandwidthMbps',
  'status',
  'tags',
]

/** The editable fields that differ; empty means an update would change nothing (and logs nothing). */
export function changedFields(before: ExtranetNode, after: ExtranetNode): (keyof ExtranetNode)[] {
  return EDITABLE.filter((field) => JSON.stringify(before[field]) !== JSON.stringify(after[field]))
}
