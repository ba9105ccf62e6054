import {PreflightFinding, Target} from '../domain/preflight'
import type {Inventory} from '../inventory/db'
import {checkTenant, TenantCheckResult, TenantRepository} from '../inventory/tenants'
import {preflightTenant} from './context'

export interface TenantReadiness extends TenantCheckResult {
  /** The provisioning pre-flight (region, rating, pool room, capacity, baseline) for `target`; no engine involved. */
  preflight: {target: Target; ok: boolean; findings: PreflightFinding[]}
}

/**
 * `govnet tenant check`: the record against its level's baseline, then the same pre-flight that
 * `tenant preview | up` run before anything is created. Passed only when both pass.
 */
export function checkTenantReadiness(
  inventory: Inventory,
  id: string,
  options: {today?: string; target: Target},
): TenantReadiness {
  const record = checkTenant(inventory, id, {today: options.today})
  const tenant = new TenantRepository(inventory).require(id)
  const preflight = preflightTenant(inventory, tenant, options.target)
  return {
    ...record,
    passed: record.passed && preflight.ok,
    preflight: {target: options.target, ok: preflight.ok, findings: preflight.findings},
  }
}
