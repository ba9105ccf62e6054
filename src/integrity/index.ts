import {existsSync} from 'node:fs'
import path from 'node:path'

import type {ChainFinding} from '../domain/change-chain'
import {integrityMessages as msg} from '../messages'
import {verifyChangeLog, VerifyResult} from '../inventory/changes'
import {readKey} from '../inventory/changelog-key'
import {Inventory, translate} from '../inventory/db'
import {
  BackupResult,
  backupTo,
  foreignKeyProblems,
  ForeignKeyProblem,
  integrityProblems,
  latestSchemaVersion,
  restoreFrom,
} from '../inventory/maintenance'
import {GovnetError} from '../errors'

/** The schema version from which the change log is chained (migration 005). */
export const CHAINED_SCHEMA_VERSION = 5

/** `govnet changes verify`: the chain with the key from its file (missing key is a finding). */
export function verifyChanges(inventory: Inventory, minRows = 0): VerifyResult {
  return verifyChangeLog(inventory, readKey(inventory.keyFile), inventory.keyFile, minRows)
}

export interface DbCheckFinding {
  check: 'open' | 'integrity' | 'foreign-keys' | 'schema' | 'change-log'
  message: string
}

export interface DbCheckResult {
  path: string
  ok: boolean
  schemaVersion: number | null
  latestSchemaVersion: number
  integrity: string[]
  foreignKeys: ForeignKeyProblem[]
  changeLog: VerifyResult | null
  findings: DbCheckFinding[]
}

/**
 * `govnet db check`: integrity_check, foreign_key_check, the schema version and the change-log chain,
 * read-only. A file that cannot even be opened (damaged header, not SQLite) is itself a finding.
 */
export function checkInventory(file: string, open: () => Inventory): DbCheckResult {
  const latest = latestSchemaVersion()
  const result: DbCheckResult = {
    path: file,
    ok: false,
    schemaVersion: null,
    latestSchemaVersion: latest,
    integrity: [],
    foreignKeys: [],
    changeLog: null,
    findings: [],
  }
  let inventory: Inventory
  try {
    inventory = open()
  } catch (error) {
    if (!(error instanceof GovnetError)) throw error
    result.findings.push({check: 'open', message: error.message})
    return result
  }
  result.schemaVersion = inventory.schemaVersion
  try {
    result.integrity = integrityProblems(inventory)
    for (const line of result.integrity) result.findings.push({check: 'integrity', message: line})
    result.foreignKeys = foreignKeyProblems(inventory)
    for (const p of result.foreignKeys)
      result.findings.push({
        check: 'foreign-keys',
        message: `${p.table} row ${p.rowid} points at a missing ${p.parent}`,
      })
    if (inventory.schemaVersion !== latest)
      result.findings.push({
        check: 'schema',
        message: `schema version ${inventory.schemaVersion}, this govnet's is ${latest}`,
      })
    // Before schema version 5 the log has no chain yet (the schema finding says so).
    if (result.integrity.length === 0 && inventory.schemaVersion >= CHAINED_SCHEMA_VERSION) {
      result.changeLog = verifyChanges(inventory)
      const finding: ChainFinding | null = result.changeLog.finding
      if (finding) result.findings.push({check: 'change-log', message: finding.message})
    }
  } catch (error) {
    // SQLite gave up on a damaged page while checking: that is the finding.
    const translated = translate(error, file)
    if (!(translated instanceof GovnetError)) throw error
    result.findings.push({check: 'integrity', message: translated.message})
  }
  result.ok = result.findings.length === 0
  return result
}

/** `govnet db backup FILE`: the copy, then its own check (integrity and chain with the same key). */
export async function backupInventory(
  inventory: Inventory,
  file: string,
  openCopy: (file: string) => Inventory,
): Promise<BackupResult & {check: DbCheckResult}> {
  const target = path.resolve(file)
  if (target === path.resolve(inventory.path)) throw msg.backupIsInventory(target)
  const backup = await backupTo(inventory, target)
  const check = checkInventory(target, () => openCopy(target))
  return {...backup, check}
}

/**
 * `govnet db restore FILE`: the backup is checked first (integrity, schema, chain with the key); only a
 * clean one is copied into the inventory, with the backup API, so other processes see either the old
 * inventory or the restored one.
 */
export async function restoreInventory(
  backupFile: string,
  target: string,
  openBackup: () => Inventory,
): Promise<BackupResult & {check: DbCheckResult}> {
  if (!existsSync(backupFile)) throw msg.backupMissing(backupFile)
  const check = checkInventory(backupFile, openBackup)
  if (!check.ok)
    throw msg.dbCheckFailed(
      backupFile,
      check.findings.length,
      check.findings.map((f) => `${f.check}: ${f.message}`),
    )
  const backup = openBackup()
  try {
    return {...(await restoreFrom(backup, target)), check}
  } finally {
    backup.close()
  }
}
