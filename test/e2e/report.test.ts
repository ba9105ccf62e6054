import Database from 'better-sqlite3'
import {mkdirSync, readFileSync, statSync} from 'node:fs'
import path from 'node:path'
import {pathToFileURL} from 'node:url'
import type {Browser, Page} from 'playwright-core'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {percent} from '../../src/domain/coverage'
import {Inventory} from '../../src/inventory/db'
import {coverageMessages} from '../../src/messages'
import {seedAudits, seedDivisions, seedNodes} from '../../src/seed'
import {launchChromium, runChromiumTests, watchedPage, WatchedPage} from '../helpers/chromium'
import {govnet, json, repoRoot, tempDir} from '../helpers/cli'
import {expectError} from '../helpers/expect-error'
import {startServe} from '../helpers/metrics-serve'

/**
 * `govnet report coverage` on the full quickstart inventory (41,352 townships, ~14,000 nodes), a third
 * of whose active nodes get a successful audit so that verified coverage is not zero. The page is
 * opened in Debian's headless chromium (playwright-core), from the file and from `metrics serve`.
 */

const SCREENSHOT = path.join(repoRoot, 'test-results', 'coverage-report.png')

let dir: string
let cleanup: () => void
let db: string
let reportFile: string

const count = (n: number) => n.toLocaleString('en-US')

beforeAll(() => {
  ;({dir, cleanup} = tempDir('govnet-report-'))
  db = path.join(dir, 'govnet.db')
  reportFile = path.join(dir, 'coverage.html')
  const quickstart = govnet(['quickstart', '--db', db])
  expect(quickstart.stderr).toBe('')
  const sqlite = new Database(db, {readonly: true})
  const active = sqlite.prepare("SELECT id FROM nodes WHERE status = 'active' ORDER BY id").pluck().all() as string[]
  sqlite.close()
  const inventory = Inventory.open(db, {actor: 'test'})
  try {
    const finishedAt = new Date().toISOString()
    // Audits as govnet audit records them (the audit itself is tested elsewhere): two of three ok, a few timeouts.
    seedAudits(
      inventory,
      active
        .filter((_, i) => i % 3 !== 0)
        .map((nodeId, i) => ({nodeId, outcome: i % 11 === 0 ? 'timeout' : 'ok', finishedAt})),
    )
  } finally {
    inventory.close()
  }
}, 300_000)

afterAll(() => cleanup())

describe('govnet report coverage', () => {
  it('writes the file and returns its name, size and the national line of `coverage --json`', () => {
    const result = govnet(['report', 'coverage', '--db', db, '--out', reportFile, '--json'])
    expect(result.stderr).toBe('')
    expect(result.code).toBe(0)
    const written = json(result)
    const coverage = json(govnet(['coverage', '--db', db, '--json']))
    expect(Object.keys(written).sort()).toEqual([
      'asOf',
      'bytes',
      'file',
      'freshnessMs',
      'total',
      'under',
      'verifiedSince',
    ])
    expect(written).toMatchObject({
      file: reportFile,
      bytes: statSync(reportFile).size,
      under: null,
      freshnessMs: 86_400_000,
    })
    expect(written.total).toEqual(coverage.total)
    expect(written.total.verified).toBeGreaterThan(0)
    // The national page: ECharts (~1.1 MB) and the county-level data; README states the measured size.
    expect(written.bytes).toBeLessThan(2_000_000)
  })

  it('prints one line naming the file and the national shares', () => {
    const result = govnet(['report', 'coverage', '--db', db, '--out', reportFile])
    expect(result.code).toBe(0)
    const {total} = json(govnet(['coverage', '--db', db, '--json']))
    expect(result.stdout).toMatch(
      new RegExp(
        `^wrote ${reportFile} \\(\\d+ bytes\\): 全国 coverage ${percent(total.ratio)}, verified ${percent(total.verifiedRatio)} \\(audits since \\S+\\)\\n$`,
      ),
    )
  })

  it('scopes to a province with --under: its line is that of `coverage --under`', () => {
    const file = path.join(dir, 'guangdong.html')
    const written = json(govnet(['report', 'coverage', '--db', db, '--out', file, '--under', '44', '--json']))
    const coverage = json(govnet(['coverage', '--db', db, '--level', 'prefecture', '--under', '44', '--json']))
    expect(written.under).toBe('44')
    expect(written.total).toEqual(coverage.total)
  })

  it('refuses an --under it cannot drill into, or one not in the inventory, writing nothing', () => {
    const file = path.join(dir, 'refused.html')
    expectError(
      govnet(['report', 'coverage', '--db', db, '--out', file, '--under', '441900']),
      coverageMessages.treeUnderTooLow('441900', 'county', 'county'),
    )
    expectError(
      govnet(['report', 'coverage', '--db', db, '--out', file, '--under', '99']),
      coverageMessages.underNotInInventory('99'),
    )
    expect(() => statSync(file)).toThrow(/ENOENT/)
  })

  it('refuses an --out in a directory that does not exist', () => {
    const file = path.join(dir, 'missing', 'coverage.html')
    expectError(
      govnet(['report', 'coverage', '--db', db, '--out', file]),
      coverageMessages.cannotWriteReport(file, `directory ${path.dirname(file)} does not exist`),
    )
  })
})

