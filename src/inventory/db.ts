import Database from 'better-sqlite3'
import {closeSync, fchmodSync, openSync, readFileSync, statSync} from 'node:fs'
import {userInfo} from 'node:os'
import path from 'node:path'

import {inventoryMessages as msg, integrityMessages as integrity} from '../messages'
import {syncBaselines} from './baselines'
import {chainExisting, hasChainedRows} from './changes'
import {keyFilePath, loadKey} from './changelog-key'
import {createPrivateFile, PRIVATE_FILE_MODE} from './files'
import {loadMigrations, Migration} from './migrations'

export interface OpenOptions {
  /** Open read-only (lists, reports, metrics): never migrates, never writes, works on a 0444 file. */
  readonly?: boolean
  /** Create the file when it does not exist (init, quickstart), 0600 whatever the umask. */
  create?: boolean
  /** `govnet init` only: an existing 0-byte file may be made an inventory. */
  adoptEmpty?: boolean
  /** Who is making changes, for the change log. */
  actor?: string
  /** The change-log key file (default: GOVNET_CHANGELOG_KEY_FILE, then .govnet/changelog-key next to the inventory). */
  keyFile?: string
  /** How long to wait for another writer, in ms. */
  busyTimeoutMs?: number
  migrations?: Migration[]
  /** `govnet db check`: read an inventory of an older schema version too (reported, not refused). */
  anySchema?: boolean
  /**
   * SQLite's page cache for this connection, in KiB (better-sqlite3's default: 16,000). A long-lived
   * reader that scans more than any cache holds (the metrics exporter) keeps its memory small with
   * less; the operating system's file cache still holds the pages.
   */
  pageCacheKiB?: number
}

export const DEFAULT_BUSY_TIMEOUT_MS = 15_000

/** The change log's chain end as carried through a write: its head is written by flush(). */
export interface PendingChainHead {
  /** Write the head for the rows logged so far (nothing when there are none since the last flush). */
  flush(): void
}

/** Steps in code that run right after a migration's SQL, in the same transaction. */
const MIGRATION_STEPS: Record<number, (db: Database.Database, key: () => Buffer) => void> = {
  5: (db, key) => {
    chainExisting(db, key())
  },
}

/** The OS account running govnet, recorded in every change-log row beside --actor. */
export function osUserName(): string {
  try {
    return userInfo().username
  } catch {
    return `uid ${process.getuid?.() ?? 'unknown'}`
  }
}

/**
 * One open inventory. Every command reads and writes the database through this object and the
 * repositories in src/inventory; nothing else opens the file.
 */
export class Inventory {
  readonly schemaVersion: number
  readonly osUser = osUserName()
  /**
   * Where the change log's chain ended, while inside write() (src/inventory/changes.ts). Its keyed
   * head is written once, when the write ends, not once per logged row.
   */
  chainTail: PendingChainHead | undefined
  private writeDepth = 0
  private key: Buffer | undefined

  private constructor(
    readonly db: Database.Database,
    readonly path: string,
    readonly actor: string,
    readonly readonly: boolean,
    readonly keyFile: string,
    /** Warnings for stderr, e.g. an inventory others can read. */
    readonly warnings: readonly string[],
    /** True when read from a private copy because this user could not share the WAL index. */
    readonly snapshot: boolean,
  ) {
    this.schemaVersion = db.pragma('user_version', {simple: true}) as number
  }

  static open(file: string, options: OpenOptions = {}): Inventory {
    const readonly = options.readonly ?? false
    const warnings = checkFile(file, options)
    const keyFile = keyFilePath(file, options.keyFile)
    const migrations = options.migrations ?? loadMigrations()
    const {db, snapshot} = readonly ? openReadOnly(file, options) : openReadWrite(file, options)
    try {
      if (!readonly) {
        db.pragma('journal_mode = WAL')
        db.pragma('synchronous = NORMAL')
        // Bulk writes stage rows in temporary tables (./staging.ts), a chunk at a time: in memory, not
        // in a temporary file that a locked-down host may not let SQLite create.
        db.pragma('temp_store = MEMORY')
      }
      db.pragma('foreign_keys = ON')
      if (options.pageCacheKiB !== undefined)
        db.pragma(`cache_size = -${Math.max(1, Math.round(options.pageCacheKiB))}`)
      if (!(readonly && options.anySchema))
        migrate(db, file, migrations, readonly, () => loadKey(keyFile, !hasChainedRows(db)))
      const inventory = new Inventory(db, file, options.actor ?? 'govnet', readonly, keyFile, warnings, snapshot)
      if (!readonly) syncBaselines(inventory)
      return inventory
    } catch (error) {
      db.close()
      throw translate(error, file)
    }
  }

  /** The change-log key, read (or created, on a log with no chained rows) when a change is first recorded. */
  changeKey(): Buffer {
    this.key ??= loadKey(this.keyFile, !hasChainedRows(this.db))
    return this.key
  }

  /** Run `fn` in one IMMEDIATE transaction: the write lock is taken up front, so concurrent writers queue on the busy timeout instead of deadlocking. */
  write<T>(fn: () => T): T {
    // A nested write is a savepoint: the rows logged before it get their head now, so that a rollback
    // of the savepoint cannot leave them without one.
    this.chainTail?.flush()
    this.writeDepth += 1
    try {
      return this.db
        .transaction(() => {
          const result = fn()
          this.chainTail?.flush()
          return result
        })
        .immediate()
    } catch (error) {
      throw translate(error, this.path)
    } finally {
      this.writeDepth -= 1
      this.chainTail = undefined
    }
  }

  /** True inside write(): the change log may carry its tail from row to row. */
  get writing(): boolean {
    return this.writeDepth > 0
  }

