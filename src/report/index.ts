import {computeCoverageTree, CoverageTree} from '../coverage'
import type {CoverageRow} from '../domain/coverage'
import type {Inventory} from '../inventory/db'
import {coverageMessages} from '../messages'
import {writeFileAtomically} from '../metrics/textfile'
import {coveragePageData} from './coverage-data'
import {renderCoveragePage} from './coverage-page'

export interface CoverageReportOptions {
  /** Only this province's or prefecture's subtree. */
  under?: string
  /** How recent an `ok` audit must be for a covered township to count as verified (default 24 h). */
  freshnessMs?: number
  /** When the inventory is read (the clock, for tests). */
  now?: Date
}

/** What `govnet report coverage` wrote: the file and the figures at the top of the page. */
export interface CoverageReportFile {
  file: string
  bytes: number
  asOf: string
  verifiedSince: string
  freshnessMs: number
  under: string | null
  /** The national line (or the --under division's), as `govnet coverage --json` reports it. */
  total: CoverageRow
}

/** The coverage report page (HTML) of a coverage tree read at `asOf`. */
export function renderCoverageReport(tree: CoverageTree, asOf: Date): string {
  return renderCoveragePage(coveragePageData(tree, asOf))
}

/** The coverage report page of the inventory as it is now (or at `now`), and the tree it shows. */
export function coverageReportPage(inventory: Inventory, options: CoverageReportOptions = {}) {
  const asOf = options.now ?? new Date()
  const tree = computeCoverageTree(inventory, {under: options.under, freshnessMs: options.freshnessMs, now: asOf})
  return {html: renderCoverageReport(tree, asOf), tree, asOf}
}

/** `govnet report coverage --out FILE`: the page, replacing FILE atomically. */
export function writeCoverageReport(
  inventory: Inventory,
  file: string,
  options: CoverageReportOptions = {},
): CoverageReportFile {
  const {html, tree, asOf} = coverageReportPage(inventory, options)
  const body = Buffer.from(html, 'utf8')
  writeFileAtomically(file, body, coverageMessages.cannotWriteReport)
  return {
    file,
    bytes: body.length,
    asOf: asOf.toISOString(),
    verifiedSince: tree.verifiedSince,
    freshnessMs: tree.freshnessMs,
    under: tree.under,
    total: tree.total,
  }
}
