/**
 * The MLPS 2.0 policy pack's policies, one exported const each. They check the resources of both
 * targets against the baseline, read through the same function the stack uses (stackBaseline over
 * inventory/baselines), so no number is repeated here:
 *   local      the inventory resources (govnet ZoneSubnet, RuleSetRecord) carry level, rules and controls;
 *   openstack  the Keystone project's tags carry level, rating and log retention; security group
 *              rules, subnets, the Barbican order and the volume type are checked against them.
 */
import type {
  PolicyResource,
  ReportViolation,
  ResourceValidationArgs,
  ResourceValidationPolicy,
  StackValidationArgs,
  StackValidationPolicy,
} from '@pulumi/policy'

import {BaselineControl, controlsByLevel} from '../../src/domain/mlps'
import {
  admitsOutsideExtranet,
  exposedManagementPorts,
  peerZoneOf,
  Protocol,
  RuleView,
  SecurityRule,
  viewOf,
} from '../../src/domain/rules'
import {StackBaseline, stackBaseline} from '../../src/domain/stack-baseline'
import {HOSTED_LEVELS} from '../../src/domain/tenants'
import {readBaselineDocuments} from '../../src/baseline-files'
import * as msg from '../../src/messages/provision'
import {QUOTA_RESERVATION_TYPE, RULE_SET_TYPE, TENANT_MANIFEST_TYPE, ZONE_SUBNET_TYPE} from '../tenant/local/providers'
import {ENCRYPTION_SPEC, PROJECT_TAG, tagValue} from '../tenant/openstack'
import type {ControlSettings} from '../../src/domain/tenant-plan'

export const OPENSTACK = {
  project: 'openstack:identity/project:Project',
  subnet: 'openstack:networking/subnet:Subnet',
  secGroupRule: 'openstack:networking/secGroupRule:SecGroupRule',
  keyOrder: 'openstack:keymanager/orderV1:OrderV1',
  volumeType: 'openstack:blockstorage/volumeTypeV3:VolumeTypeV3',
} as const

export {QUOTA_RESERVATION_TYPE, RULE_SET_TYPE, TENANT_MANIFEST_TYPE, ZONE_SUBNET_TYPE}

let controls: BaselineControl[] | undefined

/** The baseline as the stack reads it, for one level (the data files are read once per process). */
export function baselineFor(level: number): StackBaseline | undefined {
  controls ??= readBaselineDocuments().documents.flatMap(controlsByLevel)
  return stackBaseline(level, controls).baseline
}

/** Ports that are management ports at any hosted level (a cloud rule does not carry its tenant's level). */
function anyLevelManagementPorts(): number[] {
  return [...new Set(HOSTED_LEVELS.flatMap((level) => baselineFor(level)?.managementPorts ?? []))]
}

/*
 * What the policies read of each resource's properties. The engine hands them untyped and, in a preview,
 * possibly incomplete (unknown values are absent): every field the stack may not have set is optional.
 */
interface RuleSetProps {
  tenantId: string
  mlpsLevel: number
  rules?: SecurityRule[]
  controls?: Partial<ControlSettings>
}
/** A tenant manifest (stacks/tenant/local/providers.ts): the plan, with the rule set's level, rules and controls. */
interface ManifestProps extends RuleSetProps {
  zones?: Array<{zone: string}>
}
/** Resources that carry a tenant's level, rules and control settings: the manifest (the plan) and the local rule set. */
const carriesRules = (type: string) => type === RULE_SET_TYPE || type === TENANT_MANIFEST_TYPE
interface ZoneSubnetProps {
  tenantId: string
  zone: string
}
interface OpenStackRuleProps {
  direction: RuleView['direction']
  protocol?: Protocol
  portRangeMin?: number
  portRangeMax?: number
  remoteIpPrefix?: string
  description?: string
}
interface TaggedProps {
  tags?: string[]
}
interface KeyOrderProps {
  type?: string
}
interface VolumeTypeProps {
  extraSpecs?: Record<string, string>
}

