import {checkColumns, RawRecord} from '../domain/fields'
import {parseRegion, REGION_SCHEMA, RegionFields} from '../domain/regions'
import {FieldProblem} from '../errors'
import {Inventory} from '../inventory/db'
import {RegionRepository, sameRegion} from '../inventory/regions'
import {inventoryMessages} from '../messages'
import * as msg from '../messages/regions'
import {ImportFile, ImportResult} from './file'

/**
 * Import regions from a CSV or JSON file (columns: the region input names; pools and
 * extranet_ranges as comma- or space-separated CIDRs, or JSON arrays). All or nothing: every
 * problem is reported with its row and field. Existing ids are refused unless `update`; with it,
 * each existing region goes through `set`, so capacity and pools are never taken from tenants that
 * hold them, and an unchanged region logs nothing.
 */
export function importRegions(
  inventory: Inventory,
  file: ImportFile,
  options: {update?: boolean; dryRun?: boolean} = {},
): ImportResult {
  const columnProblems = checkColumns(file.columns, REGION_SCHEMA)
  if (columnProblems.length > 0) throw inventoryMessages.invalidImport(file.file, columnProblems)
  const problems: FieldProblem[] = []
  const valid: {row: number; raw: RawRecord; region: RegionFields}[] = []
  const firstRowOf = new Map<string, number>()
  file.rows.forEach((raw, index) => {
    const row = index + 1
    const {region, problems: rowProblems} = parseRegion(raw)
    problems.push(...rowProblems.map((p) => ({...p, row})))
    if (!region) return
    const first = firstRowOf.get(region.id)
    if (first !== undefined) problems.push({row, field: 'id', message: msg.duplicateRegionRow(region.id, first)})
    else firstRowOf.set(region.id, row)
    valid.push({row, raw, region})
  })
  if (problems.length > 0) throw inventoryMessages.invalidImport(file.file, problems)

  const repository = new RegionRepository(inventory)
  const apply = () => {
    const existing = valid.filter(({region}) => repository.get(region.id))
    if (existing.length > 0 && !options.update) {
      throw msg.importedRegionsExist(
        file.file,
        existing.map(({row, region}) => ({row, id: region.id})),
      )
    }
    const result: ImportResult = {
      file: file.file,
      dryRun: options.dryRun ?? false,
      created: 0,
      updated: 0,
      unchanged: 0,
    }
    for (const {raw, region} of valid) {
      const current = repository.get(region.id)
      if (!current) {
        if (!options.dryRun) repository.add(raw)
        result.created++
      } else if (sameRegion(current, region)) {
        result.unchanged++
      } else {
        if (!options.dryRun) repository.set(region.id, raw)
        result.updated++
      }
    }
    return result
  }
  return options.dryRun ? apply() : inventory.write(apply)
}
