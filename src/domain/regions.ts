import {FieldProblem} from '../errors'
import * as msg from '../messages/regions'
import {blockSize, BlockSet, CidrError, contains, findOverlap, formatCidr, Ipv4Cidr, parseCidr, unionSize} from './cidr'
import {FieldError, integer, parseRecord, RawRecord, RecordSchema, slug, text} from './fields'
import {HOSTED_LEVELS, HostedLevel} from './tenants'

/**
 * Cloud regions (政务云资源池) that host tenants: the IPv4 pools tenant networks are carved from,
 * the extranet ranges level-3+ tenants accept traffic from, the capacity quotas are reserved
 * against, and the highest MLPS level the platform itself is rated for (a platform never hosts a
 * system graded above its own rating, MLPS 2.0 cloud extension).
 */
export interface RegionFields {
  id: string
  name: string
  /** Address pools for tenant networks, canonical CIDRs, not overlapping each other. */
  pools: string[]
  /** Extranet ranges (政务外网地址段) allowed to reach tenants; at level 3+ the only sources of ingress. */
  extranetRanges: string[]
  capacityVcpu: number
  capacityRamGib: number
  capacityStorageGib: number
  maxMlpsLevel: HostedLevel
  /** OpenStack external (extranet) network id that tenant routers attach to; null for local-only regions. */
  externalNetwork: string | null
}

export interface Region extends RegionFields {
  createdAt: string
  updatedAt: string
}

/** Column names of an input record and the CLI's flag names (kebab-case of these). */
export interface RegionInput {
  id: string
  name: string
  pools: string[]
  extranet_ranges: string[]
  vcpu: number
  ram_gib: number
  storage_gib: number
  max_level: HostedLevel
  external_network: string | undefined
}

/** A list of CIDR blocks, given as a JSON array or as text separated by commas or spaces. */
function cidrList(options: {disjoint: boolean}): (value: unknown) => string[] {
  return (value) => {
    const items = Array.isArray(value) ? value.map(String) : String(value).split(/[\s,]+/)
    const parsed = items
      .map((item) => item.trim())
      .filter((item) => item !== '')
      .map((item) => {
        try {
          return formatCidr(parseCidr(item))
        } catch (error) {
          if (error instanceof CidrError) throw new FieldError(error.message)
          throw error
        }
      })
    const blocks = [...new Set(parsed)]
    if (options.disjoint) {
      const pair = findOverlap(blocks.map(parseCidr))
      if (pair) throw new FieldError(msg.poolsOverlap(blocks[pair[0]]!, blocks[pair[1]]!))
    }
    return blocks
  }
}

/**
 * The widest extranet range, and the limit on all of a region's extranet ranges together. The
 * extranet's blocks are at most a /8 (10.0.0.0/8); anything wider covers much of the Internet, and
 * a level-3 tenant's "ingress only from the extranet" would then admit it (0.0.0.0/0 would pass
 * both the pre-flight and the policy pack). The union counts, not each range: the 256 /8s are all
 * of IPv4 too.
 */
export const MIN_EXTRANET_PREFIX = 8
/** The most addresses a region's extranet ranges may cover together: one /MIN_EXTRANET_PREFIX (16,777,216). */
export const MAX_EXTRANET_ADDRESSES = blockSize(MIN_EXTRANET_PREFIX)

/** Why a region's extranet ranges (canonical CIDRs) open too much, or undefined when they are within the limit. */
export function extranetRangesProblem(ranges: readonly string[]): string | undefined {
  const blocks = ranges.map(parseCidr)
  const tooWide = blocks.findIndex((block) => block.prefix < MIN_EXTRANET_PREFIX)
  if (tooWide >= 0) return msg.extranetRangeTooWide(ranges[tooWide]!, MIN_EXTRANET_PREFIX)
  const covered = unionSize(blocks)
  return covered > MAX_EXTRANET_ADDRESSES
    ? msg.extranetRangesTooMany(ranges.length, covered, MIN_EXTRANET_PREFIX, MAX_EXTRANET_ADDRESSES)
    : undefined
}

function extranetRanges(value: unknown): string[] {
  const ranges = cidrList({disjoint: false})(value)
  const problem = extranetRangesProblem(ranges)
  if (problem) throw new FieldError(problem)
  return ranges
}

function hostedLevel(value: unknown): HostedLevel {
  const level = integer({min: 1, max: 5})(value)
  if (!(HOSTED_LEVELS as readonly number[]).includes(level)) throw new FieldError(msg.ratingNotHosted(level))
  return level as HostedLevel
}

/** Upper bounds that catch unit mistakes (MiB for GiB) without limiting real regions. */
const CAPACITY_LIMITS = {vcpu: 10_000_000, ramGib: 1_073_741_824, storageGib: 1_099_511_627_776} as const

/** The most address pools a region may list, and the most extranet ranges. */
export const MAX_POOLS = 65_536
export const MAX_EXTRANET_RANGES = 4_096
/** Characters per CIDR in a list given as text ("255.255.255.255/32, "). */
const CIDR_TEXT = 24

