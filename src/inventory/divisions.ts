import type {Statement} from 'better-sqlite3'

import {DIVISION_LEVELS, DivisionLevel, codeProblem, levelOf} from '../domain/divisions'
import {divisionMessages} from '../messages'
import type {Inventory} from './db'

export interface Division {
  code: string
  name: string
  level: DivisionLevel
  parentCode: string | null
}

/** `division show`: one division with where it sits and what is below it. */
export interface DivisionDetail extends Division {
  source: string
  importedAt: string
  /** Ancestors from the province down to the parent. */
  ancestors: Division[]
  /** Direct children. */
  children: number
  /** Townships in the subtree (the coverage denominator); null for a township or a village. */
  townships: number | null
  /** Extranet nodes placed in the division or anywhere below it. */
  nodes: number
}

export interface DivisionFilter {
  /** Only divisions at this level. */
  level?: DivisionLevel
  /** Only divisions strictly below this code. */
  under?: string
}

/** Township counts of one county (or placeholder county such as 441900): the unit the coverage roll-up adds up. */
export interface CountyTownshipCounts {
  county: string
  townships: number
  /** Townships with at least one active node. */
  covered: number
  /** Covered townships where an active node's last audit succeeded at or after the freshness cutoff. */
  verified: number
}

interface DivisionRow {
  code: string
  name: string
  level: DivisionLevel
  parent_code: string | null
}

const toDivision = (row: DivisionRow): Division => ({
  code: row.code,
  name: row.name,
  level: row.level,
  parentCode: row.parent_code,
})

/**
 * Bounds of the subtree of `code` as a half-open range on the code column: every code that
 * starts with `code` sorts in [code, code + ':'), because ':' follows '9'. Range scans use the
 * (level, code) and (division_code, status) indexes where LIKE would not.
 */
export function subtreeRange(code: string): {low: string; high: string} {
  return {low: code, high: `${code}:`}
}

const WHOLE_COUNTRY = subtreeRange('')

/**
 * The hot query of the coverage report: township counts grouped by county code prefix, in one pass
 * over the township rows of the (level, code) index with two index probes into nodes per township.
 * A township counts as covered when an active node sits in it, as verified when such a node's last
 * audit succeeded at or after the cutoff (ISO text compares in time order).
 */
export const COUNTY_COVERAGE_SQL = `
  SELECT substr(t.code, 1, 6) AS county,
         count(*) AS townships,
         sum(EXISTS (SELECT 1 FROM nodes n WHERE n.division_code = t.code AND n.status = 'active')) AS covered,
         sum(EXISTS (SELECT 1 FROM nodes n WHERE n.division_code = t.code AND n.status = 'active'
                       AND n.last_audit_outcome = 'ok' AND n.last_audit_at >= @verifiedSince)) AS verified
    FROM divisions t
   WHERE t.level = 'township' AND t.code >= @low AND t.code < @high
   GROUP BY 1
   ORDER BY 1`

/** Divisions: lookups, listings and the per-county township counts behind coverage. Writes live in division-import.ts. */
export class DivisionRepository {
  private readonly byCode: Statement
  private readonly detailByCode: Statement
  private readonly byParent: Statement
  private readonly byLevelInRange: Statement
  private readonly childCount: Statement
  private readonly countAtLevelInRange: Statement
  private readonly nodeCountInRange: Statement
  private readonly countyCoverage: Statement
  private readonly total: Statement
  private readonly upsertRows: Statement
  private readonly namesOfCodes: Statement

  constructor(private readonly inventory: Inventory) {
    const db = inventory.db
    this.byCode = db.prepare('SELECT code, name, level, parent_code FROM divisions WHERE code = ?')
    this.detailByCode = db.prepare(
      'SELECT code, name, level, parent_code, source, imported_at FROM divisions WHERE code = ?',
    )
    this.byParent = db.prepare(
      'SELECT code, name, level, parent_code FROM divisions WHERE parent_code = ? ORDER BY code',
    )
    this.byLevelInRange = db.prepare(
      'SELECT code, name, level, parent_code FROM divisions WHERE level = @level AND code >= @low AND code < @high ORDER BY code',
    )
    this.childCount = db.prepare('SELECT count(*) FROM divisions WHERE parent_code = ?').pluck()
    this.countAtLevelInRange = db
      .prepare('SELECT count(*) FROM divisions WHERE level = @level AND code >= @low AND code < @high')
      .pluck()
    this.nodeCountInRange = db
      .prepare('SELECT count(*) FROM nodes WHERE division_code >= @low AND division_code < @high')
      .pluck()
    this.countyCoverage = db.prepare(COUNTY_COVERAGE_SQL)
    this.total = db.prepare('SELECT count(*) FROM divisions').pluck()
    // One statement per level over a JSON array of [code, name, parent] rows: the per-row work stays
    // inside SQLite (json_each), the same shape as the sqlite3 shell's INSERT … SELECT after .import.
    this.upsertRows = db.prepare(
      `INSERT INTO divisions (code, name, level, parent_code, source, imported_at)
       SELECT value ->> 0, value ->> 1, @level, value ->> 2, @source, @at FROM json_each(@rows) WHERE true
       ON CONFLICT (code) DO UPDATE SET name = excluded.name, source = excluded.source, imported_at = excluded.imported_at
       WHERE divisions.name <> excluded.name`,
    )
    this.namesOfCodes = db.prepare(
      'SELECT d.code, d.name FROM json_each(@codes) AS j JOIN divisions AS d ON d.code = j.value',
    )
  }

