import {Column, renderTable} from './table'
import {CoverageRow, percent} from '../domain/coverage'
import type {CoverageReport} from '../coverage'

const COLUMNS: Column<CoverageRow>[] = [
  {header: 'CODE', value: (r) => r.code ?? ''},
  {header: 'NAME', value: (r) => r.name},
  {header: 'TOWNSHIPS', value: (r) => r.townships, align: 'right'},
  {header: 'COVERED', value: (r) => r.covered, align: 'right'},
  {header: 'VERIFIED', value: (r) => r.verified, align: 'right'},
  {header: 'COVERAGE', value: (r) => percent(r.ratio), align: 'right'},
  {header: 'VERIFIED%', value: (r) => percent(r.verifiedRatio), align: 'right'},
]

/** Human table: one line per division, then the total line. */
export function coverageTable(report: CoverageReport): string {
  return renderTable(COLUMNS, [...report.rows, report.total])
}

const CSV_HEADER = ['code', 'name', 'level', 'townships', 'covered', 'verified', 'ratio', 'verified_ratio']

function csvField(value: string | number): string {
  const text = String(value)
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text
}

/** RFC 4180 CSV with a header; the total line comes last (level "nation", or the --under division's level). */
export function coverageCsv(report: CoverageReport): string {
  const line = (r: CoverageRow) =>
    [r.code ?? '', r.name, r.level, r.townships, r.covered, r.verified, r.ratio, r.verifiedRatio]
      .map(csvField)
      .join(',')
  return [CSV_HEADER.join(','), ...report.rows.map(line), line(report.total)].join('\n')
}
