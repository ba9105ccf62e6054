import {blockSize, carve, contains, CidrError, formatCidr, overlaps, parseCidr} from './cidr'

/**
 * Security zones (安全区域) of a tenant network. MLPS 2.0 asks level 1–2 systems for a boundary
 * and a management channel, and level 3+ systems for separate web (DMZ), application, data and
 * management zones (GB/T 22239-2019 8.1.2 / 8.1.3, cloud extension 8.2.3). Which zones a level
 * gets is baseline data (inventory/baselines, parameter `zones`); what each zone is for is here.
 */
export const ZONE_NAMES = ['service', 'web', 'app', 'data', 'management'] as const
export type ZoneName = (typeof ZONE_NAMES)[number]

export interface ZoneKind {
  name: ZoneName
  title: string
  /** The zone that receives traffic from outside the tenant (the boundary). */
  entry: boolean
  /** The zone from which administrators (the bastion) reach every other zone. */
  management: boolean
  /** The zone whose hosts may call into this one on `servicePorts`, besides the entry traffic. */
  upstream: ZoneName | null
  /** Ports this zone serves to its upstream zone or, for the entry zone, to its clients. */
  servicePorts: readonly number[]
}

export const ZONES: Readonly<Record<ZoneName, ZoneKind>> = {
  service: {
    name: 'service',
    title: 'service zone (业务区)',
    entry: true,
    management: false,
    upstream: null,
    servicePorts: [443],
  },
  web: {
    name: 'web',
    title: 'web / DMZ zone (互联网接入区)',
    entry: true,
    management: false,
    upstream: null,
    servicePorts: [443],
  },
  app: {
    name: 'app',
    title: 'application zone (应用区)',
    entry: false,
    management: false,
    upstream: 'web',
    servicePorts: [8443],
  },
  data: {
    name: 'data',
    title: 'data zone (数据区)',
    entry: false,
    management: false,
    upstream: 'app',
    servicePorts: [5432],
  },
  management: {
    name: 'management',
    title: 'management zone (安全管理区)',
    entry: false,
    management: true,
    upstream: null,
    servicePorts: [443],
  },
}

export function isZoneName(value: unknown): value is ZoneName {
  return typeof value === 'string' && (ZONE_NAMES as readonly string[]).includes(value)
}

/** A zone subnet a tenant needs: which zone, and the size of its block. */
export interface ZoneRequest {
  zone: ZoneName
  prefix: number
}

export interface ZoneSubnet {
  zone: ZoneName
  cidr: string
}

/** Size of each zone's subnet when carved from the region pool (a /24: 251 usable addresses on OpenStack). */
export const DEFAULT_ZONE_PREFIX = 24

/**
 * The subnets to request for `zones`: from the tenant's own block when it has one (split into equal
 * parts, one per zone, rounded up to a power of two), else a DEFAULT_ZONE_PREFIX block each.
 */
export function zoneRequests(zones: readonly ZoneName[], tenantBlock: string | null): ZoneRequest[] {
  if (tenantBlock === null) return zones.map((zone) => ({zone, prefix: DEFAULT_ZONE_PREFIX}))
  const block = parseCidr(tenantBlock)
  const parts = 2 ** Math.ceil(Math.log2(Math.max(zones.length, 1)))
  const prefix = block.prefix + Math.log2(parts)
  if (prefix > 30) throw new CidrError(`${tenantBlock} is too small for ${zones.length} zone subnets`)
  return zones.map((zone) => ({zone, prefix}))
}

/**
 * First-fit placement of one zone subnet: inside `within` (the tenant's block) when given, else
 * inside the first pool with room, never overlapping `taken`. Undefined when nothing fits.
 */
export function placeSubnet(
  pools: readonly string[],
  within: string | null,
  prefix: number,
  taken: readonly string[],
): string | undefined {
  const takenBlocks = taken.map(parseCidr)
  const candidates = within === null ? pools.map(parseCidr) : [parseCidr(within)]
  for (const pool of candidates) {
    try {
      const [block] = carve(pool, [prefix], takenBlocks)
      if (block) return formatCidr(block)
    } catch (error) {
      if (!(error instanceof CidrError)) throw error
    }
  }
  return undefined
}

/**
 * Place every requested zone subnet in turn (what the stack's allocations will do, computed ahead
 * of time by the pre-flight). Returns the subnets, or the first zone that does not fit.
 */
export function planSubnets(
  pools: readonly string[],
  within: string | null,
  requests: readonly ZoneRequest[],
  taken: readonly string[],
): {subnets: ZoneSubnet[]} | {noRoomFor: ZoneRequest} {
  const used = [...taken]
  const subnets: ZoneSubnet[] = []
  for (const request of requests) {
    const cidr = placeSubnet(pools, within, request.prefix, used)
    if (cidr === undefined) return {noRoomFor: request}
    used.push(cidr)
    subnets.push({zone: request.zone, cidr})
  }
  return {subnets}
}

/** Whether `block` lies inside one of `pools`. */
export function insideAnyPool(pools: readonly string[], block: string): boolean {
  const inner = parseCidr(block)
  return pools.some((pool) => contains(parseCidr(pool), inner))
}

/** The first of `taken` that overlaps `block`, if any. */
export function firstOverlap(block: string, taken: readonly string[]): string | undefined {
  const parsed = parseCidr(block)
  return taken.find((other) => overlaps(parsed, parseCidr(other)))
}

/** Addresses in a CIDR block (for capacity reports). */
export function addressCount(cidr: string): number {
  return blockSize(parseCidr(cidr).prefix)
}
