/**
 * The tenant stack: one GovTenant per stack. `tenantProgram` is the inline program the Automation
 * API runs (src/provision); its return value becomes the stack outputs.
 */
import {GovTenant} from './component'
import {GovTenantArgs} from './plan'

export {GOV_TENANT_TYPE, GovTenant} from './component'
export type {QuotaOutput, RuleSetSummary} from './component'
export type {GovTenantArgs, OpenStackSettings} from './plan'

export function tenantProgram(args: GovTenantArgs) {
  return async () => {
    const tenant = new GovTenant(args.tenant.id, args)
    const common = {networks: tenant.networks, quota: tenant.quota, ruleSet: tenant.ruleSet}
    return args.target === 'openstack'
      ? {...common, projectId: tenant.projectId, keyOrderRef: tenant.keyOrderRef}
      : common
  }
}
