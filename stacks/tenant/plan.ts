import {Target} from '../../src/domain/preflight'
import {RegionFields} from '../../src/domain/regions'
import {StackTenant, TenantPlan} from '../../src/domain/tenant-plan'

/**
 * What the tenant program is built from: the plan the driver made (pre-flight passed, subnets,
 * quota, rules and control settings derived), plus where the ledger resources are kept. The stack
 * never re-plans and never reads the inventory itself.
 */
export interface GovTenantArgs {
  tenant: StackTenant
  region: RegionFields
  plan: TenantPlan
  target: Target
  /** The inventory that the ledger providers write allocations, quota and rules to. */
  inventoryPath: string
  /** Who runs the operation, for the inventory's change log. */
  actor?: string
  openstack?: OpenStackSettings
}

export interface OpenStackSettings {
  /** Keystone role given to the department's admin group (default "admin"). */
  adminRole?: string
  /** Keystone group of the department's administrators (default "<USCC>-admins"). */
  adminGroup?: string
}
