import {AUDIT_OK} from './audit-facts'
import {ancestorAt, DivisionLevel} from './divisions'
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
export function rollUp<C extends TownshipCounts & {county: string}>(
  countyCounts: readonly C[],
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
