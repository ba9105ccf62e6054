import {mkdirSync, readdirSync, readFileSync, statSync, writeFileSync} from 'node:fs'
import {request} from 'node:http'
import path from 'node:path'
import {gunzipSync} from 'node:zlib'
import {register} from 'prom-client'
import type {MetricObjectWithValues, MetricValue} from 'prom-client'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {computeCoverageAllLevels} from '../../src/coverage'
import type {CoverageRow} from '../../src/domain/coverage'
import {Inventory} from '../../src/inventory/db'
import {TENANT_COUNTS_SQL} from '../../src/inventory/metrics-queries'
import {metricsMessages as msg} from '../../src/messages'
import {MetricsExporter} from '../../src/metrics/exporter'
import {MetricsServer} from '../../src/metrics/server'
import {MetricsSnapshot, snapshotReader} from '../../src/metrics/snapshot'
import {writeFileAtomically} from '../../src/metrics/textfile'
import {repoRoot, tempDir} from '../helpers/cli'
import {
  METRICS_NOW,
  SEED_LAST_CHANGE_AT,
  SEED_REGIONS,
  SEED_RESERVATIONS,
  SEED_TENANTS,
  seedMetricsInventory,
} from '../helpers/metrics-seed'
import {promtoolCheckMetrics} from '../helpers/prometheus'

type Json = MetricObjectWithValues<MetricValue<string>>[]

/** The value of `name` with exactly `labels`, failing when there is no such series. */
function valueOf(metrics: Json, name: string, labels: Record<string, string | number> = {}): number {
  const metric = metrics.find((m) => m.name === name)
  if (!metric) expect.fail(`no metric ${name}`)
  const wanted = Object.entries(labels).map(([k, v]) => [k, String(v)])
  const series = metric.values.find(
    (v) =>
      Object.keys(v.labels).length === wanted.length && wanted.every(([k, value]) => String(v.labels[k!]) === value),
  )
  if (!series) expect.fail(`no series ${name}${JSON.stringify(labels)}`)
  return series.value
}

/** The coverage labels of a line: level, code, name, the province's code and the parent's name. */
function lineLabels(line: CoverageRow, names: ReadonlyMap<string, string>): Record<string, string> {
  const code = line.code ?? ''
  const below = line.level === 'prefecture' || line.level === 'county'
  return {
    level: line.level,
    code,
    name: line.name,
    province: code.slice(0, 2),
    parent: below ? (names.get(code.slice(0, -2)) ?? '') : '',
  }
}

const NATION = {level: 'nation', code: '', name: '全国', province: '', parent: ''}

function seriesCount(metrics: Json, name: string): number {
  return metrics.find((m) => m.name === name)?.values.length ?? 0
}

const tmp = tempDir('govnet-metrics-')
const dbPath = path.join(tmp.dir, 'govnet.db')
let inventory: Inventory
let exporter: MetricsExporter
let metrics: Json

beforeAll(async () => {
  seedMetricsInventory(dbPath)
  inventory = Inventory.open(dbPath, {readonly: true})
  exporter = new MetricsExporter(snapshotReader(inventory, {now: () => METRICS_NOW}), () => {})
  await exporter.refresh()
  metrics = await exporter.registry().getMetricsAsJSON()
})

afterAll(() => {
  inventory.close()
  tmp.cleanup()
})