  /** Inside a write transaction: check foreign keys at commit, not per statement (rows may name rows that come later). */
  deferForeignKeyChecks(): void {
    this.db.pragma('defer_foreign_keys = ON')
  }

  close(): void {
    if (this.db.open) this.db.close()
  }
}

/**
 * Before SQLite sees the path: a device, directory or pipe is refused; a 0-byte file is refused
 * except by `govnet init` (SQLite would silently make it an empty database); a missing file is
 * created 0600 when allowed. Returns warnings (others can read the inventory).
 */
function checkFile(file: string, options: OpenOptions): string[] {
  let stat
  try {
    stat = statSync(file)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw msg.notAnInventory(file, (error as Error).message)
    if (!options.create || options.readonly) throw msg.inventoryMissing(file)
    createPrivateFile(file)
    return []
  }
  if (!stat.isFile()) throw integrity.notARegularFile(file)
  if (stat.size === 0) {
    if (!options.adoptEmpty || options.readonly) throw integrity.emptyInventoryFile(file)
    const fd = openSync(file, 'r+')
    try {
      fchmodSync(fd, PRIVATE_FILE_MODE)
    } finally {
      closeSync(fd)
    }
    return []
  }
  const mode = stat.mode & 0o777
  return mode & 0o006 ? [integrity.inventoryReadableByOthers(file, mode.toString(8).padStart(4, '0'))] : []
}

function openReadWrite(file: string, options: OpenOptions): {db: Database.Database; snapshot: false} {
  let db: Database.Database
  try {
    db = new Database(file, {fileMustExist: true, timeout: options.busyTimeoutMs ?? DEFAULT_BUSY_TIMEOUT_MS})
  } catch (error) {
    throw translate(error, file)
  }
  try {
    // SQLite falls back to read-only on a file this user may not write.
    if (db.readonly) throw integrity.readOnlyFile(file)
    // A write never goes into a file SQLite reports as damaged: quick_check reads every page first.
    const problems = db.pragma('quick_check(1)', {simple: true}) as string
    if (problems !== 'ok') throw integrity.inventoryDamaged(file, problems)
  } catch (error) {
    db.close()
    if (isSqliteError(error, 'SQLITE_READONLY')) throw integrity.readOnlyFile(file)
    throw translate(error, file)
  }
  return {db, snapshot: false}
}

/**
 * Read-only: works on a 0444 file. A WAL inventory needs its -shm index, which SQLite creates
 * beside the file; a user who cannot write the directory (a monitoring account) reads a private
 * copy instead, as long as the WAL holds nothing the file lacks; when it does, it says so.
 */
function openReadOnly(file: string, options: OpenOptions): {db: Database.Database; snapshot: boolean} {
  let db: Database.Database | undefined
  try {
    db = new Database(file, {
      readonly: true,
      fileMustExist: true,
      timeout: options.busyTimeoutMs ?? DEFAULT_BUSY_TIMEOUT_MS,
    })
    db.prepare('SELECT count(*) FROM sqlite_master').get()
    return {db, snapshot: false}
  } catch (error) {
    db?.close()
    if (
      !isSqliteError(error, 'SQLITE_READONLY') &&
      !isSqliteError(error, 'SQLITE_CANTOPEN') &&
      !isSqliteError(error, 'SQLITE_READONLY_DIRECTORY')
    )
      throw translate(error, file)
  }
  if (walSize(file) > 0) throw integrity.walBlocksReadOnly(file, path.dirname(file))
  const image = readFileSync(file)
  // Bytes 18-19 say WAL (2); a private copy has no WAL beside it: read it as a rollback-journal file.
  if (image.length > 19 && image[18] === 2) {
    image[18] = 1
    image[19] = 1
  }
  try {
    const copy = new Database(image, {readonly: true})
    copy.prepare('SELECT count(*) FROM sqlite_master').get()
    return {db: copy, snapshot: true}
  } catch (error) {
    throw translate(error, file)
  }
}

function walSize(file: string): number {
  try {
    return statSync(`${file}-wal`).size
  } catch {
    return 0
  }
}

/** SQLite's damage codes become the one-line exit-6 message; other errors pass through. */
export function translate(error: unknown, file: string): unknown {
  if (isSqliteError(error, 'SQLITE_CORRUPT'))
    return integrity.inventoryDamaged(file, `SQLite: ${(error as Error).message}`)
  if (isSqliteError(error, 'SQLITE_NOTADB')) return integrity.inventoryDamaged(file, 'not an SQLite database')
  if (isSqliteError(error, 'SQLITE_BUSY')) return msg.inventoryBusy(file)
  if (isSqliteError(error, 'SQLITE_READONLY')) return integrity.readOnlyFile(file)
  if (isSqliteError(error, 'SQLITE_CANTOPEN') || isSqliteError(error, 'SQLITE_PERM'))
    return msg.notAnInventory(file, `SQLite cannot open it or its -wal/-shm: ${(error as Error).message}`)
  return error
}

function migrate(
  db: Database.Database,
  file: string,
  migrations: Migration[],
  readonly: boolean,
  key: () => Buffer,
): void {
  const latest = migrations.length
  const current = db.pragma('user_version', {simple: true}) as number
  if (current > latest) throw msg.databaseTooNew(file, current, latest)
  if (current === 0 && hasForeignTables(db))
    throw msg.notAnInventory(file, 'it holds tables but no govnet schema version')
  if (current === latest) return
  if (readonly)
    throw msg.notAnInventory(file, `schema version ${current} needs upgrading to ${latest}: run \`govnet init\``)
  const pending = migrations.slice(current)
  db.transaction(() => {
    for (const migration of pending) {
      db.exec(migration.sql)
      MIGRATION_STEPS[migration.version]?.(db, key)
    }
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
