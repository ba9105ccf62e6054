import path from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import type {CoverageReport} from '../../src/coverage'
import type {CoverageRow} from '../../src/domain/coverage'
import {govnet, json, tempDir} from '../helpers/cli'
import {seedMetricsInventory} from '../helpers/metrics-seed'
import {ServeProcess, startServe} from '../helpers/metrics-serve'
import {poll, PrometheusServer, runPrometheusTests, startPrometheus} from '../helpers/prometheus'

/**
 * A real Prometheus (Debian's /usr/bin/prometheus) scrapes `govnet metrics serve` over a seeded
 * inventory; what its HTTP API returns must equal what `govnet coverage --json` reports.
 */
describe.runIf(runPrometheusTests)('Prometheus scraping govnet metrics serve', () => {
  const tmp = tempDir('govnet-prometheus-')
  const dbPath = path.join(tmp.dir, 'govnet.db')
  let serve: ServeProcess
  let prometheus: PrometheusServer

  beforeAll(async () => {
    seedMetricsInventory(dbPath)
    serve = await startServe(dbPath, ['--refresh', '1s'])
    prometheus = await startPrometheus(tmp.dir, [serve.target])
    // Wait for a scrape: at 1 s intervals this takes a few seconds; give up after 60 s.
    await poll(
      async () => ((await prometheus.query('govnet_coverage_townships{level="nation"}')).length > 0 ? true : undefined),
      {attempts: 120, intervalMs: 500},
      () => `a scrape of ${serve.url} (prometheus log: ${prometheus.log()})`,
    )
  }, 240_000)

  afterAll(async () => {
    await prometheus?.stop()
    await serve?.stop()
    tmp.cleanup()
  }, 60_000)

  async function scraped(metric: string, labels: string): Promise<number> {
    const result = await prometheus.query(`${metric}{${labels}}`)
    expect(result).toHaveLength(1)
    return Number(result[0]!.value[1])
  }

  async function expectSameCoverage(line: CoverageRow, labels: string): Promise<void> {
    expect({
      townships: await scraped('govnet_coverage_townships', labels),
      covered: await scraped('govnet_coverage_covered_townships', labels),
      verified: await scraped('govnet_coverage_verified_townships', labels),
      ratio: await scraped('govnet_coverage_ratio', labels),
      verifiedRatio: await scraped('govnet_coverage_verified_ratio', labels),
    }).toEqual({
      townships: line.townships,
      covered: line.covered,
      verified: line.verified,
      ratio: line.ratio,
      verifiedRatio: line.verifiedRatio,
    })
  }

  it('the target is up, scraped in OpenMetrics with its counter under its _total name', async () => {
    expect(await scraped('up', 'job="govnet"')).toBe(1)
    expect(await scraped('govnet_refresh_success', 'job="govnet"')).toBe(1)
    expect(await scraped('govnet_refresh_failures_total', 'job="govnet"')).toBe(0)
  })

  it('has exactly the national coverage of govnet coverage --json', async () => {
    const report = json<CoverageReport>(govnet(['coverage', '--json', '--db', dbPath]))
    expect(report.total.covered).toBeGreaterThan(0)
    await expectSameCoverage(report.total, 'level="nation"')
  })

  it('has exactly the coverage of Beijing (11) that govnet coverage --json reports', async () => {
    const report = json<CoverageReport>(govnet(['coverage', '--json', '--level', 'province', '--db', dbPath]))
    const beijing = report.rows.find((row) => row.code === '11')
    if (!beijing) expect.fail('no Beijing row in govnet coverage --json')
    expect(beijing.covered).toBeGreaterThan(0)
    await expectSameCoverage(beijing, 'level="province",code="11"')
    expect((await prometheus.query('govnet_coverage_ratio{level="province",code="11"}'))[0]!.metric.name).toBe('北京市')
  })

  it('stops the exporter cleanly on SIGTERM', async () => {
    expect(await serve.stop('SIGTERM')).toBe(0)
    expect(serve.output().stdout).toContain('stopped on SIGTERM')
  })
})
