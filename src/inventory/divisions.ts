import type {Statement} from 'better-sqlite3'

import type {CountyKindCounts} from '../domain/coverage'
import {
  DIVISION_LEVELS,
  DivisionLevel,
  codeProblem,
  isGroupingDivision,
  levelOf,
  TOWNSHIP_KINDS,
  TownshipKind,
  townshipKind,
} from '../domain/divisions'
import {divisionMessages} from '../messages'
import type {Inventory} from './db'
import {coversTownshipSql, townshipKindSql, verifiesTownshipSql} from './sql-rules'

export interface Division {
  code: string
  name: string
  level: DivisionLevel
  parentCode: string | null
}

/** `division show`: one division with where it sits and what is below it. */
export interface DivisionDetail extends Division {
  /** True for an NBS grouping code (市辖区, 县, 省直辖县级行政区划), which groups counties without being a prefecture. */
  grouping: boolean
  /** A township's kind (street, town, township, other); null above and below the township level. */
  townshipKind: TownshipKind | null
  source: string
  importedAt: string
  /** Ancestors from the province down to the parent. */
  ancestors: Division[]
  /** Direct children. */
  children: number
  /** Townships in the subtree (the coverage denominator); null for a township or a village. */
  townships: number | null
  /** The same townships by kind, every kind present; null for a township or a village. */
  townshipsByKind: Record<TownshipKind, number> | null
  /** Extranet nodes placed in the division or anywhere below it. */
  nodes: number
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
 * The hot query of the coverage report: township counts grouped by county code prefix and township
 * kind, in one pass over the township rows of the (level, code) index with two index probes into
 * nodes per township. Covered and verified are the rules of src/domain/coverage.ts (coversTownship,
 * verifiesTownship) and the kind is townshipKind (src/domain/divisions.ts), all as SQL from
 * src/inventory/sql-rules.ts. With `ofKind`, only the townships of the kind in @kind are counted.
 */
export function countyCoverageSql(options: {ofKind: boolean}): string {
  return `
  SELECT substr(t.code, 1, 6) AS county,
         ${townshipKindSql('t.code')} AS kind,
         count(*) AS townships,
         sum(EXISTS (SELECT 1 FROM nodes n WHERE n.division_code = t.code AND ${coversTownshipSql('n')})) AS covered,
         sum(EXISTS (SELECT 1 FROM nodes n WHERE n.division_code = t.code
                       AND ${verifiesTownshipSql('n', '@verifiedSince')})) AS verified
    FROM divisions t
   WHERE t.level = 'township' AND t.code >= @low AND t.code < @high${options.ofKind ? ' AND kind = @kind' : ''}
   GROUP BY 1, 2
   ORDER BY 1, 2`
}

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
  private readonly countyCoverageOfKind: Statement
  private readonly townshipsOfKindInRange: Statement
  private readonly townshipKindsInRange: Statement
  private readonly total: Statement
  private readonly upsertRows: Statement

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
    this.countyCoverage = db.prepare(countyCoverageSql({ofKind: false}))
    this.countyCoverageOfKind = db.prepare(countyCoverageSql({ofKind: true}))
    this.townshipsOfKindInRange = db.prepare(
      `SELECT code, name, level, parent_code FROM divisions
        WHERE level = 'township' AND code >= @low AND code < @high AND ${townshipKindSql('code')} = @kind ORDER BY code`,
    )
    this.townshipKindsInRange = db
      .prepare(
        `SELECT ${townshipKindSql('code')} AS kind, count(*) AS n FROM divisions
          WHERE level = 'township' AND code >= @low AND code < @high GROUP BY 1`,
      )
      .raw()
    this.total = db.prepare('SELECT count(*) FROM divisions').pluck()
    // One statement per level over a JSON array of [code, name, parent] rows: the per-row work stays
    // inside SQLite (json_each), the same shape as the sqlite3 shell's INSERT … SELECT after .import.
    this.upsertRows = db.prepare(
      `INSERT INTO divisions (code, name, level, parent_code, source, imported_at)
       SELECT value ->> 0, value ->> 1, @level, value ->> 2, @source, @at FROM json_each(@rows) WHERE true
       ON CONFLICT (code) DO UPDATE SET name = excluded.name, source = excluded.source, imported_at = excluded.imported_at
       WHERE divisions.name <> excluded.name`,
    )
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

  /** Townships of `kind`, in code order, in the whole inventory or below `under`. */
  townshipsOfKind(kind: TownshipKind, under?: string): Division[] {
    const range = under === undefined ? WHOLE_COUNTRY : subtreeRange(under)
    return (this.townshipsOfKindInRange.all({kind, ...range}) as DivisionRow[]).map(toDivision)
  }

  /** Townships by kind in the subtree of `code` (or the whole inventory), every kind present. */
  townshipCountsByKind(code?: string): Record<TownshipKind, number> {
    const range = code === undefined ? WHOLE_COUNTRY : subtreeRange(code)
    const found = new Map(this.townshipKindsInRange.all(range) as [TownshipKind, number][])
    return Object.fromEntries(TOWNSHIP_KINDS.map((kind) => [kind, found.get(kind) ?? 0])) as Record<
      TownshipKind,
      number
    >
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
      grouping: isGroupingDivision(row),
      townshipKind: townshipKind(row.code) ?? null,
      source: row.source,
      importedAt: row.imported_at,
      ancestors,
      children: this.childCount.get(code) as number,
      townships: aboveTownship ? this.countAtLevel('township', code) : null,
      townshipsByKind: aboveTownship ? this.townshipCountsByKind(code) : null,
      nodes: this.nodeCountInRange.get(subtreeRange(code)) as number,
    }
  }

  /**
   * Township, covered and verified counts per county and township kind, for the whole country or
   * the subtree of `under`, optionally of one kind only. Placeholder counties (441900 Dongguan,
   * 620201 Jiayuguan …) are counties like any other.
   */
  countyTownshipCounts(options: {under?: string; kind?: TownshipKind; verifiedSince: string}): CountyKindCounts[] {
    const range = options.under === undefined ? WHOLE_COUNTRY : subtreeRange(options.under)
    const params = {...range, verifiedSince: options.verifiedSince}
    return (
      options.kind === undefined
        ? this.countyCoverage.all(params)
        : this.countyCoverageOfKind.all({...params, kind: options.kind})
    ) as CountyKindCounts[]
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
 * at `level`; with `level` alone every division at that level. `kind` lists the townships of that
 * kind (below `parent`, or everywhere): it implies the township level and goes with no other.
 */
export function listDivisions(
  inventory: Inventory,
  filter: {level?: DivisionLevel; parent?: string; kind?: TownshipKind},
): Division[] {
  const divisions = new DivisionRepository(inventory)
  const parent = filter.parent === undefined ? undefined : requireDivision(divisions, '--parent', filter.parent)
  if (filter.kind !== undefined) {
    if (filter.level !== undefined && filter.level !== 'township')
      throw divisionMessages.kindNeedsTownships(filter.level)
    if (parent && DIVISION_LEVELS.indexOf(parent.level) >= DIVISION_LEVELS.indexOf('township'))
      throw divisionMessages.kindParentTooLow(parent.code, parent.level)
    return divisions.townshipsOfKind(filter.kind, parent?.code)
  }
  if (parent === undefined) return divisions.atLevel(filter.level ?? 'province')
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