/** Click the centre of a division's rectangle in the drill-down treemap (a real mouse click on the canvas). */
async function clickTreemap(page: Page, code: string): Promise<void> {
  await page.locator('#treemap').scrollIntoViewIfNeeded()
  const point = await page.evaluate((wanted) => {
    const dom = document.getElementById('treemap')!
    const chart = (window as any).echarts.getInstanceByDom(dom)
    const data = chart.getModel().getSeriesByIndex(0).getData()
    const box = dom.getBoundingClientRect()
    for (let i = 0; i < data.count(); i++) {
      if (data.getRawDataItem(i)?.code !== wanted) continue
      const layout = data.getItemLayout(i)
      return {x: box.left + layout.x + layout.width / 2, y: box.top + layout.y + layout.height / 2}
    }
    return undefined
  }, code)
  if (!point) expect.fail(`division ${code} is not in the treemap`)
  await page.mouse.click(point.x, point.y)
  // The treemap animates its new level for 300 ms.
  await page.waitForTimeout(600)
}

/** The drill-down table's rows: code, name, townships, covered, verified, shares. */
async function tableRows(page: Page): Promise<string[][]> {
  return page.$$eval('#division-table tbody tr', (rows) =>
    rows.map((row) => {
      const cells = [...row.querySelectorAll('td')]
      return [
        cells[0]!.textContent!,
        cells[1]!.firstElementChild!.textContent!,
        ...cells.slice(2, 6).map((cell) => cell.textContent!),
      ]
    }),
  )
}

const expectedRows = (rows: any[]) =>
  rows.map((r) => [
    r.code,
    r.name,
    count(r.townships),
    count(r.covered),
    count(r.verified),
    `${percent(r.ratio)} / ${percent(r.verifiedRatio)}`,
  ])

/** The page has drawn (the script marks the body) and nothing went wrong or went out. */
function expectClean(watched: WatchedPage, url: string): void {
  expect(watched.errors).toEqual([])
  expect(watched.console.filter((m) => m.type === 'error' || m.type === 'warning')).toEqual([])
  expect(watched.requests).toEqual([url])
  expect(watched.dialogs).toEqual([])
}

async function expectNationalFigures(page: Page, total: any): Promise<void> {
  const figure = (name: string) => page.getAttribute(`[data-figure="${name}"]`, 'data-value')
  expect(await figure('townships')).toBe(String(total.townships))
  expect(await figure('covered')).toBe(String(total.covered))
  expect(await figure('verified')).toBe(String(total.verified))
  expect(await page.textContent('[data-figure="covered-share"]')).toBe(percent(total.ratio))
  expect(await page.textContent('[data-figure="verified-share"]')).toBe(percent(total.verifiedRatio))
  expect(await page.textContent('[data-figure="townships"] .value')).toBe(count(total.townships))
}

