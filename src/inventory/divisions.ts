import type {Statement} from 'better-sqlite3'

import {DivisionLevel} from '../domain/divisions'
import type {Inventory} from './db'

export interface Division {
  code: string
  name: string
  level: DivisionLevel
  parentCode: string | null
}

interface DivisionRow {
  code: string
  name: string
  level: DivisionLevel
  parent_code: string | null
}

const toDivision = (row: DivisionRow): Division => ({code: row.code, name: row.name, level: row.level, parentCode: row.parent_code})

/** Divisions: read side. (Import, list and show are added alongside.) */
export class DivisionRepository {
  private readonly byCode: Statement

  constructor(private readonly inventory: Inventory) {
    this.byCode = inventory.db.prepare('SELECT code, name, level, parent_code FROM divisions WHERE code = ?')
  }

  get(code: string): Division | undefined {
    const row = this.byCode.get(code) as DivisionRow | undefined
    return row && toDivision(row)
  }

  /** Level of every division above village level, for validating a bulk import without a query per row. */
  levelsByCode(): Map<string, DivisionLevel> {
    const rows = this.inventory.db
      .prepare("SELECT code, level FROM divisions WHERE level <> 'village'")
      .raw()
      .all() as [string, DivisionLevel][]
    return new Map(rows)
  }
}
