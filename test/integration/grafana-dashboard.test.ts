import {spawnSync} from 'node:child_process'
import {readFileSync} from 'node:fs'
import path from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {repoRoot, tempDir} from '../helpers/cli'
import {seedMetricsInventory} from '../helpers/metrics-seed'
import {ServeProcess, startServe} from '../helpers/metrics-serve'
import {poll, PrometheusServer, runPrometheusTests, startPrometheus} from '../helpers/prometheus'

const DASHBOARD_FILE = path.join(repoRoot, 'deploy', 'grafana', 'govnet.json')

interface Target {
  expr: string
  legendFormat: string
  instant?: boolean
  refId: string
}

interface Panel {
  id: number
  type: string
  title: string
  targets?: Target[]
}

const dashboard = JSON.parse(readFileSync(DASHBOARD_FILE, 'utf8')) as {
  uid: string
  panels: Panel[]
  templating: {list: Array<{name: string; query: unknown}>}
}
const queries = dashboard.panels.flatMap((panel) => (panel.targets ?? []).map((target) => ({panel, target})))

/** The labels a legend names ({{label}}). */
const legendLabels = (legend: string) => [...legend.matchAll(/\{\{\s*(\w+)\s*\}\}/g)].map((match) => match[1]!)
const renderLegend = (legend: string, labels: Record<string, string>) =>
  legend.replace(/\{\{\s*(\w+)\s*\}\}/g, (_, name: string) => labels[name] ?? '')

/** The values of $province the queries are run with: All (the variable's allValue) and Beijing. */
const PROVINCE_VALUES = ['.+', '11']

describe('deploy/grafana/govnet.json', () => {
  it('is what npm run dashboard generates from the metric definitions (regenerate it after changing them)', () => {
    const run = spawnSync('npm', ['run', '--silent', 'dashboard', '--', '--stdout'], {
      cwd: repoRoot,
      encoding: 'utf8',
      timeout: 180_000,
      maxBuffer: 16 * 1024 * 1024,
    })
    if (run.error) throw run.error
    expect(run.stderr).toBe('')
    expect(run.status).toBe(0)
    expect(run.stdout).toBe(readFileSync(DASHBOARD_FILE, 'utf8'))
  }, 200_000)

  it('has unique panel ids, a datasource variable and a query on every panel but the rows', () => {
    const ids = dashboard.panels.map((panel) => panel.id)
    expect(new Set(ids).size).toBe(ids.length)
    expect(dashboard.templating.list.map((variable) => variable.name)).toEqual(['datasource', 'province'])
    for (const panel of dashboard.panels)
      if (panel.type !== 'row') expect(panel.targets?.length, panel.title).toBeGreaterThan(0)
    expect(queries.length).toBeGreaterThan(30)
  })
})

/**
 * Every panel's query against a real Prometheus scraping `govnet metrics serve` over the metrics seed
 * (as test/integration/prometheus.test.ts does): each answers, and each series carries the labels its
 * legend names, so that no legend shows an empty name and series in one panel are told apart.
 */
describe.runIf(runPrometheusTests)('the dashboard over a real Prometheus', () => {
  const tmp = tempDir('govnet-grafana-')
  const dbPath = path.join(tmp.dir, 'govnet.db')
  let serve: ServeProcess
  let prometheus: PrometheusServer

  beforeAll(async () => {
    seedMetricsInventory(dbPath)
    serve = await startServe(dbPath, ['--refresh', '1s'])
    prometheus = await startPrometheus(tmp.dir, [serve.target])
    // increase(...[1h]) needs two scrapes: wait for it (1 s scrapes), at most 60 s.
    await poll(
      async () =>
        (await prometheus.query('increase(govnet_refresh_failures_total[1h])')).length > 0 ? true : undefined,
      {attempts: 120, intervalMs: 500},
      () => `two scrapes of ${serve.url} (prometheus log: ${prometheus.log()})`,
    )
  }, 240_000)

  afterAll(async () => {
    await prometheus?.stop()
    await serve?.stop()
    tmp.cleanup()
  }, 60_000)

  it('answers the province variable (label_values) with the 2-digit codes', async () => {
    const variable = dashboard.templating.list.find((v) => v.name === 'province')!
    const match = /^label_values\((.+), (\w+)\)$/.exec(String(variable.query))
    if (!match) expect.fail(`not a label_values query: ${String(variable.query)}`)
    const [, selector, label] = match
    const res = await fetch(`${prometheus.url}/api/v1/label/${label}/values?match[]=${encodeURIComponent(selector!)}`)
    const body = (await res.json()) as {status: string; data: string[]}
    expect(body.status).toBe('success')
    expect(body.data).toContain('11')
    expect(body.data).toContain('44')
    expect(body.data.every((code) => /^\d\d$/.test(code))).toBe(true)
  })

  it.each(queries.map(({panel, target}) => [`${panel.title} ${target.refId}`, panel, target] as const))(
    '%s answers with the labels of its legend',
    async (_name, panel, target) => {
      const variants = target.expr.includes('$province')
        ? PROVINCE_VALUES.map((value) => target.expr.replaceAll('$province', value))
        : [target.expr]
      for (const expr of variants) {
        const series = target.instant
          ? (await prometheus.query(expr)).map((s) => s.metric)
          : (await prometheus.queryRange(expr, 30)).map((s) => s.metric)
        expect(series.length, `${panel.title}: ${expr} answered nothing`).toBeGreaterThan(0)
        for (const labels of series)
          for (const label of legendLabels(target.legendFormat))
            expect(labels[label], `${panel.title}: ${expr} has no ${label} in ${JSON.stringify(labels)}`).toMatch(/./)
        const legends = series.map((labels) => renderLegend(target.legendFormat, labels))
        expect(new Set(legends).size, `${panel.title}: legends repeat: ${legends.join(', ')}`).toBe(legends.length)
      }
    },
  )
})
