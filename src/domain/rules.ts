import {contains, parseCidr} from './cidr'
import {ZoneName, ZONES} from './zones'

/**
 * Security rules rendered from a level's baseline. Everything not allowed by a rule is denied
 * (MLPS 2.0 boundary protection: default deny on the 5-tuple). Management ports are reachable only
 * from the management zone (the bastion), never from an address range; at level 3 and above, traffic
 * from outside the tenant enters only from the extranet ranges the region declares.
 */
export type Direction = 'ingress' | 'egress'
export type Protocol = 'tcp' | 'udp' | 'icmp' | 'any'

/** The other end of a rule: a zone of the same tenant, or an address range. */
export type Peer = {zone: ZoneName} | {cidr: string}

export interface PortRange {
  from: number
  to: number
}

export interface SecurityRule {
  /** Stable id within the tenant, e.g. "data-in-management-22". */
  id: string
  /** The zone whose boundary holds the rule. */
  zone: ZoneName
  direction: Direction
  protocol: Protocol
  /** null: every port of the protocol. */
  ports: PortRange | null
  /** Source of ingress traffic, destination of egress traffic. */
  peer: Peer
  purpose: 'management' | 'service' | 'bastion' | 'egress'
}

export interface RuleSet {
  defaultAction: 'deny'
  rules: SecurityRule[]
}

export interface RuleInputs {
  zones: readonly ZoneName[]
  managementPorts: readonly number[]
  /** From the baseline (ingressSources = region-extranet-ranges): outside traffic enters only from the region's extranet ranges, and leaves only to them. */
  extranetOnlyIngress: boolean
  exposure: 'extranet' | 'internet' | 'both'
  /** Extranet address ranges the region declares (CIDR). */
  extranetRanges: readonly string[]
}

export const ANY_IPV4 = '0.0.0.0/0'
export const ANY_IPV6 = '::/0'

const peerKey = (peer: Peer) => ('zone' in peer ? peer.zone : peer.cidr)

/** Where clients of the entry zone come from. */
export function entrySources(input: Pick<RuleInputs, 'extranetOnlyIngress' | 'exposure' | 'extranetRanges'>): string[] {
  if (input.extranetOnlyIngress || input.exposure === 'extranet') return [...input.extranetRanges]
  return input.exposure === 'internet' ? [ANY_IPV4] : [...input.extranetRanges, ANY_IPV4]
}

export function renderRules(input: RuleInputs): RuleSet {
  const rules: SecurityRule[] = []
  const add = (rule: Omit<SecurityRule, 'id'>) => {
    const port = rule.ports
      ? rule.ports.from === rule.ports.to
        ? `${rule.ports.from}`
        : `${rule.ports.from}-${rule.ports.to}`
      : rule.protocol
    const id = `${rule.zone}-${rule.direction === 'ingress' ? 'in' : 'out'}-${peerKey(rule.peer).replace(/[./:]/g, '_')}-${port}`
    rules.push({id, ...rule})
  }
  const management = new Set(input.managementPorts)
  const servicePorts = (zone: ZoneName) => ZONES[zone].servicePorts.filter((p) => !management.has(p))
  for (const zone of input.zones) {
    for (const port of input.managementPorts) {
      add({
        zone,
        direction: 'ingress',
        protocol: 'tcp',
        ports: {from: port, to: port},
        peer: {zone: 'management'},
        purpose: 'management',
      })
    }
    const kind = ZONES[zone]
    const clients = kind.entry ? entrySources(input) : kind.management ? [...input.extranetRanges] : []
    for (const cidr of clients) {
      for (const port of servicePorts(zone)) {
        add({
          zone,
          direction: 'ingress',
          protocol: 'tcp',
          ports: {from: port, to: port},
          peer: {cidr},
          purpose: kind.management ? 'bastion' : 'service',
        })
      }
    }
    if (kind.upstream && input.zones.includes(kind.upstream)) {
      for (const port of servicePorts(zone)) {
        add({
          zone,
          direction: 'ingress',
          protocol: 'tcp',
          ports: {from: port, to: port},
          peer: {zone: kind.upstream},
          purpose: 'service',
        })
      }
    }
    if (input.extranetOnlyIngress) {
      for (const other of input.zones)
        add({zone, direction: 'egress', protocol: 'any', ports: null, peer: {zone: other}, purpose: 'egress'})
      for (const cidr of input.extranetRanges)
        add({zone, direction: 'egress', protocol: 'any', ports: null, peer: {cidr}, purpose: 'egress'})
    } else {
      add({zone, direction: 'egress', protocol: 'any', ports: null, peer: {cidr: ANY_IPV4}, purpose: 'egress'})
    }
  }
  return {defaultAction: 'deny', rules}
}

// ---- Checks shared by the policy pack (both targets) ----

/** A rule as either target states it, reduced to what the checks need. */
export interface RuleView {
  direction: Direction
  protocol: Protocol
  ports: PortRange | null
  /** Source (ingress) as an address range; undefined when the rule names a zone or group instead. */
  cidr?: string
  /** Whether the source is the tenant's management zone (its zone or security group). */
  fromManagementZone: boolean
  /** Whether the source is any zone or security group of the tenant. */
  fromTenantZone: boolean
}

const coversPort = (rule: RuleView, port: number) =>
  (rule.protocol === 'tcp' || rule.protocol === 'any') &&
  (rule.ports === null || (rule.ports.from <= port && port <= rule.ports.to))

/** Management ports that `rule` opens to someone other than the management zone. */
export function exposedManagementPorts(rule: RuleView, managementPorts: readonly number[]): number[] {
  if (rule.direction !== 'ingress' || rule.fromManagementZone) return []
  return managementPorts.filter((port) => coversPort(rule, port))
}

/** Whether `cidr` lies inside one of `ranges` (IPv6 and malformed blocks never do). */
export function withinRanges(cidr: string, ranges: readonly string[]): boolean {
  if (cidr === ANY_IPV6 || cidr.includes(':')) return false
  try {
    const inner = parseCidr(cidr)
    return ranges.some((range) => contains(parseCidr(range), inner))
  } catch {
    return false
  }
}

/** Whether an ingress rule admits traffic from outside the tenant other than from `extranetRanges`. */
export function admitsOutsideExtranet(rule: RuleView, extranetRanges: readonly string[]): boolean {
  if (rule.direction !== 'ingress' || rule.fromTenantZone) return false
  return rule.cidr === undefined || !withinRanges(rule.cidr, extranetRanges)
}

/** A rendered rule as a RuleView. */
export function viewOf(rule: SecurityRule): RuleView {
  const zone = 'zone' in rule.peer ? rule.peer.zone : undefined
  return {
    direction: rule.direction,
    protocol: rule.protocol,
    ports: rule.ports,
    cidr: 'cidr' in rule.peer ? rule.peer.cidr : undefined,
    fromManagementZone: zone === 'management',
    fromTenantZone: zone !== undefined,
  }
}

/**
 * A rule's description at the cloud: its id, purpose and peer zone. Security group rules name a
 * zone only by a group id that is unknown during preview, so the policy pack reads the zone here.
 */
export function describeRule(rule: SecurityRule): string {
  const peer = 'zone' in rule.peer ? `zone ${rule.peer.zone}` : rule.peer.cidr
  return `govnet ${rule.id}: ${rule.purpose} ${rule.direction === 'ingress' ? 'from' : 'to'} ${peer}`
}

/** The peer zone named by a describeRule() description, if any. */
export function peerZoneOf(description: string | undefined): string | undefined {
  return /^govnet \S+: \S+ (?:from|to) zone ([a-z]+)$/.exec(description ?? '')?.[1]
}
