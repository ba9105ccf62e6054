import {BaselineControl} from '../../src/domain/mlps'
import {failedFindings, OtherTenantsUsage, preflight, PreflightTenant, Target} from '../../src/domain/preflight'
import {RegionFields} from '../../src/domain/regions'
import {renderRules, RuleSet} from '../../src/domain/rules'
import {StackBaseline} from '../../src/domain/stack-baseline'
import {TenantFields} from '../../src/domain/tenants'
import {ZoneRequest, zoneRequests} from '../../src/domain/zones'
import * as msg from '../../src/messages/provision'

/** The tenant as the stack needs it: its record, plus `classified` for callers that can say so. */
export type StackTenant = PreflightTenant & Pick<TenantFields, 'name' | 'departmentName' | 'departmentUscc'>

export interface GovTenantArgs {
  tenant: StackTenant
  region: RegionFields
  /** Baseline controls (those of the tenant's level are used). */
  controls: readonly BaselineControl[]
  /** What the region's other tenants hold (from the inventory), so the pre-flight can refuse early. */
  usage?: OtherTenantsUsage
  target: Target
  /** The inventory that the dynamic providers write allocations, quota and rules to. */
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

/** Control settings recorded with the rule set and checked by the policy pack. */
export interface ControlSettings {
  mlpsLevel: number
  regionId: string
  regionRating: number
  zones: string[]
  managementPorts: number[]
  forbiddenSources: string[]
  logRetentionDays: number
  extranetOnlyIngress: boolean
  extranetRanges: string[]
  encryptedVolumes: boolean
  encryptionAlgorithm: string | null
  tenantHeldKey: boolean
  controlIds: string[]
}

export interface TenantPlan {
  baseline: StackBaseline
  zones: ZoneRequest[]
  ruleSet: RuleSet
  controls: ControlSettings
}

/** Run the pre-flight and derive everything the stack builds. Throws the pre-flight's failure (nothing gets created). */
export function planTenant(args: GovTenantArgs): TenantPlan {
  const result = preflight(args.tenant, args.region, args.controls, {usage: args.usage, target: args.target})
  if (!result.ok || !result.baseline) {
    throw msg.preflightFailed(args.tenant.id, failedFindings(result))
  }
  const baseline = result.baseline
  const ruleSet = renderRules({
    zones: baseline.zones,
    managementPorts: baseline.managementPorts,
    extranetOnlyIngress: baseline.extranetOnlyIngress,
    exposure: args.tenant.exposure,
    extranetRanges: args.region.extranetRanges,
  })
  return {
    baseline,
    zones: zoneRequests(baseline.zones, args.tenant.cidr),
    ruleSet,
    controls: {
      mlpsLevel: args.tenant.mlpsLevel,
      regionId: args.region.id,
      regionRating: args.region.maxMlpsLevel,
      zones: baseline.zones,
      managementPorts: baseline.managementPorts,
      forbiddenSources: baseline.forbiddenSources,
      logRetentionDays: baseline.logRetentionDays,
      extranetOnlyIngress: baseline.extranetOnlyIngress,
      extranetRanges: args.region.extranetRanges,
      encryptedVolumes: baseline.encryptedVolumes,
      encryptionAlgorithm: baseline.encryptionAlgorithm,
      tenantHeldKey: baseline.tenantHeldKey,
      controlIds: baseline.controlIds,
    },
  }
}
