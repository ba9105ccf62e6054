import type {Statement} from 'better-sqlite3'

import type {Inventory} from './db'

/** The `meta` table: one text value per key (imported package versions, the baselines' hash). */
export class MetaRepository {
  private readonly read: Statement<[string], string>
  private readonly write: Statement<[string, string]>

  constructor(inventory: Inventory) {
    const db = inventory.db
    this.read = db.prepare<[string], string>('SELECT value FROM meta WHERE key = ?').pluck()
    this.write = db.prepare<[string, string]>(
      'INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value WHERE value <> excluded.value',
    )
  }

  get(key: string): string | undefined {
    return this.read.get(key)
  }

  /** Write inside the caller's transaction; an unchanged value is not rewritten. */
  set(key: string, value: string): void {
    this.write.run(key, value)
  }
}
