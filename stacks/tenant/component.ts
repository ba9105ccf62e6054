import * as pulumi from '@pulumi/pulumi'

import {buildInventoryResources} from './local'
import {buildOpenStackResources} from './openstack'
import {GovTenantArgs} from './plan'

export const GOV_TENANT_TYPE = 'govnet:tenant:GovTenant'

export interface QuotaOutput {
  vcpu: number
  ramGib: number
  storageGib: number
}

export interface RuleSetSummary {
  level: number
  defaultAction: 'deny'
  rules: number
  zones: string[]
}

/**
 * A government department's cloud tenant, built from its inventory record and the plan of its
 * level's baseline (src/domain/tenant-plan.ts): the plan exists only when the pre-flight passed,
 * so a tenant that cannot be compliant never reaches the component.
 */
export class GovTenant extends pulumi.ComponentResource {
  /** Zone subnets as allocated. */
  public readonly networks: pulumi.Output<Array<{zone: string; cidr: string}>>
  public readonly quota: pulumi.Output<QuotaOutput>
  public readonly ruleSet: pulumi.Output<RuleSetSummary>
  /** Keystone project id (openstack target only). */
  public readonly projectId: pulumi.Output<string | undefined>
  /** Barbican order of the tenant-held key (openstack target, when the baseline asks for it). A reference, not the key. */
  public readonly keyOrderRef: pulumi.Output<string | undefined>

  constructor(name: string, args: GovTenantArgs, opts?: pulumi.ComponentResourceOptions) {
    super(GOV_TENANT_TYPE, name, {}, opts)
    const plan = args.plan
    const inventory = buildInventoryResources(this, name, args, plan)
    const cloud =
      args.target === 'openstack' ? buildOpenStackResources(this, name, args, plan, inventory.networks) : undefined
    this.networks = inventory.networks
    this.quota = pulumi
      .all([inventory.quota.vcpu, inventory.quota.ramGib, inventory.quota.storageGib])
      .apply(([vcpu, ramGib, storageGib]) => ({vcpu, ramGib, storageGib}))
    this.ruleSet = inventory.ruleSet.mlpsLevel.apply((level) => ({
      level,
      defaultAction: plan.ruleSet.defaultAction,
      rules: plan.ruleSet.rules.length,
      zones: plan.baseline.zones,
    }))
    this.projectId = cloud ? cloud.project.id : pulumi.output(undefined)
    this.keyOrderRef = cloud?.keyOrder ? cloud.keyOrder.orderRef : pulumi.output(undefined)
    this.registerOutputs({
      networks: this.networks,
      quota: this.quota,
      ruleSet: this.ruleSet,
      projectId: this.projectId,
      keyOrderRef: this.keyOrderRef,
    })
  }
}
