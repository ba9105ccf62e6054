import {CoverageRow, percent} from '../domain/coverage'
import {ancestorAt, TOWNSHIP_KIND_NAMES, TOWNSHIP_KINDS, TownshipKind} from '../domain/divisions'
import {formatDuration} from '../domain/time'
import type {CoverageTree} from '../coverage'

/**
 * What the coverage report page embeds: the lines of a CoverageTree, nested province → prefecture →
 * county, as compact tuples (the national page holds ~3,400 of them). Numbers are copied from the
 * coverage lines and shares are the strings `percent()` prints in `govnet coverage`: the page
 * formats and draws them, it computes nothing.
 */

/**
 * One township kind of a division: townships, covered, verified, coverage, verified coverage; 0 when the
 * division has no township of that kind (most counties lack one or two kinds: this keeps the page small).
 */
export type PageKind = [townships: number, covered: number, verified: number, coverage: string, verified: string] | 0

/** One division and everything below it, down to counties. */
export type PageDivision = [
  code: string,
  name: string,
  /** 1 for an NBS grouping code (市辖区, 县, 省直辖县级行政区划): see isGroupingDivision. */
  grouping: 0 | 1,
  townships: number,
  covered: number,
  verified: number,
  coverage: string,
  verifiedCoverage: string,
  /** One entry per TOWNSHIP_KINDS, in that order. */
  kinds: PageKind[],
  children: PageDivision[],
]

export interface CoveragePageData {
  /** When the inventory was read (UTC, ISO). */
  asOf: string
  /** A covered township is verified by an `ok` audit at or after this instant. */
  verifiedSince: string
  /** The freshness window, as --fresh takes it (24h). */
  freshness: string
  /** The township kinds, in the order of every PageDivision's kinds: NBS name and English label. */
  kinds: Array<{kind: TownshipKind; name: string; label: string}>
  /** The nation (code '') or the --under division, with its subtree. */
  root: PageDivision
  rootLevel: CoverageRow['level']
  /** How many divisions of each level the tree holds. */
  divisions: {province: number; prefecture: number; county: number}
}

/** The township kinds in English, beside their NBS names (TOWNSHIP_KIND_NAMES). */
export const KIND_LABELS: Readonly<Record<TownshipKind, string>> = {
  street: 'Streets',
  town: 'Towns',
  township: 'Townships',
  other: 'Other units',
}

function pageDivision(row: CoverageRow): PageDivision {
  return [
    row.code ?? '',
    row.name,
    row.grouping ? 1 : 0,
    row.townships,
    row.covered,
    row.verified,
    percent(row.ratio),
    percent(row.verifiedRatio),
    row.byKind.map((k) =>
      k.townships === 0 ? 0 : [k.townships, k.covered, k.verified, percent(k.ratio), percent(k.verifiedRatio)],
    ),
    [],
  ]
}

/**
 * The page's data from a coverage tree read at `asOf`. Each division hangs under its nearest
 * ancestor in the tree (a county whose prefecture is not in the inventory, under its province).
 */
export function coveragePageData(tree: CoverageTree, asOf: Date): CoveragePageData {
  const root = pageDivision(tree.total)
  const byCode = new Map<string, PageDivision>()
  const parentOf = (code: string): PageDivision => {
    for (const level of ['prefecture', 'province'] as const) {
      const ancestor = ancestorAt(code, level)
      const found = ancestor === undefined || ancestor === code ? undefined : byCode.get(ancestor)
      if (found) return found
    }
    return root
  }
  for (const row of [...tree.province, ...tree.prefecture, ...tree.county]) {
    const division = pageDivision(row)
    parentOf(division[0])[9].push(division)
    byCode.set(division[0], division)
  }
  return {
    asOf: asOf.toISOString(),
    verifiedSince: tree.verifiedSince,
    freshness: formatDuration(tree.freshnessMs),
    kinds: TOWNSHIP_KINDS.map((kind) => ({kind, name: TOWNSHIP_KIND_NAMES[kind], label: KIND_LABELS[kind]})),
    root,
    rootLevel: tree.total.level,
    divisions: {province: tree.province.length, prefecture: tree.prefecture.length, county: tree.county.length},
  }
}
