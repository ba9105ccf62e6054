import path from 'node:path'

import {levelOf, parentOf} from '../../src/domain/divisions'
import {Inventory} from '../../src/inventory/db'
import {readImportFile} from '../../src/import/file'
import {fixtures, tempDir} from './cli'

export const sampleDivisions = path.join(fixtures, 'divisions-sample.csv')

/**
 * Create an inventory at `dbPath` (if needed) holding the divisions of a `code,name` CSV
 * (default: the 650-division fixture), written directly so node tests do not depend on the
 * division importer. Parents come before children in the fixture, as the foreign key needs.
 */
export function seedDivisions(dbPath: string, csv: string = sampleDivisions): void {
  const inventory = Inventory.open(dbPath, {create: true, actor: 'test'})
  try {
    const insert = inventory.db.prepare(
      "INSERT OR IGNORE INTO divisions (code, name, level, parent_code, source, imported_at) VALUES (?, ?, ?, ?, 'test', ?)",
    )
    const now = new Date().toISOString()
    const {rows} = readImportFile(csv)
    inventory.write(() => {
      for (const row of rows) {
        const code = String(row.code)
        insert.run(code, String(row.name), levelOf(code), parentOf(code) ?? null, now)
      }
    })
  } finally {
    inventory.close()
  }
}

/** An inventory seeded with the fixture divisions, opened for the test to use (the audit tests use it). */
export function seededInventory(dbPath: string, actor = 'test'): Inventory {
  seedDivisions(dbPath)
  return Inventory.open(dbPath, {actor})
}

/** A fresh temporary directory holding `govnet.db` seeded with the fixture divisions. */
export function seededTempDb(): {dir: string; db: string; cleanup: () => void} {
  const {dir, cleanup} = tempDir()
  const db = path.join(dir, 'govnet.db')
  seedDivisions(db)
  return {dir, db, cleanup}
}
