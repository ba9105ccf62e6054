import Database from 'better-sqlite3'

import {integrityMessages as msg} from '../messages'
import type {Inventory} from './db'
import {createPrivateFile} from './files'
import {loadMigrations} from './migrations'

export interface ForeignKeyProblem {
  table: string
  rowid: number | null
  parent: string
}

/** PRAGMA integrity_check: 'ok' gives []. At most `max` lines. */
export function integrityProblems(inventory: Inventory, max = 20): string[] {
  const rows = inventory.db.pragma(`integrity_check(${max})`) as Array<{integrity_check: string}>
  const lines = rows.map((r) => r.integrity_check)
  return lines.length === 1 && lines[0] === 'ok' ? [] : lines
}

export function foreignKeyProblems(inventory: Inventory, max = 20): ForeignKeyProblem[] {
  const rows = inventory.db.pragma('foreign_key_check') as Array<{table: string; rowid: number | null; parent: string}>
  return rows.slice(0, max).map((r) => ({table: r.table, rowid: r.rowid, parent: r.parent}))
}

export function latestSchemaVersion(): number {
  return loadMigrations().length
}

export interface BackupResult {
  file: string
  pages: number
}

/**
 * SQLite's online backup API into a new 0600 file: every page in one step, inside one read
 * transaction, so the copy is one consistent state even while writers run (WAL readers do not block
 * them, and no writer can make the copy restart). Never overwrites.
 */
export async function backupTo(inventory: Inventory, file: string): Promise<BackupResult> {
  if (!createPrivateFile(file)) throw msg.backupTargetExists(file)
  let pages = 0
  await inventory.db.backup(file, {
    progress: ({totalPages}) => {
      pages = totalPages
      return Number.MAX_SAFE_INTEGER
    },
  })
  // The copy is read on its own, later and maybe elsewhere: a rollback-journal file with no -wal beside it.
  const copy = new Database(file)
  try {
    copy.pragma('journal_mode = DELETE')
  } finally {
    copy.close()
  }
  return {file, pages}
}

/** The backup API the other way: a checked backup's pages into the inventory, under its write lock. */
export async function restoreFrom(backup: Inventory, target: string): Promise<BackupResult> {
  let pages = 0
  await backup.db.backup(target, {
    progress: ({totalPages}) => {
      pages = totalPages
      return Number.MAX_SAFE_INTEGER
    },
  })
  return {file: target, pages}
}
