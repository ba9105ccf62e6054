import {CsvCell, writeCsv} from './csv'
import {Column, renderTable} from './table'
import {CoverageRow, KindCoverage, percent, TownshipCounts} from '../domain/coverage'
import {TOWNSHIP_KIND_NAMES} from '../domain/divisions'
import {formatScope} from '../domain/scope'
import type {CoverageReport} from '../coverage'

/** Appended to the name of a grouping code in tables; coverageLegend explains it. */
const GROUPING_MARK = ' [grouping]'

/** The count and ratio columns, the same for a division's line and a kind's line. */
function countColumns<R extends TownshipCounts & {ratio: number; verifiedRatio: number}>(): Column<R>[] {
  return [
    {header: 'TOWNSHIPS', value: (r) => r.townships, align: 'right'},
    {header: 'COVERED', value: (r) => r.covered, align: 'right'},
    {header: 'VERIFIED', value: (r) => r.verified, align: 'right'},
    {header: 'COVERAGE', value: (r) => percent(r.ratio), align: 'right'},
    {header: 'VERIFIED%', value: (r) => percent(r.verifiedRatio), align: 'right'},
  ]
}

const COLUMNS: Column<CoverageRow>[] = [
  {header: 'CODE', value: (r) => r.code ?? ''},
  {header: 'NAME', value: (r) => (r.grouping ? `${r.name}${GROUPING_MARK}` : r.name)},
  ...countColumns<CoverageRow>(),
]

const KIND_COLUMNS: Column<KindCoverage>[] = [
  {header: 'KIND', value: (k) => `${k.kind} ${TOWNSHIP_KIND_NAMES[k.kind]}`},
  ...countColumns<KindCoverage>(),
]

/** Human table: one line per division, then the total line. */
export function coverageTable(report: CoverageReport): string {
  return renderTable(COLUMNS, [...report.rows, report.total])
}

/** Human table of the total line by township kind (street, town, township, other, or the --kind one). */
export function coverageKindTable(report: CoverageReport): string {
  return renderTable(KIND_COLUMNS, report.total.byKind)
}

/** The note under the table when it shows grouping codes, or undefined. */
export function coverageLegend(report: CoverageReport): string | undefined {
  return report.rows.some((row) => row.grouping)
    ? `${GROUPING_MARK.trim()}: an NBS grouping code (市辖区, 县, 省直辖县级行政区划), not a prefecture: its counties belong to the province`
    : undefined
}

/** The note under the table of a scoped inventory: its lines count only the scope's townships. */
export function coverageScopeNote(report: CoverageReport): string | undefined {
  return report.scope.length > 0
    ? `scope ${formatScope(report.scope)}: only the townships inside it are counted (govnet init --scope)`
    : undefined
}

/**
 * CSV (src/cli/csv.ts: formula-safe) with a header; the total line comes last (level "nation", or the --under division's
 * level). After the columns of every report: `grouping`, then townships, covered and verified of each
 * township kind reported (all four, or the --kind one), e.g. `street_townships,street_covered,street_verified`.
 */
export function coverageCsv(report: CoverageReport): string {
  const kinds = report.total.byKind.map((k) => k.kind)
  const header = [
    'code',
    'name',
    'level',
    'townships',
    'covered',
    'verified',
    'ratio',
    'verified_ratio',
    'grouping',
    ...kinds.flatMap((kind) => [`${kind}_townships`, `${kind}_covered`, `${kind}_verified`]),
  ]
  const line = (r: CoverageRow): CsvCell[] => [
    r.code ?? '',
    r.name,
    r.level,
    r.townships,
    r.covered,
    r.verified,
    r.ratio,
    r.verifiedRatio,
    r.grouping,
    ...r.byKind.flatMap((k) => [k.townships, k.covered, k.verified]),
  ]
  return writeCsv(header, [...report.rows.map(line), line(report.total)])
}