describe('metrics snapshot of a seeded inventory', () => {
  it('reports the same coverage as computeCoverageAllLevels, for the nation and every division', () => {
    const coverage = computeCoverageAllLevels(inventory, {now: METRICS_NOW})
    const lines = [coverage.national, ...coverage.province, ...coverage.prefecture, ...coverage.county]
    const names = new Map(lines.map((line) => [line.code ?? '', line.name]))
    expect(seriesCount(metrics, 'govnet_coverage_townships')).toBe(lines.length)
    for (const line of lines) {
      const labels = lineLabels(line, names)
      expect(valueOf(metrics, 'govnet_coverage_townships', labels)).toBe(line.townships)
      expect(valueOf(metrics, 'govnet_coverage_covered_townships', labels)).toBe(line.covered)
      expect(valueOf(metrics, 'govnet_coverage_verified_townships', labels)).toBe(line.verified)
      expect(valueOf(metrics, 'govnet_coverage_ratio', labels)).toBe(line.ratio)
      expect(valueOf(metrics, 'govnet_coverage_verified_ratio', labels)).toBe(line.verifiedRatio)
    }
    // Seeded: 7 active township nodes in Beijing (3 verified) and 3 in Dongguan (2 verified).
    expect(valueOf(metrics, 'govnet_coverage_covered_townships', NATION)).toBe(10)
    expect(valueOf(metrics, 'govnet_coverage_verified_townships', NATION)).toBe(5)
    const dongguan = {level: 'prefecture', code: '4419', name: '东莞市', province: '44', parent: '广东省'}
    expect(valueOf(metrics, 'govnet_coverage_covered_townships', dongguan)).toBe(3)
  })

  it('breaks the national and provincial lines down by township kind, all four kinds present, zero included', () => {
    const coverage = computeCoverageAllLevels(inventory, {now: METRICS_NOW})
    const lines = [coverage.national, ...coverage.province]
    const names = new Map(lines.map((line) => [line.code ?? '', line.name]))
    for (const name of [
      'govnet_coverage_kind_townships',
      'govnet_coverage_kind_covered_townships',
      'govnet_coverage_kind_verified_townships',
    ])
      expect(seriesCount(metrics, name)).toBe(lines.length * 4)
    for (const line of lines)
      for (const kind of line.byKind) {
        const labels = {...lineLabels(line, names), kind: kind.kind}
        expect(valueOf(metrics, 'govnet_coverage_kind_townships', labels)).toBe(kind.townships)
        expect(valueOf(metrics, 'govnet_coverage_kind_covered_townships', labels)).toBe(kind.covered)
        expect(valueOf(metrics, 'govnet_coverage_kind_verified_townships', labels)).toBe(kind.verified)
      }
    // the seeded township nodes all sit in streets (Beijing 110101001…, Dongguan 441900003…)
    expect(valueOf(metrics, 'govnet_coverage_kind_covered_townships', {...NATION, kind: 'street'})).toBe(10)
    expect(valueOf(metrics, 'govnet_coverage_kind_covered_townships', {...NATION, kind: 'town'})).toBe(0)
    expect(valueOf(metrics, 'govnet_coverage_kind_townships', {...NATION, kind: 'town'})).toBe(203)
  })

  it('names the NBS grouping codes in govnet_division_grouping_info', () => {
    expect(metrics.find((m) => m.name === 'govnet_division_grouping_info')?.values).toEqual([
      {labels: {level: 'prefecture', code: '1101', name: '市辖区', province: '11', parent: '北京市'}, value: 1},
    ])
  })

  it('counts nodes by tier, status and platform, with every known combination present', () => {
    expect(valueOf(metrics, 'govnet_nodes', {tier: 'township', status: 'active', platform: 'linux'})).toBe(10)
    expect(valueOf(metrics, 'govnet_nodes', {tier: 'provincial', status: 'active', platform: 'huawei-vrp'})).toBe(1)
    expect(valueOf(metrics, 'govnet_nodes', {tier: 'prefecture', status: 'planned', platform: 'linux'})).toBe(1)
    expect(valueOf(metrics, 'govnet_nodes', {tier: 'national', status: 'active', platform: 'cisco-ios'})).toBe(0)
    expect(seriesCount(metrics, 'govnet_nodes')).toBe(5 * 4 * 4)
  })

  it('classifies the latest audit of nodes in service, by tier', () => {
    const audit = (tier: string, result: string) => valueOf(metrics, 'govnet_audit_nodes', {tier, result})
    expect([audit('provincial', 'reachable'), audit('provincial', 'unreachable')]).toEqual([1, 1])
    expect(audit('prefecture', 'host_key_mismatch')).toBe(1)
    expect(audit('prefecture', 'never_audited')).toBe(0) // the planned prefecture node is not in service
    expect(
      ['reachable', 'unreachable', 'host_key_mismatch', 'audit_failed', 'never_audited'].map((r) =>
        audit('township', r),
      ),
    ).toEqual([7, 1, 1, 1, 1])
    expect(valueOf(metrics, 'govnet_audit_outcome_nodes', {tier: 'township', outcome: 'auth'})).toBe(1)
    expect(valueOf(metrics, 'govnet_audit_outcome_nodes', {tier: 'township', outcome: 'never'})).toBe(1)
    expect(valueOf(metrics, 'govnet_audit_outcome_nodes', {tier: 'county', outcome: 'ok'})).toBe(0)
  })

  it('gives the time of the last audit per tier, and no series for a tier never audited', () => {
    const hoursBefore = (h: number) => METRICS_NOW.getTime() / 1000 - h * 3600
    expect(valueOf(metrics, 'govnet_audit_last_timestamp_seconds', {tier: 'provincial'})).toBe(hoursBefore(1))
    expect(valueOf(metrics, 'govnet_audit_last_timestamp_seconds', {tier: 'prefecture'})).toBe(hoursBefore(3))
    expect(valueOf(metrics, 'govnet_audit_last_timestamp_seconds', {tier: 'township'})).toBe(hoursBefore(1))
    expect(seriesCount(metrics, 'govnet_audit_last_timestamp_seconds')).toBe(3)
  })

  it('counts tenants by level and status, failing controls and overdue assessments', () => {
    expect(valueOf(metrics, 'govnet_tenants', {mlps_level: 3, status: 'active'})).toBe(2)
    expect(valueOf(metrics, 'govnet_tenants', {mlps_level: 3, status: 'decommissioned'})).toBe(1)
    expect(valueOf(metrics, 'govnet_tenants', {mlps_level: 1, status: 'failed'})).toBe(0)
    expect(seriesCount(metrics, 'govnet_tenants')).toBe(4 * 5)
    const failing = (control: string, level: number) =>
      valueOf(metrics, 'govnet_tenants_failing_control', {control, mlps_level: level})
    expect([failing('filing', 2), failing('filing', 3), failing('filing', 4)]).toEqual([0, 1, 0])
    expect([failing('assessment-interval', 3), failing('assessment-interval', 4)]).toEqual([1, 1])
    const overdue = [1, 2, 3, 4].map((level) =>
      valueOf(metrics, 'govnet_tenants_assessment_overdue', {mlps_level: level}),
    )
    expect(overdue).toEqual([0, 0, 1, 1])
  })

  it('reports inventory freshness and a successful refresh', () => {
    expect(valueOf(metrics, 'govnet_inventory_last_change_timestamp_seconds')).toBe(
      Date.parse(SEED_LAST_CHANGE_AT) / 1000,
    )
    expect(valueOf(metrics, 'govnet_refresh_success')).toBe(1)
    expect(valueOf(metrics, 'govnet_refresh_failures_total')).toBe(0)
    expect(valueOf(metrics, 'govnet_refresh_last_success_timestamp_seconds')).toBe(METRICS_NOW.getTime() / 1000)
    expect(valueOf(metrics, 'govnet_refresh_duration_seconds')).toBeGreaterThan(0)
  })

  it('exports the change log length, its chain verified and when (evidence kept outside the machine)', () => {
    // One row per record the seed created through the repositories: the metric is the table's length.
    const rows = inventory.db.prepare('SELECT count(*) FROM changes').pluck().get()
    expect(rows).toBeGreaterThan(1)
    expect(valueOf(metrics, 'govnet_changelog_rows')).toBe(rows)
    expect(valueOf(metrics, 'govnet_changelog_chain_ok')).toBe(1)
    expect(valueOf(metrics, 'govnet_changelog_last_verified_timestamp_seconds')).toBe(METRICS_NOW.getTime() / 1000)
  })

  it('renders a text exposition that promtool check metrics accepts', async () => {
    const text = exporter.exposition('prometheus').body.toString('utf8')
    const result = promtoolCheckMetrics(text)
    expect(result.problems).toEqual([])
    expect(result.code).toBe(0)
  })

  it('renders the same values in OpenMetrics, with _total on counter samples and the # EOF terminator', () => {
    const prometheus = exporter.exposition('prometheus')
    const openMetrics = exporter.exposition('openmetrics')
    expect(prometheus.contentType).toBe('text/plain; version=0.0.4; charset=utf-8')
    expect(openMetrics.contentType).toBe('application/openmetrics-text; version=1.0.0; charset=utf-8')
    const om = openMetrics.body.toString('utf8')
    expect(om.endsWith('# EOF\n')).toBe(true)
    expect(om).toContain('# TYPE govnet_refresh_failures counter\ngovnet_refresh_failures_total 0')
    const samples = (text: string) =>
      text
        .split('\n')
        .filter((line) => line !== '' && !line.startsWith('#'))
        .sort()
    expect(samples(om)).toEqual(samples(prometheus.body.toString('utf8')))
  })
})

