import {createHash} from 'node:crypto'
import {readFileSync} from 'node:fs'
import path from 'node:path'

import {coverageMessages} from '../messages'
import {packageRoot} from '../paths'
import {CoveragePageData, PageDivision} from './coverage-data'

/**
 * The coverage report as one self-contained HTML file: the page's styles, the data as inline JSON,
 * Apache ECharts and the page's script (src/report/page) inlined, nothing fetched. A Content-Security-Policy
 * allows only those two scripts (by hash) and no connection at all, so the file opens offline and
 * user data in it (division names) cannot run as script even if it were not escaped.
 */

/** Where the page's script and styles are kept (shipped with the package: package.json "files"). */
export const PAGE_DIR = path.join(packageRoot, 'src', 'report', 'page')

interface Assets {
  echarts: string
  script: string
  style: string
}

let assets: Assets | undefined

/** Read once per process; a script that would end its <script> element early is refused. */
function pageAssets(): Assets {
  if (!assets) {
    const read = (file: string) => readFileSync(file, 'utf8')
    const loaded = {
      echarts: read(require.resolve('echarts/dist/echarts.min.js')),
      script: read(path.join(PAGE_DIR, 'coverage.js')),
      style: read(path.join(PAGE_DIR, 'coverage.css')),
    }
    for (const [name, text] of Object.entries(loaded))
      if (/<\/(script|style)|<!--/i.test(text))
        throw new Error(`the report's ${name} cannot be inlined: it contains </ or <!--`)
    assets = loaded
  }
  return assets
}

const HTML_ESCAPES: Record<string, string> = {'&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;'}

/** Text for HTML content or a quoted attribute value. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]!)
}

/**
 * JSON for a <script type="application/json"> element: `<`, `>` and `&` as \u escapes (so no
 * `</script>` or `<!--` can appear), and the two line separators JavaScript once refused.
 */
export function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(
    /[<>&\u2028\u2029]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  )
}

const sha256 = (text: string) => `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`
const count = (n: number) => n.toLocaleString('en-US')
/** An ISO instant as the page shows it: 2026-12-05 23:40:12 UTC. */
const instant = (iso: string) => `${iso.slice(0, 10)} ${iso.slice(11, 19)} UTC`

const CHILD_LEVEL: Record<CoveragePageData['rootLevel'], {zh: string; en: string}> = {
  nation: {zh: '各省', en: 'by province'},
  province: {zh: '各地市', en: 'by prefecture'},
  prefecture: {zh: '各区县', en: 'by county'},
  county: {zh: '各乡镇', en: 'by township'},
  township: {zh: '', en: ''},
  village: {zh: '', en: ''},
}

function figure(kind: string, zh: string, en: string, value: number, share: string | undefined, note: string): string {
  const shown =
    share === undefined ? count(value) : `${count(value)}<small data-figure="${kind}-share">${share}</small>`
  return `<div class="figure ${kind}" data-figure="${kind}" data-value="${value}">
  <div class="label"><b>${zh}</b>${en}</div>
  <div class="value">${shown}</div>
  <div class="note">${note}</div>
</div>`
}

function kindCard(data: CoveragePageData, i: number): string {
  const kind = data.kinds[i]!
  const [townships, covered, verified, coverage, verifiedCoverage] = data.root[8][i] || [0, 0, 0, '–', '–']
  return `<div class="kind" data-kind="${kind.kind}">
  <div class="label"><b>${escapeHtml(kind.name)}</b>${escapeHtml(kind.label)}</div>
  <div class="numbers"><span><strong>${count(covered)}</strong> / ${count(townships)}</span><span>${coverage}</span></div>
  <div class="bar"><span class="c" style="width:${townships ? coverage : 0}"></span><span class="v" style="width:${townships ? verifiedCoverage : 0}"></span></div>
  <div class="shares"><span>已覆盖 covered ${coverage}</span><span>已核验 verified ${count(verified)} · ${verifiedCoverage}</span></div>
</div>`
}

/** Where the counties are: in how many provinces and prefectures (the levels the tree has). */
function divisionsNote(data: CoveragePageData): string {
  const {province, prefecture} = data.divisions
  const parts = [
    province > 0 ? `${count(province)} 省级 provinces` : '',
    prefecture > 0 ? `${count(prefecture)} 地级 prefectures` : '',
  ].filter((part) => part !== '')
  return parts.length > 0 ? `in ${parts.join(' · ')}` : '区县 counties in the report'
}