/** Field limits (characters; `maxItems` for lists): the README's table of limits. */
export const REGION_SCHEMA: RecordSchema<RegionInput> = {
  id: {required: true, parse: slug, max: 63},
  name: {required: true, parse: text({max: 100}), max: 100},
  pools: {required: true, parse: cidrList({disjoint: true}), max: MAX_POOLS * CIDR_TEXT, maxItems: MAX_POOLS},
  extranet_ranges: {
    required: false,
    parse: extranetRanges,
    default: [],
    max: MAX_EXTRANET_RANGES * CIDR_TEXT,
    maxItems: MAX_EXTRANET_RANGES,
  },
  vcpu: {required: true, parse: integer({min: 1, max: CAPACITY_LIMITS.vcpu}), max: 32},
  ram_gib: {required: true, parse: integer({min: 1, max: CAPACITY_LIMITS.ramGib}), max: 32},
  storage_gib: {required: true, parse: integer({min: 1, max: CAPACITY_LIMITS.storageGib}), max: 32},
  max_level: {required: true, parse: hostedLevel, max: 32},
  external_network: {required: false, parse: text({max: 100}), max: 100},
}

/** Import columns and JSON keys (also what `region export` writes), in the order of the schema. */
export const REGION_COLUMNS = Object.keys(REGION_SCHEMA) as (keyof RegionInput)[]

function fromInput(input: RegionInput): RegionFields {
  return {
    id: input.id,
    name: input.name,
    pools: input.pools,
    extranetRanges: input.extranet_ranges,
    capacityVcpu: input.vcpu,
    capacityRamGib: input.ram_gib,
    capacityStorageGib: input.storage_gib,
    maxMlpsLevel: input.max_level,
    externalNetwork: input.external_network ?? null,
  }
}

export function toInput(region: RegionFields): RawRecord {
  return {
    id: region.id,
    name: region.name,
    pools: region.pools,
    extranet_ranges: region.extranetRanges,
    vcpu: region.capacityVcpu,
    ram_gib: region.capacityRamGib,
    storage_gib: region.capacityStorageGib,
    max_level: region.maxMlpsLevel,
    external_network: region.externalNetwork,
  }
}

export function parseRegion(raw: RawRecord): {region?: RegionFields; problems: FieldProblem[]} {
  const {record, problems} = parseRecord(REGION_SCHEMA, raw)
  if (record && record.pools.length === 0) return {problems: [{field: 'pools', message: msg.noPools()}]}
  return record ? {region: fromInput(record), problems} : {problems}
}

/** Apply changes (input field names; an empty string clears an optional field) and validate the whole. */
export function mergeRegion(
  current: RegionFields,
  changes: RawRecord,
): {region?: RegionFields; problems: FieldProblem[]} {
  return parseRegion({...toInput(current), ...changes, id: current.id})
}

/** What tenants hold in a region: what `region set` may not take away, and what `region show` reports. */
export interface RegionUsage {
  reservedVcpu: number
  reservedRamGib: number
  reservedStorageGib: number
  /** Allocated subnets (all tenants). */
  allocations: string[]
  /** Highest MLPS level among tenants placed in the region (0 when none). */
  highestTenantLevel: number
}

/** Why `next` cannot replace `current` given what tenants hold: one FieldProblem per field. */
export function regionChangeProblems(next: RegionFields, usage: RegionUsage): FieldProblem[] {
  const problems: FieldProblem[] = []
  const shrunk = (field: string, capacity: number, reserved: number) => {
    if (capacity < reserved) problems.push({field, message: msg.capacityBelowReserved(capacity, reserved)})
  }
  shrunk('vcpu', next.capacityVcpu, usage.reservedVcpu)
  shrunk('ram_gib', next.capacityRamGib, usage.reservedRamGib)
  shrunk('storage_gib', next.capacityStorageGib, usage.reservedStorageGib)
  if (next.maxMlpsLevel < usage.highestTenantLevel) {
    problems.push({field: 'max_level', message: msg.ratingBelowTenants(next.maxMlpsLevel, usage.highestTenantLevel)})
  }
  const pools = new BlockSet<Ipv4Cidr>()
  for (const pool of next.pools.map(parseCidr).sort((a, b) => a.network - b.network)) pools.add(pool, pool)
  // Pools are disjoint: the one pool that overlaps an allocation either contains it or none does.
  const orphan = usage.allocations.find((cidr) => {
    const block = parseCidr(cidr)
    const pool = pools.overlapping(block)
    return pool === undefined || !contains(pool, block)
  })
  if (orphan) problems.push({field: 'pools', message: msg.poolStillAllocated(orphan)})
  return problems
}

export interface QuotaAmounts {
  vcpu: number
  ramGib: number
  storageGib: number
}

/** The first resource a quota does not fit in, given the region's capacity and what other tenants reserved. */
export function quotaShortfall(
  wanted: QuotaAmounts,
  region: Pick<RegionFields, 'capacityVcpu' | 'capacityRamGib' | 'capacityStorageGib'>,
  reservedByOthers: QuotaAmounts,
): {resource: string; wanted: number; free: number} | undefined {
  const checks = [
    ['vCPU', wanted.vcpu, region.capacityVcpu - reservedByOthers.vcpu],
    ['RAM GiB', wanted.ramGib, region.capacityRamGib - reservedByOthers.ramGib],
    ['storage GiB', wanted.storageGib, region.capacityStorageGib - reservedByOthers.storageGib],
  ] as const
  const over = checks.find(([, want, free]) => want > free)
  return over ? {resource: over[0], wanted: over[1], free: Math.max(0, over[2])} : undefined
}
