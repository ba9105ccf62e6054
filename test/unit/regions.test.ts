import fc from 'fast-check'
import {describe, expect, it} from 'vitest'

import {BaselineControl} from '../../src/domain/mlps'
import {preflight, PREFLIGHT_CHECKS} from '../../src/domain/preflight'
import {formatCidr, overlaps, parseCidr} from '../../src/domain/cidr'
import {
  extranetRangesProblem,
  MAX_EXTRANET_ADDRESSES,
  MIN_EXTRANET_PREFIX,
  mergeRegion,
  parseRegion,
  quotaShortfall,
  regionChangeProblems,
} from '../../src/domain/regions'
import {stackBaseline} from '../../src/domain/stack-baseline'
import * as msg from '../../src/messages/provision'
import * as regionMsg from '../../src/messages/regions'
import * as tenantMsg from '../../src/messages/tenants'
import {baselineControls, regionFixture, tenantFixture} from '../helpers/provision'

const raw = {
  id: 'gz-1',
  name: '广州一区',
  pools: '10.20.0.0/16, 10.21.0.0/16',
  extranet_ranges: '59.255.0.0/16',
  vcpu: '100',
  ram_gib: '400',
  storage_gib: '10000',
  max_level: '3',
}

describe('region records', () => {
  it('parses pools and ranges from text or JSON arrays, canonical and de-duplicated', () => {
    expect(parseRegion(raw).region).toEqual({
      id: 'gz-1',
      name: '广州一区',
      pools: ['10.20.0.0/16', '10.21.0.0/16'],
      extranetRanges: ['59.255.0.0/16'],
      capacityVcpu: 100,
      capacityRamGib: 400,
      capacityStorageGib: 10_000,
      maxMlpsLevel: 3,
      externalNetwork: null,
    })
    expect(parseRegion({...raw, pools: ['10.20.0.0/16', '10.20.0.0/16']}).region?.pools).toEqual(['10.20.0.0/16'])
  })

  it('names every bad field', () => {
    const {problems} = parseRegion({
      ...raw,
      pools: '10.0.0.0/8,10.20.0.0/16',
      extranet_ranges: '59.255.0.1/16',
      vcpu: '0',
      max_level: '5',
    })
    expect(problems).toEqual([
      {field: 'pools', message: regionMsg.poolsOverlap('10.0.0.0/8', '10.20.0.0/16'), row: undefined},
      {
        field: 'extranet_ranges',
        message: '"59.255.0.1/16" is not a network address: the block is 59.255.0.0/16',
        row: undefined,
      },
      {field: 'vcpu', message: '0 is out of range 1..10000000', row: undefined},
      {field: 'max_level', message: regionMsg.ratingNotHosted(5), row: undefined},
    ])
    expect(parseRegion({...raw, pools: ' , '}).problems).toEqual([{field: 'pools', message: regionMsg.noPools()}])
  })

  it('merges changes; an empty string clears an optional field', () => {
    const current = parseRegion({...raw, external_network: 'ext-net'}).region!
    expect(mergeRegion(current, {external_network: '', vcpu: '200'}).region).toMatchObject({
      externalNetwork: null,
      capacityVcpu: 200,
      id: 'gz-1',
    })
  })

  it('refuses changes that take away what tenants hold', () => {
    const next = {...parseRegion(raw).region!, capacityVcpu: 10, maxMlpsLevel: 2 as const, pools: ['10.21.0.0/16']}
    const usage = {
      reservedVcpu: 20,
      reservedRamGib: 0,
      reservedStorageGib: 0,
      allocations: ['10.20.1.0/24'],
      highestTenantLevel: 3,
    }
    expect(regionChangeProblems(next, usage)).toEqual([
      {field: 'vcpu', message: regionMsg.capacityBelowReserved(10, 20)},
      {field: 'max_level', message: regionMsg.ratingBelowTenants(2, 3)},
      {field: 'pools', message: regionMsg.poolStillAllocated('10.20.1.0/24')},
    ])
  })

  it('finds the first resource a quota does not fit in', () => {
    const region = regionFixture({capacityVcpu: 100, capacityRamGib: 400, capacityStorageGib: 1000})
    expect(
      quotaShortfall({vcpu: 50, ramGib: 100, storageGib: 100}, region, {vcpu: 50, ramGib: 0, storageGib: 0}),
    ).toBeUndefined()
    expect(
      quotaShortfall({vcpu: 50, ramGib: 100, storageGib: 100}, region, {vcpu: 60, ramGib: 0, storageGib: 0}),
    ).toEqual({resource: 'vCPU', wanted: 50, free: 40})
    expect(
      quotaShortfall({vcpu: 1, ramGib: 1, storageGib: 100}, region, {vcpu: 0, ramGib: 0, storageGib: 2000}),
    ).toEqual({resource: 'storage GiB', wanted: 100, free: 0})
  })
})

