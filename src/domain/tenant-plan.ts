import {BaselineControl} from './mlps'
import {failedFindings, OtherTenantsUsage, preflight, PreflightTenant, SubnetPlacement, Target} from './preflight'
import {RegionFields} from './regions'
import {renderRules, RuleSet} from './rules'
import {StackBaseline} from './stack-baseline'
import {TenantFields} from './tenants'
import {ZoneRequest, zoneRequests} from './zones'
import * as msg from '../messages/provision'

/** The tenant as the stack needs it: its record, plus `classified` for callers that can say so. */
export type StackTenant = PreflightTenant & Pick<TenantFields, 'name' | 'departmentName' | 'departmentUscc'>

/** What a tenant's plan is made from: its record, its region, the baseline, and what the region's other tenants hold. */
export interface TenantPlanInput {
  tenant: StackTenant
  /** Undefined when the tenant names a region the inventory does not have: the pre-flight says so. */
  region: RegionFields | undefined
  /** Baseline controls (those of the tenant's level are used). */
  controls: readonly BaselineControl[]
  /** What the region's other tenants hold (from the inventory), so the pre-flight can refuse early. */
  usage?: OtherTenantsUsage
  /** Where the zone subnets go (the inventory's allocator, run without writing); see PreflightOptions. */
  placement?: SubnetPlacement
  target: Target
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

/**
 * Run the pre-flight and derive everything the stack builds: the one place the pre-flight of an
 * operation runs. Throws the pre-flight's failure, before any engine starts (nothing gets created).
 */
export function planTenant(args: TenantPlanInput): TenantPlan {
  const region = args.region
  const result = preflight(args.tenant, region, args.controls, {
    usage: args.usage,
    target: args.target,
    placement: args.placement,
  })
  if (!result.ok || !result.baseline || !region) {
    throw msg.preflightFailed(args.tenant.id, failedFindings(result))
  }
  const baseline = result.baseline
  const ruleSet = renderRules({
    zones: baseline.zones,
    managementPorts: baseline.managementPorts,
    extranetOnlyIngress: baseline.extranetOnlyIngress,
    exposure: args.tenant.exposure,
    extranetRanges: region.extranetRanges,
  })
  return {
    baseline,
    zones: zoneRequests(baseline.zones, args.tenant.cidr),
    ruleSet,
    controls: {
      mlpsLevel: args.tenant.mlpsLevel,
      regionId: region.id,
      regionRating: region.maxMlpsLevel,
      zones: baseline.zones,
      managementPorts: baseline.managementPorts,
      forbiddenSources: baseline.forbiddenSources,
      logRetentionDays: baseline.logRetentionDays,
      extranetOnlyIngress: baseline.extranetOnlyIngress,
      extranetRanges: region.extranetRanges,
      encryptedVolumes: baseline.encryptedVolumes,
      encryptionAlgorithm: baseline.encryptionAlgorithm,
      tenantHeldKey: baseline.tenantHeldKey,
      controlIds: baseline.controlIds,
    },
  }
}
