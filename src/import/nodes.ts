import {parseRecord, RawRecord} from '../domain/fields'
import {
  buildNode,
  changedFields,
  ExtranetNode,
  findUplinkCycles,
  NODE_SCHEMA,
  NodeFields,
  nodeToFields,
  placeNode,
  uplinkCycleProblem,
} from '../domain/nodes'
import {nodeScopeProblem} from '../domain/scope'
import {Tier} from '../domain/tiers'
import {FieldProblem} from '../errors'
import {Inventory, nowIso} from '../inventory/db'
import {DivisionRepository} from '../inventory/divisions'
import {NodeRepository} from '../inventory/nodes'
import {inventoryScope} from '../inventory/scope'
import {nodeMessages as msg} from '../messages'
import {ImportFile, ImportResult} from './file'
import {countedResult, EntityImport, ImportOptions, Row, runImport} from './pipeline'
import {villageCodesOf} from './village-codes'

/** New nodes written per bulk insert (src/inventory/staging.ts); the progress display moves on after each. */
const WRITE_CHUNK = 5000

interface NodePlan {
  creates: ExtranetNode[]
  updates: Array<{existing: ExtranetNode; node: ExtranetNode}>
  unchanged: number
}

/**
 * Import nodes from a CSV or JSON file through the import pipeline: all or nothing, in one
 * transaction. Besides each row's fields, the plan checks the inventory's scope, the division and tier, uplinks that exist
 * in the inventory or the file, and uplink cycles across both. Existing nodes are read in one query.
 */
export function importNodes(inventory: Inventory, file: ImportFile, options: ImportOptions = {}): ImportResult {
  return runImport(inventory, file, nodeImport(inventory, file.file, options), options)
}

function nodeImport(
  inventory: Inventory,
  file: string,
  options: ImportOptions,
): EntityImport<NodeFields, NodePlan, ImportResult> {
  const repository = new NodeRepository(inventory)
  let uplinks: Map<string, string | null> | undefined
  const existingUplinks = () => (uplinks ??= repository.uplinks())
  let storedNodes = new Map<string, ExtranetNode>()
  return {
    schema: NODE_SCHEMA,
    key: 'id',
    prepare: options.villageCodes ? villageCodesOf('division') : undefined,
    lookup(keys, records) {
      const all = existingUplinks()
      const found = keys.filter((id) => all.has(id))
      if (records && found.length > 0)
        storedNodes = new Map(repository.list({ids: found}).map((node) => [node.id, node]))
      return new Map(found.map((id): [string, RawRecord | undefined] => [id, records ? stored(id) : undefined]))
    },
    parse: (raw, row) => {
      const {record, problems} = parseRecord(NODE_SCHEMA, raw, row)
      return {value: record, problems}
    },
    keyOf: (fields) => fields.id,
    duplicate: msg.duplicateId,
    conflict: msg.importedNodesExist,
    plan(rows) {
      const problems: FieldProblem[] = []
      const levels = new DivisionRepository(inventory).levelsByCode()
      const scope = inventoryScope(inventory)
      const placed: Array<Row<NodeFields> & {tier: Tier}> = []
      for (const {row, value} of rows) {
        const outside = nodeScopeProblem({id: value.id, division: value.division}, scope, row)
        if (outside) {
          problems.push(outside)
          continue
        }
        const placement = placeNode(value, levels.get(value.division), row)
        for (const problem of placement.problems) problems.push(problem)
        if (placement.tier) placed.push({row, value, tier: placement.tier})
      }
      for (const problem of uplinkProblems(rows, existingUplinks())) problems.push(problem)
      const now = nowIso()
      const plan: NodePlan = {creates: [], updates: [], unchanged: 0}
      for (const {value, tier} of placed) {
        const existing = storedNodes.get(value.id)
        const node = buildNode(value, tier, now, existing)
        if (!existing) plan.creates.push(node)
        else if (changedFields(existing, node).length === 0) plan.unchanged++
        else plan.updates.push({existing, node})
      }
      return {plan, problems}
    },
    apply(plan, meter) {
      // Rows may name an uplink that comes later in the file: check foreign keys at commit, not per row.
      inventory.deferForeignKeyChecks()
      for (let start = 0; start < plan.creates.length; start += WRITE_CHUNK) {
        const chunk = plan.creates.slice(start, start + WRITE_CHUNK)
        repository.insertMany(chunk)
        meter.tick(chunk.length)
      }
      let done = 0
      for (const {existing, node} of plan.updates) {
        repository.replace(existing, node)
        if (++done % 1000 === 0) meter.tick(1000)
      }
      meter.tick(done % 1000)
    },
    summary: (plan, dryRun) => countedResult(file, plan, dryRun),
  }

  function stored(id: string): RawRecord | undefined {
    const node = storedNodes.get(id)
    return node && nodeToFields(node)
  }
}

/** Uplinks that are neither in the inventory nor in the file, and cycles across both. */
function uplinkProblems(rows: readonly Row<NodeFields>[], existingUplinks: Map<string, string | null>): FieldProblem[] {
  const problems: FieldProblem[] = []
  const rowOfId = new Map(rows.map(({row, value}) => [value.id, row]))
  const uplinkInFile = new Map(rows.map(({value}) => [value.id, value.uplink ?? null]))
  for (const {row, value} of rows) {
    const uplink = value.uplink
    if (uplink !== undefined && !rowOfId.has(uplink) && !existingUplinks.has(uplink))
      problems.push({row, field: 'uplink', message: msg.unknownUplink(uplink)})
  }
  const uplinkOf = (id: string) => {
    const inFile = uplinkInFile.get(id)
    return inFile !== undefined ? inFile : existingUplinks.get(id)
  }
  for (const cycle of findUplinkCycles(uplinkInFile.keys(), uplinkOf)) {
    let first: number | undefined
    for (const id of cycle) {
      const row = rowOfId.get(id)
      if (row !== undefined && (first === undefined || row < first)) first = row
    }
    problems.push(uplinkCycleProblem(cycle, first))
  }
  return problems
}
