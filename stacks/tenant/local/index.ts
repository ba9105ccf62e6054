/**
 * The `local` target, the embedded default: everything lives in the inventory, through dynamic
 * providers — one subnet per zone carved from the region's pools, the quota reserved against the
 * region's capacity, and the rendered rules with the control settings recorded for audit. The
 * `openstack` target builds the same three first: the inventory is the IPAM and capacity ledger
 * of every target.
 */
import * as pulumi from '@pulumi/pulumi'

import {TenantPlan} from '../../../src/domain/tenant-plan'
import {GovTenantArgs} from '../plan'
import {QuotaReservation, RuleSetRecord, ZoneSubnet} from './providers'

export interface InventoryResources {
  subnets: ZoneSubnet[]
  quota: QuotaReservation
  ruleSet: RuleSetRecord
  /** Zone subnets as allocated, in zone order. */
  networks: pulumi.Output<Array<{zone: string; cidr: string}>>
}

export function buildInventoryResources(
  parent: pulumi.Resource,
  name: string,
  args: GovTenantArgs,
  plan: TenantPlan,
): InventoryResources {
  const common = {inventoryPath: args.inventoryPath, actor: args.actor ?? 'govnet', tenantId: args.tenant.id}
  // One after another, in the plan's zone order: first-fit then places them exactly as the
  // pre-flight planned (AllocationRepository.planSubnets). Created in parallel, they would take the
  // free blocks in whatever order the engine ran them, and `tenant check` could not say which.
  const subnets: ZoneSubnet[] = []
  for (const request of plan.zones) {
    const previous = subnets.at(-1)
    subnets.push(
      new ZoneSubnet(
        `${name}-${request.zone}`,
        {...common, regionId: args.region.id, zone: request.zone, prefix: request.prefix, within: args.tenant.cidr},
        {parent, dependsOn: previous ? [previous] : []},
      ),
    )
  }
  const networks = pulumi
    .all(subnets.map((s) => pulumi.all([s.zone, s.cidr])))
    .apply((pairs) => pairs.map(([zone, cidr]) => ({zone, cidr})))
  const quota = new QuotaReservation(
    `${name}-quota`,
    {
      ...common,
      regionId: args.region.id,
      vcpu: args.tenant.quotaVcpu,
      ramGib: args.tenant.quotaRamGib,
      storageGib: args.tenant.quotaStorageGib,
    },
    {parent},
  )
  const ruleSet = new RuleSetRecord(
    `${name}-rules`,
    {
      ...common,
      mlpsLevel: args.tenant.mlpsLevel,
      defaultAction: plan.ruleSet.defaultAction,
      rules: plan.ruleSet.rules,
      controls: plan.controls,
      zoneSubnets: networks,
    },
    {parent},
  )
  return {subnets, quota, ruleSet, networks}
}
