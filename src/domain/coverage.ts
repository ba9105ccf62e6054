import {AUDIT_OK} from './audit-facts'
import {ancestorAt, DivisionLevel, isGroupingDivision, TOWNSHIP_KINDS, TownshipKind} from './divisions'
import type {NodeStatus} from './nodes'

/**
 * Township coverage, the rules of the README's "Coverage" chapter:
 *
 * - a township is **covered** when at least one node in it has a covering status (`active`);
 * - it is **verified** when such a node's most recent SSH audit succeeded (`ok`) at or after the
 *   start of the freshness window (default 24 h);
 * - the ratio is covered / townships (and verified / townships) at every level of the tree and
 *   nationally; 0 where there are no townships.
 *
 * The predicates below are the rules; the counting is one query (DivisionRepository.countyTownshipCounts)
 * whose SQL is built from the same names (src/inventory/sql-rules.ts), and the helpers here add its
 * per-county counts up the tree.
 */

/**
 * Node statuses that cover a township. Only `active`: a degraded node is still in service (it is
 * audited and counted by the audit metrics, IN_SERVICE_STATUSES in src/domain/nodes.ts) but a
 * township whose only node is degraded is not counted as covered.
 */
export const COVERING_STATUSES = ['active'] as const satisfies readonly NodeStatus[]

/** What the coverage rules read of a node. ISO times compare in time order as text. */
export interface CoverageNode {
  status: string
  lastAuditOutcome: string | null
  lastAuditAt: string | null
}

/** True when a node of this status covers the township it sits in. */
export function coversTownship(status: string): boolean {
  return (COVERING_STATUSES as readonly string[]).includes(status)
}

/** True when the node covers its township and its last audit succeeded at or after `verifiedSince` (ISO time). */
export function verifiesTownship(node: CoverageNode, verifiedSince: string): boolean {
  return (
    coversTownship(node.status) &&
    node.lastAuditOutcome === AUDIT_OK &&
    node.lastAuditAt !== null &&
    node.lastAuditAt >= verifiedSince
  )
}

/** A township is covered when at least one of its nodes covers it. */
export function isCoveredTownship(nodes: Iterable<CoverageNode>): boolean {
  for (const node of nodes) if (coversTownship(node.status)) return true
  return false
}

/** A township is verified when at least one of its nodes verifies it. */
export function isVerifiedTownship(nodes: Iterable<CoverageNode>, verifiedSince: string): boolean {
  for (const node of nodes) if (verifiesTownship(node, verifiedSince)) return true
  return false
}

export const COVERAGE_LEVELS = ['province', 'prefecture', 'county'] as const
export type CoverageLevel = (typeof COVERAGE_LEVELS)[number]

export const DEFAULT_FRESHNESS = '24h'
export const DEFAULT_FRESHNESS_MS = 24 * 3_600_000

export interface TownshipCounts {
  townships: number
  covered: number
  verified: number
}

/** Township counts of one county and one township kind: one group of the coverage query. */
export interface CountyKindCounts extends TownshipCounts {
  /** County code, placeholder counties (441900 …) included. */
  county: string
  kind: TownshipKind
}

/** Counts per township kind, all four kinds always present. */
export type KindTally = Readonly<Record<TownshipKind, TownshipCounts>>

/** One township kind's line within a coverage row. */
export interface KindCoverage extends TownshipCounts {
  kind: TownshipKind
  ratio: number
  verifiedRatio: number
}

export interface CoverageRow extends TownshipCounts {
  /** Division code; null on the national line. */
  code: string | null
  name: string
  /** The division's level; 'nation' on the national line. */
  level: DivisionLevel | 'nation'
  /** True for an NBS grouping code (市辖区, 县, 省直辖县级行政区划: isGroupingDivision), which is not a real prefecture. */
  grouping: boolean
  /** covered / townships; 0 when there are no townships. */
  ratio: number
  /** verified / townships; 0 when there are no townships. */
  verifiedRatio: number
  /** The same counts per township kind, in TOWNSHIP_KINDS order: every kind, or only the one a report is limited to. */
  byKind: KindCoverage[]
}

