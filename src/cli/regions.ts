import {Flags} from '@oclif/core'

import {RawRecord} from '../domain/fields'
import {Region} from '../domain/regions'
import {MLPS_LEVELS} from '../domain/mlps'
import {RegionWithUsage} from '../inventory/regions'
import {renderFields, renderTable} from './table'

/**
 * The region fields as flags for `region add` and `region set`: the record's input names in
 * kebab-case. --max-level takes the MLPS levels as its options (help shows them; another value
 * is a usage error, exit 2; level 5 is offered so that it gets the schema's reason); the others are plain strings, so that the region schema
 * (src/domain/regions.ts) is the one place that validates them.
 */
export const regionFieldFlags = {
  name: Flags.string({description: 'display name, e.g. 广州政务云一区'}),
  pools: Flags.string({
    description: 'IPv4 address pools for tenant networks, comma-separated, e.g. 10.20.0.0/16,10.21.0.0/16',
  }),
  'extranet-ranges': Flags.string({
    description:
      'extranet ranges that may reach tenants (level 3+: the only sources of ingress), comma-separated; empty to clear',
  }),
  vcpu: Flags.string({description: 'vCPU capacity'}),
  'ram-gib': Flags.string({description: 'RAM capacity in GiB'}),
  'storage-gib': Flags.string({description: 'storage capacity in GiB'}),
  'max-level': Flags.option({
    description: 'highest MLPS level the platform is rated to host',
    options: MLPS_LEVELS.map(String),
  })(),
  'external-network': Flags.string({
    description: 'OpenStack external (extranet) network id for tenant routers; empty to clear',
  }),
}

type RegionFieldFlagValues = {[K in keyof typeof regionFieldFlags]?: string}

/** The flags that were given, as raw region fields; flags not given are left out. */
export function regionFieldsFromFlags(flags: RegionFieldFlagValues): RawRecord {
  const raw: RawRecord = {}
  for (const flag of Object.keys(regionFieldFlags) as (keyof typeof regionFieldFlags)[]) {
    const value = flags[flag]
    if (value !== undefined) raw[flag.replaceAll('-', '_')] = value
  }
  return raw
}

const used = (reserved: number, capacity: number) => `${reserved} / ${capacity}`

export function renderRegionTable(regions: readonly RegionWithUsage[]): string {
  return renderTable<RegionWithUsage>(
    [
      {header: 'ID', value: (r) => r.id},
      {header: 'NAME', value: (r) => r.name},
      {header: 'MAX LEVEL', value: (r) => r.maxMlpsLevel, align: 'right'},
      {header: 'POOLS', value: (r) => r.pools.join(',')},
      {header: 'VCPU', value: (r) => used(r.usage.reservedVcpu, r.capacityVcpu), align: 'right'},
      {header: 'RAM GIB', value: (r) => used(r.usage.reservedRamGib, r.capacityRamGib), align: 'right'},
      {header: 'STORAGE GIB', value: (r) => used(r.usage.reservedStorageGib, r.capacityStorageGib), align: 'right'},
      {header: 'TENANTS', value: (r) => r.tenants.length, align: 'right'},
    ],
    regions,
  )
}

export function renderRegion(region: Region | RegionWithUsage): string {
  const usage = 'usage' in region ? region.usage : undefined
  return renderFields([
    ['id', region.id],
    ['name', region.name],
    ['max level', region.maxMlpsLevel],
    ['pools', region.pools.join(', ')],
    ['extranet ranges', region.extranetRanges.join(', ')],
    ['external network', region.externalNetwork],
    ['vCPU', usage ? `${used(usage.reservedVcpu, region.capacityVcpu)} reserved` : region.capacityVcpu],
    ['RAM GiB', usage ? `${used(usage.reservedRamGib, region.capacityRamGib)} reserved` : region.capacityRamGib],
    [
      'storage GiB',
      usage ? `${used(usage.reservedStorageGib, region.capacityStorageGib)} reserved` : region.capacityStorageGib,
    ],
    ...(usage && 'tenants' in region
      ? ([
          ['allocated subnets', usage.allocations.length > 0 ? usage.allocations.join(', ') : null],
          ['tenants', region.tenants.length > 0 ? region.tenants.join(', ') : null],
        ] as Array<[string, string | null]>)
      : []),
    ['updated', region.updatedAt],
  ])
}
