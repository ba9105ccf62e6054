import {checkColumns, parseRecord} from '../domain/fields'
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
import {nodeScopeProblem, Scope} from '../domain/scope'
import {Tier} from '../domain/tiers'
import {FieldProblem} from '../errors'
import {Inventory, nowIso} from '../inventory/db'
import {DivisionRepository} from '../inventory/divisions'
import {NodeRepository} from '../inventory/nodes'
import {inventoryScope} from '../inventory/scope'
import {inventoryMessages, nodeMessages as msg} from '../messages'
import {ImportFile, ImportResult} from './file'

interface PlannedRow {
  row: number
  fields: NodeFields
  tier: Tier
  existing?: ExtranetNode
}

/**
 * Import nodes from a CSV or JSON file, all or nothing, in one transaction. Every row is checked
 * (fields, the inventory's scope, division and tier, duplicate ids, uplinks that exist in the inventory or the file, no
 * uplink cycles across both) and every problem reported at once. Ids that exist are a conflict
 * unless `update`; with `update`, the file's columns are laid over the stored record, so a column
 * the file leaves out keeps its stored value, and rows that change nothing are counted as
 * unchanged and log nothing. Existing nodes are read in one query, not one per row.
 */
export function importNodes(
  inventory: Inventory,
  file: ImportFile,
  options: {update?: boolean; dryRun?: boolean} = {},
): ImportResult {
  const empty: ImportResult = {file: file.file, dryRun: options.dryRun ?? false, created: 0, updated: 0, unchanged: 0}
  // An empty JSON array has no keys to check; an empty CSV still has its header checked.
  if (file.rows.length === 0 && file.columns.length === 0) return empty
  const columnProblems = checkColumns(file.columns, NODE_SCHEMA)
  if (columnProblems.length > 0) throw inventoryMessages.invalidImport(file.file, columnProblems)
  return inventory.write(() => {
    const repository = new NodeRepository(inventory)
    const existingUplinks = repository.uplinks()
    const planned = planImport(
      file,
      repository,
      existingUplinks,
      new DivisionRepository(inventory).levelsByCode(),
      inventoryScope(inventory),
      options.update ?? false,
    )
    const result = {...empty}
    const write = !result.dryRun
    // Rows may name an uplink that comes later in the file: check foreign keys at commit, not per row.
    if (write) inventory.deferForeignKeyChecks()
    const now = nowIso()
    for (const {fields, tier, existing} of planned) {
      const node = buildNode(fields, tier, now, existing)
      if (!existing) {
        result.created++
        if (write) repository.create(node, now)
      } else if (changedFields(existing, node).length === 0) {
        result.unchanged++
      } else {
        result.updated++
        if (write) repository.replace(existing, node, now)
      }
    }
    return result
  })
}

function planImport(
  file: ImportFile,
  repository: NodeRepository,
  existingUplinks: Map<string, string | null>,
  divisionLevels: ReturnType<DivisionRepository['levelsByCode']>,
  scope: Scope,
  update: boolean,
): PlannedRow[] {
  const problems: FieldProblem[] = []
  const conflicts: {row: number; id: string}[] = []
  const planned: PlannedRow[] = []
  const rowOfId = new Map<string, number>()
  const stored = update ? storedNodesNamedIn(file, repository, existingUplinks) : new Map<string, ExtranetNode>()
  file.rows.forEach((raw, index) => {
    const row = index + 1
    const id = typeof raw.id === 'string' ? raw.id.trim() : undefined
    const exists = id !== undefined && existingUplinks.has(id)
    const existing = exists ? stored.get(id) : undefined
    const {record: fields, problems: fieldProblems} = parseRecord(
      NODE_SCHEMA,
      existing ? {...nodeToFields(existing), ...raw} : raw,
      row,
    )
    if (id !== undefined && !rowOfId.has(id)) rowOfId.set(id, row)
    else if (id !== undefined) fieldProblems.push({row, field: 'id', message: msg.duplicateId(id, rowOfId.get(id)!)})
    if (!fields || fieldProblems.length > 0) {
      problems.push(...fieldProblems)
      return
    }
    if (exists && !update) conflicts.push({row, id: fields.id})
    const outside = nodeScopeProblem({id: fields.id, division: fields.division}, scope, row)
    if (outside) {
      problems.push(outside)
      return
    }
    const placed = placeNode(fields, divisionLevels.get(fields.division), row)
    problems.push(...placed.problems)
    if (placed.tier) planned.push({row, fields, tier: placed.tier, existing})
  })

  const uplinkInFile = new Map(planned.map((p) => [p.fields.id, p.fields.uplink ?? null]))
  for (const {row, fields} of planned) {
    const uplink = fields.uplink
    if (uplink !== undefined && !rowOfId.has(uplink) && !existingUplinks.has(uplink)) {
      problems.push({row, field: 'uplink', message: msg.unknownUplink(uplink)})
    }
  }
  const uplinkOf = (id: string) => {
    const inFile = uplinkInFile.get(id)
    return inFile !== undefined ? inFile : existingUplinks.get(id)
  }
  for (const cycle of findUplinkCycles(uplinkInFile.keys(), uplinkOf)) {
    const rows = cycle.filter((id) => uplinkInFile.has(id)).map((id) => rowOfId.get(id)!)
    problems.push(uplinkCycleProblem(cycle, rows.length > 0 ? Math.min(...rows) : undefined))
  }

  if (problems.length > 0)
    throw inventoryMessages.invalidImport(
      file.file,
      problems.sort((a, b) => (a.row ?? 0) - (b.row ?? 0)),
    )
  if (conflicts.length > 0) throw msg.importedNodesExist(file.file, conflicts)
  return planned
}

/** With --update: the stored records of the ids the file names, in one query. */
function storedNodesNamedIn(
  file: ImportFile,
  repository: NodeRepository,
  existingUplinks: Map<string, string | null>,
): Map<string, ExtranetNode> {
  const ids = file.rows
    .map((raw) => (typeof raw.id === 'string' ? raw.id.trim() : undefined))
    .filter((id): id is string => id !== undefined && existingUplinks.has(id))
  return new Map(ids.length === 0 ? [] : repository.list({ids}).map((node) => [node.id, node]))
}
