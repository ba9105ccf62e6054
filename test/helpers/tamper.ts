import Database from 'better-sqlite3'
import {randomBytes} from 'node:crypto'
import {renameSync, writeFileSync} from 'node:fs'

import type {ChainFindingKind} from '../../src/domain/change-chain'

/**
 * What an operator or an attacker can do to the change log with any SQLite client or shell, against a
 * real inventory file with at least 8 change rows and its key file. Each case says what `changes
 * verify` must find and which row it must name.
 */
export interface TamperCase {
  name: string
  kind: ChainFindingKind
  /** The row the finding must name (undefined: none). */
  row?: number
  /** Extra flags for `changes verify`. */
  verifyArgs?: string[]
  tamper(db: string, keyFile: string): void
}

function withDb(file: string, fn: (db: Database.Database) => void): void {
  const db = new Database(file)
  try {
    fn(db)
  } finally {
    db.close()
  }
}

export const TAMPER_CASES: readonly TamperCase[] = [
  {
    name: 'a row edited (actor rewritten)',
    kind: 'edited',
    row: 3,
    tamper: (file) => withDb(file, (db) => db.prepare("UPDATE changes SET actor = 'mallory' WHERE id = 3").run()),
  },
  {
    name: 'a row edited and its hash replaced by one made without the key',
    kind: 'edited',
    row: 4,
    tamper: (file) =>
      withDb(file, (db) =>
        db.prepare("UPDATE changes SET after = '{}', hash = ? WHERE id = 4").run(randomBytes(32).toString('hex')),
      ),
  },
  {
    name: 'a row deleted in the middle',
    kind: 'deleted',
    row: 3,
    tamper: (file) => withDb(file, (db) => db.prepare('DELETE FROM changes WHERE id = 3').run()),
  },
  {
    name: 'a row inserted at the end',
    kind: 'inserted',
    tamper: (file) =>
      withDb(file, (db) =>
        db
          .prepare(
            "INSERT INTO changes (id, at, actor, os_user, entity, entity_id, action, before, after, hash) SELECT max(id) + 1, '2026-01-01T00:00:00.000Z', 'admin', 'root', 'node', 'ghost', 'create', NULL, '{}', ? FROM changes",
          )
          .run(randomBytes(32).toString('hex')),
      ),
  },
  {
    name: 'a row inserted before the first',
    kind: 'inserted',
    row: 0,
    tamper: (file) =>
      withDb(file, (db) =>
        db
          .prepare(
            "INSERT INTO changes (id, at, actor, os_user, entity, entity_id, action, before, after, hash) VALUES (0, '2026-01-01T00:00:00.000Z', 'admin', 'root', 'node', 'ghost', 'create', NULL, '{}', ?)",
          )
          .run(randomBytes(32).toString('hex')),
      ),
  },
  {
    name: 'two rows reordered (ids swapped)',
    kind: 'reordered',
    row: 5,
    tamper: (file) =>
      withDb(file, (db) =>
        db.transaction(() => {
          db.prepare('UPDATE changes SET id = -1 WHERE id = 5').run()
          db.prepare('UPDATE changes SET id = 5 WHERE id = 6').run()
          db.prepare('UPDATE changes SET id = 6 WHERE id = -1').run()
        })(),
      ),
  },
  {
    name: 'the tail truncated',
    kind: 'truncated',
    tamper: (file) =>
      withDb(file, (db) => db.prepare('DELETE FROM changes WHERE id > (SELECT max(id) - 2 FROM changes)').run()),
  },
  {
    name: 'the head record edited to match a truncated tail',
    kind: 'head-edited',
    tamper: (file) =>
      withDb(file, (db) =>
        db.transaction(() => {
          db.prepare('DELETE FROM changes WHERE id > (SELECT max(id) - 2 FROM changes)').run()
          db.prepare(
            'UPDATE change_head SET rows = rows - 2, last_id = last_id - 2, last_hash = (SELECT hash FROM changes ORDER BY id DESC LIMIT 1)',
          ).run()
        })(),
      ),
  },
  {
    name: 'the head record deleted',
    kind: 'head-missing',
    tamper: (file) => withDb(file, (db) => db.prepare('DELETE FROM change_head').run()),
  },
  {
    name: 'the key file missing',
    kind: 'key-missing',
    tamper: (_file, keyFile) => renameSync(keyFile, `${keyFile}.gone`),
  },
  {
    name: 'a wrong key',
    kind: 'key-wrong',
    tamper: (_file, keyFile) => writeFileSync(keyFile, `${randomBytes(32).toString('base64url')}\n`, {mode: 0o600}),
  },
]

/**
 * The tail cut and the head rewound to a copy saved before (a replay): only evidence from outside the
 * file can tell, such as the row count Prometheus kept (`--min-rows`).
 */
export function rewindTail(file: string, saved: {rows: number; last_id: number; last_hash: string; mac: string}): void {
  withDb(file, (db) =>
    db.transaction(() => {
      db.prepare('DELETE FROM changes WHERE id > ?').run(saved.last_id)
      db.prepare('UPDATE change_head SET rows = ?, last_id = ?, last_hash = ?, mac = ?').run(
        saved.rows,
        saved.last_id,
        saved.last_hash,
        saved.mac,
      )
    })(),
  )
}

export function readHeadRow(file: string): {rows: number; last_id: number; last_hash: string; mac: string} {
  const db = new Database(file, {readonly: true})
  try {
    return db.prepare('SELECT rows, last_id, last_hash, mac FROM change_head').get() as {
      rows: number
      last_id: number
      last_hash: string
      mac: string
    }
  } finally {
    db.close()
  }
}
