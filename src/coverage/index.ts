import {
  CountyKindCounts,
  CoverageLevel,
  CoverageRow,
  coverageRow,
  DEFAULT_FRESHNESS_MS,
  EMPTY_TALLY,
  rollUp,
  tallyOf,
} from '../domain/coverage'
import {codeProblem, DIVISION_LEVELS, TOWNSHIP_KINDS, TownshipKind} from '../domain/divisions'
import {countingRoots, Scope, touchesScope} from '../domain/scope'
import type {Inventory} from '../inventory/db'
import {DivisionRepository} from '../inventory/divisions'
import {inventoryScope} from '../inventory/scope'
import {coverageMessages} from '../messages'

export interface CoverageOptions {
  /** Level of the report's rows (default province). */
  level?: CoverageLevel
  /** Only divisions below this code, which must be above `level`; the total line is then this division's. */
  under?: string
  /** Only townships of this kind (streets, towns, townships or other units); all kinds when absent. */
  kind?: TownshipKind
  /** How recent a successful audit must be for a covered township to count as verified (default 24 h). */
  freshnessMs?: number
  now?: Date
}

export interface CoverageReport {
  level: CoverageLevel
  under: string | null
  /** The inventory's scope (`govnet init --scope`): only townships inside it are counted; empty for the whole country. */
  scope: Scope
  /** The township kind the report is limited to; null: every kind, each row broken down by kind. */
  kind: TownshipKind | null
  freshnessMs: number
  /** Audits that succeeded at or after this instant verify coverage. */
  verifiedSince: string
  /** Every division at `level` (under `under`), in code order, including those with nothing covered. */
  rows: CoverageRow[]
  /** The national line, or the line of the `under` division. */
  total: CoverageRow
}

/** Coverage at every level in one pass, for metrics: the same numbers `govnet coverage` prints at each level. */
export interface CoverageAllLevels {
  verifiedSince: string
  national: CoverageRow
  province: CoverageRow[]
  prefecture: CoverageRow[]
  county: CoverageRow[]
}

const NATION = {code: null, name: '全国', level: 'nation'} as const

/** One repository per open inventory, so repeated reports (a metrics refresh) reuse its prepared statements. */
const repositories = new WeakMap<Inventory, DivisionRepository>()

function divisionsOf(inventory: Inventory): DivisionRepository {
  let divisions = repositories.get(inventory)
  if (!divisions) {
    divisions = new DivisionRepository(inventory)
    repositories.set(inventory, divisions)
  }
  return divisions
}

function verifiedSince(options: {freshnessMs?: number; now?: Date}): string {
  const now = options.now ?? new Date()
  return new Date(now.getTime() - (options.freshnessMs ?? DEFAULT_FRESHNESS_MS)).toISOString()
}

/** The freshness window of coverage read at `now`: a covered township is verified by an `ok` audit at or after verifiedSince. */
export interface CoverageWindow {
  freshnessMs: number
  verifiedSince: string
}

export function coverageWindow(options: {freshnessMs?: number; now?: Date}): CoverageWindow {
  return {freshnessMs: options.freshnessMs ?? DEFAULT_FRESHNESS_MS, verifiedSince: verifiedSince(options)}
}

function rowsAt(
  divisions: DivisionRepository,
  counts: readonly CountyKindCounts[],
  level: CoverageLevel,
  under: string | undefined,
  kinds: readonly TownshipKind[],
  scope: Scope,
): CoverageRow[] {
  const byCode = rollUp(counts, level)
  return divisions
    .atLevel(level, under)
    .filter((division) => touchesScope(division.code, scope))
    .map((division) => coverageRow(division, byCode.get(division.code) ?? EMPTY_TALLY, kinds))
}

/**
 * The per-county counts of the townships this inventory reports: below `under` (or everywhere) and,
 * in a scoped inventory, inside its subtrees only, so that a provincial instance's national line
 * counts its own townships and not another province's as uncovered. The subtrees are disjoint.
 */
function scopedCounts(
  divisions: DivisionRepository,
  scope: Scope,
  options: {under?: string; kind?: TownshipKind; verifiedSince: string},
): CountyKindCounts[] {
  return countingRoots(scope, options.under).flatMap((root) =>
    divisions.countyTownshipCounts({...options, under: root === '' ? undefined : root}),
  )
}

