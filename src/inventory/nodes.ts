import type {Statement} from 'better-sqlite3'

import {codeProblem} from '../domain/divisions'
import {checkColumns, parseRecord, RawRecord} from '../domain/fields'
import {
  buildNode,
  changedFields,
  ExtranetNode,
  findUplinkCycles,
  NODE_SCHEMA,
  NodeFields,
  nodeToFields,
  NodeStatus,
  placeNode,
  Platform,
  uplinkCycleProblem,
} from '../domain/nodes'
import {Tier} from '../domain/tiers'
import {FieldProblem} from '../errors'
import {inventoryMessages, nodeMessages as msg} from '../messages'
import {ChangeLog} from './changes'
import {Inventory, nowIso} from './db'
import {DivisionRepository} from './divisions'
import {ImportFile, ImportResult} from './import-file'

export interface NodeFilter {
  /** Division code: nodes in that division or below it. */
  under?: string
  tier?: Tier
  status?: NodeStatus
  platform?: Platform
  tag?: string
  ids?: readonly string[]
}

export interface NodeSetResult {
  node: ExtranetNode
  /** The fields that changed; empty when the values given were already stored (nothing logged). */
  changed: (keyof ExtranetNode)[]
}

export interface NodeRemoveResult {
  removed: ExtranetNode
  /** Nodes whose uplink was cleared because of --detach. */
  detached: string[]
}

interface NodeRow {
  id: string
  name: string
  division_code: string
  tier: Tier
  role: ExtranetNode['role']
  mgmt_address: string
  ssh_port: number
  platform: Platform
  uplink_id: string | null
  bandwidth_mbps: number | null
  status: NodeStatus
  tags: string
  last_audit_at: string | null
  last_audit_outcome: string | null
  last_seen_at: string | null
  created_at: string
  updated_at: string
}

const SELECT_NODES = `SELECT n.*, (SELECT json_group_array(tag) FROM (SELECT tag FROM node_tags WHERE node_id = n.id ORDER BY tag)) AS tags FROM nodes n`

const toNode = (row: NodeRow): ExtranetNode => ({
  id: row.id,
  name: row.name,
  divisionCode: row.division_code,
  tier: row.tier,
  role: row.role,
  mgmtAddress: row.mgmt_address,
  sshPort: row.ssh_port,
  platform: row.platform,
  uplinkId: row.uplink_id,
  bandwidthMbps: row.bandwidth_mbps,
  status: row.status,
  tags: (JSON.parse(row.tags) as string[]).sort(),
  lastAuditAt: row.last_audit_at,
  lastAuditOutcome: row.last_audit_outcome,
  lastSeenAt: row.last_seen_at,
  createdAt: row.created_at,
  updatedAt: row.updated_at,
})

/** The `nodes` and `node_tags` tables. Every write runs in one inventory transaction and records its change. */
export class NodeRepository {
  private readonly byId: Statement
  private readonly uplinkOfId: Statement
  private readonly dependentsOf: Statement
  private readonly allUplinks: Statement
  private readonly insertNode: Statement
  private readonly updateNode: Statement
  private readonly deleteNode: Statement
  private readonly insertTag: Statement
  private readonly deleteTags: Statement
  private readonly listStatements = new Map<string, Statement>()
  private readonly divisions: DivisionRepository
  private readonly changes: ChangeLog