/** Random aligned blocks inside 10.0.0.0/12, so that random sets often overlap and often do not. */
const poolBlock = fc
  .tuple(fc.integer({min: 12, max: 28}), fc.integer({min: 0, max: 2 ** 20 - 1}))
  .map(([prefix, offset]) => {
    const size = 2 ** (32 - prefix)
    return formatCidr({network: 10 * 2 ** 24 + offset - (offset % size), prefix})
  })

describe('pool checks (sort and sweep)', () => {
  const pairwiseOverlap = (pools: string[]) =>
    pools.some((a, i) => pools.slice(i + 1).some((b) => overlaps(parseCidr(a), parseCidr(b))))

  it('refuses a pool set exactly when the pairwise check finds an overlap, naming two pools that overlap (property)', () => {
    fc.assert(
      fc.property(fc.uniqueArray(poolBlock, {minLength: 1, maxLength: 50}), (pools) => {
        const {region, problems} = parseRegion({...raw, pools})
        expect(region === undefined).toBe(pairwiseOverlap(pools))
        if (!region) {
          expect(problems).toHaveLength(1)
          expect(problems[0]!.field).toBe('pools')
          const [, a, b] = /^(\S+) overlaps (\S+):/.exec(problems[0]!.message)!
          expect(problems[0]!.message).toBe(regionMsg.poolsOverlap(a!, b!))
          expect(pools.indexOf(a!)).toBeLessThan(pools.indexOf(b!))
          expect(overlaps(parseCidr(a!), parseCidr(b!))).toBe(true)
        }
      }),
      {numRuns: 500},
    )
  })

  it('finds an allocation outside every pool as a scan over the pools does (property)', () => {
    const disjointPools = fc
      .uniqueArray(poolBlock, {minLength: 1, maxLength: 30})
      .map((pools) => pools.filter((p, i) => !pools.slice(0, i).some((q) => overlaps(parseCidr(p), parseCidr(q)))))
    fc.assert(
      fc.property(disjointPools, fc.array(poolBlock, {maxLength: 20}), (pools, allocations) => {
        const next = {...parseRegion(raw).region!, pools}
        const usage = {reservedVcpu: 0, reservedRamGib: 0, reservedStorageGib: 0, allocations, highestTenantLevel: 0}
        const orphan = allocations.find(
          (a) => !pools.some((p) => parseCidr(a).prefix >= parseCidr(p).prefix && overlaps(parseCidr(a), parseCidr(p))),
        )
        expect(regionChangeProblems(next, usage)).toEqual(
          orphan ? [{field: 'pools', message: regionMsg.poolStillAllocated(orphan)}] : [],
        )
      }),
      {numRuns: 300},
    )
  })
})

