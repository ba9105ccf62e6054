import type Database from 'better-sqlite3'
import type {Statement} from 'better-sqlite3'

import {
  ChainFinding,
  ChainRows,
  GENESIS,
  StoredHead,
  StoredRow,
  headMac,
  keyFingerprint,
  rowHash,
  sameHash,
  verifyChain,
} from '../domain/change-chain'
import type {ChangeAction} from '../domain/changes'
import {integrityMessages as msg} from '../messages'
import {Inventory, nowIso, PendingChainHead} from './db'
import {StagedRows} from './staging'

export interface Change {
  id: number
  at: string
  actor: string
  /** The OS account that ran govnet (the actor is what --actor said). Null on rows older than the chain. */
  osUser: string | null
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
  os_user: string | null
  entity: string
  entity_id: string
  action: ChangeAction
  before: string | null
  after: string | null
  hash: string | null
}

export const KEY_FINGERPRINT_META = 'changelog_key_fingerprint'

/** One change to record: what was done to which entity, its record before and after, and when (default: now). */
export interface ChangeEntry {
  entity: string
  entityId: string
  action: ChangeAction
  before: unknown
  after: unknown
  at?: string
}

/** The columns of a change row, in the order ChangeLog writes them. */
const CHANGE_COLUMNS = [
  'id',
  'at',
  'actor',
  'os_user',
  'entity',
  'entity_id',
  'action',
  'before',
  'after',
  'hash',
] as const

/**
 * Where the chain ends, as read at the start of a write transaction and carried through it. Rows
 * are appended to it one by one; the keyed head is written by flush(), which Inventory.write()
 * calls once at the end of the write (inside its transaction), so a bulk import computes one head
 * MAC and writes the head once instead of once per row.
 */
class ChainTail implements PendingChainHead {
  private pending = false

  constructor(
    public rows: number,
    public lastId: number,
    public lastHash: string,
    private readonly key: Buffer,
    private readonly writeHead: Statement,
  ) {}

  append(id: number, hash: string): void {
    this.rows += 1
    this.lastId = id
    this.lastHash = hash
    this.pending = true
  }

  flush(): void {
    if (!this.pending) return
    const head = {rows: this.rows, lastId: this.lastId, lastHash: this.lastHash}
    this.writeHead.run({...head, mac: headMac(this.key, head)})
    this.pending = false
  }
}

function toStored(row: ChangeRow): StoredRow {
  return {
    id: row.id,
    at: row.at,
    actor: row.actor,
    osUser: row.os_user,
    entity: row.entity,
    entityId: row.entity_id,
    action: row.action,
    before: row.before,
    after: row.after,
    hash: row.hash,
  }
}

function readHead(db: Database.Database): StoredHead | undefined {
  const row = db.prepare('SELECT rows, last_id, last_hash, mac FROM change_head WHERE id = 1').get() as
    {rows: number; last_id: number; last_hash: string; mac: string} | undefined
  return row && {rows: row.rows, lastId: row.last_id, lastHash: row.last_hash, mac: row.mac}
}

function readFingerprint(db: Database.Database): string | undefined {
  return db.prepare('SELECT value FROM meta WHERE key = ?').pluck().get(KEY_FINGERPRINT_META) as string | undefined
}

/** True when the log has rows already chained, so that a missing key must not be replaced by a new one. */
export function hasChainedRows(db: Database.Database): boolean {
  return readHead(db) !== undefined || readFingerprint(db) !== undefined
}

/**
 * The change log: every create, update and delete records time, actor, OS user, entity, id and
 * before/after, chained with HMAC-SM3 (src/domain/change-chain.ts). A write refuses to extend a
 * chain whose head does not match its last row or whose key is not the one it was written with.
 */
export class ChangeLog {
  private readonly insert: Statement
  private readonly last: Statement
  private readonly upsertHead: Statement

