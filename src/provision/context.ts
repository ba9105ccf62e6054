import path from 'node:path'

import type {GovTenantArgs} from '../../stacks/tenant/plan'
import {preflight, PreflightResult, Target} from '../domain/preflight'
import {Tenant} from '../domain/tenants'
import {AllocationRepository} from '../inventory/allocations'
import {BaselineRepository} from '../inventory/baselines'
import {Inventory} from '../inventory/db'
import {RegionRepository} from '../inventory/regions'

/**
 * The region and baseline pre-flight of a stored tenant (`tenant check` shows it next to the
 * record checks; preview and up refuse to start when it fails).
 */
export function preflightTenant(inventory: Inventory, tenant: Tenant, target: Target = 'local'): PreflightResult {
  return preflightOf(stackArgs(inventory, tenant, target))
}

/** The pre-flight of what the stack would be built from. */
export function preflightOf(args: StackArgs): PreflightResult {
  return preflight(args.tenant, args.region, args.controls, {usage: args.usage, target: args.target})
}

export type StackArgs = Omit<GovTenantArgs, 'region'> & {region: GovTenantArgs['region'] | undefined}

/** What the program needs, read from the inventory before the engine starts. */
export function stackArgs(inventory: Inventory, tenant: Tenant, target: Target): StackArgs {
  const region = new RegionRepository(inventory).get(tenant.region)
  return {
    tenant,
    region,
    controls: new BaselineRepository(inventory).controls(),
    usage: region ? new AllocationRepository(inventory).otherTenantsUsage(region.id, tenant.id) : undefined,
    target,
    inventoryPath: path.resolve(inventory.path),
    actor: inventory.actor,
  }
}