function openstackRuleView(props: OpenStackRuleProps): RuleView {
  const zone = props.remoteIpPrefix ? undefined : peerZoneOf(props.description)
  const from = props.portRangeMin
  return {
    direction: props.direction,
    protocol: props.protocol ?? 'any',
    ports: from === undefined ? null : {from, to: props.portRangeMax ?? from},
    cidr: props.remoteIpPrefix,
    fromManagementZone: zone === 'management',
    fromTenantZone: zone !== undefined,
  }
}

const sourceOf = (view: RuleView, description?: string) =>
  view.cidr ?? (peerZoneOf(description) ? `zone ${peerZoneOf(description)}` : 'any source')
const ruleSource = (rule: SecurityRule) => ('zone' in rule.peer ? `zone ${rule.peer.zone}` : rule.peer.cidr)
/** The ingress rules of a local rule set or a tenant manifest, as the policies judge them. */
const ingressOf = (rules: readonly SecurityRule[] | undefined) =>
  (rules ?? []).filter((r) => r.direction === 'ingress').map((r) => ({view: viewOf(r), source: ruleSource(r)}))
const levelOfProject = (props: TaggedProps) => Number(tagValue(props.tags, PROJECT_TAG.level))

/** A numeric control setting with the tenant's level, from a local rule set's controls or an OpenStack project's tags (0 when absent). */
function recordedSetting(
  args: ResourceValidationArgs,
  control: 'logRetentionDays' | 'regionRating',
  tagKey: string,
): {level: number; value: number} | undefined {
  if (carriesRules(args.type)) {
    const props = args.props as RuleSetProps
    return {level: props.mlpsLevel, value: props.controls?.[control] ?? 0}
  }
  if (args.type === OPENSTACK.project) {
    const props = args.props as TaggedProps
    return {level: levelOfProject(props), value: Number(tagValue(props.tags, tagKey) ?? 0)}
  }
  return undefined
}

// ---- Resource policies ----

export const noOpenManagementPorts: ResourceValidationPolicy = {
  name: 'no-open-management-ports',
  description:
    'Management ports (baseline control management-ports) are reachable only from the management zone (bastion), never from an address range such as 0.0.0.0/0 or ::/0.',
  enforcementLevel: 'mandatory',
  validateResource: (args: ResourceValidationArgs, report: ReportViolation) => {
    if (carriesRules(args.type)) {
      const props = args.props as RuleSetProps
      const ports = baselineFor(props.mlpsLevel)?.managementPorts ?? anyLevelManagementPorts()
      for (const rule of props.rules ?? []) {
        const exposed = exposedManagementPorts(viewOf(rule), ports)
        if (exposed.length > 0) report(msg.policyManagementPortOpen(exposed, ruleSource(rule)))
      }
    } else if (args.type === OPENSTACK.secGroupRule) {
      const props = args.props as OpenStackRuleProps
      const view = openstackRuleView(props)
      const exposed = exposedManagementPorts(view, anyLevelManagementPorts())
      if (exposed.length > 0) report(msg.policyManagementPortOpen(exposed, sourceOf(view, props.description)))
    }
  },
}

export const logRetention: ResourceValidationPolicy = {
  name: 'log-retention',
  description:
    'Network and audit logs are kept at least as long as the baseline requires (control log-retention, Cybersecurity Law art. 21).',
  enforcementLevel: 'mandatory',
  validateResource: (args: ResourceValidationArgs, report: ReportViolation) => {
    const recorded = recordedSetting(args, 'logRetentionDays', PROJECT_TAG.logRetentionDays)
    const minDays = recorded && baselineFor(recorded.level)?.logRetentionDays
    if (recorded && minDays !== undefined && !(recorded.value >= minDays))
      report(msg.policyLogRetention(recorded.value, minDays))
  },
}

export const platformRating: ResourceValidationPolicy = {
  name: 'platform-rating',
  description: 'A tenant is never placed in a region rated below its level (control platform-rating).',
  enforcementLevel: 'mandatory',
  validateResource: (args: ResourceValidationArgs, report: ReportViolation) => {
    const recorded = recordedSetting(args, 'regionRating', PROJECT_TAG.regionRating)
    if (!recorded) return
    const minimum = baselineFor(recorded.level)?.minPlatformLevel ?? recorded.level
    if (!(recorded.value >= minimum)) report(msg.policyAboveRating(recorded.level, recorded.value))
  },
}

