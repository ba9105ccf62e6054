import type Database from 'better-sqlite3'
import type {Statement} from 'better-sqlite3'

/**
 * Rows written in bulk through a temporary table: inserted one by one into a table of this
 * connection that has no index or constraint, then moved into the real table by one INSERT …
 * SELECT. For the 100,000-node import SQLite does that about a fifth faster than as many
 * single-row INSERTs into tables with indexes (bench/RESULTS.md). Make one per bulk write, inside
 * its transaction: the temporary table is created (when missing) by the constructor, and being
 * transactional like the rows, it is gone again after a rollback. Inventory.open keeps temporary
 * tables in memory: callers stage a bounded chunk at a time.
 */
export class StagedRows {
  private readonly stage: Statement
  private readonly move: Statement
  private readonly clear: Statement
  private staged = 0

  /** `table` and `columns` are identifiers written in govnet's code, never user input. */
  constructor(db: Database.Database, table: string, columns: readonly string[]) {
    const stageTable = `stage_${table}`
    const list = columns.join(', ')
    db.exec(`CREATE TEMP TABLE IF NOT EXISTS ${stageTable} (${list})`)
    this.stage = db.prepare(`INSERT INTO temp.${stageTable} (${list}) VALUES (${columns.map(() => '?').join(', ')})`)
    this.move = db.prepare(`INSERT INTO main.${table} (${list}) SELECT ${list} FROM temp.${stageTable} ORDER BY rowid`)
    this.clear = db.prepare(`DELETE FROM temp.${stageTable}`)
    // Rows an earlier bulk write staged and never moved (it threw between add and flush): not ours.
    this.clear.run()
  }

  /** One row, its values in the order of `columns`. */
  add(values: readonly unknown[]): void {
    this.stage.run(values)
    this.staged += 1
  }

  /** Move the staged rows into the table, in the order they were added. */
  flush(): void {
    if (this.staged === 0) return
    this.move.run()
    this.clear.run()
    this.staged = 0
  }
}