  /** The stored names of those of `codes` that exist (one query for a batch). */
  namesOf(codes: readonly string[]): Map<string, string> {
    const rows = this.namesOfCodes.all({codes: JSON.stringify(codes)}) as Array<{code: string; name: string}>
    return new Map(rows.map((r) => [r.code, r.name]))
  }

  get(code: string): Division | undefined {
    const row = this.byCode.get(code) as DivisionRow | undefined
    return row && toDivision(row)
  }

  /**
   * Insert or rename the divisions of one level, `[code, name, parent]` each; call inside the import's
   * write transaction. Only a row whose name changed is touched, so the result counts created plus renamed.
   */
  upsertLevel(
    level: DivisionLevel,
    rows: ReadonlyArray<readonly [string, string, string | null]>,
    source: string,
    at: string,
  ): number {
    return this.upsertRows.run({level, source, at, rows: JSON.stringify(rows)}).changes
  }

  /** Level of every division above village level, for validating a bulk import without a query per row. */
  levelsByCode(): Map<string, DivisionLevel> {
    const rows = this.inventory.db
      .prepare("SELECT code, level FROM divisions WHERE level <> 'village'")
      .raw()
      .all() as [string, DivisionLevel][]
    return new Map(rows)
  }

  /** Number of divisions in the inventory (0 before the first import). */
  count(): number {
    return this.total.get() as number
  }

  /** Direct children of `parent`, in code order. */
  children(parent: string): Division[] {
    return (this.byParent.all(parent) as DivisionRow[]).map(toDivision)
  }

  /** Divisions at `level`, in code order, optionally only those strictly below `under`. */
  atLevel(level: DivisionLevel, under?: string): Division[] {
    const range = under === undefined ? WHOLE_COUNTRY : subtreeRange(under)
    return (this.byLevelInRange.all({level, ...range}) as DivisionRow[])
      .filter((row) => row.code !== under)
      .map(toDivision)
  }

  /** Number of divisions at `level` strictly below `under` (or in the whole inventory). */
  countAtLevel(level: DivisionLevel, under?: string): number {
    const range = under === undefined ? WHOLE_COUNTRY : subtreeRange(under)
    const n = this.countAtLevelInRange.get({level, ...range}) as number
    return under !== undefined && levelOf(under) === level ? n - 1 : n
  }

  detail(code: string): DivisionDetail | undefined {
    const row = this.detailByCode.get(code) as (DivisionRow & {source: string; imported_at: string}) | undefined
    if (!row) return undefined
    const level = row.level
    const ancestors: Division[] = []
    for (let parent = row.parent_code; parent !== null;) {
      const ancestor = this.get(parent)
      if (!ancestor) break
      ancestors.unshift(ancestor)
      parent = ancestor.parentCode
    }
    const aboveTownship = DIVISION_LEVELS.indexOf(level) < DIVISION_LEVELS.indexOf('township')
    return {
      ...toDivision(row),
      source: row.source,
      importedAt: row.imported_at,
      ancestors,
      children: this.childCount.get(code) as number,
      townships: aboveTownship ? this.countAtLevel('township', code) : null,
      nodes: this.nodeCountInRange.get(subtreeRange(code)) as number,
    }
  }

  /**
   * Township, covered and verified counts per county, for the whole country or the subtree of
   * `under`. Placeholder counties (441900 Dongguan, 620201 Jiayuguan …) are counties like any other.
   */
  countyTownshipCounts(options: {under?: string; verifiedSince: string}): CountyTownshipCounts[] {
    const range = options.under === undefined ? WHOLE_COUNTRY : subtreeRange(options.under)
    return this.countyCoverage.all({...range, verifiedSince: options.verifiedSince}) as CountyTownshipCounts[]
  }
}

/** A code typed on the command line, checked for form; `field` names the flag or argument in the message. */
export function requireWellFormedCode(field: string, code: string): string {
  const problem = codeProblem(code)
  if (problem) throw divisionMessages.invalidCode(field, problem)
  return code
}

/** A code typed on the command line that must be well-formed and in the inventory. */
export function requireDivision(divisions: DivisionRepository, field: string, code: string): Division {
  const division = divisions.get(requireWellFormedCode(field, code))
  if (!division) throw divisionMessages.divisionNotFound(code)
  return division
}

/**
 * `division list`: without filters the provinces; with `parent` its children, or its descendants
 * at `level`; with `level` alone every division at that level.
 */
export function listDivisions(inventory: Inventory, filter: {level?: DivisionLevel; parent?: string}): Division[] {
  const divisions = new DivisionRepository(inventory)
  if (filter.parent === undefined) return divisions.atLevel(filter.level ?? 'province')
  const parent = requireDivision(divisions, '--parent', filter.parent)
  if (filter.level === undefined) return divisions.children(parent.code)
  if (DIVISION_LEVELS.indexOf(filter.level) <= DIVISION_LEVELS.indexOf(parent.level)) {
    throw divisionMessages.levelNotBelowParent(parent.code, parent.level, filter.level)
  }
  return divisions.atLevel(filter.level, parent.code)
}

/** `division show`: the division with its parent chain and counts, or exit 4 when it is not in the inventory. */
export function showDivision(inventory: Inventory, code: string): DivisionDetail {
  const divisions = new DivisionRepository(inventory)
  const detail = divisions.detail(requireWellFormedCode('code', code))
  if (!detail) throw divisionMessages.divisionNotFound(code)
  return detail
}
