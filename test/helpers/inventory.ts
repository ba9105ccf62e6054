import path from 'node:path'

import {Inventory} from '../../src/inventory/db'
import {tempDir} from './cli'
import {seedDivisions} from './seed'

/** An inventory of its own for one test or one file, in a temporary directory. */
export interface TempInventory {
  dir: string
  /** The inventory file: govnet.db in `dir`. */
  db: string
  /** Open for writing as the actor asked for: created and migrated, baselines synchronised. */
  inventory: Inventory
  /** Close `inventory` (when still open) and remove the directory. An inventory the test opened again is the test's to close. */
  cleanup: () => void
}

/**
 * A new inventory in a fresh temporary directory, opened as `actor` (default 'test'); with
 * `divisions`, seeded first with the fixture divisions (test/helpers/seed.ts).
 */
export function tempInventory(options: {actor?: string; divisions?: boolean; prefix?: string} = {}): TempInventory {
  const temp = tempDir(options.prefix)
  const db = path.join(temp.dir, 'govnet.db')
  try {
    if (options.divisions) seedDivisions(db)
    const inventory = Inventory.open(db, {create: true, actor: options.actor ?? 'test'})
    return {
      dir: temp.dir,
      db,
      inventory,
      cleanup: () => {
        inventory.close()
        temp.cleanup()
      },
    }
  } catch (error) {
    temp.cleanup()
    throw error
  }
}
