'use strict'
/**
 * Metrics exporter at national scale (issue 3): 41,352 townships, 100,000 nodes, 5,000 tenants.
 *
 * Builds the inventory in a temporary directory (divisions through `govnet division import`, nodes,
 * audits and tenants through the seeder, dist/src/seed), then measures:
 *   - refresh: reading the snapshot from the inventory, and rendering both exposition formats;
 *   - `govnet metrics serve`: scrape latency p50/p99 over SCRAPES scrapes made the way Prometheus
 *     makes them (OpenMetrics preferred, gzip), response size, resident memory;
 *   - the same with --refresh 1s, so that scrapes collide with refreshes;
 *   - node_exporter (Debian prometheus-node-exporter) on the same machine in the same run, alone and
 *     with govnet's textfile (`govnet metrics write`) in its textfile collector directory.
 * Everything listens on 127.0.0.1; every wait is bounded; every process started here is stopped here.
 *
 * `npm run bench -- metrics` runs it through bench/run.js, which records the section in bench/RESULTS.md.
 */
const {spawn} = require('node:child_process')
const {existsSync, mkdirSync, readFileSync} = require('node:fs')
const http = require('node:http')
const path = require('node:path')

const {cli, fromDist, repoRoot, spawnChecked, table, tempDir} = require('./lib')
const NODE_EXPORTER = '/usr/bin/prometheus-node-exporter'
const SCRAPES = 300
const WARMUP_SCRAPES = 20
const NODES = 100_000
const TENANTS = 5_000
const REFRESH_RUNS = 10
/** Prometheus 2.x's scrape Accept header. */
const PROMETHEUS_ACCEPT =
  'application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1'

/** Deterministic PRNG (mulberry32), so every run builds the same inventory. */
function prng(seed) {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

function pick(random, weighted) {
  let r = random()
  for (const [value, weight] of weighted) {
    if ((r -= weight) < 0) return value
  }
  return weighted[weighted.length - 1][0]
}

function govnet(args) {
  return spawnChecked(process.execPath, [cli, ...args], {
    cwd: repoRoot,
    timeout: 300_000,
    env: {...process.env, GOVNET_DB: '', GOVNET_ACTOR: 'bench'},
  }).stdout
}

/**
 * Divisions via the CLI, then 100,000 nodes with their audits and 5,000 tenants (or the counts
 * given) through the seeder (dist/src/seed: the repositories, one transaction each), every record
 * logged as created.
 */
function buildInventory(dbPath, {nodes: nodeCount = NODES, tenants: tenantCount = TENANTS} = {}) {
  const started = Date.now()
  govnet(['init', '--db', dbPath])
  govnet(['division', 'import', '--db', dbPath])
  const {Inventory} = fromDist('src/inventory/db')
  const {DivisionRepository} = fromDist('src/inventory/divisions')
  const {seedAudits, seedNodes, seedTenants} = fromDist('src/seed')
  const inventory = Inventory.open(dbPath, {actor: 'bench'})
  let townshipCount
  try {
    const divisions = new DivisionRepository(inventory)
    const codes = (level) => divisions.atLevel(level).map((d) => d.code)
    const provinces = codes('province')
    const prefectures = codes('prefecture')
    const counties = codes('county')
    const townships = codes('township')
    townshipCount = townships.length
    const random = prng(20261125)
    const now = Date.now()
    const iso = (ms) => new Date(ms).toISOString()
    const platforms = ['huawei-vrp', 'h3c-comware', 'cisco-ios', 'linux']
    const nodes = []
    const audits = []
    const audit = (nodeId) => {
      const outcome = pick(random, [
        ['ok', 0.93],
        [null, 0.015],
        ['timeout', 0.02],
        ['refused', 0.01],
        ['auth', 0.01],
        ['host-key-changed', 0.005],
        ['command-timeout', 0.01],
      ])
      // Most audits within the last day, some older (covered but no longer verified).
      const age = random() < 0.95 ? random() * 23 * 3_600_000 : (30 + random() * 200) * 3_600_000
      if (outcome !== null) audits.push({nodeId, outcome, finishedAt: iso(now - age)})
    }
    const addNode = (division, tier, role, status) => {
      const n = nodes.length
      const id = `b${n}`
      if (status === 'active' || status === 'degraded') audit(id)
      nodes.push({
        id,
        name: `node ${n}`,
        division,
        tier,
        role,
        mgmtAddress: `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}`,
        platform: platforms[n % 4],
        status,
      })
    }
    for (const code of provinces) addNode(code, 'provincial', 'core', 'active')
    for (const code of prefectures) addNode(code, 'prefecture', 'aggregation', 'active')
    for (const code of counties) addNode(code, 'county', 'aggregation', 'active')
    // Township nodes on about 85 % of the townships, two or three per township.
    const reached = townships.filter(() => random() < 0.85)
    for (let i = 0; nodes.length < nodeCount; i++) {
      const status = pick(random, [
        ['active', 0.82],
        ['planned', 0.08],
        ['degraded', 0.05],
        ['decommissioned', 0.05],
      ])
      addNode(reached[i % reached.length], 'township', 'access', status)
    }
    seedNodes(inventory, nodes, {at: iso(now)})
    seedAudits(inventory, audits)

    const tenants = []
    for (let i = 0; i < tenantCount; i++) {
      const level = pick(random, [
        [1, 0.1],
        [2, 0.4],
        [3, 0.45],
        [4, 0.05],
      ])
      const status = pick(random, [
        ['active', 0.8],
        ['requested', 0.05],
        ['provisioning', 0.03],
        ['failed', 0.02],
        ['decommissioned', 0.1],
      ])
      const filingNumber = level >= 2 && random() < 0.95 ? `${String(10000000000 + i)}-00001` : null
      const lastAssessedOn = level >= 3 && random() < 0.97 ? iso(now - random() * 500 * 86_400_000).slice(0, 10) : null
      tenants.push({
        id: `t${i}`,
        name: `tenant ${i}`,
        departmentName: '部门',
        region: 'cn-bench-1',
        level,
        status,
        filingNumber,
        lastAssessedOn,
      })
    }
    seedTenants(inventory, tenants, {at: iso(now)})
    inventory.db.pragma('optimize')
  } finally {
    inventory.close()
  }
  return {seconds: (Date.now() - started) / 1000, townships: townshipCount}
}

function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]
}

