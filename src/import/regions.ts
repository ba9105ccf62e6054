import {RawRecord} from '../domain/fields'
import {parseRegion, Region, REGION_SCHEMA, regionChangeProblems, RegionFields, toInput} from '../domain/regions'
import {FieldProblem} from '../errors'
import {AllocationRepository} from '../inventory/allocations'
import {Inventory} from '../inventory/db'
import {RegionRepository, sameRegion} from '../inventory/regions'
import * as msg from '../messages/regions'
import {ImportFile, ImportResult} from './file'
import {countedResult, ImportOptions, lookupEach, runImport} from './pipeline'

interface RegionPlan {
  creates: RawRecord[]
  updates: Array<{id: string; raw: RawRecord}>
  unchanged: number
}

/**
 * Import regions from a CSV or JSON file through the import pipeline (columns: the region input
 * names; pools and extranet_ranges as comma- or space-separated CIDRs, or JSON arrays). All or
 * nothing: every problem is reported with its row and field. Existing ids are refused unless
 * `update`; an update may not take capacity, rating or pools from the tenants that hold them
 * (checked with the row, as `region set` checks it), and an unchanged region logs nothing.
 */
export function importRegions(inventory: Inventory, file: ImportFile, options: ImportOptions = {}): ImportResult {
  const repository = new RegionRepository(inventory)
  const allocations = new AllocationRepository(inventory)
  const stored = new Map<string, Region>()
  return runImport<{raw: RawRecord; region: RegionFields}, RegionPlan, ImportResult>(
    inventory,
    file,
    {
      schema: REGION_SCHEMA,
      key: 'id',
      lookup: lookupEach((id) => repository.get(id), toInput, stored),
      parse: (raw, row) => {
        const {region, problems} = parseRegion(raw)
        return {value: region && {raw, region}, problems: problems.map((problem) => ({...problem, row}))}
      },
      keyOf: ({region}) => region.id,
      duplicate: msg.duplicateRegionRow,
      conflict: msg.importedRegionsExist,
      plan(rows) {
        const problems: FieldProblem[] = []
        const plan: RegionPlan = {creates: [], updates: [], unchanged: 0}
        for (const {row, value} of rows) {
          const current = stored.get(value.region.id)
          if (!current) plan.creates.push(value.raw)
          else if (sameRegion(current, value.region)) plan.unchanged++
          else {
            const refused = regionChangeProblems(value.region, allocations.regionUsage(current.id))
            for (const problem of refused) problems.push({...problem, row})
            plan.updates.push({id: current.id, raw: value.raw})
          }
        }
        return {plan, problems}
      },
      apply(plan, meter) {
        for (const raw of plan.creates) repository.add(raw)
        for (const {id, raw} of plan.updates) repository.set(id, raw)
        meter.tick(plan.creates.length + plan.updates.length)
      },
      summary: (plan, dryRun) => countedResult(file.file, plan, dryRun),
    },
    options,
  )
}