/** The page for `data` (coveragePageData). */
export function renderCoveragePage(data: CoveragePageData): string {
  const {echarts, script, style} = pageAssets()
  const root: PageDivision = data.root
  const [code, name, , townships, covered, verified, coverage, verifiedCoverage] = root
  const scope =
    data.rootLevel === 'nation' ? `${escapeHtml(name)} National` : `${escapeHtml(name)} (${escapeHtml(code)})`
  const byChild = CHILD_LEVEL[data.rootLevel]
  const csp = [
    "default-src 'none'",
    `script-src ${sha256(echarts)} ${sha256(script)}`,
    "style-src 'unsafe-inline'",
    'img-src data:',
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ')
  return `<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="govnet report coverage">
<title>政务外网乡镇覆盖报告 Township coverage report · ${escapeHtml(name)}</title>
<style>${style}</style>
</head>
<body>
<header>
  <h1>政务外网乡镇覆盖报告<span class="en">Government extranet · township coverage report</span></h1>
  <div class="meta">
    <span>范围 Scope: <b id="scope">${scope}</b></span>
    <span>数据时间 As of: <b id="as-of" data-value="${data.asOf}">${instant(data.asOf)}</b></span>
    <span>核验窗口 Freshness window: <b id="freshness">${escapeHtml(data.freshness)}</b> (audits since <b id="verified-since" data-value="${data.verifiedSince}">${instant(data.verifiedSince)}</b>)</span>
  </div>
</header>
<main>
${townships === 0 ? `<p class="notice" id="notice">${escapeHtml(coverageMessages.noTownships())}</p>` : ''}
<section class="figures" aria-label="figures">
${figure('townships', '乡级单位', 'Townships', townships, undefined, '街道、镇、乡及其他乡级单位 · streets, towns, townships, other units')}
${figure('covered', '已覆盖', 'Covered', covered, coverage, '至少一个在用节点 · at least one active node')}
${figure('verified', '已核验', 'Verified', verified, verifiedCoverage, `${escapeHtml(data.freshness)} 内审计成功 · SSH audit ok within ${escapeHtml(data.freshness)}`)}
${figure('divisions', '县级单位', 'Counties', data.divisions.county, undefined, divisionsNote(data))}
</section>
<section class="kinds" aria-label="by township kind">
${data.kinds.map((_, i) => kindCard(data, i)).join('\n')}
</section>
<div class="grid">
  <section class="card">
    <h2>${byChild.zh}覆盖率与核验率<span class="en">Covered and verified share ${byChild.en}</span></h2>
    <div id="province-chart" class="chart"></div>
  </section>
  <section class="card">
    <h2>逐级下钻<span class="en">Drill down: province → prefecture → county</span></h2>
    <nav id="crumbs" class="crumbs" aria-label="breadcrumb"></nav>
    <div id="selection" class="selection"></div>
    <div id="treemap" class="chart"></div>
    <div class="legend"><span>面积 area = 乡级单位 townships · 颜色 colour = 覆盖率 covered share</span><span>0%</span><span id="ramp" class="ramp"></span><span>100%</span></div>
    <h2 style="margin-top:12px">按乡级类型<span class="en">By township kind</span></h2>
    <div id="kind-chart" class="chart"></div>
  </section>
</div>
<section class="card">
  <h2>明细<span class="en">Table</span> · <span id="table-level"></span></h2>
  <p class="hint">点击名称下钻 · click a name to drill down. 街道/镇/乡/其他: covered / all townships of that kind.</p>
  <table id="division-table"><thead><tr></tr></thead><tbody></tbody><tfoot></tfoot></table>
</section>
<footer>
  Generated by govnet report coverage. A township is covered when at least one node in it is active; verified when such a
  node's last SSH audit succeeded within the freshness window. Charts: Apache ECharts (Apache License 2.0), inlined.
</footer>
</main>
<script id="coverage-data" type="application/json">${scriptJson(data)}</script>
<script>${echarts}</script>
<script>${script}</script>
</body>
</html>
`
}
