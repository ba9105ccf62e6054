import Database from 'better-sqlite3'
import {readFileSync} from 'node:fs'
import path from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {Inventory} from '../../src/inventory/db'
import {DivisionRepository} from '../../src/inventory/divisions'
import {NodeRepository} from '../../src/inventory/nodes'
import {inventoryMessages, metricsMessages as msg, tenantMessages} from '../../src/messages'
import {TextfileResult} from '../../src/metrics'
import {seedNodes} from '../../src/seed'
import {govnet, json, tempDir} from '../helpers/cli'
import {snapshot} from '../helpers/db'
import {expectError} from '../helpers/expect-error'
import {seedMetricsInventory} from '../helpers/metrics-seed'
import {startServe} from '../helpers/metrics-serve'
import {promtoolCheckMetrics, runPrometheusTests} from '../helpers/prometheus'

const tmp = tempDir('govnet-metrics-e2e-')
const dbPath = path.join(tmp.dir, 'govnet.db')
let before: string

beforeAll(() => {
  seedMetricsInventory(dbPath)
  before = snapshot(dbPath)
})

afterAll(() => {
  // Both commands open the inventory read-only.
  expect(snapshot(dbPath)).toBe(before)
  tmp.cleanup()
})

describe('govnet metrics write', () => {
  it('writes the metrics file and reports it as JSON', () => {
    const file = path.join(tmp.dir, 'govnet.prom')
    const result = govnet(['metrics', 'write', file, '--db', dbPath, '--json'])
    expect(result.code).toBe(0)
    const written = json<TextfileResult>(result)
    const body = readFileSync(file)
    expect(Object.keys(written).sort()).toEqual(['bytes', 'file', 'samples', 'takenAt'])
    expect(written.file).toBe(file)
    expect(written.bytes).toBe(body.length)
    expect(written.samples).toBe(
      body
        .toString()
        .split('\n')
        .filter((l) => l !== '' && !l.startsWith('#')).length,
    )
    expect(Number.isNaN(Date.parse(written.takenAt))).toBe(false)
    expect(body.toString()).toContain(
      'govnet_coverage_covered_townships{level="nation",code="",name="全国",province="",parent=""} 10',
    )
  })

  it('judges overdue assessments as of --today, to the calendar day, and refuses a date that does not exist', () => {
    const overdueAt = (today: string) => {
      const file = path.join(tmp.dir, `today-${today}.prom`)
      expect(govnet(['metrics', 'write', file, '--db', dbPath, '--today', today]).code).toBe(0)
      const line = readFileSync(file, 'utf8')
        .split('\n')
        .find((l) => l.startsWith('govnet_tenants_assessment_overdue{mlps_level="4"}'))
      return Number(line?.split(' ')[1])
    }
    // police-l4-overdue was assessed 2026-03-01: six calendar months later, 2026-09-01, is the last day.
    expect([overdueAt('2026-04-01'), overdueAt('2026-09-01'), overdueAt('2026-09-02')]).toEqual([0, 0, 1])
    const bad = govnet(['metrics', 'write', path.join(tmp.dir, 'bad.prom'), '--db', dbPath, '--today', '2026-02-29'])
    expectError(bad, tenantMessages.invalidToday('2026-02-29'))
  })

  it('prints what it wrote without --json', () => {
    const file = path.join(tmp.dir, 'human.prom')
    const result = govnet(['metrics', 'write', file, '--db', dbPath])
    expect(result.code).toBe(0)
    expect(result.stdout).toMatch(
      new RegExp(`^wrote \\d+ samples \\(\\d+ bytes\\) to ${file.replaceAll('/', '\\/')}\\n$`),
    )
  })

  it.runIf(runPrometheusTests)('writes a file that promtool check metrics accepts', () => {
    const file = path.join(tmp.dir, 'checked.prom')
    expect(govnet(['metrics', 'write', file, '--db', dbPath]).code).toBe(0)
    const check = promtoolCheckMetrics(readFileSync(file, 'utf8'))
    expect(check.problems).toEqual([])
    expect(check.code).toBe(0)
  })

  it.runIf(runPrometheusTests)(
    'writes every division of the national edition with labels promtool accepts, and nothing per township',
    () => {
      const national = path.join(tmp.dir, 'national.db')
      expect(govnet(['init', '--db', national]).code).toBe(0)
      expect(govnet(['division', 'import', '--db', national]).code).toBe(0)
      const file = path.join(tmp.dir, 'national.prom')
      expect(govnet(['metrics', 'write', file, '--db', national]).code).toBe(0)
      const text = readFileSync(file, 'utf8')
      const check = promtoolCheckMetrics(text)
      expect(check.problems).toEqual([])
      // The nation, 31 provinces, 342 prefectures and 2,978 counties of the 2023 edition; no township series.
      const lines = text.split('\n').filter((line) => line.startsWith('govnet_coverage_townships{'))
      expect(lines).toHaveLength(1 + 31 + 342 + 2978)
      expect(lines.filter((line) => line.includes('level="township"'))).toEqual([])
      expect(text).toContain(
        'govnet_coverage_townships{level="nation",code="",name="全国",province="",parent=""} 41352',
      )
      // Names repeat (鼓楼区 four times, 市辖区 …); with the parent's name every line is told apart.
      const named = lines
        .filter((line) => /level="(prefecture|county)"/.test(line))
        .map((line) => /name="([^"]*)",province="\d\d",parent="([^"]+)"/.exec(line)!.slice(1).join(' '))
      expect(new Set(named).size).toBe(342 + 2978)
      expect(named.filter((name) => name.startsWith('鼓楼区 ')).sort()).toEqual([
        '鼓楼区 南京市',
        '鼓楼区 开封市',
        '鼓楼区 徐州市',
        '鼓楼区 福州市',
      ])
      // The series count of the README's metrics reference for the whole country (no nodes, tenants or regions yet).
      const perMetric = new Map<string, number>()
      for (const line of text.split('\n'))
        if (line !== '' && !line.startsWith('#')) {
          const name = line.replace(/[{ ].*/, '')
          perMetric.set(name, (perMetric.get(name) ?? 0) + 1)
        }
      const coverageLines = 1 + 31 + 342 + 2978
      expect(Object.fromEntries(perMetric)).toEqual({
        ...Object.fromEntries(
          ['townships', 'covered_townships', 'verified_townships', 'ratio', 'verified_ratio'].map((m) => [
            `govnet_coverage_${m}`,
            coverageLines,
          ]),
        ),
        ...Object.fromEntries(
          ['townships', 'covered_townships', 'verified_townships'].map((m) => [`govnet_coverage_kind_${m}`, 32 * 4]),
        ),
        govnet_division_grouping_info: 9,
        govnet_nodes: 5 * 4 * 4,
        govnet_audit_nodes: 5 * 5,
        govnet_audit_outcome_nodes: 5 * 13,
        govnet_province_audit_nodes: 31 * 5,
        govnet_tenants: 4 * 5,
        govnet_tenants_failing_control: 5,
        govnet_tenants_assessment_overdue: 4,
        govnet_inventory_last_change_timestamp_seconds: 1,
        govnet_changelog_rows: 1,
        govnet_changelog_chain_ok: 1,
        govnet_changelog_last_verified_timestamp_seconds: 1,
        govnet_refresh_duration_seconds: 1,
        govnet_refresh_last_success_timestamp_seconds: 1,
        govnet_refresh_success: 1,
        govnet_refresh_failures_total: 1,
        govnet_scope_info: 1,
        govnet_build_info: 1,
      })
      expect([...perMetric.values()].reduce((a, b) => a + b, 0)).toBe(17517)
    },
  )

  it('fails with exit 3 and the catalog message when the directory does not exist', () => {
    const file = path.join(tmp.dir, 'no-such-dir', 'govnet.prom')
    const result = govnet(['metrics', 'write', file, '--db', dbPath])
    expect(result.code).toBe(3)
    expect(result.stderr).toBe(
      `error: ${msg.cannotWriteTextfile(file, `directory ${path.dirname(file)} does not exist`).message}\n`,
    )
    const asJson = govnet(['metrics', 'write', file, '--db', dbPath, '--json'])
    expect(json(asJson).error.exit).toBe(3)
  })

  it('fails with exit 6 when there is no inventory', () => {
    const missing = path.join(tmp.dir, 'missing.db')
    const result = govnet(['metrics', 'write', path.join(tmp.dir, 'x.prom'), '--db', missing])
    expect(result.code).toBe(6)
    expect(result.stderr).toBe(`error: ${inventoryMessages.inventoryMissing(missing).message}\n`)
  })
})

describe('govnet metrics serve', () => {
  it('serves metrics that promtool check metrics accepts, and health, then stops on SIGINT with exit 0', async () => {
    const serve = await startServe(dbPath)
    try {
      const metrics = await fetch(serve.url)
      expect(metrics.status).toBe(200)
      const body = await metrics.text()
      expect(body).toContain('govnet_refresh_success 1')
      if (runPrometheusTests) {
        const check = promtoolCheckMetrics(body)
        expect(check.problems).toEqual([])
        expect(check.code).toBe(0)
      }
      const health = await fetch(serve.url.replace(/\/metrics$/, '/healthz'))
      expect(health.status).toBe(200)
      expect(serve.output().stdout).toContain(`serving ${serve.url} from ${dbPath}, refreshed every 30s`)
    } finally {
      expect(await serve.stop('SIGINT')).toBe(0)
    }
    expect(serve.output().stdout).toContain('stopped on SIGINT')
    expect(serve.output().stderr).toBe('')
  })

  it('picks up a change written by another process at its next refresh', async () => {
    const changing = path.join(tmp.dir, 'changing.db')
    seedMetricsInventory(changing)
    const nationCovered =
      /^govnet_coverage_covered_townships\{level="nation",code="",name="全国",province="",parent=""\} (\d+)$/m
    const serve = await startServe(changing, ['--refresh', '1s'])
    try {
      expect(nationCovered.exec(await (await fetch(serve.url)).text())?.[1]).toBe('10')
      const writer = Inventory.open(changing, {actor: 'test'})
      try {
        const taken = new Set(new NodeRepository(writer).list().map((node) => node.divisionCode))
        const township = new DivisionRepository(writer).atLevel('township').find((d) => !taken.has(d.code))!.code
        seedNodes(writer, [{id: 'new-township-node', name: 'new', division: township, tier: 'township'}], {
          at: '2026-11-25T00:00:00.000Z',
        })
      } finally {
        writer.close()
      }
      let covered: string | undefined
      for (let i = 0; i < 120 && covered !== '11'; i++) {
        await new Promise((resolve) => setTimeout(resolve, 250))
        covered = nationCovered.exec(await (await fetch(serve.url)).text())?.[1]
      }
      expect(covered).toBe('11')
    } finally {
      expect(await serve.stop()).toBe(0)
    }
  })

  it('keeps serving the last good values when a refresh fails, and says so', async () => {
    const breaking = path.join(tmp.dir, 'breaking.db')
    seedMetricsInventory(breaking)
    const serve = await startServe(breaking, ['--refresh', '1s'])
    try {
      const db = new Database(breaking)
      try {
        db.exec('ALTER TABLE nodes RENAME TO nodes_moved_away')
      } finally {
        db.close()
      }
      let body = ''
      for (let i = 0; i < 120 && !body.includes('govnet_refresh_success 0'); i++) {
        await new Promise((resolve) => setTimeout(resolve, 250))
        body = await (await fetch(serve.url)).text()
      }
      expect(body).toContain('govnet_refresh_success 0')
      expect(body).toMatch(/^govnet_refresh_failures_total [1-9]\d*$/m)
      expect(body).toContain(
        'govnet_coverage_covered_townships{level="nation",code="",name="全国",province="",parent=""} 10',
      )
      expect(serve.output().stderr).toMatch(
        /^metrics refresh failed \(.*nodes.*\); serving the snapshot of \d{4}-\d\d-\d\dT/m,
      )
    } finally {
      expect(await serve.stop()).toBe(0)
    }
  })

  it('refuses a port that another process listens on, with exit 5', async () => {
    const first = await startServe(dbPath)
    try {
      const result = govnet(['metrics', 'serve', '--db', dbPath, '--listen', first.target])
      expect(result.code).toBe(5)
      expect(result.stderr).toBe(`error: ${msg.addressInUse(first.target).message}\n`)
    } finally {
      expect(await first.stop()).toBe(0)
    }
  })

  it.each([
    [['--listen', 'localhost'], msg.invalidListen('localhost').message],
    [['--listen', '127.0.0.1:99999'], msg.invalidListen('127.0.0.1:99999').message],
    [['--refresh', '10'], msg.invalidRefresh('10').message],
    [['--refresh', '500ms'], msg.invalidRefresh('500ms').message],
  ])('refuses %j with exit 3 before opening anything', (args, message) => {
    const result = govnet(['metrics', 'serve', '--db', dbPath, ...args])
    expect(result.code).toBe(3)
    expect(result.stderr).toBe(`error: ${message}\n`)
  })

  it('fails with exit 6 when there is no inventory', () => {
    const missing = path.join(tmp.dir, 'missing.db')
    const result = govnet(['metrics', 'serve', '--db', missing, '--listen', '127.0.0.1:0'])
    expect(result.code).toBe(6)
    expect(result.stderr).toBe(`error: ${inventoryMessages.inventoryMissing(missing).message}\n`)
  })
})
