import type {Statement} from 'better-sqlite3'

import {NODE_ACCESS_FIELDS, NODE_ACCESS_SCHEMA, NodeAccess, NodeAccessFields} from '../domain/node-access'
import {parseRecord, RawRecord} from '../domain/fields'
import {auditMessages, inventoryMessages, nodeMessages} from '../messages'
import {ChangeLog} from './changes'
import {Inventory, nowIso} from './db'

interface NodeAccessRow {
  node_id: string
  user: string | null
  jump: string | null
  kex: string | null
  host_key_algorithms: string | null
  ciphers: string | null
  macs: string | null
  keepalive_s: number | null
  host_key_sha256: string | null
  updated_at: string
}

const toAccess = (row: NodeAccessRow): NodeAccess => ({
  nodeId: row.node_id,
  user: row.user,
  jump: row.jump,
  kex: row.kex,
  hostKeyAlgorithms: row.host_key_algorithms,
  ciphers: row.ciphers,
  macs: row.macs,
  keepaliveSeconds: row.keepalive_s,
  hostKeySha256: row.host_key_sha256,
  updatedAt: row.updated_at,
})

const toFields = (access: NodeAccess | undefined): Record<keyof NodeAccessFields, string | number | null> => ({
  user: access?.user ?? null,
  jump: access?.jump ?? null,
  kex: access?.kex ?? null,
  host_key_algorithms: access?.hostKeyAlgorithms ?? null,
  ciphers: access?.ciphers ?? null,
  macs: access?.macs ?? null,
  keepalive_s: access?.keepaliveSeconds ?? null,
  host_key_sha256: access?.hostKeySha256 ?? null,
})

/** The upsert's named parameters: the settings by column name, the node and the time. */
type UpsertParams = Record<keyof NodeAccessFields, string | number | null> & {node_id: string; updated_at: string}

export interface NodeAccessChange {
  /** The settings after the change; null when none is left (the row was removed). */
  access: NodeAccess | null
  /** The settings that changed; empty when nothing did (and nothing was logged). */
  changed: (keyof NodeAccessFields)[]
}

/** The `node_access` table: per-node SSH settings. Every change is logged as entity `node_access`. */
export class NodeAccessRepository {
  private readonly byId: Statement<[string], NodeAccessRow>
  /** Rows for the ids in a JSON array. */
  private readonly byIds: Statement<[string], NodeAccessRow>
  private readonly nodeExists: Statement<[string], 1>
  private readonly upsert: Statement<[UpsertParams]>
  private readonly remove: Statement<[string]>
  private readonly changes: ChangeLog

  constructor(private readonly inventory: Inventory) {
    const db = inventory.db
    this.byId = db.prepare<[string], NodeAccessRow>('SELECT * FROM node_access WHERE node_id = ?')
    this.byIds = db.prepare<[string], NodeAccessRow>(
      'SELECT * FROM node_access WHERE node_id IN (SELECT value FROM json_each(?))',
    )
    this.nodeExists = db.prepare<[string], 1>('SELECT 1 FROM nodes WHERE id = ?').pluck()
    this.upsert = db.prepare<UpsertParams>(
      `INSERT INTO node_access (node_id, user, jump, kex, host_key_algorithms, ciphers, macs, keepalive_s, host_key_sha256, updated_at)
       VALUES (@node_id, @user, @jump, @kex, @host_key_algorithms, @ciphers, @macs, @keepalive_s, @host_key_sha256, @updated_at)
       ON CONFLICT (node_id) DO UPDATE SET user = excluded.user, jump = excluded.jump, kex = excluded.kex,
         host_key_algorithms = excluded.host_key_algorithms, ciphers = excluded.ciphers, macs = excluded.macs,
         keepalive_s = excluded.keepalive_s, host_key_sha256 = excluded.host_key_sha256, updated_at = excluded.updated_at`,
    )
    this.remove = db.prepare<[string]>('DELETE FROM node_access WHERE node_id = ?')
    this.changes = new ChangeLog(inventory)
  }

  get(nodeId: string): NodeAccess | undefined {
    const row = this.byId.get(nodeId)
    return row && toAccess(row)
  }

  /** The settings of one node, which must exist (exit 4 otherwise); undefined when it has none. */
  forNode(nodeId: string): NodeAccess | undefined {
    return this.existing(nodeId)
  }

  /** The settings of many nodes in one query (an audit run's selection). */
  forNodes(nodeIds: readonly string[]): Map<string, NodeAccess> {
    const rows = this.byIds.all(JSON.stringify(nodeIds))
    return new Map(rows.map((row) => [row.node_id, toAccess(row)]))
  }

  /** Set some settings of a node; the others keep their values. Exit 3 on an invalid value (nothing written), 4 for an unknown node. */
  set(nodeId: string, raw: RawRecord): NodeAccessChange {
    const given = Object.keys(raw).filter((key) => raw[key] !== undefined) as (keyof NodeAccessFields)[]
    if (given.length === 0) throw auditMessages.nothingToSetAccess()
    const {record, problems} = parseRecord(NODE_ACCESS_SCHEMA, raw)
    if (!record) throw inventoryMessages.invalidRecord(`access settings of node ${nodeId}`, problems)
    return this.inventory.write(() => {
      const before = this.existing(nodeId)
      const after = {...toFields(before)}
      for (const field of given) after[field] = record[field] ?? null
      return this.store(nodeId, before, after)
    })
  }

  /** Clear some settings of a node (all of them when `fields` is empty). */
  clear(nodeId: string, fields: readonly string[] = []): NodeAccessChange {
    for (const field of fields) {
      if (!(NODE_ACCESS_FIELDS as readonly string[]).includes(field))
        throw auditMessages.unknownAccessField(field, NODE_ACCESS_FIELDS)
    }
    return this.inventory.write(() => {
      const before = this.existing(nodeId)
      const after = {...toFields(before)}
      for (const field of fields.length > 0 ? (fields as (keyof NodeAccessFields)[]) : NODE_ACCESS_FIELDS)
        after[field] = null
      return this.store(nodeId, before, after)
    })
  }

  private existing(nodeId: string): NodeAccess | undefined {
    if (!this.nodeExists.get(nodeId)) throw nodeMessages.nodeNotFound(nodeId)
    return this.get(nodeId)
  }

  private store(
    nodeId: string,
    before: NodeAccess | undefined,
    after: Record<keyof NodeAccessFields, string | number | null>,
  ): NodeAccessChange {
    const old = toFields(before)
    const changed = NODE_ACCESS_FIELDS.filter((field) => old[field] !== after[field])
    if (changed.length === 0) return {access: before ?? null, changed}
    const now = nowIso()
    if (NODE_ACCESS_FIELDS.every((field) => after[field] === null)) {
      this.remove.run(nodeId)
      this.changes.record('node_access', nodeId, 'delete', before, null, now)
      return {access: null, changed}
    }
    this.upsert.run({node_id: nodeId, ...after, updated_at: now})
    const access = this.get(nodeId)!
    this.changes.record('node_access', nodeId, before ? 'update' : 'create', before ?? null, access, now)
    return {access, changed}
  }
}
