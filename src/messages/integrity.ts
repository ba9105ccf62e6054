import {ExitCode, GovnetError} from '../errors'

/** The way out named by every message about a damaged inventory. */
const wayOut = (path: string) =>
  `run \`govnet db check --db ${path}\`, then restore from a backup (README: Backup and restore)`

/** SQLite's check output on one line: without its "*** in database main ***" banner. */
const oneLine = (detail: string) =>
  detail
    .replace(/\*\*\* in database \w+ \*\*\*\s*/g, '')
    .replace(/\s*\n\s*/g, '; ')
    .trim()

export const inventoryDamaged = (path: string, detail: string) =>
  new GovnetError(
    `inventory ${path} is damaged (${oneLine(detail)}): nothing was written; ${wayOut(path)}`,
    ExitCode.inventory,
  )

export const emptyInventoryFile = (path: string) =>
  new GovnetError(
    `${path} is an empty file, not an inventory: nothing was written; run \`govnet init --db ${path}\` to make it one, or pass the right --db`,
    ExitCode.inventory,
  )

export const notARegularFile = (path: string) =>
  new GovnetError(
    `${path} is not a regular file (a device, directory or pipe): an inventory must be a file; pass another --db`,
    ExitCode.inventory,
  )

export const walBlocksReadOnly = (path: string, dir: string) =>
  new GovnetError(
    `inventory ${path} cannot be read by this user: its write-ahead log (${path}-wal) holds changes not yet in the file, and reading them needs ${path}-shm, which this user may not create in ${dir}; ask the owner to run \`govnet init\` (it changes nothing, and folds the log into the file when no writer is left), or give this user write access to ${dir}`,
    ExitCode.inventory,
  )

export const readOnlyFile = (path: string) =>
  new GovnetError(
    `inventory ${path} is read-only for this user: this command writes; run it as the inventory's owner`,
    ExitCode.inventory,
  )

/** A warning (stderr), not an error. */
export const inventoryReadableByOthers = (path: string, mode: string) =>
  `warning: inventory ${path} has mode ${mode}: every local user can read the extranet's nodes and tenants; \`chmod 600 ${path}\` (and its -wal, -shm)`

export const keyMissing = (file: string) =>
  new GovnetError(
    `the change-log key ${file} is missing and the log already has chained rows: nothing was written; restore the key from where you keep its copy (or set GOVNET_CHANGELOG_KEY_FILE)`,
    ExitCode.inventory,
  )

export const keyUnreadable = (file: string, reason: string) =>
  new GovnetError(`the change-log key ${file} cannot be read: ${reason}`, ExitCode.inventory)

export const keyOpen = (file: string, mode: string) =>
  new GovnetError(
    `the change-log key ${file} has mode ${mode}: others may read or change it, and with it forge the log; \`chmod 600 ${file}\``,
    ExitCode.inventory,
  )

export const keyTooShort = (file: string, min: number) =>
  new GovnetError(`the change-log key ${file} is shorter than ${min} characters`, ExitCode.inventory)

export const keyWrongForWrite = (path: string, file: string) =>
  new GovnetError(
    `the change-log key ${file} is not the key inventory ${path} was written with: nothing was written; use the right key (GOVNET_CHANGELOG_KEY_FILE)`,
    ExitCode.inventory,
  )

export const chainHeadMismatch = (path: string) =>
  new GovnetError(
    `the change log of ${path} does not end where its head record says: nothing was written; run \`govnet changes verify --db ${path}\``,
    ExitCode.inventory,
  )

export const chainFinding = (path: string, message: string) =>
  new GovnetError(`change log of ${path}: ${message}`, ExitCode.checkFailed)

export const dbCheckFailed = (path: string, findings: number, details: readonly string[] = []) =>
  new GovnetError(`inventory ${path}: ${findings} finding(s); nothing was changed`, ExitCode.checkFailed, details)

export const backupMissing = (file: string) => new GovnetError(`no backup at ${file}`, ExitCode.notFound)

export const backupTargetExists = (file: string) =>
  new GovnetError(`${file} exists: a backup never overwrites a file; name a new one`, ExitCode.conflict)

export const backupIsInventory = (file: string) =>
  new GovnetError(`${file} is the inventory itself: name another file for the backup`, ExitCode.invalid)
