import Database from 'better-sqlite3'
import fc from 'fast-check'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {coversTownship, verifiesTownship} from '../../src/domain/coverage'
import {TOWNSHIP_KINDS, townshipKind} from '../../src/domain/divisions'
import {isDecommissioned} from '../../src/domain/lifecycle'
import {NODE_STATUSES} from '../../src/domain/nodes'
import {matchesSearch} from '../../src/domain/search'
import {TENANT_STATUSES} from '../../src/domain/tenants'
import {
  coversTownshipSql,
  notDecommissionedSql,
  searchPattern,
  searchSql,
  sqlOneOf,
  sqlText,
  townshipKindSql,
  verifiesTownshipSql,
} from '../../src/inventory/sql-rules'
import {AUDIT_OUTCOMES} from '../../src/metrics/reachability'

/**
 * Each SQL fragment of src/inventory/sql-rules.ts against the TypeScript predicate it stands for, on a
 * real SQLite table holding every value the predicate can see: the query must select exactly the rows
 * the predicate accepts.
 */
const SINCE = '2026-11-24T12:00:00.000Z'
const TIMES = [null, '2026-11-24T11:59:59.999Z', SINCE, '2026-11-25T08:00:00.000Z']
const STATUSES = [...new Set([...NODE_STATUSES, ...TENANT_STATUSES])]

describe('SQL fragments agree with the domain predicates', () => {
  let db: Database.Database
  beforeAll(() => {
    db = new Database(':memory:')
    db.exec(
      'CREATE TABLE n (id INTEGER PRIMARY KEY, status TEXT NOT NULL, last_audit_outcome TEXT, last_audit_at TEXT)',
    )
    const insert = db.prepare('INSERT INTO n (status, last_audit_outcome, last_audit_at) VALUES (?, ?, ?)')
    for (const status of STATUSES)
      for (const outcome of [null, ...AUDIT_OUTCOMES]) for (const at of TIMES) insert.run(status, outcome, at)
  })
  afterAll(() => db.close())

  interface Row {
    id: number
    status: string
    last_audit_outcome: string | null
    last_audit_at: string | null
  }
  const all = () => db.prepare('SELECT * FROM n ORDER BY id').all() as Row[]
  const selected = (where: string) =>
    db.prepare(`SELECT id FROM n WHERE ${where} ORDER BY id`).pluck().all({since: SINCE}) as number[]
  const accepted = (predicate: (row: Row) => boolean) =>
    all()
      .filter(predicate)
      .map((row) => row.id)

  it('has every node and tenant status and every audit outcome in the table', () => {
    expect(all()).toHaveLength(STATUSES.length * (AUDIT_OUTCOMES.length + 1) * TIMES.length)
    expect(STATUSES).toEqual(expect.arrayContaining(['planned', 'degraded', 'requested', 'failed', 'decommissioned']))
  })

  it('notDecommissionedSql selects what isDecommissioned rejects', () => {
    expect(notDecommissionedSql('status')).toBe("status <> 'decommissioned'")
    const ids = selected(notDecommissionedSql('n.status'))
    expect(ids).toEqual(accepted((row) => !isDecommissioned(row.status)))
    expect(ids.length).toBeGreaterThan(0)
  })

  it('coversTownshipSql selects what coversTownship accepts', () => {
    const ids = selected(coversTownshipSql('n'))
    expect(ids).toEqual(accepted((row) => coversTownship(row.status)))
    expect(ids.length).toBeGreaterThan(0)
  })

  it('verifiesTownshipSql selects what verifiesTownship accepts', () => {
    const ids = selected(verifiesTownshipSql('n', '@since'))
    expect(ids).toEqual(
      accepted((row) =>
        verifiesTownship(
          {status: row.status, lastAuditOutcome: row.last_audit_outcome, lastAuditAt: row.last_audit_at},
          SINCE,
        ),
      ),
    )
    // active with an ok audit at or after the cutoff: two of the four times
    expect(ids).toHaveLength(2)
  })

  it('townshipKindSql gives every township segment the kind townshipKind gives it', () => {
    const codes = Array.from({length: 1000}, (_, segment) => `441900${String(segment).padStart(3, '0')}`)
    const sqlKinds = db
      .prepare(`SELECT ${townshipKindSql('value')} FROM json_each(?) ORDER BY key`)
      .pluck()
      .all(JSON.stringify(codes))
    expect(sqlKinds).toEqual(codes.map((code) => townshipKind(code)))
    expect(new Set(sqlKinds)).toEqual(new Set(TOWNSHIP_KINDS))
  })

  it('writes one value as an equality probe, several as IN, and quotes literals', () => {
    expect(sqlOneOf('n.status', ['active'])).toBe("n.status = 'active'")
    expect(sqlOneOf('n.status', ['active', 'degraded'])).toBe("n.status IN ('active', 'degraded')")
    expect(sqlText("it's")).toBe("'it''s'")
    expect(() => sqlOneOf('n.status', [])).toThrow('no values')
  })
})

describe('searchSql agrees with matchesSearch', () => {
  let db: Database.Database
  beforeAll(() => {
    db = new Database(':memory:')
  })
  afterAll(() => db.close())

  /** Strings over letters with and without case, LIKE's wildcards and escape, and Chinese. */
  const text = (maxLength: number) => fc.stringMatching(new RegExp(`^[aAbBzZ%_\\\\'.İıÄä东莞 ]{0,${maxLength}}$`))

  it('selects a row exactly when the predicate accepts it (property)', () => {
    const sql = db.prepare(`SELECT ${searchSql(['a', 'b'], '@search')} AS hit FROM (SELECT @a AS a, @b AS b)`).pluck()
    fc.assert(
      fc.property(text(8), fc.oneof(text(8), fc.constant(null)), text(3), (a, b, search) => {
        const hit = sql.get({a, b, search: searchPattern(search)}) === 1
        expect(hit).toBe(matchesSearch([a, b], search))
      }),
      {numRuns: 3000},
    )
  })

  it('ignores the case of A–Z only and takes wildcards literally', () => {
    expect(matchesSearch(['Dongguan 东莞'], 'DONGGUAN')).toBe(true)
    expect(matchesSearch(['Ä'], 'ä')).toBe(false)
    expect(searchPattern('10%_\\')).toBe('%10\\%\\_\\\\%')
  })
})