describe.skipIf(!runChromiumTests)('the report in headless chromium', () => {
  let browser: Browser

  beforeAll(async () => {
    expect(govnet(['report', 'coverage', '--db', db, '--out', reportFile]).code).toBe(0)
    browser = await launchChromium()
  }, 120_000)

  afterAll(async () => {
    await browser?.close()
  })

  it('opens from file:// with no console error and no request but the file; the national figures are coverage --json', async () => {
    const url = pathToFileURL(reportFile).href
    const watched = await watchedPage(browser)
    try {
      await watched.page.goto(url)
      await watched.page.waitForSelector('body[data-ready="true"]')
      const {total} = json(govnet(['coverage', '--db', db, '--json']))
      await expectNationalFigures(watched.page, total)
      expect(await watched.page.textContent('h1')).toBe(
        '政务外网乡镇覆盖报告Government extranet · township coverage report',
      )
      // The table under the charts: every province, as `coverage --json` lists them.
      const provinces = json(govnet(['coverage', '--db', db, '--json'])).rows
      expect(await tableRows(watched.page)).toEqual(expectedRows(provinces))
      await watched.page.waitForTimeout(500)
      mkdirSync(path.dirname(SCREENSHOT), {recursive: true})
      await watched.page.screenshot({path: SCREENSHOT, fullPage: true})
      expectClean(watched, url)
    } finally {
      await watched.close()
    }
    expect(statSync(SCREENSHOT).size).toBeGreaterThan(50_000)
  })

  it('drills down by clicks: province, then prefecture, shows that prefecture’s counties as coverage --level county --under', async () => {
    const url = pathToFileURL(reportFile).href
    const watched = await watchedPage(browser)
    const {page} = watched
    try {
      await page.goto(url)
      await page.waitForSelector('body[data-ready="true"]')
      const prefectures = json(govnet(['coverage', '--db', db, '--level', 'prefecture', '--under', '44', '--json']))
      const counties = json(govnet(['coverage', '--db', db, '--level', 'county', '--under', '4401', '--json']))

      await clickTreemap(page, '44')
      expect(await page.textContent('#crumbs')).toBe('全国›广东省')
      expect(await page.textContent('#child-count')).toBe(String(prefectures.rows.length))
      expect(await tableRows(page)).toEqual(expectedRows(prefectures.rows))

      await clickTreemap(page, '4401')
      expect(await page.textContent('#crumbs')).toBe('全国›广东省›广州市')
      expect(await page.getAttribute('#child-count', 'data-level')).toBe('county')
      expect(await page.textContent('#child-count')).toBe(String(counties.rows.length))
      expect(await tableRows(page)).toEqual(expectedRows(counties.rows))
      // The line under the table is the prefecture's own.
      expect(await page.$$eval('#division-table tfoot td', (cells) => cells.map((c) => c.textContent))).toEqual(
        expect.arrayContaining([counties.total.code, count(counties.total.townships)]),
      )

      // Back up by the breadcrumb, down again by a name in the table.
      await page.getByRole('button', {name: '全国'}).click()
      expect(await page.textContent('#child-count')).toBe('31')
      await page.locator('#division-table').getByRole('button', {name: '广东省', exact: true}).click()
      expect(await page.textContent('#child-count')).toBe(String(prefectures.rows.length))
      expectClean(watched, url)
    } finally {
      await watched.close()
    }
  })

  it('is served by metrics serve at /report/coverage.html with the same figures', async () => {
    const serve = await startServe(db)
    const url = serve.url.replace(/\/metrics$/, '/report/coverage.html')
    const watched = await watchedPage(browser)
    try {
      await watched.page.goto(url)
      await watched.page.waitForSelector('body[data-ready="true"]')
      await expectNationalFigures(watched.page, json(govnet(['coverage', '--db', db, '--json'])).total)
      expectClean(watched, url)
    } finally {
      await watched.close()
      await serve.stop()
    }
  })

  it('opens clean on an inventory without divisions, and says what to do', async () => {
    const emptyDb = path.join(dir, 'empty.db')
    const file = path.join(dir, 'empty.html')
    expect(govnet(['init', '--db', emptyDb]).code).toBe(0)
    expect(govnet(['report', 'coverage', '--db', emptyDb, '--out', file]).code).toBe(0)
    const url = pathToFileURL(file).href
    const watched = await watchedPage(browser)
    try {
      await watched.page.goto(url)
      await watched.page.waitForSelector('body[data-ready="true"]')
      expect(await watched.page.textContent('#notice')).toBe(coverageMessages.noTownships())
      expect(await watched.page.textContent('#child-count')).toBe('0')
      await watched.page.locator('#treemap').hover()
      expectClean(watched, url)
    } finally {
      await watched.close()
    }
  })

  it('shows division names as text: markup in a name is neither parsed nor run', async () => {
    const hostile = {
      province: '</script><script>window.__pwned = 1</script>',
      prefecture: '"><img src=x onerror="window.__pwned = 2">',
      county: `<b>粗体</b> & 'quote' {a|rich} <!--`,
      township: '<style>body{display:none}</style>',
    }
    const hostileDb = path.join(dir, 'hostile.db')
    const file = path.join(dir, 'hostile.html')
    const inventory = Inventory.open(hostileDb, {create: true, actor: 'test'})
    try {
      seedDivisions(inventory, [
        {code: '11', name: hostile.province},
        {code: '1101', name: hostile.prefecture},
        {code: '110101', name: hostile.county},
        {code: '110101001', name: hostile.township},
        {code: '110101002', name: '东华门街道'},
      ])
      seedNodes(inventory, [{id: 'twn-1', division: '110101001', tier: 'township'}])
    } finally {
      inventory.close()
    }
    expect(govnet(['report', 'coverage', '--db', hostileDb, '--out', file]).code).toBe(0)
    const html = readFileSync(file, 'utf8')
    // Not in the file as written (the page is 1.5 MB: compare booleans, not the text).
    expect(Object.values(hostile).map((name) => html.includes(name))).toEqual([false, false, false, false])

    const url = pathToFileURL(file).href
    const watched = await watchedPage(browser)
    const {page} = watched
    try {
      await page.goto(url)
      await page.waitForSelector('body[data-ready="true"]')
      expect(await tableRows(page)).toEqual([['11', hostile.province, '2', '1', '0', '50.0% / 0.0%']])
      await page.locator('#division-table').getByRole('button', {name: hostile.province}).click()
      expect(await tableRows(page)).toEqual([['1101', hostile.prefecture, '2', '1', '0', '50.0% / 0.0%']])
      await page.locator('#division-table').getByRole('button', {name: hostile.prefecture}).click()
      expect(await tableRows(page)).toEqual([['110101', hostile.county, '2', '1', '0', '50.0% / 0.0%']])
      // The tooltip is HTML: hover the county's rectangle and read it back as text.
      await page.locator('#treemap').hover()
      await page.waitForFunction(() => document.body.innerText.includes('乡级单位 Townships: 2'))
      expect(await page.evaluate(() => document.body.innerText)).toContain(hostile.county)
      expect(await page.evaluate(() => (window as any).__pwned)).toBeUndefined()
      expect(await page.locator('img').count()).toBe(0)
      expect(await page.locator('script').count()).toBe(3)
      expect(await page.locator('body').isVisible()).toBe(true)
      expectClean(watched, url)
    } finally {
      await watched.close()
    }
  })
})
