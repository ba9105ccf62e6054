import {checkColumns} from '../domain/fields'
import {tenantScopeProblem} from '../domain/scope'
import {NetworkClaim, NetworkClaims, parseTenant, TENANT_SCHEMA, TenantFields} from '../domain/tenants'
import {FieldProblem} from '../errors'
import {Inventory} from '../inventory/db'
import {inventoryScope} from '../inventory/scope'
import {TenantRepository} from '../inventory/tenants'
import {inventoryMessages, tenantMessages as msg} from '../messages'
import type {ImportFile, ImportResult} from './file'

/**
 * Import tenants from a CSV or JSON file, all or nothing: every problem of every row (a department
 * registered outside a scoped inventory's scope included) is reported
 * (exit 3), ids that exist already are a conflict (exit 5) unless `update`, and with `dryRun`
 * nothing is written. Unchanged rows write and log nothing.
 */
export function importTenants(
  inventory: Inventory,
  file: ImportFile,
  options: {update?: boolean; dryRun?: boolean} = {},
): ImportResult {
  const columnProblems = checkColumns(file.columns, TENANT_SCHEMA)
  if (columnProblems.length > 0) throw inventoryMessages.invalidImport(file.file, columnProblems)

  const problems: FieldProblem[] = []
  const valid: {row: number; tenant: TenantFields}[] = []
  const firstRowOf = new Map<string, number>()
  const scope = inventoryScope(inventory)
  const repository = new TenantRepository(inventory)
  const regions = repository.knownRegions()
  file.rows.forEach((raw, index) => {
    const row = index + 1
    const {tenant, problems: rowProblems} = parseTenant(raw, regions, row)
    problems.push(...rowProblems)
    if (!tenant) return
    const outside = tenantScopeProblem({id: tenant.id, uscc: tenant.departmentUscc}, scope, row)
    if (outside) {
      problems.push(outside)
      return
    }
    const first = firstRowOf.get(tenant.id)
    if (first !== undefined) {
      problems.push({row, field: 'id', message: msg.duplicateId(tenant.id, first)})
      return
    }
    firstRowOf.set(tenant.id, row)
    valid.push({row, tenant})
  })
  problems.push(...overlapProblems(valid, repository.networkClaims()))
  if (problems.length > 0) throw inventoryMessages.invalidImport(file.file, problems)

  const update = options.update ?? false
  const plan = options.dryRun
    ? repository.planImport(file.file, valid, update)
    : inventory.write(() => {
        const planned = repository.planImport(file.file, valid, update)
        repository.applyImport(planned)
        return planned
      })
  return {
    file: file.file,
    dryRun: options.dryRun ?? false,
    created: plan.creates.length,
    updated: plan.updates.length,
    unchanged: plan.unchanged,
  }
}

/**
 * Blocks of the file's rows that overlap a block in the same region: of a stored tenant the file
 * does not replace, or of an earlier row.
 */
function overlapProblems(
  rows: ReadonlyArray<{row: number; tenant: TenantFields}>,
  stored: readonly NetworkClaim[],
): FieldProblem[] {
  const inFile = new Set(rows.map((r) => r.tenant.id))
  const claims = new NetworkClaims(stored.filter((claim) => !inFile.has(claim.id)))
  const problems: FieldProblem[] = []
  for (const {row, tenant} of rows) {
    const problem = claims.problem(tenant, row)
    if (problem) problems.push(problem)
    else claims.add(tenant)
  }
  return problems
}
