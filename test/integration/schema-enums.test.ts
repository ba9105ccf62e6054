import Database from 'better-sqlite3'
import path from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {CHANGE_ACTIONS} from '../../src/domain/changes'
import {DIVISION_LEVELS} from '../../src/domain/divisions'
import {ENFORCERS} from '../../src/domain/mlps'
import {NODE_STATUSES, PLATFORMS, ROLES} from '../../src/domain/nodes'
import {TARGETS} from '../../src/domain/preflight'
import {OPERATION_OUTCOMES, PROVISIONING_OPERATIONS} from '../../src/domain/provisioning'
import {EXPOSURES, TENANT_STATUSES} from '../../src/domain/tenants'
import {TIERS} from '../../src/domain/tiers'
import {Inventory} from '../../src/inventory/db'
import {tempDir} from '../helpers/cli'

/**
 * Every enumerated column of the inventory has its list twice: as a TypeScript enum in src/domain (what
 * validation, help and metrics use) and as the CHECK constraint the migrations wrote. Released
 * migrations are never edited, so this test is what ties the two: on a database brought to the current
 * schema it reads each column's `CHECK (col IN (…))` back from sqlite_master and compares.
 */
const ENUM_COLUMNS: Array<[table: string, column: string, values: readonly string[]]> = [
  ['divisions', 'level', DIVISION_LEVELS],
  ['nodes', 'tier', TIERS],
  ['nodes', 'role', ROLES],
  ['nodes', 'platform', PLATFORMS],
  ['nodes', 'status', NODE_STATUSES],
  ['tenants', 'exposure', EXPOSURES],
  ['tenants', 'status', TENANT_STATUSES],
  ['baseline_controls', 'enforced_by', ENFORCERS],
  ['changes', 'action', CHANGE_ACTIONS],
  ['tenant_provisioning', 'target', TARGETS],
  ['tenant_provisioning', 'last_operation', PROVISIONING_OPERATIONS],
  ['tenant_provisioning', 'outcome', OPERATION_OUTCOMES],
]

/** The values of `CHECK (column IN ('a', 'b'))` in a table's CREATE statement, in order; undefined when absent. */
function checkedValues(createSql: string, column: string): string[] | undefined {
  const match = new RegExp(`CHECK\\s*\\(\\s*${column}\\s+IN\\s*\\(([^)]*)\\)\\s*\\)`, 'i').exec(createSql)
  if (!match) return undefined
  return [...match[1]!.matchAll(/'((?:[^']|'')*)'/g)].map((m) => m[1]!.replaceAll("''", "'"))
}

let cleanup: () => void
let schema: Map<string, string>

beforeAll(() => {
  const temp = tempDir()
  cleanup = temp.cleanup
  const file = path.join(temp.dir, 'govnet.db')
  Inventory.open(file, {create: true}).close()
  const db = new Database(file, {readonly: true})
  const tables = db.prepare("SELECT name, sql FROM sqlite_master WHERE type = 'table'").all() as {
    name: string
    sql: string
  }[]
  schema = new Map(tables.map((table) => [table.name, table.sql]))
  db.close()
})
afterAll(() => cleanup())

describe('TypeScript enums and the CHECK constraints of the migrated schema', () => {
  it.each(ENUM_COLUMNS)('%s.%s', (table, column, values) => {
    const sql = schema.get(table)
    expect(sql, `table ${table} exists`).toBeDefined()
    expect(checkedValues(sql!, column)).toEqual([...values])
  })

  it('covers every IN-list CHECK in the schema (a new enumerated column needs its enum here)', () => {
    const checked = [...schema].flatMap(([table, sql]) =>
      [...sql.matchAll(/CHECK\s*\(\s*(\w+)\s+IN\s*\(/gi)].map((m) => `${table}.${m[1]!}`),
    )
    expect(checked.sort()).toEqual(ENUM_COLUMNS.map(([table, column]) => `${table}.${column}`).sort())
  })

  it('reads the list back exactly (a lost value fails)', () => {
    expect(checkedValues("status TEXT CHECK (status IN ('a', 'b''c'))", 'status')).toEqual(['a', "b'c"])
    expect(checkedValues('status TEXT', 'status')).toBeUndefined()
  })
})
