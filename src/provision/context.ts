import {preflight, PreflightResult, Target} from '../domain/preflight'
import {TenantPlanInput} from '../domain/tenant-plan'
import {Tenant} from '../domain/tenants'
import {AllocationRepository} from '../inventory/allocations'
import {BaselineRepository} from '../inventory/baselines'
import {Inventory} from '../inventory/db'
import {RegionRepository} from '../inventory/regions'

/**
 * The region and baseline pre-flight of a stored tenant, as `tenant check` shows it next to the
 * record checks. preview and up run the same pre-flight once, inside planTenant (src/domain/tenant-plan.ts).
 */
export function preflightTenant(inventory: Inventory, tenant: Tenant, target: Target = 'local'): PreflightResult {
  const input = planInput(inventory, tenant, target)
  return preflight(input.tenant, input.region, input.controls, {usage: input.usage, target})
}

/** What a tenant's plan is made from, read from the inventory before the engine starts. */
export function planInput(inventory: Inventory, tenant: Tenant, target: Target): TenantPlanInput {
  const region = new RegionRepository(inventory).get(tenant.region)
  return {
    tenant,
    region,
    controls: new BaselineRepository(inventory).controls(),
    usage: region ? new AllocationRepository(inventory).otherTenantsUsage(region.id, tenant.id) : undefined,
    target,
  }
}