describe('dashboard metrics of a seeded inventory', () => {
  const GIB = 1024 ** 3

  it('gives each region its capacity, what tenant quotas reserve and what is free, in vCPUs and bytes', () => {
    for (const region of SEED_REGIONS) {
      const labels = {region: region.id}
      const held = SEED_RESERVATIONS.filter((q) => q.region === region.id)
      const sum = (pick: (q: (typeof held)[number]) => number) => held.reduce((total, q) => total + pick(q), 0)
      expect({
        vcpu: [
          valueOf(metrics, 'govnet_region_capacity_vcpus', labels),
          valueOf(metrics, 'govnet_region_reserved_vcpus', labels),
          valueOf(metrics, 'govnet_region_free_vcpus', labels),
        ],
        ram: [
          valueOf(metrics, 'govnet_region_capacity_ram_bytes', labels),
          valueOf(metrics, 'govnet_region_reserved_ram_bytes', labels),
          valueOf(metrics, 'govnet_region_free_ram_bytes', labels),
        ],
        storage: [
          valueOf(metrics, 'govnet_region_capacity_storage_bytes', labels),
          valueOf(metrics, 'govnet_region_reserved_storage_bytes', labels),
          valueOf(metrics, 'govnet_region_free_storage_bytes', labels),
        ],
      }).toEqual({
        vcpu: [region.vcpu, sum((q) => q.vcpu), region.vcpu - sum((q) => q.vcpu)],
        ram: [region.ramGib * GIB, sum((q) => q.ramGib) * GIB, (region.ramGib - sum((q) => q.ramGib)) * GIB],
        storage: [
          region.storageGib * GIB,
          sum((q) => q.storageGib) * GIB,
          (region.storageGib - sum((q) => q.storageGib)) * GIB,
        ],
      })
      expect(
        valueOf(metrics, 'govnet_region_info', {region: region.id, name: region.name, max_mlps_level: region.maxLevel}),
      ).toBe(1)
    }
    expect(seriesCount(metrics, 'govnet_region_free_vcpus')).toBe(SEED_REGIONS.length)
  })

  it('counts tenants by region, level and status, every known combination present', () => {
    const tenants = (region: string, level: number, status: string) =>
      valueOf(metrics, 'govnet_region_tenants', {region, mlps_level: level, status})
    expect(tenants('gd-gz-1', 2, 'active')).toBe(1)
    expect(tenants('cn-test-1', 2, 'active')).toBe(0)
    expect(tenants('cn-test-1', 3, 'active')).toBe(2)
    expect(tenants('cn-test-1', 4, 'requested')).toBe(1)
    expect(seriesCount(metrics, 'govnet_region_tenants')).toBe(SEED_REGIONS.length * 4 * 5)
    const byLevelStatus = metrics.find((m) => m.name === 'govnet_region_tenants')!.values
    expect(byLevelStatus.reduce((total, v) => total + v.value, 0)).toBe(SEED_TENANTS.length)
  })

  it('classifies the latest audit of nodes in service by province, every province and result present', () => {
    const audit = (province: string, result: string) =>
      valueOf(metrics, 'govnet_province_audit_nodes', {province, result})
    // Beijing: bj-core ok, townships t0–t3 ok, t8 ok (degraded), t4 auth, t5 never, t6 refused.
    expect(
      ['reachable', 'unreachable', 'host_key_mismatch', 'audit_failed', 'never_audited'].map((r) => audit('11', r)),
    ).toEqual([6, 1, 0, 1, 1])
    // Guangdong: gd-core timeout, dg-agg host key changed, Dongguan townships 2 ok and 1 host key changed.
    expect(
      ['reachable', 'unreachable', 'host_key_mismatch', 'audit_failed', 'never_audited'].map((r) => audit('44', r)),
    ).toEqual([2, 1, 2, 0, 0])
    expect(audit('62', 'never_audited')).toBe(0) // the planned Jiayuguan node is not in service
    const provinces = metrics
      .find((m) => m.name === 'govnet_coverage_townships')!
      .values.filter((v) => v.labels.level === 'province').length
    expect(seriesCount(metrics, 'govnet_province_audit_nodes')).toBe(provinces * 5)
  })

  it('names the version in govnet_build_info', () => {
    const version = (JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as {version: string}).version
    expect(valueOf(metrics, 'govnet_build_info', {version, nodejs: process.versions.node})).toBe(1)
  })

  it('adds process metrics on its own registry only when asked, promtool-clean in both formats', async () => {
    expect(metrics.some((m) => m.name.startsWith('process_'))).toBe(false)
    const withProcess = new MetricsExporter(snapshotReader(inventory, {now: () => METRICS_NOW}), () => {}, undefined, {
      processMetrics: true,
    })
    await withProcess.refresh()
    const json = await withProcess.registry().getMetricsAsJSON()
    expect(valueOf(json, 'process_resident_memory_bytes')).toBeGreaterThan(0)
    expect(json.find((m) => m.name === 'nodejs_heap_size_used_bytes')).toBeDefined()
    expect((await register.getMetricsAsJSON()).some((m) => m.name.startsWith('process_'))).toBe(false)
    const text = withProcess.exposition('prometheus').body.toString('utf8')
    expect(text).toContain('# TYPE process_cpu_user_seconds_total counter')
    const checked = promtoolCheckMetrics(text)
    expect(checked.problems).toEqual([])
    const om = withProcess.exposition('openmetrics').body.toString('utf8')
    expect(om).toContain('# TYPE process_cpu_user_seconds counter')
    expect(om.endsWith('# EOF\n')).toBe(true)
  })
})