describe('the extranet range limit judges the union', () => {
  const all8 = Array.from({length: 256}, (_, i) => `${i}.0.0.0/8`)

  it('is one /8 of addresses, defined once', () => {
    expect(MIN_EXTRANET_PREFIX).toBe(8)
    expect(MAX_EXTRANET_ADDRESSES).toBe(16_777_216)
  })

  it('refuses the 256 /8s (all of IPv4), naming the field, the size and the fix', () => {
    expect(parseRegion({...raw, extranet_ranges: all8}).problems).toEqual([
      {
        field: 'extranet_ranges',
        message: regionMsg.extranetRangesTooMany(256, 2 ** 32, MIN_EXTRANET_PREFIX, MAX_EXTRANET_ADDRESSES),
        row: undefined,
      },
    ])
    expect(parseRegion({...raw, extranet_ranges: '10.0.0.0/8 11.0.0.0/9'}).problems[0]?.message).toBe(
      regionMsg.extranetRangesTooMany(2, 2 ** 24 + 2 ** 23, 8, MAX_EXTRANET_ADDRESSES),
    )
  })

  it('accepts ranges whose union is at most one /8, however many there are', () => {
    expect(extranetRangesProblem(['10.0.0.0/8'])).toBeUndefined()
    expect(extranetRangesProblem(['10.0.0.0/8', '10.44.0.0/16', '10.0.0.0/9'])).toBeUndefined()
    const halves = Array.from({length: 256}, (_, i) => `${i}.0.0.0/16`)
    expect(extranetRangesProblem(halves)).toBeUndefined()
    expect(extranetRangesProblem(['0.0.0.0/0'])).toBe(regionMsg.extranetRangeTooWide('0.0.0.0/0', 8))
  })

  it('holds for any set of ranges (property)', () => {
    const range = fc
      .tuple(fc.integer({min: 8, max: 32}), fc.integer({min: 0, max: 2 ** 32 - 1}))
      .map(([prefix, address]) => {
        const size = 2 ** (32 - prefix)
        return formatCidr({network: address - (address % size), prefix})
      })
    fc.assert(
      fc.property(fc.array(range, {maxLength: 40}), (ranges) => {
        // Aligned blocks are nested or disjoint: the union is the sum over the blocks inside no other.
        const blocks = [...new Set(ranges)].map(parseCidr)
        const outer = blocks.filter((b) => !blocks.some((o) => o.prefix < b.prefix && overlaps(o, b)))
        const union = outer.reduce((sum, b) => sum + 2 ** (32 - b.prefix), 0)
        expect(parseRegion({...raw, extranet_ranges: ranges}).region !== undefined).toBe(
          union <= MAX_EXTRANET_ADDRESSES,
        )
      }),
      {numRuns: 500},
    )
  })
})

describe('the stack reading of the baseline', () => {
  const controls = baselineControls()

  it('reads zones, ports, retention, ingress, encryption, keys and rating from the data files', () => {
    expect(stackBaseline(2, controls).baseline).toMatchObject({
      zones: ['service', 'management'],
      managementPorts: [22, 23, 161, 2375, 3389, 5900, 5985, 5986, 6443],
      forbiddenSources: ['0.0.0.0/0', '::/0'],
      logRetentionMonths: 6,
      logRetentionDays: 184,
      extranetOnlyIngress: false,
      encryptedVolumes: false,
      encryptionAlgorithm: null,
      tenantHeldKey: false,
      minPlatformLevel: 2,
    })
    expect(stackBaseline(4, controls).baseline).toMatchObject({
      zones: ['web', 'app', 'data', 'management'],
      extranetOnlyIngress: true,
      encryptedVolumes: true,
      encryptionAlgorithm: 'SM4',
      tenantHeldKey: true,
      minPlatformLevel: 4,
    })
  })

  it('names a missing or malformed parameter', () => {
    const without = (id: string) => controls.filter((c) => c.id !== id)
    expect(stackBaseline(3, without('network-zoning')).problems).toEqual([
      msg.baselineMissingParameter(3, 'zones', 'security zones'),
    ])
    const bad: BaselineControl[] = controls.map((c) =>
      c.id === 'log-retention' && c.level === 3 ? {...c, parameters: {minMonths: '6'}} : c,
    )
    expect(stackBaseline(3, bad).problems).toEqual([
      msg.baselineBadParameter(3, 'log-retention', 'minMonths', 'a whole number of months'),
    ])
    expect(
      stackBaseline(
        5,
        controls.filter((c) => c.level !== 5),
      ).problems,
    ).toEqual([msg.baselineMissingLevel(5)])
  })
})

