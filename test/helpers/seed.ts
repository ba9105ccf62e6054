import path from 'node:path'

import {Inventory} from '../../src/inventory/db'
import {readImportFile} from '../../src/import/file'
import {seedDivisions as writeDivisions} from '../../src/seed'
import {fixtures, tempDir} from './cli'

export const sampleDivisions = path.join(fixtures, 'divisions-sample.csv')

/**
 * Create an inventory at `dbPath` (if needed) holding the divisions of a `code,name` CSV
 * (default: the 650-division fixture), seeded as a fixture (src/seed: source 'test', no change-log
 * entry) so node tests do not depend on the division import command.
 */
export function seedDivisions(dbPath: string, csv: string = sampleDivisions): void {
  const inventory = Inventory.open(dbPath, {create: true, actor: 'test'})
  try {
    const {rows} = readImportFile(csv)
    writeDivisions(
      inventory,
      rows.map((row) => ({code: String(row.code), name: String(row.name)})),
      {source: 'test'},
    )
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
