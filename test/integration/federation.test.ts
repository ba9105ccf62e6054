import {mkdirSync, writeFileSync} from 'node:fs'
import path from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import type {CoverageReport} from '../../src/coverage'
import type {CoverageRow} from '../../src/domain/coverage'
import {parseScope, Scope} from '../../src/domain/scope'
import {Inventory} from '../../src/inventory/db'
import {inventoryMessages, scopeMessages} from '../../src/messages'
import {seedAudits, seedNodes} from '../../src/seed'
import {govnet, json, tempDir} from '../helpers/cli'
import {expectError} from '../helpers/expect-error'
import {FederationData, federationData, nodesCsv, partOf, shippedConfig} from '../helpers/federation'
import {ServeProcess, startServe} from '../helpers/metrics-serve'
import {poll, PrometheusServer, runPrometheusTests, startPrometheusWithConfig} from '../helpers/prometheus'
import {sampleDivisions, seedDivisions} from '../helpers/seed'

/**
 * Issue 14, provincial instances and the national view by federation, with real processes on
 * loopback: one inventory's data split into three scoped govnet inventories holding disjoint parts
 * (Beijing 11, Guangdong 44, and Hainan with Gansu, 46,62), each served by `govnet metrics serve`
 * and scraped by its own Prometheus (the shipped provincial.yml); a national Prometheus federates
 * the three (the shipped national.yml, /federate with honor_labels) and evaluates the shipped
 * national.rules.yml. Its recorded values must equal exactly what one unscoped govnet holding all the
 * data reports with `govnet coverage --json`, nationally and per province.
 */
