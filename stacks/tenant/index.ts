/**
 * The tenant stack: one GovTenant per stack. `tenantProgram` is the inline program the Automation
 * API runs (src/provision); its return value becomes the stack outputs.
 */
import {GovTenant} from './component'
import {GovTenantArgs} from './plan'

export {GOV_TENANT_TYPE, GovTenant} from './component'
export type {QuotaOutput, RuleSetSummary} from './component'
export type {GovTenantArgs, OpenStackSettings} from './plan'

/** The inline program: the Automation API awaits its result, so it returns a promise of the outputs. */
export function tenantProgram(args: GovTenantArgs) {
  return () => {
    const tenant = new GovTenant(args.tenant.id, args)
    const common = {networks: tenant.networks, quota: tenant.quota, ruleSet: tenant.ruleSet}
    return Promise.resolve(
      args.target === 'openstack' ? {...common, projectId: tenant.projectId, keyOrderRef: tenant.keyOrderRef} : common,
    )
  }
}