describe('refreshing', () => {
  it('reads the inventory on refresh only, never on a scrape', async () => {
    const read = snapshotReader(inventory, {now: () => METRICS_NOW})
    let reads = 0
    const counting = new MetricsExporter(() => {
      reads++
      return read()
    })
    await counting.refresh()
    const server = await MetricsServer.listen(counting, {host: '127.0.0.1', port: 0})
    try {
      for (let i = 0; i < 10; i++) expect((await get(server.url)).status).toBe(200)
    } finally {
      await server.close()
    }
    expect(reads).toBe(1)
  })

  it('refreshes on its interval until stopped', async () => {
    let reads = 0
    const read = snapshotReader(inventory, {now: () => METRICS_NOW})
    const periodic = new MetricsExporter(() => {
      reads++
      return read()
    })
    await periodic.refresh()
    periodic.startRefreshing(20)
    try {
      for (let i = 0; i < 500 && reads < 4; i++) await new Promise((resolve) => setTimeout(resolve, 10))
    } finally {
      periodic.stop()
    }
    expect(reads).toBeGreaterThanOrEqual(4)
  })

  it('reads the same values through a connection with a small page cache (the refresh worker keeps 2 MiB)', async () => {
    const small = Inventory.open(dbPath, {readonly: true, pageCacheKiB: 2048})
    try {
      expect(small.db.pragma('cache_size', {simple: true})).toBe(-2048)
      const lean = new MetricsExporter(snapshotReader(small, {now: () => METRICS_NOW}), () => {})
      await lean.refresh()
      const leanMetrics = await lean.registry().getMetricsAsJSON()
      const withoutRefreshTimes = (json: Json) => json.filter((m) => !m.name.startsWith('govnet_refresh_'))
      expect(withoutRefreshTimes(leanMetrics)).toEqual(withoutRefreshTimes(metrics))
    } finally {
      small.close()
    }
  })

  it('counts tenants through the (mlps_level, status) index', () => {
    const plan = inventory.db.prepare(`EXPLAIN QUERY PLAN ${TENANT_COUNTS_SQL}`).all() as {detail: string}[]
    expect(plan.map((row) => row.detail).join('; ')).toContain('USING COVERING INDEX tenants_level_status')
  })
})

