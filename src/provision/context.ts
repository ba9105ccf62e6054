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
  return preflight(input.tenant, input.region, input.controls, {usage: input.usage, target, placement: input.placement})
}

/**
 * What a tenant's plan is made from, read from the inventory before the engine starts. The zone
 * subnets are placed by the inventory's allocator without writing, in the order the stack creates
 * them, so the plan (and `tenant check`) shows the subnets `up` allocates.
 */
export function planInput(inventory: Inventory, tenant: Tenant, target: Target): TenantPlanInput {
  const region = new RegionRepository(inventory).get(tenant.region)
  const allocations = new AllocationRepository(inventory)
  return {
    tenant,
    region,
    controls: new BaselineRepository(inventory).controls(),
    usage: region ? allocations.otherTenantsUsage(region.id, tenant.id) : undefined,
    placement: region ? (requests) => allocations.planSubnets(tenant.id, region.id, requests, tenant.cidr) : undefined,
    target,
  }
}
