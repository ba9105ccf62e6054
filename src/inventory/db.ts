import Database from 'better-sqlite3'
import {existsSync} from 'node:fs'

import {inventoryMessages as msg} from '../messages'
import {syncBaselines} from './baselines'
import {loadMigrations, Migration} from './migrations'

export interface OpenOptions {
  /** Open read-only (metrics, reports): never migrates, never writes. */
  readonly?: boolean
  /** Create the file when it does not exist (init, quickstart). */
  create?: boolean
  /** Who is making changes, for the change log. */
  actor?: string
  /** How long to wait for another writer, in ms. */
  busyTimeoutMs?: number
  migrations?: Migration[]
}

export const DEFAULT_BUSY_TIMEOUT_MS = 15_000

/**
 * One open inventory. Every command reads and writes the database through this object and the
 * repositories in src/inventory; nothing else opens the file.
 */
export class Inventory {
  readonly schemaVersion: number

  private constructor(
    readonly db: Database.Database,
    readonly path: string,
    readonly actor: string,
    readonly readonly: boolean,
  ) {
    this.schemaVersion = db.pragma('user_version', {simple: true}) as number
  }

  static open(path: string, options: OpenOptions = {}): Inventory {
    const exists = existsSync(path)
    if (!exists && !options.create) throw msg.inventoryMissing(path)
    const migrations = options.migrations ?? loadMigrations()
    let db: Database.Database
    try {
      db = new Database(path, {
        readonly: options.readonly ?? false,
        fileMustExist: !options.create,
        timeout: options.busyTimeoutMs ?? DEFAULT_BUSY_TIMEOUT_MS,
      })
    } catch (error) {
      throw msg.notAnInventory(path, (error as Error).message)
    }
    try {
      if (!options.readonly) {
        db.pragma('journal_mode = WAL')
        db.pragma('synchronous = NORMAL')
      }
      db.pragma('foreign_keys = ON')
      migrate(db, path, migrations, options.readonly ?? false)
      const inventory = new Inventory(db, path, options.actor ?? 'govnet', options.readonly ?? false)
      if (!options.readonly) syncBaselines(inventory)
      return inventory
    } catch (error) {
      db.close()
      if (isSqliteError(error, 'SQLITE_NOTADB')) throw msg.notAnInventory(path, 'not an SQLite database')
      if (isSqliteError(error, 'SQLITE_BUSY')) throw msg.inventoryBusy(path)
      throw error
    }
  }

  /** Run `fn` in one IMMEDIATE transaction: the write lock is taken up front, so concurrent writers queue on the busy timeout instead of deadlocking. */
  write<T>(fn: () => T): T {
    try {
      return this.db.transaction(fn).immediate()
    } catch (error) {
      if (isSqliteError(error, 'SQLITE_BUSY')) throw msg.inventoryBusy(this.path)
      throw error
    }
  }

  /** Inside a write transaction: check foreign keys at commit, not per statement (rows may name rows that come later). */
  deferForeignKeyChecks(): void {
    this.db.pragma('defer_foreign_keys = ON')
  }

  close(): void {
    if (this.db.open) this.db.close()
  }
}

function migrate(db: Database.Database, path: string, migrations: Migration[], readonly: boolean): void {
  const latest = migrations.length
  const current = db.pragma('user_version', {simple: true}) as number
  if (current > latest) throw msg.databaseTooNew(path, current, latest)
  if (current === 0 && hasForeignTables(db))
    throw msg.notAnInventory(path, 'it holds tables but no govnet schema version')
  if (current === latest) return
  if (readonly)
    throw msg.notAnInventory(path, `schema version ${current} needs upgrading to ${latest}: run \`govnet init\``)
  const pending = migrations.slice(current)
  db.transaction(() => {
    for (const migration of pending) db.exec(migration.sql)
    db.pragma(`user_version = ${latest}`)
  }).immediate()
  db.pragma('optimize')
}

function hasForeignTables(db: Database.Database): boolean {
  const row = db.prepare("SELECT count(*) AS n FROM sqlite_master WHERE type = 'table'").get() as {n: number}
  return row.n > 0
}

export function isSqliteError(error: unknown, code: string): boolean {
  return error instanceof Database.SqliteError && (error.code === code || error.code.startsWith(`${code}_`))
}

export function nowIso(): string {
  return new Date().toISOString()
}