// ---- Stack policies ----

/** Each tenant in the stack with its level and the resources that belong to it. */
interface TenantView {
  level: number
  /** The resource a stack violation is reported on. */
  anchor: Pick<PolicyResource, 'urn'>
  zones: string[]
  ingress: Array<{view: RuleView; source: string}>
  ruleSet?: RuleSetProps
  keyOrders: PolicyResource[]
  encryptedVolumeTypes: PolicyResource[]
  extranetRanges?: string[]
}

function tenantsOf(resources: readonly PolicyResource[]): TenantView[] {
  const views: TenantView[] = []
  const ofType = (type: string) => resources.filter((r) => r.type === type)
  for (const ruleSet of ofType(RULE_SET_TYPE)) {
    const props = ruleSet.props as RuleSetProps
    views.push({
      level: props.mlpsLevel,
      anchor: ruleSet,
      zones: ofType(ZONE_SUBNET_TYPE)
        .map((s) => s.props as ZoneSubnetProps)
        .filter((s) => s.tenantId === props.tenantId)
        .map((s) => s.zone),
      ingress: ingressOf(props.rules),
      ruleSet: props,
      keyOrders: [],
      encryptedVolumeTypes: [],
      extranetRanges: props.controls?.extranetRanges,
    })
  }
  // One Keystone project per stack: the cloud resources of the stack are the project's.
  for (const project of ofType(OPENSTACK.project)) {
    views.push({
      level: levelOfProject(project.props as TaggedProps),
      anchor: project,
      zones: ofType(OPENSTACK.subnet)
        .map((s) => tagValue((s.props as TaggedProps).tags, 'zone'))
        .filter((z): z is string => z !== undefined),
      ingress: ofType(OPENSTACK.secGroupRule)
        .map((r) => r.props as OpenStackRuleProps)
        .filter((props) => props.direction === 'ingress')
        .map((props) => {
          const view = openstackRuleView(props)
          return {view, source: sourceOf(view, props.description)}
        }),
      keyOrders: ofType(OPENSTACK.keyOrder).filter((o) => (o.props as KeyOrderProps).type === 'key'),
      encryptedVolumeTypes: ofType(OPENSTACK.volumeType).filter((v) =>
        Boolean((v.props as VolumeTypeProps).extraSpecs?.[ENCRYPTION_SPEC.provider]),
      ),
    })
  }
  return views
}

/** The zones of the tenant's level it does not create (control network-zoning). */
function missingZones(tenant: TenantView): string[] {
  const missing = (baselineFor(tenant.level)?.zones ?? []).filter((zone) => !tenant.zones.includes(zone))
  return missing.length > 0 ? [msg.policyMissingZones(tenant.level, missing)] : []
}

/** What is missing for encryption at rest with a tenant-held key (controls encrypted-storage, tenant-held-keys). */
function storageGaps(tenant: TenantView): string[] {
  const baseline = baselineFor(tenant.level)
  if (!baseline) return []
  const gaps: string[] = []
  if (tenant.ruleSet) {
    const recorded: Partial<ControlSettings> = tenant.ruleSet.controls ?? {}
    if (
      baseline.encryptedVolumes &&
      (!recorded.encryptedVolumes || recorded.encryptionAlgorithm !== baseline.encryptionAlgorithm)
    ) {
      gaps.push(msg.STORAGE_GAPS.recordedEncryption(baseline.encryptionAlgorithm ?? ''))
    }
    if (baseline.tenantHeldKey && !recorded.tenantHeldKey) gaps.push(msg.STORAGE_GAPS.recordedKey)
  } else {
    if (baseline.encryptedVolumes && tenant.encryptedVolumeTypes.length === 0) gaps.push(msg.STORAGE_GAPS.volumeType)
    if (baseline.tenantHeldKey && tenant.keyOrders.length === 0) gaps.push(msg.STORAGE_GAPS.key)
  }
  return gaps.length > 0 ? [msg.policyUnencryptedStorage(tenant.level, gaps.join('; '))] : []
}

