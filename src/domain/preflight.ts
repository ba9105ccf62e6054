import * as msg from '../messages/provision'
import * as tenantsMessages from '../messages/tenants'
import {BaselineControl} from './mlps'
import {extranetRangesProblem, quotaShortfall, RegionFields} from './regions'
import {StackBaseline, stackBaseline} from './stack-baseline'
import {HOSTED_LEVELS, TenantFields} from './tenants'
import {CidrError} from './cidr'
import {firstOverlap, insideAnyPool, planSubnets, zoneRequests, ZoneRequest, ZoneSubnet} from './zones'

/**
 * The pre-flight of a tenant against its region and its level's baseline: everything that can be
 * decided from the inventory alone, before the engine runs and before anything is created. Both
 * `tenant check` and the stack (GovTenant refuses to build when it fails) run it.
 */
export const TARGETS = ['local', 'openstack'] as const
export type Target = (typeof TARGETS)[number]

/** The tenant fields the pre-flight reads. The level is a plain number so that level 5 is refused here too. */
export type PreflightTenant = Pick<
  TenantFields,
  'id' | 'region' | 'exposure' | 'quotaVcpu' | 'quotaRamGib' | 'quotaStorageGib' | 'cidr'
> & {
  mlpsLevel: number
  /** Classified (涉密) systems are refused; tenant records cannot say so, but other callers may. */
  classified?: boolean
}

/** What the region's other tenants already hold (the tenant's own allocations and reservation excluded). */
export interface OtherTenantsUsage {
  reservedVcpu: number
  reservedRamGib: number
  reservedStorageGib: number
  allocations: string[]
}

export const NO_USAGE: OtherTenantsUsage = {reservedVcpu: 0, reservedRamGib: 0, reservedStorageGib: 0, allocations: []}

export const PREFLIGHT_CHECKS = [
  'hosted',
  'region',
  'baseline',
  'region-rating',
  'extranet-ranges',
  'external-network',
  'quota',
  'networks',
] as const
export type PreflightCheck = (typeof PREFLIGHT_CHECKS)[number]

export interface PreflightFinding {
  check: PreflightCheck
  ok: boolean
  message: string
}

export interface PreflightResult {
  ok: boolean
  findings: PreflightFinding[]
  /** The stack's reading of the baseline, when it could be read. */
  baseline?: StackBaseline
  /** Where the zone subnets would go today, when they fit. */
  subnets?: ZoneSubnet[]
}

/**
 * Where the zone subnets go, each request in turn: the inventory's allocator run without writing
 * (AllocationRepository.planSubnets, the placement `up` makes), so that the pre-flight shows what
 * `up` will allocate. Without one, the pure first-fit of planSubnets over `usage.allocations`.
 */
export type SubnetPlacement = (requests: readonly ZoneRequest[]) => {subnets: ZoneSubnet[]} | {noRoomFor: ZoneRequest}

export interface PreflightOptions {
  usage?: OtherTenantsUsage
  target?: Target
  placement?: SubnetPlacement
}