  constructor(private readonly inventory: Inventory) {
    const db = inventory.db
    this.byId = db.prepare(`${SELECT_NODES} WHERE n.id = ?`)
    this.uplinkOfId = db.prepare('SELECT uplink_id FROM nodes WHERE id = ?').pluck()
    this.dependentsOf = db.prepare('SELECT id FROM nodes WHERE uplink_id = ? ORDER BY id').pluck()
    this.allUplinks = db.prepare('SELECT id, uplink_id FROM nodes').raw()
    this.insertNode = db.prepare(
      `INSERT INTO nodes (id, name, division_code, tier, role, mgmt_address, ssh_port, platform, uplink_id, bandwidth_mbps, status,
         last_audit_at, last_audit_outcome, last_seen_at, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    )
    this.updateNode = db.prepare(
      `UPDATE nodes SET name = ?, division_code = ?, tier = ?, role = ?, mgmt_address = ?, ssh_port = ?, platform = ?,
         uplink_id = ?, bandwidth_mbps = ?, status = ?, updated_at = ? WHERE id = ?`,
    )
    this.deleteNode = db.prepare('DELETE FROM nodes WHERE id = ?')
    this.insertTag = db.prepare('INSERT INTO node_tags (node_id, tag) VALUES (?, ?)')
    this.deleteTags = db.prepare('DELETE FROM node_tags WHERE node_id = ?')
    this.divisions = new DivisionRepository(inventory)
    this.changes = new ChangeLog(inventory)
  }

  get(id: string): ExtranetNode | undefined {
    const row = this.byId.get(id) as NodeRow | undefined
    return row && toNode(row)
  }

  /** Nodes matching every given filter, ordered by id. `under` must name a division in the inventory. */
  list(filter: NodeFilter = {}): ExtranetNode[] {
    const where: string[] = []
    const params: Record<string, unknown> = {}
    if (filter.under !== undefined) {
      const problem = codeProblem(filter.under)
      if (problem) throw msg.invalidUnder(problem)
      if (!this.divisions.get(filter.under)) throw msg.underNotFound(filter.under)
      // Codes are prefixes of their descendants': a range on the index instead of LIKE. ':' sorts right after '9'.
      where.push('n.division_code >= @under AND n.division_code < @underEnd')
      params.under = filter.under
      params.underEnd = `${filter.under}:`
    }
    for (const column of ['tier', 'status', 'platform'] as const) {
      if (filter[column] === undefined) continue
      where.push(`n.${column} = @${column}`)
      params[column] = filter[column]
    }
    if (filter.tag !== undefined) {
      where.push('n.id IN (SELECT node_id FROM node_tags WHERE tag = @tag)')
      params.tag = filter.tag
    }
    if (filter.ids !== undefined) {
      where.push('n.id IN (SELECT value FROM json_each(@ids))')
      params.ids = JSON.stringify(filter.ids)
    }
    const sql = `${SELECT_NODES}${where.length > 0 ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY n.id`
    let statement = this.listStatements.get(sql)
    if (!statement) {
      statement = this.inventory.db.prepare(sql)
      this.listStatements.set(sql, statement)
    }
    return (statement.all(params) as NodeRow[]).map(toNode)
  }

  /** Ids of the nodes whose uplink is `id`. */
  dependents(id: string): string[] {
    return this.dependentsOf.all(id) as string[]
  }

  /** Every node's uplink, in one query: the existing side of an import's uplink checks. */
  uplinks(): Map<string, string | null> {
    return new Map(this.allUplinks.all() as [string, string | null][])
  }

  /** Add one node from raw fields (flags or a JSON object). Exit 3 on invalid fields, 5 when the id exists. */
  add(raw: RawRecord): ExtranetNode {
    return this.inventory.write(() => {
      const {fields, tier} = this.validate(raw)
      if (this.get(fields.id)) throw msg.nodeExists(fields.id)
      const node = buildNode(fields, tier, nowIso())
      this.create(node)
      return node
    })
  }

  /** Change fields of one node: `raw` is laid over the stored record and the result validated as a whole. */
  set(id: string, raw: RawRecord): NodeSetResult {
    if (Object.keys(raw).length === 0) throw msg.nothingToSet()
    return this.inventory.write(() => {
      const existing = this.get(id)
      if (!existing) throw msg.nodeNotFound(id)
      const {fields, tier} = this.validate({...nodeToFields(existing), ...raw, id})
      const node = buildNode(fields, tier, nowIso(), existing)
      const changed = changedFields(existing, node)
      if (changed.length === 0) return {node: existing, changed}
      this.replace(existing, node)
      return {node, changed}
    })
  }

  /** Remove one node. Refused while other nodes use it as uplink, unless `detach` clears their uplink (each logged). */
  remove(id: string, options: {detach?: boolean} = {}): NodeRemoveResult {
    return this.inventory.write(() => {
      const existing = this.get(id)
      if (!existing) throw msg.nodeNotFound(id)
      const dependents = this.dependents(id)
      if (dependents.length > 0 && !options.detach) throw msg.nodeHasDependents(id, dependents)
      const now = nowIso()
      for (const dependentId of dependents) {
        const before = this.get(dependentId)!
        this.replace(before, {...before, uplinkId: null, updatedAt: now}, now)
      }
      this.deleteNode.run(id)
      this.changes.record('node', id, 'delete', existing, null, now)
      return {removed: existing, detached: dependents}
    })
  }

  /** Insert a validated node and log its creation. Call inside a write transaction. */
  create(node: ExtranetNode, at: string = node.createdAt): void {
    this.insertNode.run(
      node.id,
      node.name,
      node.divisionCode,
      node.tier,
      node.role,
      node.mgmtAddress,
      node.sshPort,
      node.platform,
      node.uplinkId,
      node.bandwidthMbps,
      node.status,
      node.lastAuditAt,
      node.lastAuditOutcome,
      node.lastSeenAt,
      node.createdAt,
      node.updatedAt,
    )
    for (const tag of node.tags) this.insertTag.run(node.id, tag)
    this.changes.record('node', node.id, 'create', null, node, at)
  }

  /**
   * Insert validated nodes and log each creation, in one transaction. A node's uplink may come later
   * in the list: foreign keys are checked at commit, as in an import.
   */
  createMany(nodes: readonly ExtranetNode[]): void {
    this.inventory.write(() => {
      this.inventory.db.pragma('defer_foreign_keys = ON')
      for (const node of nodes) this.create(node)
    })
  }

  /** Write the editable fields of a validated node over `before` and log the update. Call inside a write transaction. */
  replace(before: ExtranetNode, after: ExtranetNode, at: string = after.updatedAt): void {
    this.updateNode.run(
      after.name,
      after.divisionCode,
      after.tier,
      after.role,
      after.mgmtAddress,
      after.sshPort,
      after.platform,
      after.uplinkId,
      after.bandwidthMbps,
      after.status,
      after.updatedAt,
      after.id,
    )
    if (JSON.stringify(before.tags) !== JSON.stringify(after.tags)) {
      this.deleteTags.run(after.id)
      for (const tag of after.tags) this.insertTag.run(after.id, tag)
    }
    this.changes.record('node', after.id, 'update', before, after, at)
  }

  /** One record checked on its own and against the inventory: schema, placement, uplink existence and cycles. */
  private validate(raw: RawRecord): {fields: NodeFields; tier: Tier} {
    const {record: fields, problems} = parseRecord(NODE_SCHEMA, raw)
    if (!fields) throw inventoryMessages.invalidRecord('node', problems)
    const placed = placeNode(fields, this.divisions.get(fields.division)?.level)
    const uplinkProblems: FieldProblem[] = []
    if (
      fields.uplink !== undefined &&
      fields.uplink !== fields.id &&
      this.uplinkOfId.get(fields.uplink) === undefined
    ) {
      uplinkProblems.push({field: 'uplink', message: msg.unknownUplinkNode(fields.uplink)})
    } else {
      const uplinkOf = (id: string) =>
        id === fields.id ? fields.uplink : (this.uplinkOfId.get(id) as string | null | undefined)
      uplinkProblems.push(...findUplinkCycles([fields.id], uplinkOf).map((cycle) => uplinkCycleProblem(cycle)))
    }
    const all = [...placed.problems, ...uplinkProblems]
    if (all.length > 0 || !placed.tier) throw inventoryMessages.invalidRecord('node', all)
    return {fields, tier: placed.tier}
  }
}

interface PlannedRow {
  row: number
  fields: NodeFields
  tier: Tier
  existing?: ExtranetNode
}

/**
 * Import nodes from a CSV or JSON file, all or nothing, in one transaction. Every row is checked
 * (fields, division and tier, duplicate ids, uplinks that exist in the inventory or the file, no
 * uplink cycles across both) and every problem reported at once. Ids that exist are a conflict
 * unless `update`; with `update`, the file's columns are laid over the stored record, so a column
 * the file leaves out keeps its stored value, and rows that change nothing are counted as
 * unchanged and log nothing. Existing nodes are read in one query, not one per row.
 */
export function importNodes(
  inventory: Inventory,
  file: ImportFile,
  options: {update?: boolean; dryRun?: boolean} = {},
): ImportResult {
  const empty: ImportResult = {file: file.file, dryRun: options.dryRun ?? false, created: 0, updated: 0, unchanged: 0}
  // An empty JSON array has no keys to check; an empty CSV still has its header checked.
  if (file.rows.length === 0 && file.columns.length === 0) return empty
  const columnProblems = checkColumns(file.columns, NODE_SCHEMA)
  if (columnProblems.length > 0) throw inventoryMessages.invalidImport(file.file, columnProblems)
  return inventory.write(() => {
    const repository = new NodeRepository(inventory)
    const existingUplinks = repository.uplinks()
    const planned = planImport(
      file,
      repository,
      existingUplinks,
      new DivisionRepository(inventory).levelsByCode(),
      options.update ?? false,
    )
    const result = {...empty}
    const write = !result.dryRun
    // Rows may name an uplink that comes later in the file: check foreign keys at commit, not per row.
    if (write) inventory.db.pragma('defer_foreign_keys = ON')
    const now = nowIso()
    for (const {fields, tier, existing} of planned) {
      const node = buildNode(fields, tier, now, existing)
      if (!existing) {
        result.created++
        if (write) repository.create(node, now)
      } else if (changedFields(existing, node).length === 0) {
        result.unchanged++
      } else {
        result.updated++
        if (write) repository.replace(existing, node, now)
      }
    }
    return result
  })
}

function planImport(
  file: ImportFile,
  repository: NodeRepository,
  existingUplinks: Map<string, string | null>,
  divisionLevels: ReturnType<DivisionRepository['levelsByCode']>,
  update: boolean,
): PlannedRow[] {
  const problems: FieldProblem[] = []
  const conflicts: {row: number; id: string}[] = []
  const planned: PlannedRow[] = []
  const rowOfId = new Map<string, number>()
  const stored = update ? storedNodesNamedIn(file, repository, existingUplinks) : new Map<string, ExtranetNode>()
  file.rows.forEach((raw, index) => {
    const row = index + 1
    const id = typeof raw.id === 'string' ? raw.id.trim() : undefined
    const exists = id !== undefined && existingUplinks.has(id)
    const existing = exists ? stored.get(id) : undefined
    const {record: fields, problems: fieldProblems} = parseRecord(
      NODE_SCHEMA,
      existing ? {...nodeToFields(existing), ...raw} : raw,
      row,
    )
    if (id !== undefined && !rowOfId.has(id)) rowOfId.set(id, row)
    else if (id !== undefined) fieldProblems.push({row, field: 'id', message: msg.duplicateId(id, rowOfId.get(id)!)})
    if (!fields || fieldProblems.length > 0) {
      problems.push(...fieldProblems)
      return
    }
    if (exists && !update) conflicts.push({row, id: fields.id})
    const placed = placeNode(fields, divisionLevels.get(fields.division), row)
    problems.push(...placed.problems)
    if (placed.tier) planned.push({row, fields, tier: placed.tier, existing})
  })

  const uplinkInFile = new Map(planned.map((p) => [p.fields.id, p.fields.uplink ?? null]))
  for (const {row, fields} of planned) {
    const uplink = fields.uplink
    if (uplink !== undefined && !rowOfId.has(uplink) && !existingUplinks.has(uplink)) {
      problems.push({row, field: 'uplink', message: msg.unknownUplink(uplink)})
    }
  }
  const uplinkOf = (id: string) => {
    const inFile = uplinkInFile.get(id)
    return inFile !== undefined ? inFile : existingUplinks.get(id)
  }
  for (const cycle of findUplinkCycles(uplinkInFile.keys(), uplinkOf)) {
    const rows = cycle.filter((id) => uplinkInFile.has(id)).map((id) => rowOfId.get(id)!)
    problems.push(uplinkCycleProblem(cycle, rows.length > 0 ? Math.min(...rows) : undefined))
  }

  if (problems.length > 0)
    throw inventoryMessages.invalidImport(
      file.file,
      problems.sort((a, b) => (a.row ?? 0) - (b.row ?? 0)),
    )
  if (conflicts.length > 0) throw msg.importedNodesExist(file.file, conflicts)
  return planned
}

/** With --update: the stored records of the ids the file names, in one query. */
function storedNodesNamedIn(
  file: ImportFile,
  repository: NodeRepository,
  existingUplinks: Map<string, string | null>,
): Map<string, ExtranetNode> {
  const ids = file.rows
    .map((raw) => (typeof raw.id === 'string' ? raw.id.trim() : undefined))
    .filter((id): id is string => id !== undefined && existingUplinks.has(id))
  return ids.length === 0 ? new Map() : new Map(repository.list({ids}).map((node) => [node.id, node]))
}