function summarize(values) {
  const sorted = [...values].sort((a, b) => a - b)
  return {
    n: sorted.length,
    p50: percentile(sorted, 50),
    p90: percentile(sorted, 90),
    p99: percentile(sorted, 99),
    max: sorted[sorted.length - 1],
  }
}

/** One GET on a keep-alive agent, timed to the last byte; resolves {ms, bytes, status}. */
function scrapeOnce(agent, url, headers) {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint()
    const req = http.get(url, {agent, headers, timeout: 30_000}, (res) => {
      let bytes = 0
      res.on('data', (chunk) => (bytes += chunk.length))
      res.on('end', () => resolve({ms: Number(process.hrtime.bigint() - started) / 1e6, bytes, status: res.statusCode}))
      res.on('error', reject)
    })
    req.on('timeout', () => req.destroy(new Error(`scrape of ${url} timed out`)))
    req.on('error', reject)
  })
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))

/** `count` sequential scrapes `gapMs` apart, after a warm-up, like one Prometheus: latency summary and sizes. */
async function scrapeSeries(url, {count = SCRAPES, gapMs = 0} = {}) {
  const agent = new http.Agent({keepAlive: true, maxSockets: 1})
  const headers = {Accept: PROMETHEUS_ACCEPT, 'Accept-Encoding': 'gzip'}
  try {
    for (let i = 0; i < WARMUP_SCRAPES; i++) await scrapeOnce(agent, url, headers)
    const times = []
    let gzipBytes = 0
    for (let i = 0; i < count; i++) {
      const result = await scrapeOnce(agent, url, headers)
      if (result.status !== 200) throw new Error(`scrape of ${url} answered ${result.status}`)
      times.push(result.ms)
      gzipBytes = result.bytes
      if (gapMs > 0) await sleep(gapMs)
    }
    const identity = await scrapeOnce(agent, url, {Accept: PROMETHEUS_ACCEPT})
    return {latency: summarize(times), gzipBytes, bytes: identity.bytes}
  } finally {
    agent.destroy()
  }
}

/** Resident memory now and at its peak (kB → MiB) of a process we started. */
function memoryOf(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8')
  const kib = (key) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN)
  return {rssMiB: kib('VmRSS') / 1024, peakMiB: kib('VmHWM') / 1024}
}

/** CPU time (user + system, ms) a process we started has used so far (/proc/PID/stat, clock ticks of 10 ms). */
function cpuOf(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ')
  return (Number(fields[11]) + Number(fields[12])) * 10
}