export function preflight(
  tenant: PreflightTenant,
  region: RegionFields | undefined,
  controls: readonly BaselineControl[],
  options: PreflightOptions = {},
): PreflightResult {
  const usage = options.usage ?? NO_USAGE
  const target = options.target ?? 'local'
  const findings: PreflightFinding[] = []
  const record = (check: PreflightCheck, problem: string | undefined, okMessage: string) =>
    findings.push(problem === undefined ? {check, ok: true, message: okMessage} : {check, ok: false, message: problem})
  const done = (extra: Partial<PreflightResult> = {}): PreflightResult => ({
    ok: findings.every((f) => f.ok),
    findings,
    ...extra,
  })

  const hostedProblem = tenant.classified
    ? tenantsMessages.classifiedRefused()
    : (HOSTED_LEVELS as readonly number[]).includes(tenant.mlpsLevel)
      ? undefined
      : tenantsMessages.levelNotHosted(tenant.mlpsLevel)
  record('hosted', hostedProblem, msg.preflightHosted(tenant.mlpsLevel))
  if (hostedProblem) return done()

  record(
    'region',
    region ? undefined : msg.regionUndefined(tenant.id, tenant.region),
    msg.preflightRegion(region?.id ?? ''),
  )
  if (!region) return done()
  const read = stackBaseline(tenant.mlpsLevel, controls)
  record(
    'baseline',
    read.problems.length > 0 ? read.problems.join('; ') : undefined,
    msg.preflightBaseline(tenant.mlpsLevel, read.baseline),
  )
  const minRating = read.baseline?.minPlatformLevel ?? tenant.mlpsLevel
  record(
    'region-rating',
    region.maxMlpsLevel < minRating
      ? msg.levelAboveRating(tenant.mlpsLevel, region.id, region.maxMlpsLevel)
      : undefined,
    msg.preflightRating(region.id, region.maxMlpsLevel),
  )
  const needsRanges = read.baseline?.extranetOnlyIngress === true || tenant.exposure === 'extranet'
  const rangesProblem = extranetRangesProblem(region.extranetRanges)
  record(
    'extranet-ranges',
    !needsRanges
      ? undefined
      : region.extranetRanges.length === 0
        ? msg.noExtranetRanges(region.id, tenant.mlpsLevel)
        : rangesProblem && msg.extranetRangesTooWide(region.id, tenant.mlpsLevel, rangesProblem),
    msg.preflightExtranetRanges(region.extranetRanges),
  )
  if (target === 'openstack') {
    record(
      'external-network',
      region.externalNetwork ? undefined : msg.noExternalNetwork(region.id),
      msg.preflightExternalNetwork(region.externalNetwork ?? ''),
    )
  }

  const shortfall = quotaShortfall(
    {vcpu: tenant.quotaVcpu, ramGib: tenant.quotaRamGib, storageGib: tenant.quotaStorageGib},
    region,
    {vcpu: usage.reservedVcpu, ramGib: usage.reservedRamGib, storageGib: usage.reservedStorageGib},
  )
  record(
    'quota',
    shortfall ? msg.quotaOverCapacity(region.id, shortfall.resource, shortfall.wanted, shortfall.free) : undefined,
    msg.preflightQuota(region.id),
  )

  if (!read.baseline) return done()
  const {problem: networkProblem, subnets} = planTenantNetworks(tenant, region, read.baseline, usage, options.placement)
  record('networks', networkProblem, msg.preflightNetworks(subnets ?? []))
  return done({baseline: read.baseline, subnets})
}

/** Where the tenant's zone subnets go: inside its own block (which must lie in a pool and be free), else first-fit in the pools. */
function planTenantNetworks(
  tenant: PreflightTenant,
  region: RegionFields,
  baseline: StackBaseline,
  usage: OtherTenantsUsage,
  placement: SubnetPlacement = (requests) => planSubnets(region.pools, tenant.cidr, requests, usage.allocations),
): {problem?: string; subnets?: ZoneSubnet[]} {
  if (tenant.cidr !== null) {
    if (!insideAnyPool(region.pools, tenant.cidr))
      return {problem: msg.blockOutsidePools(tenant.cidr, region.id, region.pools)}
    const clash = firstOverlap(tenant.cidr, usage.allocations)
    if (clash) return {problem: msg.blockTaken(tenant.cidr, clash)}
  }
  let requests: ZoneRequest[]
  try {
    requests = zoneRequests(baseline.zones, tenant.cidr)
  } catch (error) {
    if (error instanceof CidrError) return {problem: error.message}
    throw error
  }
  const plan = placement(requests)
  if ('noRoomFor' in plan) {
    return {
      problem: msg.poolExhausted(
        region.id,
        plan.noRoomFor.zone,
        plan.noRoomFor.prefix,
        tenant.cidr ? [tenant.cidr] : region.pools,
      ),
    }
  }
  return {subnets: plan.subnets}
}

/** The failed findings as `check: message` lines (the pre-flight error's message and details). */
export function failedFindings(result: PreflightResult): string[] {
  return result.findings.filter((f) => !f.ok).map((f) => `${f.check}: ${f.message}`)
}
