import {PreflightFinding, Target} from '../domain/preflight'
import {ZoneSubnet} from '../domain/zones'
import type {Inventory} from '../inventory/db'
import {judgementDay} from '../domain/calendar'
import {ControlResult, evaluateTenant, failedControls} from '../domain/mlps'
import {HostedLevel, TenantStatus} from '../domain/tenants'
import {BaselineRepository} from '../inventory/baselines'
import {TenantRepository} from '../inventory/tenants'
import {preflightTenant} from './context'

export interface TenantReadiness extends TenantCheckResult {
  /**
   * The provisioning pre-flight (region, rating, pool room, capacity, baseline) for `target`; no
   * engine involved. `subnets`: the zone subnets `up` will allocate (held ones kept), when they fit.
   */
  preflight: {target: Target; ok: boolean; findings: PreflightFinding[]; subnets: ZoneSubnet[] | null}
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
    preflight: {
      target: options.target,
      ok: preflight.ok,
      findings: preflight.findings,
      subnets: preflight.subnets ?? null,
    },
  }
}

/** What `tenant check` reports: every control of the tenant's level with its status and why. */
export interface TenantCheckResult {
  tenant: string
  level: HostedLevel
  status: TenantStatus
  /** The date the check was made for (YYYY-MM-DD). */
  today: string
  passed: boolean
  /** Ids of the controls that failed. */
  failed: string[]
  results: ControlResult[]
}

/**
 * Evaluate one tenant's record against its level's baseline. `today` (YYYY-MM-DD) makes the
 * result reproducible; by default it is the machine's local calendar date.
 */
export function checkTenant(inventory: Inventory, id: string, options: {today?: string} = {}): TenantCheckResult {
  const today = judgementDay(options.today)
  const tenant = new TenantRepository(inventory).require(id)
  const controls = new BaselineRepository(inventory).controls(tenant.mlpsLevel)
  const results = evaluateTenant(tenant, controls, today)
  const failed = failedControls(results).map((r) => r.controlId)
  return {
    tenant: tenant.id,
    level: tenant.mlpsLevel,
    status: tenant.status,
    today,
    passed: failed.length === 0,
    failed,
    results,
  }
}