/** Start a child and wait (≤ 60 s, or `timeoutMs`) until `ready()` resolves true; always returns a stop() that ends it. */
async function startProcess(command, args, ready, timeoutMs = 60_000) {
  const child = spawn(command, args, {
    cwd: repoRoot,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {...process.env, GOVNET_DB: ''},
  })
  let output = ''
  child.stdout.on('data', (c) => (output += c))
  child.stderr.on('data', (c) => (output += c))
  const exited = new Promise((resolve) => child.once('exit', resolve))
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return child.exitCode
    child.kill('SIGTERM')
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000)
    const code = await exited
    clearTimeout(timer)
    return code
  }
  for (let i = 0; i < timeoutMs / 200; i++) {
    if (child.exitCode !== null) throw new Error(`${command} exited ${child.exitCode}: ${output}`)
    const value = await ready(output).catch(() => undefined)
    if (value) return {child, value, stop, output: () => output}
    await sleep(200)
  }
  await stop()
  throw new Error(`${command} not ready after ${timeoutMs / 1000} s: ${output}`)
}

async function httpOk(url) {
  const res = await fetch(url)
  return res.ok
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = require('node:net').createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const {port} = server.address()
      server.close(() => resolve(port))
    })
  })
}

/**
 * `govnet metrics serve` on `dbPath`: scrapes (scrapeSeries `options`), then its memory, CPU time so
 * far (start-up, the first refresh and the scrapes), refresh duration and sample count. The first
 * refresh must end within `options.readyTimeoutMs` (default 60 s).
 */
async function serveAndScrape(dbPath, refresh, options = {}) {
  const serve = await startProcess(
    process.execPath,
    [cli, 'metrics', 'serve', '--db', dbPath, '--listen', '127.0.0.1:0', '--refresh', refresh],
    async (out) => {
      const match = /(http:\/\/\S+\/metrics)/.exec(out)
      return match && (await httpOk(match[1])) ? match[1] : undefined
    },
    options.readyTimeoutMs,
  )
  let result
  let code
  try {
    const scrapes = await scrapeSeries(serve.value, options)
    const memory = memoryOf(serve.child.pid)
    const cpuMs = cpuOf(serve.child.pid)
    const body = await (await fetch(serve.value, {headers: {Accept: 'text/plain'}})).text()
    const refreshSeconds = Number(/^govnet_refresh_duration_seconds (\S+)$/m.exec(body)?.[1])
    const series = body.split('\n').filter((l) => l !== '' && !l.startsWith('#')).length
    result = {...scrapes, memory, cpuMs, refreshSeconds, series}
  } finally {
    code = await serve.stop()
  }
  // Checked after the finally block: a throw inside it would replace an error of the scrapes themselves.
  if (code !== 0) throw new Error(`metrics serve exited ${code} on SIGTERM: ${serve.output()}`)
  return result
}

async function nodeExporterScrape(textfileDir) {
  if (!existsSync(NODE_EXPORTER)) return undefined
  const port = await freePort()
  const args = [`--web.listen-address=127.0.0.1:${port}`]
  if (textfileDir) args.push(`--collector.textfile.directory=${textfileDir}`)
  const url = `http://127.0.0.1:${port}/metrics`
  const exporter = await startProcess(NODE_EXPORTER, args, async () => ((await httpOk(url)) ? url : undefined))
  try {
    const scrapes = await scrapeSeries(url)
    return {...scrapes, memory: memoryOf(exporter.child.pid), cpuMs: cpuOf(exporter.child.pid)}
  } finally {
    await exporter.stop()
  }
}

/** Refresh cost in-process: snapshot read (what govnet_refresh_duration_seconds reports) and rendering. */
async function refreshInProcess(dbPath) {
  const {Inventory} = fromDist('src/inventory/db')
  const {snapshotReader} = fromDist('src/metrics/snapshot')
  const {MetricsExporter} = fromDist('src/metrics/exporter')
  const inventory = Inventory.open(dbPath, {readonly: true})
  try {
    const exporter = new MetricsExporter(snapshotReader(inventory))
    const read = []
    const total = []
    for (let i = 0; i < REFRESH_RUNS; i++) {
      const started = process.hrtime.bigint()
      const outcome = await exporter.refresh()
      if (!outcome.succeeded) throw outcome.error
      total.push(Number(process.hrtime.bigint() - started) / 1e6)
      read.push(outcome.durationSeconds * 1000)
    }
    // The first refresh also prepares statements and warms SQLite's page cache: reported apart.
    return {first: {read: read[0], total: total[0]}, read: summarize(read.slice(1)), total: summarize(total.slice(1))}
  } finally {
    inventory.close()
  }
}

const ms = (v) => `${v.toFixed(1)} ms`
const kib = (bytes) => `${(bytes / 1024).toFixed(0)} KiB`

