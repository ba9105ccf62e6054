import Database from 'better-sqlite3'
import {closeSync, fsyncSync, openSync, renameSync, rmSync} from 'node:fs'
import path from 'node:path'

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

/**
 * Restore: the backup API copies the (already checked) backup into a new 0600 file beside the
 * inventory, which then replaces it by rename, so the inventory path always holds either the old file
 * or the whole restored one. The old file's -wal and -shm go first: SQLite would replay a stale
 * write-ahead log into the restored file. Writers must be stopped (README: Backup and restore).
 */
export async function restoreFrom(backup: Inventory, target: string): Promise<BackupResult> {
  const staging = path.join(path.dirname(target), `.${path.basename(target)}.restore-${process.pid}`)
  rmSync(staging, {force: true})
  const {pages} = await backupTo(backup, staging)
  const fd = openSync(staging, 'r')
  try {
    fsyncSync(fd)
  } finally {
    closeSync(fd)
  }
  rmSync(`${target}-wal`, {force: true})
  rmSync(`${target}-shm`, {force: true})
  renameSync(staging, target)
  return {file: target, pages}
}
