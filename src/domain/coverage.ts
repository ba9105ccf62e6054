import {ancestorAt, DivisionLevel} from './divisions'

/**
 * Township coverage (DESIGN.md): a township is covered when at least one node in it is active,
 * verified when such a node's last SSH audit succeeded within the freshness window. The ratio is
 * covered / townships at every level of the tree and nationally. These helpers add up per-county
 * counts; the counting itself is one query (DivisionRepository.countyTownshipCounts).
 */
export const COVERAGE_LEVELS = ['province', 'prefecture', 'county'] as const
export type CoverageLevel = (typeof COVERAGE_LEVELS)[number]

export const DEFAULT_FRESHNESS = '24h'
export const DEFAULT_FRESHNESS_MS = 24 * 3_600_000

export interface TownshipCounts {
  townships: number
  covered: number
  verified: number
}

export interface CoverageRow extends TownshipCounts {
  /** Division code; null on the national line. */
  code: string | null
  name: string
  /** The division's level; 'nation' on the national line. */
  level: DivisionLevel | 'nation'
  /** covered / townships; 0 when there are no townships. */
  ratio: number
  /** verified / townships; 0 when there are no townships. */
  verifiedRatio: number
}

export const NO_TOWNSHIPS: TownshipCounts = Object.freeze({townships: 0, covered: 0, verified: 0})

export function ratio(part: number, whole: number): number {
  return whole === 0 ? 0 : part / whole
}

export function addCounts(a: TownshipCounts, b: TownshipCounts): TownshipCounts {
  return {townships: a.townships + b.townships, covered: a.covered + b.covered, verified: a.verified + b.verified}
}

/** Sum of all counts (the national line, or the line of an --under subtree). */
export function totalOf(counts: Iterable<TownshipCounts>): TownshipCounts {
  let total = NO_TOWNSHIPS
  for (const c of counts) total = addCounts(total, c)
  return total
}

/** Per-county counts added up by code prefix to `level`: the county's ancestor at that level. */
export function rollUp(
  countyCounts: readonly (TownshipCounts & {county: string})[],
  level: CoverageLevel,
): Map<string, TownshipCounts> {
  const byCode = new Map<string, TownshipCounts>()
  for (const counts of countyCounts) {
    const code = ancestorAt(counts.county, level)!
    byCode.set(code, addCounts(byCode.get(code) ?? NO_TOWNSHIPS, counts))
  }
  return byCode
}

export function coverageRow(
  division: {code: string | null; name: string; level: CoverageRow['level']},
  counts: TownshipCounts,
): CoverageRow {
  return {
    code: division.code,
    name: division.name,
    level: division.level,
    townships: counts.townships,
    covered: counts.covered,
    verified: counts.verified,
    ratio: ratio(counts.covered, counts.townships),
    verifiedRatio: ratio(counts.verified, counts.townships),
  }
}

/** A ratio as a percentage with one decimal, for tables ("37.5%"). */
export function percent(value: number): string {
  return `${(value * 100).toFixed(1)}%`
}
