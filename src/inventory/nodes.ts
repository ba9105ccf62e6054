import type {Statement} from 'better-sqlite3'

import {codeLength, codeProblem, TownshipKind} from '../domain/divisions'
import {parseRecord, RawRecord} from '../domain/fields'
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
import {nodeScopeProblem} from '../domain/scope'
import {Tier} from '../domain/tiers'
import {FieldProblem} from '../errors'
import {inventoryMessages, nodeMessages as msg} from '../messages'
import {ChangeLog} from './changes'
import {Inventory, nowIso} from './db'
import {DivisionRepository} from './divisions'
import {inventoryScope} from './scope'
import {StagedRows} from './staging'
import {notDecommissionedSql, searchPattern, searchSql, townshipKindSql} from './sql-rules'

export interface NodeFilter {
  /** Division code: nodes in that division or below it. */
  under?: string
  tier?: Tier
  status?: NodeStatus
  platform?: Platform
  tag?: string
  /** Only nodes placed in a township of this kind (street, town, township, other). */
  kind?: TownshipKind
  ids?: readonly string[]
  /** Text that the id, the name or the management address contains (matchesSearch in src/domain/search.ts). */
  search?: string
  /** Only nodes (not decommissioned) whose management address another such node uses too. */
  sharedAddress?: boolean
}

/** The columns `node list --search` looks in. */
const SEARCHED_COLUMNS = ['n.id', 'n.name', 'n.mgmt_address'] as const

/** Management addresses that more than one node not decommissioned uses. */
const SHARED_ADDRESSES_SQL = `SELECT mgmt_address FROM nodes WHERE ${notDecommissionedSql('status')}
  GROUP BY mgmt_address HAVING count(*) > 1`

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

/** The editable fields, in the column order the insert and the update share. */
type EditableParams = [
  name: string,
  divisionCode: string,
  tier: Tier,
  role: ExtranetNode['role'],
  mgmtAddress: string,
  sshPort: number,
  platform: Platform,
  uplinkId: string | null,
  bandwidthMbps: number | null,
  status: NodeStatus,
]

/** The insert's positional parameters, in its column order. */
type NodeInsertParams = [
  id: string,
  ...editable: EditableParams,
  lastAuditAt: string | null,
  lastAuditOutcome: string | null,
  lastSeenAt: string | null,
  createdAt: string,
  updatedAt: string,
]

/** The columns of a node row, in the order of NodeInsertParams. */
const NODE_COLUMNS = [
  'id',
  'name',
  'division_code',
  'tier',
  'role',
  'mgmt_address',
  'ssh_port',
  'platform',
  'uplink_id',
  'bandwidth_mbps',
  'status',
  'last_audit_at',
  'last_audit_outcome',
  'last_seen_at',
  'created_at',
  'updated_at',
] as const

function nodeRowValues(node: ExtranetNode): NodeInsertParams {
  return [
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
  ]
}

/** The update's positional parameters: the editable fields, updated_at, then the id. */
type NodeUpdateParams = [...editable: EditableParams, updatedAt: string, id: string]

/** The `nodes` and `node_tags` tables. Every write runs in one inventory transaction and records its change. */
export class NodeRepository {
  private readonly byId: Statement<[string], NodeRow>
  /** The uplink of a node: undefined when no node has that id, null when it has none. */
  private readonly uplinkOfId: Statement<[string], string | null>
  private readonly dependentsOf: Statement<[string], string>
  /** Raw rows: [id, uplink_id]. */
  private readonly allUplinks: Statement<[], [string, string | null]>
  private readonly insertNode: Statement<NodeInsertParams>
  private readonly updateNode: Statement<NodeUpdateParams>
  private readonly deleteNode: Statement<[string]>
  private readonly insertTag: Statement<[string, string]>
  private readonly deleteTags: Statement<[string]>
  private readonly sharedAddressList: Statement<[], string>
  private readonly addressPeers: Statement<[string], string>
  private readonly listStatements = new Map<string, Statement<[Record<string, string>], NodeRow>>()
  private readonly divisions: DivisionRepository
  private readonly changes: ChangeLog

  constructor(private readonly inventory: Inventory) {
    const db = inventory.db
    this.byId = db.prepare<[string], NodeRow>(`${SELECT_NODES} WHERE n.id = ?`)
    this.uplinkOfId = db.prepare<[string], string | null>('SELECT uplink_id FROM nodes WHERE id = ?').pluck()
    this.dependentsOf = db.prepare<[string], string>('SELECT id FROM nodes WHERE uplink_id = ? ORDER BY id').pluck()
    this.allUplinks = db.prepare<[], [string, string | null]>('SELECT id, uplink_id FROM nodes').raw()
    this.insertNode = db.prepare<NodeInsertParams>(
      `INSERT INTO nodes (${NODE_COLUMNS.join(', ')}) VALUES (${NODE_COLUMNS.map(() => '?').join(', ')})`,
    )
    this.updateNode = db.prepare<NodeUpdateParams>(
      `UPDATE nodes SET name = ?, division_code = ?, tier = ?, role = ?, mgmt_address = ?, ssh_port = ?, platform = ?,
         uplink_id = ?, bandwidth_mbps = ?, status = ?, updated_at = ? WHERE id = ?`,
    )
    this.deleteNode = db.prepare<[string]>('DELETE FROM nodes WHERE id = ?')
    this.insertTag = db.prepare<[string, string]>('INSERT INTO node_tags (node_id, tag) VALUES (?, ?)')
    this.deleteTags = db.prepare<[string]>('DELETE FROM node_tags WHERE node_id = ?')
    this.sharedAddressList = db.prepare<[], string>(SHARED_ADDRESSES_SQL).pluck()
    this.addressPeers = db
      .prepare<[string], string>(
        `SELECT other.id FROM nodes n JOIN nodes other ON other.mgmt_address = n.mgmt_address AND other.id <> n.id
         WHERE n.id = ? AND ${notDecommissionedSql('n.status')} AND ${notDecommissionedSql('other.status')} ORDER BY other.id`,
      )
      .pluck()
    this.divisions = new DivisionRepository(inventory)
    this.changes = new ChangeLog(inventory)
  }