describe.runIf(runPrometheusTests)('national view by federation of scoped govnet instances', () => {
  const tmp = tempDir('govnet-federation-')
  const SCOPES = ['11', '44', '46,62'] as const
  const now = new Date()
  const data = federationData(now)
  const fullDb = path.join(tmp.dir, 'full.db')
  const instances: Array<{scope: string; db: string; serve?: ServeProcess; prometheus?: PrometheusServer}> = SCOPES.map(
    (scope) => ({scope, db: path.join(tmp.dir, `scope-${scope.replace(',', '-')}.db`)}),
  )
  let national: PrometheusServer | undefined

  const scopeOf = (text: string): Scope => {
    const parsed = parseScope([text])
    if ('problem' in parsed) return expect.fail(parsed.problem)
    return parsed.scope
  }

  function seedPart(db: string, part: FederationData): void {
    const inventory = Inventory.open(db, {actor: 'test'})
    try {
      seedAudits(inventory, part.audits)
    } finally {
      inventory.close()
    }
  }

  beforeAll(async () => {
    // The unscoped govnet: the fixture's 650 divisions and every node and audit.
    seedDivisions(fullDb)
    const full = Inventory.open(fullDb, {actor: 'test'})
    try {
      seedNodes(full, data.nodes)
      seedAudits(full, data.audits)
    } finally {
      full.close()
    }

    // Three scoped inventories, built as an operator would: init --scope, division import of the whole
    // file (each keeps its subtrees), node import of its part; then the audits of its nodes.
    for (const instance of instances) {
      expect(json(govnet(['init', '--db', instance.db, '--scope', instance.scope, '--json']))).toMatchObject({
        scope: scopeOf(instance.scope),
        scopeChanged: true,
      })
      expect(govnet(['division', 'import', '--db', instance.db, '--file', sampleDivisions]).code).toBe(0)
      const part = partOf(data, scopeOf(instance.scope))
      const csv = path.join(tmp.dir, `nodes-${instance.scope}.csv`)
      writeFileSync(csv, nodesCsv(part.nodes))
      const imported = govnet(['node', 'import', '--db', instance.db, '--file', csv, '--json'])
      expect(json(imported)).toMatchObject({created: part.nodes.length})
      seedPart(instance.db, part)
    }
    const served = instances.reduce((n, i) => n + partOf(data, scopeOf(i.scope)).nodes.length, 0)
    expect(served).toBe(data.nodes.length)

    for (const instance of instances) {
      instance.serve = await startServe(instance.db, ['--refresh', '1s'])
      const dir = path.join(tmp.dir, `prometheus-${instance.scope}`)
      mkdirSync(dir)
      instance.prometheus = await startPrometheusWithConfig(
        dir,
        shippedConfig('provincial.yml', {
          targets: [instance.serve.target],
          externalLabels: {prometheus: `province-${instance.scope}`},
        }),
      )
    }
    const nationalDir = path.join(tmp.dir, 'prometheus-national')
    mkdirSync(nationalDir)
    national = await startPrometheusWithConfig(
      nationalDir,
      shippedConfig('national.yml', {targets: instances.map((i) => new URL(i.prometheus!.url).host)}),
    )
  }, 240_000)

  afterAll(async () => {
    await national?.stop()
    for (const instance of instances) {
      await instance.prometheus?.stop()
      await instance.serve?.stop()
    }
    tmp.cleanup()
  }, 90_000)

  it('a scoped instance refuses the nodes of other provinces: every row named, nothing written', () => {
    const guangdong = instances[1]!
    const csv = path.join(tmp.dir, 'all-nodes.csv')
    writeFileSync(csv, nodesCsv(data.nodes))
    const result = govnet(['node', 'import', '--db', guangdong.db, '--file', csv, '--update'])
    const problems = data.nodes.flatMap((node, index) =>
      node.division.startsWith('44')
        ? []
        : [{row: index + 1, field: 'division', message: scopeMessages.nodeOutsideScope(node.id, node.division, '44')}],
    )
    expect(problems.length).toBeGreaterThan(0)
    expectError(result, inventoryMessages.invalidImport(csv, problems))
    const stored = json<unknown[]>(govnet(['node', 'list', '--db', guangdong.db, '--json']))
    expect(stored).toHaveLength(partOf(data, ['44']).nodes.length)
  })

  it('the scoped instances together report exactly what the unscoped govnet reports', () => {
    const whole = json<CoverageReport>(govnet(['coverage', '--db', fullDb, '--json']))
    const parts = instances.map((i) => json<CoverageReport>(govnet(['coverage', '--db', i.db, '--json'])))
    const sum = (key: 'townships' | 'covered' | 'verified') => parts.reduce((n, p) => n + p.total[key], 0)
    expect({townships: sum('townships'), covered: sum('covered'), verified: sum('verified')}).toEqual({
      townships: whole.total.townships,
      covered: whole.total.covered,
      verified: whole.total.verified,
    })
    // Each instance's province lines are the unscoped govnet's lines of its provinces, and nothing else.
    expect(parts.flatMap((p) => p.rows)).toEqual(whole.rows)
    expect(whole.total.covered).toBeGreaterThan(0)
    expect(whole.total.verified).toBeGreaterThan(0)
    expect(whole.total.verified).toBeLessThan(whole.total.covered)
  })

  it('the national recording rules equal the unscoped govnet coverage --json, nationally and per province', async () => {
    const whole = json<CoverageReport>(govnet(['coverage', '--db', fullDb, '--json']))
    const line = (row: CoverageRow) => ({
      townships: row.townships,
      covered: row.covered,
      verified: row.verified,
      ratio: row.ratio,
      verifiedRatio: row.verifiedRatio,
    })
    const expected = {
      nation: line(whole.total),
      provinces: Object.fromEntries(whole.rows.map((row) => [`${row.code} ${row.name}`, line(row)])),
    }
    expect(Object.keys(expected.provinces)).toEqual(['11 北京市', '44 广东省', '46 海南省', '62 甘肃省'])

    const recorded = async () => {
      const one = async (level: 'nation' | 'province', metric: string) =>
        await national!.query(`${level}:govnet_coverage_${metric}`)
      const nation = async (metric: string) => {
        const result = await one('nation', metric)
        return result.length === 1 ? Number(result[0]!.value[1]) : NaN
      }
      const provinces: Record<string, Record<string, number>> = {}
      for (const [key, metric] of [
        ['townships', 'townships:sum'],
        ['covered', 'covered_townships:sum'],
        ['verified', 'verified_townships:sum'],
        ['ratio', 'ratio:ratio_of_sums'],
        ['verifiedRatio', 'verified_ratio:ratio_of_sums'],
      ] as const) {
        for (const sample of await one('province', metric)) {
          const name = `${sample.metric.code} ${sample.metric.name}`
          provinces[name] = {...provinces[name], [key]: Number(sample.value[1])}
        }
      }
      return {
        nation: {
          townships: await nation('townships:sum'),
          covered: await nation('covered_townships:sum'),
          verified: await nation('verified_townships:sum'),
          ratio: await nation('ratio:ratio_of_sums'),
          verifiedRatio: await nation('verified_ratio:ratio_of_sums'),
        },
        provinces,
      }
    }

    // Scrapes, federation and rule evaluation every second: the values settle within seconds; 90 s at most.
    let last: Awaited<ReturnType<typeof recorded>> | undefined
    await poll(
      async () => {
        last = await recorded()
        return JSON.stringify(last) === JSON.stringify(expected) ? true : undefined
      },
      {attempts: 180, intervalMs: 500},
      () =>
        `the national rules to equal govnet coverage --json: last ${JSON.stringify(last)} (log: ${national!.log()})`,
    )
    expect(last).toEqual(expected)

    // Every scope reaches the national server, through its provincial server (honor_labels keeps the job).
    const scopes = await national!.query('govnet_scope_info')
    expect(scopes.map((s) => [s.metric.scope, s.metric.job, s.metric.prometheus]).sort()).toEqual([
      ['11', 'govnet', 'province-11'],
      ['44', 'govnet', 'province-44'],
      ['46,62', 'govnet', 'province-46,62'],
    ])
    expect(Number((await national!.query('nation:govnet_scope_info:count'))[0]?.value[1])).toBe(3)
    expect(await national!.query('ALERTS{alertname=~"GovnetFederated.*"}')).toEqual([])
  }, 120_000)
})
