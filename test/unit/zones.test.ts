import {describe, expect, it} from 'vitest'

import {
  admitsOutsideExtranet,
  ANY_IPV4,
  describeRule,
  entrySources,
  exposedManagementPorts,
  peerZoneOf,
  renderRules,
  RuleInputs,
  viewOf,
  withinRanges,
} from '../../src/domain/rules'
import {CidrError} from '../../src/domain/cidr'
import {DEFAULT_ZONE_PREFIX, insideAnyPool, placeSubnet, planSubnets, zoneRequests} from '../../src/domain/zones'

describe('zone subnets', () => {
  it('asks for a /24 per zone from the pools, or splits the tenant block into equal parts', () => {
    expect(zoneRequests(['service', 'management'], null)).toEqual([
      {zone: 'service', prefix: DEFAULT_ZONE_PREFIX},
      {zone: 'management', prefix: DEFAULT_ZONE_PREFIX},
    ])
    expect(zoneRequests(['web', 'app', 'data', 'management'], '10.20.8.0/22').map((r) => r.prefix)).toEqual([
      24, 24, 24, 24,
    ])
    // Three zones round up to four parts.
    expect(zoneRequests(['web', 'app', 'management'], '10.20.8.0/22').map((r) => r.prefix)).toEqual([24, 24, 24])
    expect(() => zoneRequests(['web', 'app', 'data', 'management'], '10.20.8.0/29')).toThrow(CidrError)
  })

  it('places first-fit in the first pool with room, skipping what is taken', () => {
    const pools = ['10.20.0.0/23', '10.30.0.0/24']
    expect(placeSubnet(pools, null, 24, [])).toBe('10.20.0.0/24')
    expect(placeSubnet(pools, null, 24, ['10.20.0.0/25'])).toBe('10.20.1.0/24')
    expect(placeSubnet(pools, null, 24, ['10.20.0.0/24', '10.20.1.0/24'])).toBe('10.30.0.0/24')
    expect(placeSubnet(pools, null, 24, ['10.20.0.0/23', '10.30.0.0/24'])).toBeUndefined()
    expect(placeSubnet(pools, '10.20.1.0/24', 25, ['10.20.1.0/25'])).toBe('10.20.1.128/25')
  })

  it('plans every zone or names the first that does not fit', () => {
    const requests = zoneRequests(['web', 'app', 'data', 'management'], null)
    expect(planSubnets(['10.20.0.0/22'], null, requests, [])).toEqual({
      subnets: [
        {zone: 'web', cidr: '10.20.0.0/24'},
        {zone: 'app', cidr: '10.20.1.0/24'},
        {zone: 'data', cidr: '10.20.2.0/24'},
        {zone: 'management', cidr: '10.20.3.0/24'},
      ],
    })
    expect(planSubnets(['10.20.0.0/22'], null, requests, ['10.20.2.0/24'])).toEqual({
      noRoomFor: {zone: 'management', prefix: 24},
    })
  })

  it('checks a block against the pools', () => {
    expect(insideAnyPool(['10.20.0.0/16'], '10.20.8.0/22')).toBe(true)
    expect(insideAnyPool(['10.20.0.0/16'], '10.21.0.0/22')).toBe(false)
    expect(insideAnyPool(['10.20.0.0/16'], '10.0.0.0/8')).toBe(false)
  })
})

const MANAGEMENT_PORTS = [22, 3389]
const level = (n: 2 | 3, overrides: Partial<RuleInputs> = {}): RuleInputs => ({
  zones: n >= 3 ? ['web', 'app', 'data', 'management'] : ['service', 'management'],
  managementPorts: MANAGEMENT_PORTS,
  extranetOnlyIngress: n >= 3,
  exposure: 'extranet',
  extranetRanges: ['59.255.0.0/16'],
  ...overrides,
})

