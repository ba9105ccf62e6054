/**
 * The tenant stack: one GovTenant per stack. `tenantProgram` is the inline program the Automation
 * API runs (src/provision); its return value becomes the stack outputs.
 */
import {TenantManifestInputs} from '../../src/domain/ledger'
import {GovTenant} from './component'
import {TenantManifest} from './local/providers'
import {GovTenantArgs} from './plan'

export {GOV_TENANT_TYPE, GovTenant} from './component'
export type {QuotaOutput, RuleSetSummary} from './component'
export type {GovTenantArgs, OpenStackSettings} from './plan'

/** The tenant's manifest: what its plan decided (zones, rules, control settings), for the policy pack to check first. */
export function manifestOf(args: GovTenantArgs): TenantManifestInputs {
  return {
    tenantId: args.tenant.id,
    mlpsLevel: args.tenant.mlpsLevel,
    regionId: args.region.id,
    target: args.target,
    zones: args.plan.zones,
    defaultAction: args.plan.ruleSet.defaultAction,
    rules: args.plan.ruleSet.rules,
    controls: args.plan.controls,
  }
}

/**
 * The inline program: the Automation API awaits its result, so it returns a promise of the outputs.
 * The tenant's manifest (its plan) is registered first and the component waits for it, so the policy
 * pack's check of the plan comes before anything is created: `tenant up` needs no preview.
 */
export function tenantProgram(args: GovTenantArgs) {
  return () => {
    const manifest = new TenantManifest(`${args.tenant.id}-manifest`, manifestOf(args))
    const tenant = new GovTenant(args.tenant.id, args, {dependsOn: [manifest]})
    const common = {networks: tenant.networks, quota: tenant.quota, ruleSet: tenant.ruleSet}
    return Promise.resolve(
      args.target === 'openstack' ? {...common, projectId: tenant.projectId, keyOrderRef: tenant.keyOrderRef} : common,
    )
  }
}