  constructor(private readonly inventory: Inventory) {
    const db = inventory.db
    this.insert = db.prepare(
      `INSERT INTO changes (${CHANGE_COLUMNS.join(', ')}) VALUES (${CHANGE_COLUMNS.map(() => '?').join(', ')})`,
    )
    this.last = db.prepare('SELECT id, hash FROM changes ORDER BY id DESC LIMIT 1')
    this.upsertHead = db.prepare(
      `INSERT INTO change_head (id, rows, last_id, last_hash, mac) VALUES (1, @rows, @lastId, @lastHash, @mac)
       ON CONFLICT (id) DO UPDATE SET rows = excluded.rows, last_id = excluded.last_id, last_hash = excluded.last_hash, mac = excluded.mac`,
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
    this.append([{entity, entityId, action, before, after, at}], false)
  }

  /**
   * Record many changes at once, in order (a bulk import's): chained exactly as record() chains
   * them one by one, and written through a staging table (./staging.ts).
   */
  recordMany(changes: readonly ChangeEntry[]): void {
    this.append(changes, true)
  }

  private append(changes: readonly ChangeEntry[], staged: boolean): void {
    if (changes.length === 0) return
    if (!this.inventory.db.inTransaction) {
      this.inventory.write(() => {
        this.append(changes, staged)
      })
      return
    }
    const key = this.inventory.changeKey()
    const tail = this.tail(key)
    if (staged) {
      const staging = new StagedRows(this.inventory.db, 'changes', CHANGE_COLUMNS)
      for (const change of changes) staging.add(this.chained(key, tail, change))
      staging.flush()
    } else {
      for (const change of changes) this.insert.run(this.chained(key, tail, change))
    }
    // Inside write() the head is written when the write ends; inside a bare SQLite transaction, now.
    if (!this.inventory.writing) tail.flush()
  }

  /** The row of one change as CHANGE_COLUMNS orders it, chained onto `tail` (which moves on). */
  private chained(key: Buffer, tail: ChainTail, change: ChangeEntry): unknown[] {
    const row = {
      id: tail.lastId + 1,
      at: change.at ?? nowIso(),
      actor: this.inventory.actor,
      osUser: this.inventory.osUser,
      entity: change.entity,
      entityId: change.entityId,
      action: change.action,
      before: change.before === undefined || change.before === null ? null : JSON.stringify(change.before),
      after: change.after === undefined || change.after === null ? null : JSON.stringify(change.after),
    }
    const hash = rowHash(key, tail.lastHash, row)
    tail.append(row.id, hash)
    return [row.id, row.at, row.actor, row.osUser, row.entity, row.entityId, row.action, row.before, row.after, hash]
  }

  /** The chain's end, checked against the head once per write transaction. */
  private tail(key: Buffer): ChainTail {
    const inventory = this.inventory
    const cached = inventory.chainTail
    if (cached instanceof ChainTail) return cached
    const db = inventory.db
    const fingerprint = readFingerprint(db)
    if (fingerprint === undefined) {
      db.prepare('INSERT INTO meta (key, value) VALUES (?, ?)').run(KEY_FINGERPRINT_META, keyFingerprint(key))
    } else if (!sameHash(fingerprint, keyFingerprint(key))) {
      throw msg.keyWrongForWrite(inventory.path, inventory.keyFile)
    }
    const last = this.last.get() as {id: number; hash: string | null} | undefined
    const head = readHead(db)
    let tail: ChainTail
    if (!head) {
      if (last) throw msg.chainHeadMismatch(inventory.path)
      tail = new ChainTail(0, 0, GENESIS, key, this.upsertHead)
    } else {
      if (
        !last ||
        last.hash === null ||
        head.lastId !== last.id ||
        !sameHash(head.lastHash, last.hash) ||
        !sameHash(head.mac, headMac(key, head))
      )
        throw msg.chainHeadMismatch(inventory.path)
      tail = new ChainTail(head.rows, head.lastId, head.lastHash, key, this.upsertHead)
    }
    if (inventory.writing) inventory.chainTail = tail
    return tail
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
      osUser: row.os_user,
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

  /** Rows in the log (the chain head's count, as metrics export it). */
  count(): number {
    return this.inventory.db.prepare('SELECT count(*) FROM changes').pluck().get() as number
  }
}

export interface VerifyResult {
  path: string
  keyFile: string
  rows: number
  /** The chain head as recorded: what Prometheus should keep as evidence of the log's length. */
  head: {rows: number; lastId: number} | null
  ok: boolean
  finding: ChainFinding | null
}

/**
 * The log in id order, one row at a time (a national log has hundreds of thousands of rows: the
 * metrics exporter verifies it on every refresh), and the rows after one of them, read only to
 * name a finding.
 */
function chainRows(db: Database.Database): ChainRows {
  const all = db.prepare('SELECT * FROM changes ORDER BY id')
  const after = db.prepare('SELECT * FROM changes WHERE id > ? ORDER BY id')
  return {
    *[Symbol.iterator]() {
      for (const row of all.iterate() as IterableIterator<ChangeRow>) yield toStored(row)
    },
    after: (row) => (after.all(row.id) as ChangeRow[]).map(toStored),
  }
}

/** Check the whole chain with `key` (undefined: the key file is missing). Reads only. */
export function verifyChangeLog(
  inventory: Inventory,
  key: Buffer | undefined,
  keyFile: string,
  minRows = 0,
): VerifyResult {
  const db = inventory.db
  const head = readHead(db)
  const rows = db.prepare('SELECT count(*) FROM changes').pluck().get() as number
  const base = {
    path: inventory.path,
    keyFile,
    rows,
    head: head ? {rows: head.rows, lastId: head.lastId} : null,
  }
  let finding: ChainFinding | undefined
  if (!key) {
    finding =
      rows === 0 && !head
        ? undefined
        : {kind: 'key-missing', message: `the change-log key ${keyFile} is missing: the chain cannot be checked`}
  } else {
    finding = verifyChain(key, chainRows(db), head, readFingerprint(db), minRows)
  }
  return {...base, ok: finding === undefined, finding: finding ?? null}
}

/** Migration 005: chain the rows written before the log was chained, in id order. */
export function chainExisting(db: Database.Database, key: Buffer): void {
  const rows = (db.prepare('SELECT * FROM changes ORDER BY id').all() as ChangeRow[]).map(toStored)
  const setHash = db.prepare('UPDATE changes SET hash = ? WHERE id = ?')
  let prev = GENESIS
  let lastId = 0
  for (const row of rows) {
    prev = rowHash(key, prev, row)
    setHash.run(prev, row.id)
    lastId = row.id
  }
  db.prepare('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value').run(
    KEY_FINGERPRINT_META,
    keyFingerprint(key),
  )
  if (rows.length === 0) return
  const head = {rows: rows.length, lastId, lastHash: prev}
  db.prepare('INSERT INTO change_head (id, rows, last_id, last_hash, mac) VALUES (1, ?, ?, ?, ?)').run(
    head.rows,
    head.lastId,
    head.lastHash,
    headMac(key, head),
  )
}