describe('pre-flight', () => {
  const controls = baselineControls()

  it('passes a compliant tenant with every check and the planned subnets', () => {
    const result = preflight(tenantFixture(3), regionFixture(), controls, {target: 'openstack'})
    expect(result.ok).toBe(true)
    expect(result.findings.map((f) => f.check)).toEqual(PREFLIGHT_CHECKS)
    expect(result.subnets?.map((s) => s.zone)).toEqual(['web', 'app', 'data', 'management'])
  })

  it('accounts for what the region’s other tenants hold', () => {
    const usage = {reservedVcpu: 990, reservedRamGib: 0, reservedStorageGib: 0, allocations: ['10.20.0.0/21']}
    const result = preflight(tenantFixture(2, {quotaVcpu: 16}), regionFixture({pools: ['10.20.0.0/21']}), controls, {
      usage,
    })
    expect(result.findings.filter((f) => !f.ok)).toEqual([
      {check: 'quota', ok: false, message: msg.quotaOverCapacity('gz-1', 'vCPU', 16, 10)},
      {check: 'networks', ok: false, message: msg.poolExhausted('gz-1', 'service', 24, ['10.20.0.0/21'])},
    ])
  })

  it('refuses a tenant block outside the pools or overlapping another tenant', () => {
    const outside = preflight(tenantFixture(2, {cidr: '10.99.0.0/24'}), regionFixture(), controls)
    expect(outside.findings.find((f) => f.check === 'networks')?.message).toBe(
      msg.blockOutsidePools('10.99.0.0/24', 'gz-1', ['10.20.0.0/20']),
    )
    const usage = {reservedVcpu: 0, reservedRamGib: 0, reservedStorageGib: 0, allocations: ['10.20.1.0/24']}
    const taken = preflight(tenantFixture(2, {cidr: '10.20.0.0/23'}), regionFixture(), controls, {usage})
    expect(taken.findings.find((f) => f.check === 'networks')?.message).toBe(
      msg.blockTaken('10.20.0.0/23', '10.20.1.0/24'),
    )
  })

  it('needs the region to be defined and, from level 3, to declare extranet ranges', () => {
    expect(preflight(tenantFixture(2), undefined, controls).findings.filter((f) => !f.ok)).toEqual([
      {check: 'region', ok: false, message: msg.regionUndefined('t-l2', 'gz-1')},
    ])
    const noRanges = preflight(tenantFixture(3, {exposure: 'internet'}), regionFixture({extranetRanges: []}), controls)
    expect(noRanges.findings.filter((f) => !f.ok)).toEqual([
      {check: 'extranet-ranges', ok: false, message: msg.noExtranetRanges('gz-1', 3)},
    ])
    expect(preflight(tenantFixture(2, {exposure: 'internet'}), regionFixture({extranetRanges: []}), controls).ok).toBe(
      true,
    )
  })

  it('refuses a level-3 tenant behind a region whose extranet ranges together open all of IPv4', () => {
    const wide = regionFixture({extranetRanges: Array.from({length: 256}, (_, i) => `${i}.0.0.0/8`)})
    const problem = regionMsg.extranetRangesTooMany(256, 2 ** 32, MIN_EXTRANET_PREFIX, MAX_EXTRANET_ADDRESSES)
    expect(preflight(tenantFixture(3), wide, controls).findings.filter((f) => !f.ok)).toEqual([
      {check: 'extranet-ranges', ok: false, message: msg.extranetRangesTooWide('gz-1', 3, problem)},
    ])
    expect(preflight(tenantFixture(2, {exposure: 'internet'}), wide, controls).ok).toBe(true)
  })

  it('stops at a system govnet never hosts', () => {
    expect(preflight(tenantFixture(3, {classified: true}), regionFixture(), controls).findings).toEqual([
      {check: 'hosted', ok: false, message: tenantMsg.classifiedRefused()},
    ])
    expect(preflight(tenantFixture(5), regionFixture(), controls).findings).toEqual([
      {check: 'hosted', ok: false, message: tenantMsg.levelNotHosted(5)},
    ])
  })
})
