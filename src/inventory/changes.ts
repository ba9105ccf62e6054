import type {Statement} from 'better-sqlite3'

import type {ChangeAction} from '../domain/changes'
import {Inventory, nowIso} from './db'

export interface Change {
  id: number
  at: string
  actor: string
  entity: string
  entityId: string
  action: ChangeAction
  before: unknown
  after: unknown
}

export interface ChangeFilter {
  entity?: string
  entityId?: string
  /** ISO time; changes at or after it. */
  since?: string
  limit?: number
}

interface ChangeRow {
  id: number
  at: string
  actor: string
  entity: string
  entity_id: string
  action: ChangeAction
  before: string | null
  after: string | null
}

/** The change log: every create, update and delete records time, actor, entity, id and before/after. */
export class ChangeLog {
  private readonly insert: Statement

  constructor(private readonly inventory: Inventory) {
    this.insert = inventory.db.prepare(
      'INSERT INTO changes (at, actor, entity, entity_id, action, before, after) VALUES (?, ?, ?, ?, ?, ?, ?)',
    )
  }

  /** Record one change; call it inside the same transaction as the write it describes. */
  record(
    entity: string,
    entityId: string,
    action: ChangeAction,
    before: unknown,
    after: unknown,
    at: string = nowIso(),
  ): void {
    this.insert.run(
      at,
      this.inventory.actor,
      entity,
      entityId,
      action,
      before === undefined || before === null ? null : JSON.stringify(before),
      after === undefined || after === null ? null : JSON.stringify(after),
    )
  }

  list(filter: ChangeFilter = {}): Change[] {
    const where: string[] = []
    const params: Record<string, unknown> = {}
    if (filter.entity) {
      where.push('entity = @entity')
      params.entity = filter.entity
    }
    if (filter.entityId) {
      where.push('entity_id = @entityId')
      params.entityId = filter.entityId
    }
    if (filter.since) {
      where.push('at >= @since')
      params.since = filter.since
    }
    const sql = `SELECT * FROM changes ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT @limit`
    params.limit = filter.limit ?? -1
    const rows = this.inventory.db.prepare(sql).all(params) as ChangeRow[]
    return rows.map((row) => ({
      id: row.id,
      at: row.at,
      actor: row.actor,
      entity: row.entity,
      entityId: row.entity_id,
      action: row.action,
      before: row.before === null ? null : (JSON.parse(row.before) as unknown),
      after: row.after === null ? null : (JSON.parse(row.after) as unknown),
    }))
  }

  /** Time of the last change, or undefined on an empty log (inventory freshness metric). */
  lastChangeAt(): string | undefined {
    const row = this.inventory.db.prepare('SELECT max(at) AS at FROM changes').get() as {at: string | null}
    return row.at ?? undefined
  }
}