/**
 * `govnet coverage`: one row per division at `level` (all of them, zero or not) plus the total line.
 * A scoped inventory reports the divisions of its subtrees and their ancestors, counting only its subtrees.
 * Township counts come from one grouped query per call; the roll-up to the level is done here.
 */
export function computeCoverage(inventory: Inventory, options: CoverageOptions = {}): CoverageReport {
  const level = options.level ?? 'province'
  const divisions = divisionsOf(inventory)
  const under = options.under === undefined ? undefined : requireUnder(divisions, options.under, level)
  const since = verifiedSince(options)
  const scope = inventoryScope(inventory)
  const counts = scopedCounts(divisions, scope, {under: under?.code, kind: options.kind, verifiedSince: since})
  const kinds = options.kind === undefined ? TOWNSHIP_KINDS : [options.kind]
  return {
    level,
    under: under?.code ?? null,
    scope,
    kind: options.kind ?? null,
    freshnessMs: options.freshnessMs ?? DEFAULT_FRESHNESS_MS,
    verifiedSince: since,
    rows: rowsAt(divisions, counts, level, under?.code, kinds, scope),
    total: coverageRow(under ?? NATION, tallyOf(counts), kinds),
  }
}

/** Province, prefecture, county and national lines from a single township pass. */
export function computeCoverageAllLevels(
  inventory: Inventory,
  options: {freshnessMs?: number; now?: Date} = {},
): CoverageAllLevels {
  const {verifiedSince, total, province, prefecture, county} = computeCoverageTree(inventory, options)
  return {verifiedSince, national: total, province, prefecture, county}
}

/**
 * The coverage tree of the nation or of one subtree: its line and every province, prefecture and county line below
 * it, from a single township pass (the HTML report's numbers).
 */
export interface CoverageTree extends CoverageWindow {
  under: string | null
  /** The national line, or the line of the `under` division. */
  total: CoverageRow
  province: CoverageRow[]
  prefecture: CoverageRow[]
  county: CoverageRow[]
}

/**
 * Coverage at every level below the nation or below `under`, which must be a province or a prefecture
 * (the tree ends at counties). Every line is the one `govnet coverage` prints for that division.
 */
export function computeCoverageTree(
  inventory: Inventory,
  options: {under?: string; freshnessMs?: number; now?: Date} = {},
): CoverageTree {
  const divisions = divisionsOf(inventory)
  const under =
    options.under === undefined
      ? undefined
      : requireUnder(divisions, options.under, 'county', coverageMessages.treeUnderTooLow)
  const window = coverageWindow(options)
  const scope = inventoryScope(inventory)
  const counts = scopedCounts(divisions, scope, {under: under?.code, verifiedSince: window.verifiedSince})
  const at = (level: CoverageLevel) => rowsAt(divisions, counts, level, under?.code, TOWNSHIP_KINDS, scope)
  return {
    under: under?.code ?? null,
    ...window,
    total: coverageRow(under ?? NATION, tallyOf(counts)),
    province: at('province'),
    prefecture: at('prefecture'),
    county: at('county'),
  }
}

function requireUnder(
  divisions: DivisionRepository,
  code: string,
  level: CoverageLevel,
  notAbove: (code: string, underLevel: string, level: string) => Error = coverageMessages.underNotAboveLevel,
) {
  const problem = codeProblem(code)
  if (problem) throw coverageMessages.invalidUnder(problem)
  const division = divisions.get(code)
  if (!division) throw coverageMessages.underNotInInventory(code)
  if (DIVISION_LEVELS.indexOf(division.level) >= DIVISION_LEVELS.indexOf(level)) {
    throw notAbove(code, division.level, level)
  }
  return division
}

/**
 * A tree from its lines laid out flat, the total line first, then the lines of each level (how the
 * metrics snapshot keeps them): the tree `computeCoverageTree` read, without reading again.
 */
export function coverageTreeOf(lines: readonly CoverageRow[], window: CoverageWindow): CoverageTree {
  const [total, ...below] = lines
  if (!total) throw new Error('coverage lines without a total line')
  const at = (level: CoverageLevel) => below.filter((line) => line.level === level)
  return {
    under: total.code,
    ...window,
    total,
    province: at('province'),
    prefecture: at('prefecture'),
    county: at('county'),
  }
}
