import {Tenant} from '../domain/tenants'
import type {Inventory} from '../inventory/db'
import {ProvisioningRecord, ProvisioningRepository} from '../inventory/provisioning'
import {TenantRepository} from '../inventory/tenants'

/** A tenant record with its last provisioning operation (null before the first preview/up/destroy/refresh). */
export type TenantDetails = Tenant & {provisioning: ProvisioningRecord | null}

export function showTenant(inventory: Inventory, id: string): TenantDetails {
  const tenant = new TenantRepository(inventory).require(id)
  return {...tenant, provisioning: new ProvisioningRepository(inventory).get(id) ?? null}
}