describe('a failing refresh', () => {
  it('keeps the last good values, sets govnet_refresh_success 0 and counts the failure, until a refresh succeeds', async () => {
    const good: MetricsSnapshot = {
      takenAt: METRICS_NOW,
      scope: [],
      coverage: [
        {
          code: null,
          name: '全国',
          level: 'nation',
          townships: 10,
          covered: 4,
          verified: 2,
          ratio: 0.4,
          verifiedRatio: 0.2,
          grouping: false,
          byKind: [],
        },
      ],
      coverageWindow: {freshnessMs: 86_400_000, verifiedSince: '2026-11-24T12:00:00.000Z'},
      nodes: [],
      auditOutcomes: [],
      lastAudits: [],
      tenants: [],
      controlFailures: [],
      overdueAssessments: [],
      changeLog: {rows: 0, verified: null},
      dashboard: {regions: [], regionTenants: [], provinceOutcomes: []},
    }
    const reads: Array<() => MetricsSnapshot> = [
      () => good,
      () => {
        throw new Error('database disk image is malformed')
      },
      () => ({
        ...good,
        takenAt: new Date(METRICS_NOW.getTime() + 60_000),
        coverage: [{...good.coverage[0]!, covered: 5, ratio: 0.5}],
      }),
    ]
    const logged: string[] = []
    const failing = new MetricsExporter(
      () => reads.shift()!(),
      (line) => logged.push(line),
    )
    const nation = NATION

    expect((await failing.refresh()).succeeded).toBe(true)
    const second = await failing.refresh()
    expect(second.succeeded).toBe(false)
    expect(second.error?.message).toBe('database disk image is malformed')
    expect(logged).toEqual([msg.refreshFailed('database disk image is malformed', METRICS_NOW)])
    let json = (await failing.registry().getMetricsAsJSON()) as Json
    expect(valueOf(json, 'govnet_coverage_covered_townships', nation)).toBe(4)
    expect(valueOf(json, 'govnet_refresh_success')).toBe(0)
    expect(valueOf(json, 'govnet_refresh_failures_total')).toBe(1)
    expect(valueOf(json, 'govnet_refresh_last_success_timestamp_seconds')).toBe(METRICS_NOW.getTime() / 1000)
    expect(failing.exposition('prometheus').body.toString()).toContain('govnet_refresh_success 0')

    expect((await failing.refresh()).succeeded).toBe(true)
    json = await failing.registry().getMetricsAsJSON()
    expect(valueOf(json, 'govnet_coverage_covered_townships', nation)).toBe(5)
    expect(valueOf(json, 'govnet_refresh_success')).toBe(1)
    expect(valueOf(json, 'govnet_refresh_failures_total')).toBe(1)
  })

  it('throws on the first refresh, when there is nothing to fall back on', async () => {
    const exporterWithoutData = new MetricsExporter(() => {
      throw new Error('no such table: nodes')
    })
    await expect(exporterWithoutData.refresh()).rejects.toThrow('no such table: nodes')
    expect(() => exporterWithoutData.exposition('prometheus')).toThrow('has not been refreshed yet')
  })
})