  get(id: string): ExtranetNode | undefined {
    const row = this.byId.get(id)
    return row && toNode(row)
  }

  /** Nodes matching every given filter, ordered by id. `under` must name a division in the inventory. */
  list(filter: NodeFilter = {}): ExtranetNode[] {
    const where: string[] = []
    const params: Record<string, string> = {}
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
    if (filter.kind !== undefined) {
      where.push(
        `length(n.division_code) = ${codeLength('township')} AND ${townshipKindSql('n.division_code')} = @kind`,
      )
      params.kind = filter.kind
    }
    if (filter.tag !== undefined) {
      where.push('n.id IN (SELECT node_id FROM node_tags WHERE tag = @tag)')
      params.tag = filter.tag
    }
    if (filter.search !== undefined) {
      where.push(searchSql(SEARCHED_COLUMNS, '@search'))
      params.search = searchPattern(filter.search)
    }
    if (filter.sharedAddress === true) {
      where.push(`${notDecommissionedSql('n.status')} AND n.mgmt_address IN (${SHARED_ADDRESSES_SQL})`)
    }
    if (filter.ids !== undefined) {
      where.push('n.id IN (SELECT value FROM json_each(@ids))')
      params.ids = JSON.stringify(filter.ids)
    }
    const sql = `${SELECT_NODES}${where.length > 0 ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY n.id`
    let statement = this.listStatements.get(sql)
    if (!statement) {
      statement = this.inventory.db.prepare<Record<string, string>, NodeRow>(sql)
      this.listStatements.set(sql, statement)
    }
    return statement.all(params).map(toNode)
  }

  /**
   * Management addresses used by more than one node that is not decommissioned (govnet flags them in
   * `node list` and `node show` rather than refusing them: devices behind one NAT or console server
   * share an address on different ports).
   */
  sharedAddresses(): Set<string> {
    return new Set(this.sharedAddressList.all())
  }

  /** The other nodes (not decommissioned) that use the management address of node `id`, when it is not decommissioned. */
  sharingAddressWith(id: string): string[] {
    return this.addressPeers.all(id)
  }

  /** Ids of the nodes whose uplink is `id`. */
  dependents(id: string): string[] {
    return this.dependentsOf.all(id)
  }

  /** Every node's uplink, in one query: the existing side of an import's uplink checks. */
  uplinks(): Map<string, string | null> {
    return new Map(this.allUplinks.all())
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
    this.insertNode.run(...nodeRowValues(node))
    for (const tag of node.tags) this.insertTag.run(node.id, tag)
    this.changes.record('node', node.id, 'create', null, node, at)
  }

  /**
   * Insert validated nodes and log each creation, in one transaction. A node's uplink may come later
   * in the list: foreign keys are checked at commit, as in an import.
   */
  createMany(nodes: readonly ExtranetNode[]): void {
    this.inventory.write(() => {
      this.inventory.deferForeignKeyChecks()
      this.insertMany(nodes)
    })
  }

  /**
   * Insert validated nodes and log their creation, as create() does one by one, in bulk: nodes,
   * then tags, then change rows, each through a staging table (./staging.ts). Call inside a write
   * transaction, with foreign-key checks deferred when nodes name uplinks that come later.
   */
  insertMany(nodes: readonly ExtranetNode[]): void {
    const db = this.inventory.db
    const stagedNodes = new StagedRows(db, 'nodes', NODE_COLUMNS)
    for (const node of nodes) stagedNodes.add(nodeRowValues(node))
    stagedNodes.flush()
    const stagedTags = new StagedRows(db, 'node_tags', ['node_id', 'tag'])
    for (const node of nodes) for (const tag of node.tags) stagedTags.add([node.id, tag])
    stagedTags.flush()
    this.changes.recordMany(
      nodes.map((node) => ({
        entity: 'node',
        entityId: node.id,
        action: 'create',
        before: null,
        after: node,
        at: node.createdAt,
      })),
    )
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

  /** One record checked on its own and against the inventory: schema, scope, placement, uplink existence and cycles. */
  private validate(raw: RawRecord): {fields: NodeFields; tier: Tier} {
    const {record: fields, problems} = parseRecord(NODE_SCHEMA, raw)
    if (!fields) throw inventoryMessages.invalidRecord('node', problems)
    const outside = nodeScopeProblem({id: fields.id, division: fields.division}, inventoryScope(this.inventory))
    if (outside) throw inventoryMessages.invalidRecord('node', [outside])
    const placed = placeNode(fields, this.divisions.get(fields.division)?.level)
    const uplinkProblems: FieldProblem[] = []
    if (
      fields.uplink !== undefined &&
      fields.uplink !== fields.id &&
      this.uplinkOfId.get(fields.uplink) === undefined
    ) {
      uplinkProblems.push({field: 'uplink', message: msg.unknownUplinkNode(fields.uplink)})
    } else {
      const uplinkOf = (id: string) => (id === fields.id ? fields.uplink : this.uplinkOfId.get(id))
      uplinkProblems.push(...findUplinkCycles([fields.id], uplinkOf).map((cycle) => uplinkCycleProblem(cycle)))
    }
    const all = [...placed.problems, ...uplinkProblems]
    if (all.length > 0 || !placed.tier) throw inventoryMessages.invalidRecord('node', all)
    return {fields, tier: placed.tier}
  }
}