export const NO_TOWNSHIPS: TownshipCounts = Object.freeze({townships: 0, covered: 0, verified: 0})

export const EMPTY_TALLY: KindTally = Object.freeze({
  street: NO_TOWNSHIPS,
  town: NO_TOWNSHIPS,
  township: NO_TOWNSHIPS,
  other: NO_TOWNSHIPS,
})

export function ratio(part: number, whole: number): number {
  return whole === 0 ? 0 : part / whole
}

export function addCounts(a: TownshipCounts, b: TownshipCounts): TownshipCounts {
  return {townships: a.townships + b.townships, covered: a.covered + b.covered, verified: a.verified + b.verified}
}

/**
 * A tally being added up. Every tally has the same shape (the four kinds in TOWNSHIP_KINDS order, each
 * with the same three counts), built once and added to in place: a roll-up of the whole country makes
 * thousands of them, and objects of one shape keep that quick (bench/RESULTS.md, national size).
 */
type OpenTally = Record<TownshipKind, TownshipCounts>

function openTally(): OpenTally {
  return {
    street: {townships: 0, covered: 0, verified: 0},
    town: {townships: 0, covered: 0, verified: 0},
    township: {townships: 0, covered: 0, verified: 0},
    other: {townships: 0, covered: 0, verified: 0},
  }
}

function addToTally(tally: OpenTally, counts: CountyKindCounts): void {
  const kind = tally[counts.kind]
  kind.townships += counts.townships
  kind.covered += counts.covered
  kind.verified += counts.verified
}

/** Every kind's counts added up (the national line, or the line of an --under subtree). */
export function tallyOf(counts: Iterable<CountyKindCounts>): KindTally {
  const tally = openTally()
  for (const c of counts) addToTally(tally, c)
  return tally
}

/** The counts of all kinds together. */
export function sumOfKinds(tally: KindTally): TownshipCounts {
  const sum = {townships: 0, covered: 0, verified: 0}
  for (const kind of TOWNSHIP_KINDS) {
    const counts = tally[kind]
    sum.townships += counts.townships
    sum.covered += counts.covered
    sum.verified += counts.verified
  }
  return sum
}

/** Per-county, per-kind counts added up by code prefix to `level`: the county's ancestor at that level. */
export function rollUp(countyCounts: readonly CountyKindCounts[], level: CoverageLevel): Map<string, KindTally> {
  const byCode = new Map<string, OpenTally>()
  for (const counts of countyCounts) {
    const code = ancestorAt(counts.county, level) ?? counts.county
    let tally = byCode.get(code)
    if (!tally) {
      tally = openTally()
      byCode.set(code, tally)
    }
    addToTally(tally, counts)
  }
  return byCode
}

/** The report line of one division (or of the nation): its counts, ratios and the per-kind lines of `kinds`. */
export function coverageRow(
  division: {code: string | null; name: string; level: CoverageRow['level']},
  tally: KindTally,
  kinds: readonly TownshipKind[] = TOWNSHIP_KINDS,
): CoverageRow {
  const counts = sumOfKinds(tally)
  return {
    code: division.code,
    name: division.name,
    level: division.level,
    grouping: isGroupingDivision(division),
    townships: counts.townships,
    covered: counts.covered,
    verified: counts.verified,
    ratio: ratio(counts.covered, counts.townships),
    verifiedRatio: ratio(counts.verified, counts.townships),
    byKind: kinds.map((kind): KindCoverage => {
      const of = tally[kind]
      return {
        kind,
        townships: of.townships,
        covered: of.covered,
        verified: of.verified,
        ratio: ratio(of.covered, of.townships),
        verifiedRatio: ratio(of.verified, of.townships),
      }
    }),
  }
}

/** A ratio as a percentage with one decimal, for tables ("37.5%"). */
export function percent(value: number): string {
  return `${(value * 100).toFixed(1)}%`
}
