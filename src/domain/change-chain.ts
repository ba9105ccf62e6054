import {createHmac, timingSafeEqual} from 'node:crypto'

/**
 * The change log's tamper evidence: every row carries HMAC-SM3 (GB/T 32905 hash, RFC 2104 keyed)
 * over its own content and the previous row's hash, keyed with a secret kept outside the database.
 * Whoever can write the file but not read the key cannot produce a consistent chain. A separate
 * head (row count, last id, last hash, itself keyed) tells a truncated tail from a short log.
 */
export const CHAIN_HASH = 'sm3'
/** The `prev` of the first row. */
export const GENESIS = '0'.repeat(64)

/** The fields of one row that the hash covers, in a fixed order. */
export interface ChainedContent {
  id: number
  at: string
  actor: string
  osUser: string | null
  entity: string
  entityId: string
  action: string
  before: string | null
  after: string | null
}

export interface ChainHead {
  rows: number
  lastId: number
  lastHash: string
}

function hmac(key: Buffer, text: string): string {
  return createHmac(CHAIN_HASH, key).update(text, 'utf8').digest('hex')
}

/** The hash of one row given the previous row's hash (GENESIS for the first). */
export function rowHash(key: Buffer, prev: string, row: ChainedContent): string {
  return hmac(
    key,
    `govnet-change\n${prev}\n${JSON.stringify([row.id, row.at, row.actor, row.osUser, row.entity, row.entityId, row.action, row.before, row.after])}`,
  )
}

export function headMac(key: Buffer, head: ChainHead): string {
  return hmac(key, `govnet-change-head\n${head.rows}\n${head.lastId}\n${head.lastHash}`)
}

/** A short fingerprint of the key, stored in the inventory, so that a wrong key is named as such. */
export function keyFingerprint(key: Buffer): string {
  return hmac(key, 'govnet-change-key').slice(0, 16)
}

export function sameHash(a: string, b: string): boolean {
  const x = Buffer.from(a, 'utf8')
  const y = Buffer.from(b, 'utf8')
  return x.length === y.length && timingSafeEqual(x, y)
}

/** What `changes verify` found; `row` is the id to look at, when there is one. */
export type ChainFindingKind =
  | 'key-missing'
  | 'key-wrong'
  | 'edited'
  | 'inserted'
  | 'deleted'
  | 'reordered'
  | 'truncated'
  | 'head-missing'
  | 'head-edited'
  | 'unchained'
  | 'fewer-than-expected'

export interface ChainFinding {
  kind: ChainFindingKind
  row?: number
  message: string
}

export interface StoredRow extends ChainedContent {
  hash: string | null
}

export interface StoredHead extends ChainHead {
  mac: string
}

/**
 * The log's rows in id order, walked once. Only at a row that does not verify does the check read
 * on: `after(row, index)` gives the rows that follow it, to name what happened. Verifying an
 * intact log so holds one row at a time, never the whole log.
 */
export interface ChainRows extends Iterable<StoredRow> {
  after(row: StoredRow, index: number): readonly StoredRow[]
}

function rowsOfArray(rows: readonly StoredRow[]): ChainRows {
  return {[Symbol.iterator]: () => rows[Symbol.iterator](), after: (_row, index) => rows.slice(index + 1)}
}

/**
 * Walk the rows in id order and return the first finding, or undefined when the chain holds.
 * At the first row that does not verify it looks further to name what happened: a row that chains
 * in its place from further on was moved (reordered); a next row that chains over it means it was
 * inserted; a gap in the ids means rows were deleted; otherwise the row itself was edited.
 */
export function verifyChain(
  key: Buffer,
  rows: readonly StoredRow[] | ChainRows,
  head: StoredHead | undefined,
  expectedFingerprint: string | undefined,
  minRows = 0,
): ChainFinding | undefined {
  if (expectedFingerprint !== undefined && !sameHash(expectedFingerprint, keyFingerprint(key)))
    return {kind: 'key-wrong', message: 'the change-log key is not the one this log was written with'}
  const walk = isRowArray(rows) ? rowsOfArray(rows) : rows
  let prev = GENESIS
  let prevId = 0
  let count = 0
  let beyondHead: number | undefined
  let broken: StoredRow | undefined
  for (const row of walk) {
    if (row.hash === null) return {kind: 'unchained', row: row.id, message: `row ${row.id} has no hash`}
    if (!sameHash(row.hash, rowHash(key, prev, row))) {
      // The walk stops here: reading on (walk.after) may need the rows' source back.
      broken = row
      break
    }
    if (head && beyondHead === undefined && row.id > head.lastId) beyondHead = row.id
    prev = row.hash
    prevId = row.id
    count++
  }
  if (broken) return classify(key, broken, walk.after(broken, count), prev, prevId, head)
  if (!head) {
    return count === 0
      ? undefined
      : {kind: 'head-missing', message: `the log has ${count} rows but its head record is missing`}
  }
  if (!sameHash(head.mac, headMac(key, head)))
    return {kind: 'head-edited', message: 'the head record (row count and last hash) was changed'}
  if (head.rows > count || head.lastId > prevId || (head.lastId === prevId && head.lastHash !== prev)) {
    const missing = head.rows - count
    return {
      kind: 'truncated',
      row: prevId + 1,
      message: `the tail was cut: the log ends at row ${prevId} but its head records ${head.rows} rows up to row ${head.lastId} (${missing} missing)`,
    }
  }
  if (head.rows < count || head.lastId < prevId) {
    return {
      kind: 'inserted',
      row: beyondHead,
      message: `row ${beyondHead} was inserted after the recorded head (row ${head.lastId})`,
    }
  }
  if (count < minRows)
    return {
      kind: 'fewer-than-expected',
      message: `the log has ${count} rows, fewer than the ${minRows} known from outside (--min-rows): its tail was cut and the head rewound`,
    }
  return undefined
}

function isRowArray(rows: readonly StoredRow[] | ChainRows): rows is readonly StoredRow[] {
  return Array.isArray(rows)
}

/** What happened at `row`, the first that does not verify; `later` are the rows after it. */
function classify(
  key: Buffer,
  row: StoredRow,
  later: readonly StoredRow[],
  prev: string,
  prevId: number,
  head: StoredHead | undefined,
): ChainFinding {
  const next = later.at(0)
  // A later row that would chain here (with this row's place: its id) was moved.
  for (const other of later) {
    if (
      other.id !== prevId + 1 &&
      other.hash !== null &&
      sameHash(other.hash, rowHash(key, prev, {...other, id: prevId + 1}))
    ) {
      return {
        kind: 'reordered',
        row: row.id,
        message: `rows were reordered: row ${other.id} was written as row ${prevId + 1}, after row ${prevId}`,
      }
    }
  }
  if (next?.hash && sameHash(next.hash, rowHash(key, prev, next)))
    return {kind: 'inserted', row: row.id, message: `row ${row.id} was inserted: it is not part of the chain`}
  if (row.id > prevId + 1) {
    const range = row.id - 1 === prevId + 1 ? `row ${prevId + 1} was` : `rows ${prevId + 1}–${row.id - 1} were`
    return {kind: 'deleted', row: prevId + 1, message: `${range} deleted (the chain goes from ${prevId} to ${row.id})`}
  }
  if (head && row.id > head.lastId && !next)
    return {kind: 'inserted', row: row.id, message: `row ${row.id} was inserted after the recorded head`}
  return {kind: 'edited', row: row.id, message: `row ${row.id} was edited: its content does not match its hash`}
}