interface HttpResult {
  status: number
  headers: Record<string, string | string[] | undefined>
  body: Buffer
}

function get(url: string, headers: Record<string, string> = {}, method = 'GET'): Promise<HttpResult> {
  return new Promise((resolve, reject) => {
    const req = request(url, {method, headers, agent: false}, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (chunk: Buffer) => chunks.push(chunk))
      res.on('end', () => resolve({status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks)}))
    })
    req.on('error', reject)
    req.end()
  })
}

describe('MetricsServer', () => {
  let server: MetricsServer
  let base: string

  beforeAll(async () => {
    server = await MetricsServer.listen(exporter, {host: '127.0.0.1', port: 0})
    base = server.url.replace(/\/metrics$/, '')
  })

  afterAll(async () => {
    await server.close()
  })

  it('serves the text format by default and OpenMetrics when asked', async () => {
    const text = await get(`${base}/metrics`)
    expect(text.status).toBe(200)
    expect(text.headers['content-type']).toBe('text/plain; version=0.0.4; charset=utf-8')
    expect(text.body.equals(exporter.exposition('prometheus').body)).toBe(true)
    const om = await get(`${base}/metrics`, {
      Accept: 'application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5',
    })
    expect(om.headers['content-type']).toBe('application/openmetrics-text; version=1.0.0; charset=utf-8')
    expect(om.body.toString()).toMatch(/# EOF\n$/)
  })

  it('sends the body gzipped when the scraper accepts it', async () => {
    const gz = await get(`${base}/metrics`, {'Accept-Encoding': 'gzip'})
    expect(gz.headers['content-encoding']).toBe('gzip')
    expect(gunzipSync(gz.body).equals(exporter.exposition('prometheus').body)).toBe(true)
  })

  it('answers health checks, HEAD, unknown paths and other methods', async () => {
    for (const health of ['/healthz', '/-/healthy']) {
      const res = await get(`${base}${health}`)
      expect([res.status, res.body.toString()]).toEqual([200, 'ok\n'])
    }
    const head = await get(`${base}/metrics`, {}, 'HEAD')
    expect(head.status).toBe(200)
    expect(Number(head.headers['content-length'])).toBe(exporter.exposition('prometheus').body.length)
    expect(head.body.length).toBe(0)
    expect((await get(`${base}/nothing`)).status).toBe(404)
    const post = await get(`${base}/metrics`, {}, 'POST')
    expect([post.status, post.headers.allow]).toEqual([405, 'GET, HEAD'])
  })

  it('refuses an address already in use with the catalog error', async () => {
    const port = Number(new URL(server.url).port)
    await expect(MetricsServer.listen(exporter, {host: '127.0.0.1', port})).rejects.toThrow(
      msg.addressInUse(`127.0.0.1:${port}`).message,
    )
  })
})

describe('writeFileAtomically', () => {
  it('replaces the file and leaves no temporary file behind', () => {
    const file = path.join(tmp.dir, 'govnet.prom')
    writeFileSync(file, 'old\n')
    writeFileAtomically(file, 'new\n')
    expect(readFileSync(file, 'utf8')).toBe('new\n')
    expect(readdirSync(tmp.dir).filter((f) => f.endsWith('.tmp'))).toEqual([])
  })

  it('removes its temporary file when the rename fails, leaving the target as it was', () => {
    const target = path.join(tmp.dir, 'a-directory.prom')
    mkdirSync(target)
    expect(() => writeFileAtomically(target, 'new\n')).toThrow(/cannot write metrics to .*a-directory\.prom/)
    expect(statSync(target).isDirectory()).toBe(true)
    expect(readdirSync(tmp.dir).filter((f) => f.endsWith('.tmp'))).toEqual([])
  })

  it('fails with the catalog message when the directory does not exist', () => {
    const file = path.join(tmp.dir, 'missing-dir', 'govnet.prom')
    expect(() => writeFileAtomically(file, 'x')).toThrow(
      msg.cannotWriteTextfile(file, `directory ${path.dirname(file)} does not exist`).message,
    )
  })
})