/** Ingress from outside the region's extranet ranges, where the level allows none (control default-deny-ingress). */
function ingressOutsideExtranet(tenant: TenantView, configured: string[] | undefined): string[] {
  if (!baselineFor(tenant.level)?.extranetOnlyIngress) return []
  const ranges = tenant.extranetRanges ?? configured ?? []
  return tenant.ingress
    .filter(({view}) => admitsOutsideExtranet(view, ranges))
    .map(({source}) => msg.policyIngressOutsideExtranet(tenant.level, source))
}

/** A stack policy that reports `check` for every tenant of the stack, on the tenant's anchor resource. */
function perTenant(check: (tenant: TenantView, args: StackValidationArgs) => string[]) {
  return (args: StackValidationArgs, report: ReportViolation) => {
    for (const tenant of tenantsOf(args.resources))
      for (const violation of check(tenant, args)) report(violation, tenant.anchor.urn)
  }
}

export const requiredZones: StackValidationPolicy = {
  name: 'required-zones',
  description:
    "Every zone of the tenant's level (control network-zoning) has its subnet: service and management at levels 1–2; web, app, data and management from level 3.",
  enforcementLevel: 'mandatory',
  validateStack: perTenant(missingZones),
}

export const encryptedStorage: StackValidationPolicy = {
  name: 'encrypted-storage',
  description:
    'Where the baseline asks for it (level 3+: controls encrypted-storage and tenant-held-keys), volumes are encrypted at rest with a key the tenant holds.',
  enforcementLevel: 'mandatory',
  validateStack: perTenant(storageGaps),
}

export interface ExtranetOnlyIngressConfig {
  /** The region's extranet ranges, for cloud rules (the local rule set records its own). */
  extranetRanges: string[]
}

export const extranetOnlyIngress: StackValidationPolicy = {
  name: 'extranet-only-ingress',
  description:
    "Where the baseline asks for it (level 3+: control default-deny-ingress), traffic from outside the tenant enters only from the region's extranet ranges.",
  enforcementLevel: 'mandatory',
  configSchema: {
    properties: {extranetRanges: {type: 'array', items: {type: 'string'}, default: []}},
  },
  validateStack: perTenant((tenant, args) =>
    ingressOutsideExtranet(tenant, args.getConfig<Partial<ExtranetOnlyIngressConfig>>().extranetRanges),
  ),
}

/**
 * The stack policies' checks (zones, encryption at rest, extranet-only ingress) on the tenant's
 * manifest — its plan — when it is registered, before anything else of the stack is: a refused plan
 * creates nothing, in the single engine run of `tenant up`. The stack policies check the same again
 * on the resources as built, at the end of the update.
 */
export const plannedTenant: ResourceValidationPolicy = {
  name: 'tenant-plan',
  description:
    "Before anything is created, the tenant's plan (its manifest) has every zone of its level, encryption at rest with a tenant-held key where required, and ingress only from the extranet ranges where required.",
  enforcementLevel: 'mandatory',
  validateResource: (args: ResourceValidationArgs, report: ReportViolation) => {
    if (args.type !== TENANT_MANIFEST_TYPE) return
    const props = args.props as ManifestProps
    const tenant: TenantView = {
      level: props.mlpsLevel,
      anchor: {urn: args.urn},
      zones: (props.zones ?? []).map((z) => z.zone),
      ingress: ingressOf(props.rules),
      ruleSet: props,
      keyOrders: [],
      encryptedVolumeTypes: [],
      extranetRanges: props.controls?.extranetRanges,
    }
    for (const violation of [...missingZones(tenant), ...storageGaps(tenant), ...ingressOutsideExtranet(tenant, [])])
      report(violation)
  },
}

export const POLICIES = [
  plannedTenant,
  noOpenManagementPorts,
  logRetention,
  platformRating,
  requiredZones,
  encryptedStorage,
  extranetOnlyIngress,
]