/** The section body: what was built, the refresh cost, and one row per scraped target. */
function report(r) {
  const row = (name, s) => [
    name,
    ms(s.latency.p50),
    ms(s.latency.p99),
    ms(s.latency.max),
    `${kib(s.bytes)} / ${kib(s.gzipBytes)}`,
    `${s.memory.rssMiB.toFixed(0)} MiB (peak ${s.memory.peakMiB.toFixed(0)})`,
  ]
  const rows = [
    row('`govnet metrics serve` (--refresh 30s)', r.serve),
    row('`govnet metrics serve` (--refresh 1s, scrapes 10 ms apart: many during a refresh)', r.serveBusy),
    r.nodeExporter
      ? row('node_exporter 1.x, default collectors', r.nodeExporter)
      : ['node_exporter: not installed', '', '', '', '', ''],
  ]
  if (r.nodeExporterTextfile)
    rows.push(row("node_exporter + govnet's textfile (`metrics write`)", r.nodeExporterTextfile))
  return [
    `Inventory: ${r.townships.toLocaleString('en')} townships, ${NODES.toLocaleString('en')} nodes, ${TENANTS.toLocaleString('en')} tenants ` +
      `(built in ${r.buildSeconds.toFixed(1)} s). Exposition: ${r.serve.series.toLocaleString('en')} samples. ` +
      'Other work on the machine (see the load average above) slows every number here.',
    '',
    `**Refresh** (in-process, the first run then ${REFRESH_RUNS - 1} more): reading the snapshot (what govnet_refresh_duration_seconds ` +
      `reports) first ${ms(r.refresh.first.read)}, then p50 ${ms(r.refresh.read.p50)}, max ${ms(r.refresh.read.max)}; reading and ` +
      `rendering both formats (plain and gzipped) first ${ms(r.refresh.first.total)}, then p50 ${ms(r.refresh.total.p50)}, ` +
      `max ${ms(r.refresh.total.max)}. As served by \`metrics serve\` (in its refresh thread): ` +
      `govnet_refresh_duration_seconds ${(r.serve.refreshSeconds * 1000).toFixed(1)} ms.`,
    '',
    `**Scrapes**: ${SCRAPES} sequential after ${WARMUP_SCRAPES} warm-up, one keep-alive connection, Prometheus's Accept header ` +
      '(OpenMetrics preferred) and gzip, timed to the last byte. Response size: identity / gzip. Memory: VmRSS after the scrapes (VmHWM).',
    '',
    table(['target', 'p50', 'p99', 'max', 'response', 'resident memory'], rows),
    '',
    `Aim: p99 scrape < 50 ms: ${r.serve.latency.p99 < 50 ? 'met' : '**not met**'} at the default refresh, ` +
      `${r.serveBusy.latency.p99 < 50 ? 'met' : '**not met**'} with a refresh every second. ` +
      `Refresh < 1 s: ${Math.max(r.refresh.first.read, r.refresh.read.max) < 1000 ? 'met' : '**not met**'} for the read, ` +
      `${Math.max(r.refresh.first.total, r.refresh.total.max) < 1000 ? 'met' : '**not met**'} for read and render (slowest run, first included).`,
  ].join('\n')
}

async function run() {
  const {dir, cleanup} = tempDir('govnet-bench-metrics-')
  try {
    const dbPath = path.join(dir, 'govnet.db')
    const built = buildInventory(dbPath)
    const refresh = await refreshInProcess(dbPath)
    const serve = await serveAndScrape(dbPath, '30s')
    const serveBusy = await serveAndScrape(dbPath, '1s', {gapMs: 10})
    const nodeExporter = await nodeExporterScrape()
    const textfileDir = path.join(dir, 'textfile')
    mkdirSync(textfileDir)
    govnet(['metrics', 'write', path.join(textfileDir, 'govnet.prom'), '--db', dbPath])
    const nodeExporterTextfile = await nodeExporterScrape(textfileDir)
    return {
      townships: built.townships,
      buildSeconds: built.seconds,
      refresh,
      serve,
      serveBusy,
      nodeExporter,
      nodeExporterTextfile,
    }
  } finally {
    cleanup()
  }
}

module.exports = {
  title: 'Metrics exporter at national scale (issue 3)',
  buildInventory,
  memoryOf,
  nodeExporterScrape,
  run,
  report,
  serveAndScrape,
}

if (require.main === module) {
  run().then(
    (results) => process.stdout.write(`${report(results)}\n`),
    (error) => {
      process.stderr.write(`${error.stack}\n`)
      process.exitCode = 1
    },
  )
}
