import {
  NetworkClaim,
  NetworkClaims,
  parseTenant,
  sameTenant,
  Tenant,
  TENANT_SCHEMA,
  TenantFields,
  toInput,
} from '../domain/tenants'
import {tenantScopeProblem} from '../domain/scope'
import {FieldProblem} from '../errors'
import {Inventory} from '../inventory/db'
import {inventoryScope} from '../inventory/scope'
import {ImportPlan, TenantRepository} from '../inventory/tenants'
import {tenantMessages as msg} from '../messages'
import type {ImportFile, ImportResult} from './file'
import {countedResult, ImportOptions, lookupEach, Row, runImport} from './pipeline'

/**
 * Import tenants from a CSV or JSON file through the import pipeline: all or nothing, every problem
 * of every row (an unknown region, a department registered outside a scoped inventory's scope) reported (exit 3), ids that exist already a conflict (exit 5) unless `update`, and
 * with `dryRun` nothing written. The plan refuses blocks that overlap another tenant's in the same
 * region. Unchanged rows write and log nothing.
 */
export function importTenants(inventory: Inventory, file: ImportFile, options: ImportOptions = {}): ImportResult {
  const repository = new TenantRepository(inventory)
  const regions = repository.knownRegions()
  const scope = inventoryScope(inventory)
  const stored = new Map<string, Tenant>()
  return runImport<TenantFields, ImportPlan, ImportResult>(
    inventory,
    file,
    {
      schema: TENANT_SCHEMA,
      key: 'id',
      lookup: lookupEach((id) => repository.get(id), toInput, stored),
      parse: (raw, row) => {
        const {tenant, problems} = parseTenant(raw, regions, row)
        const outside = tenant && tenantScopeProblem({id: tenant.id, uscc: tenant.departmentUscc}, scope, row)
        return outside ? {value: undefined, problems: [...problems, outside]} : {value: tenant, problems}
      },
      keyOf: (tenant) => tenant.id,
      duplicate: msg.duplicateId,
      conflict: msg.importedTenantsExist,
      plan(rows) {
        const plan: ImportPlan = {creates: [], updates: [], unchanged: 0}
        for (const {value} of rows) {
          const current = stored.get(value.id)
          if (!current) plan.creates.push(value)
          else if (sameTenant(current, value)) plan.unchanged++
          else plan.updates.push({current, next: value})
        }
        return {plan, problems: overlapProblems(rows, repository.networkClaims())}
      },
      apply: (plan, meter) => {
        repository.applyImport(plan)
        meter.tick(plan.creates.length + plan.updates.length)
      },
      summary: (plan, dryRun) => countedResult(file.file, plan, dryRun),
    },
    options,
  )
}

/**
 * Blocks of the file's rows that overlap a block in the same region: of a stored tenant the file
 * does not replace, or of an earlier row.
 */
function overlapProblems(rows: readonly Row<TenantFields>[], stored: readonly NetworkClaim[]): FieldProblem[] {
  const inFile = new Set(rows.map((r) => r.value.id))
  const claims = new NetworkClaims(stored.filter((claim) => !inFile.has(claim.id)))
  const problems: FieldProblem[] = []
  for (const {row, value} of rows) {
    const problem = claims.problem(value, row)
    if (problem) problems.push(problem)
    else claims.add(value)
  }
  return problems
}
