import {collectDefaultMetrics, Registry, RegistryContentType} from 'prom-client'

import {HOSTED_LEVELS, TENANT_STATUSES} from '../domain/tenants'
import {
  DashboardQueries,
  ProvinceOutcomeCount,
  RegionCapacityRow,
  RegionTenantCount,
} from '../inventory/dashboard-queries'
import {govnetVersion} from '../paths'
import type {ExporterState} from './collectors'
import {stateGauge} from './collectors'
import * as m from './definitions'
import {AUDIT_RESULTS, auditResultOf} from './reachability'

/**
 * What dashboards need beyond the coverage, node and tenant counts: region capacity and
 * reservations, tenants by region, audit results by province. Read in the snapshot's transaction.
 */
export interface DashboardFacts {
  regions: RegionCapacityRow[]
  regionTenants: RegionTenantCount[]
  provinceOutcomes: ProvinceOutcomeCount[]
}

export function readDashboardFacts(queries: DashboardQueries): DashboardFacts {
  return {
    regions: queries.regions(),
    regionTenants: queries.regionTenants(),
    provinceOutcomes: queries.provinceOutcomes(),
  }
}

const GIB = 1024 ** 3

type RegionValue = (region: RegionCapacityRow) => number

/** Each region gauge: its definition and its value per region row. */
const REGION_GAUGES: ReadonlyArray<[m.MetricDefinition<'region'>, RegionValue]> = [
  [m.REGION_CAPACITY_VCPUS, (r) => r.capacityVcpu],
  [m.REGION_RESERVED_VCPUS, (r) => r.reservedVcpu],
  [m.REGION_FREE_VCPUS, (r) => r.capacityVcpu - r.reservedVcpu],
  [m.REGION_CAPACITY_RAM_BYTES, (r) => r.capacityRamGib * GIB],
  [m.REGION_RESERVED_RAM_BYTES, (r) => r.reservedRamGib * GIB],
  [m.REGION_FREE_RAM_BYTES, (r) => (r.capacityRamGib - r.reservedRamGib) * GIB],
  [m.REGION_CAPACITY_STORAGE_BYTES, (r) => r.capacityStorageGib * GIB],
  [m.REGION_RESERVED_STORAGE_BYTES, (r) => r.reservedStorageGib * GIB],
  [m.REGION_FREE_STORAGE_BYTES, (r) => (r.capacityStorageGib - r.reservedStorageGib) * GIB],
]

/** Region, tenant-by-region and audit-by-province gauges, and govnet_build_info, on `registry`. */
export function registerDashboardMetrics(registry: Registry<RegistryContentType>, state: () => ExporterState): void {
  stateGauge(registry, m.REGION_INFO, state, function* (s) {
    for (const r of s.snapshot.dashboard.regions)
      yield [{region: r.region, name: r.name, max_mlps_level: r.maxMlpsLevel}, 1]
  })
  for (const [definition, value] of REGION_GAUGES)
    stateGauge(registry, definition, state, function* (s) {
      for (const r of s.snapshot.dashboard.regions) yield [{region: r.region}, value(r)]
    })

  stateGauge(registry, m.REGION_TENANTS, state, function* (s) {
    for (const {region} of s.snapshot.dashboard.regions)
      for (const level of HOSTED_LEVELS)
        for (const status of TENANT_STATUSES) yield [{region, mlps_level: level, status}, 0]
    for (const row of s.snapshot.dashboard.regionTenants)
      yield [{region: row.region, mlps_level: row.mlpsLevel, status: row.status}, row.tenants]
  })

  stateGauge(registry, m.PROVINCE_AUDIT_NODES, state, function* (s) {
    const counts = new Map<string, number>()
    const key = (province: string, result: string) => `${province}\u0000${result}`
    for (const row of s.snapshot.coverage)
      if (row.level === 'province' && row.code !== null)
        for (const result of AUDIT_RESULTS) counts.set(key(row.code, result), 0)
    for (const row of s.snapshot.dashboard.provinceOutcomes) {
      const k = key(row.province, auditResultOf(row.outcome))
      counts.set(k, (counts.get(k) ?? 0) + row.nodes)
    }
    for (const [k, nodes] of counts) {
      const [province = '', result = ''] = k.split('\u0000')
      yield [{province, result}, nodes]
    }
  })

  const build = {version: govnetVersion(), nodejs: process.versions.node}
  stateGauge(registry, m.BUILD_INFO, state, function* () {
    yield [build, 1]
  })
}

/**
 * Default metrics that `promtool check metrics` refuses (gauges named `_total`): each is the sum of
 * the same metric without the suffix, broken down by `type`, which stays.
 */
const LINT_FAILING_DEFAULTS = [
  'nodejs_active_handles_total',
  'nodejs_active_requests_total',
  'nodejs_active_resources_total',
] as const

/**
 * prom-client's default process and Node.js metrics (process_*, nodejs_*) on `registry`, never the
 * global one, less LINT_FAILING_DEFAULTS. `metrics serve` adds them; `metrics write` does not, since
 * node_exporter reading the textfile has process metrics of its own and a short-lived command's would
 * mean nothing. They are read at each refresh, in the refresh thread (its heap and event loop).
 */
export function registerProcessMetrics(registry: Registry<RegistryContentType>): void {
  collectDefaultMetrics({register: registry})
  for (const name of LINT_FAILING_DEFAULTS) registry.removeSingleMetric(name)
}