describe('rule rendering', () => {
  it('default deny; management ports into every zone, only from the management zone', () => {
    const {defaultAction, rules} = renderRules(level(3))
    expect(defaultAction).toBe('deny')
    const management = rules.filter((r) => r.purpose === 'management')
    expect(management.map((r) => `${r.zone}:${r.ports!.from}`)).toEqual([
      'web:22',
      'web:3389',
      'app:22',
      'app:3389',
      'data:22',
      'data:3389',
      'management:22',
      'management:3389',
    ])
    for (const rule of management)
      expect(rule).toMatchObject({direction: 'ingress', protocol: 'tcp', peer: {zone: 'management'}})
    expect(rules.every((r) => exposedManagementPorts(viewOf(r), MANAGEMENT_PORTS).length === 0)).toBe(true)
  })

  it('level 3: entry from the extranet ranges only, a chain web → app → data, egress only to known peers', () => {
    const {rules} = renderRules(level(3, {exposure: 'internet'}))
    const ingress = rules.filter((r) => r.direction === 'ingress' && r.purpose !== 'management')
    expect(ingress.map((r) => `${r.zone}<-${'zone' in r.peer ? r.peer.zone : r.peer.cidr}:${r.ports!.from}`)).toEqual([
      'web<-59.255.0.0/16:443',
      'app<-web:8443',
      'data<-app:5432',
      'management<-59.255.0.0/16:443',
    ])
    expect(rules.some((r) => 'cidr' in r.peer && r.peer.cidr === ANY_IPV4)).toBe(false)
    expect(rules.every((r) => !admitsOutsideExtranet(viewOf(r), ['59.255.0.0/16']))).toBe(true)
  })

  it('levels 1–2: internet exposure opens the service zone (never management ports) to any address; egress is open', () => {
    const {rules} = renderRules(level(2, {exposure: 'both'}))
    expect(entrySources(level(2, {exposure: 'both'}))).toEqual(['59.255.0.0/16', ANY_IPV4])
    expect(
      rules
        .filter((r) => r.zone === 'service' && r.purpose === 'service')
        .map((r) => `${'cidr' in r.peer ? r.peer.cidr : ''}:${r.ports!.from}`),
    ).toEqual(['59.255.0.0/16:443', '0.0.0.0/0:443'])
    expect(
      rules.filter((r) => r.direction === 'egress').map((r) => `${r.zone}->${'cidr' in r.peer ? r.peer.cidr : ''}`),
    ).toEqual(['service->0.0.0.0/0', 'management->0.0.0.0/0'])
  })

  it('a service port that the baseline calls a management port is never opened to clients', () => {
    const {rules} = renderRules(level(2, {managementPorts: [22, 443]}))
    expect(rules.filter((r) => r.purpose !== 'management' && r.direction === 'ingress')).toEqual([])
  })

  it('rule ids are unique and the cloud description names the peer zone', () => {
    const {rules} = renderRules(level(3))
    expect(new Set(rules.map((r) => r.id)).size).toBe(rules.length)
    const fromManagement = rules.find((r) => r.purpose === 'management')!
    expect(describeRule(fromManagement)).toBe('govnet web-in-management-22: management from zone management')
    expect(peerZoneOf(describeRule(fromManagement))).toBe('management')
    expect(peerZoneOf(describeRule(rules.find((r) => r.purpose === 'bastion')!))).toBeUndefined()
    expect(peerZoneOf('opened by hand from zone management')).toBeUndefined()
  })
})

describe('rule checks', () => {
  const view = (overrides: Partial<ReturnType<typeof viewOf>>) => ({
    direction: 'ingress' as const,
    protocol: 'tcp' as const,
    ports: null,
    fromManagementZone: false,
    fromTenantZone: false,
    ...overrides,
  })

  it('finds management ports opened to anything but the management zone', () => {
    expect(exposedManagementPorts(view({cidr: '0.0.0.0/0', ports: {from: 20, to: 25}}), [22, 3389])).toEqual([22])
    expect(exposedManagementPorts(view({cidr: '::/0', protocol: 'any'}), [22, 3389])).toEqual([22, 3389])
    expect(exposedManagementPorts(view({cidr: '10.0.0.0/8', protocol: 'icmp'}), [22])).toEqual([])
    expect(exposedManagementPorts(view({fromManagementZone: true, fromTenantZone: true}), [22])).toEqual([])
    expect(exposedManagementPorts(view({direction: 'egress', cidr: '0.0.0.0/0'}), [22])).toEqual([])
  })

  it('finds ingress from outside the extranet ranges', () => {
    expect(withinRanges('59.255.1.0/24', ['59.255.0.0/16'])).toBe(true)
    expect(withinRanges('::/0', ['59.255.0.0/16'])).toBe(false)
    expect(withinRanges('not a block', ['59.255.0.0/16'])).toBe(false)
    expect(admitsOutsideExtranet(view({cidr: '8.8.8.0/24'}), ['59.255.0.0/16'])).toBe(true)
    expect(admitsOutsideExtranet(view({}), ['59.255.0.0/16'])).toBe(true)
    expect(admitsOutsideExtranet(view({fromTenantZone: true}), [])).toBe(false)
  })
})
