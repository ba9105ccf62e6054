'use strict'
/**
 * Resident memory of `govnet metrics serve` at 10k, 100k and 500k nodes (issue 14: at most 96 MiB at
 * 500k), and of prometheus-node-exporter in the same run.
 *
 * Reads the seeded inventories of the national bench (bench/.cache/national-N.db, built there by
 * the national bench's seeding when missing; another directory with GOVNET_BENCH_INVENTORIES), copies each one
 * (sqlite3 .backup) and upgrades the copy (`govnet init`). For each size, `metrics serve` is started
 * twice: with --refresh 1h, resident memory after the first refresh and 20 rounds of scrapes (text and
 * OpenMetrics, plain and gzip); with --refresh REFRESH_SECONDS, after REFRESHES refreshes, read while
 * no refresh thread runs (11 threads). VmRSS and VmHWM from /proc/PID/status.
 */
const {spawn} = require('node:child_process')
const {copyFileSync, existsSync, mkdirSync, readFileSync} = require('node:fs')
const path = require('node:path')

const {seededInventory} = require('./national.bench')

const SIZES = (process.env.GOVNET_BENCH_SIZES ?? '10000,100000,500000').split(',').map(Number)
const SCRAPE_ROUNDS = 20
const REFRESHES = 4
const NODE_EXPORTER = '/usr/bin/prometheus-node-exporter'
const FORMATS = [
  ['text/plain', 'identity'],
  ['text/plain', 'gzip'],
  ['application/openmetrics-text;version=1.0.0', 'identity'],
  ['application/openmetrics-text;version=1.0.0', 'gzip'],
]
/** Threads of `metrics serve` with no refresh thread running (main, libuv's pool of 4, V8's, inspector, signals). */
const IDLE_THREADS = 11

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))

function memoryOf(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8')
  const kib = (key) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN)
  const threads = Number(/^Threads:\s+(\d+)/m.exec(status)?.[1] ?? NaN)
  return {rssMiB: kib('VmRSS') / 1024, peakMiB: kib('VmHWM') / 1024, threads}
}

/** Start `command`, wait (≤ 10 min) for the URL `ready(output)` finds to answer; returns {child, url, stop}. */
async function start(command, args, ready, lib) {
  const child = spawn(command, args, {
    cwd: lib.repoRoot,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {...process.env, GOVNET_DB: ''},
  })
  let output = ''
  child.stdout.on('data', (chunk) => (output += chunk))
  child.stderr.on('data', (chunk) => (output += chunk))
  const exited = new Promise((resolve) => child.once('exit', resolve))
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM')
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000)
    await exited
    clearTimeout(timer)
  }
  for (let i = 0; i < 3000; i++) {
    if (child.exitCode !== null) throw new Error(`${command} exited ${child.exitCode}: ${output}`)
    const url = ready(output)
    if (
      url &&
      (await fetch(url).then(
        (r) => r.ok,
        () => false,
      ))
    )
      return {child, url, stop}
    await sleep(200)
  }
  await stop()
  throw new Error(`${command} did not answer within 10 min: ${output}`)
}

async function scrapeRounds(url) {
  for (let i = 0; i < SCRAPE_ROUNDS; i++)
    for (const [accept, encoding] of FORMATS) {
      const response = await fetch(url, {headers: {Accept: accept, 'Accept-Encoding': encoding}})
      if (!response.ok) throw new Error(`scrape of ${url} answered ${response.status}`)
      await response.arrayBuffer()
    }
}

async function serveMemory(db, refresh, waitMs, lib) {
  const serve = await start(
    process.execPath,
    [lib.cli, 'metrics', 'serve', '--db', db, '--listen', '127.0.0.1:0', '--refresh', refresh],
    (out) => /(http:\/\/\S+\/metrics)/.exec(out)?.[1],
    lib,
  )
  try {
    await scrapeRounds(serve.url)
    await sleep(waitMs)
    let memory = memoryOf(serve.child.pid)
    for (let i = 0; i < 6000 && memory.threads > IDLE_THREADS; i++) {
      await sleep(100)
      memory = memoryOf(serve.child.pid)
    }
    const body = await (await fetch(serve.url)).text()
    const refreshSeconds = Number(/^govnet_refresh_duration_seconds (\S+)$/m.exec(body)?.[1])
    return {...memory, refreshSeconds}
  } finally {
    await serve.stop()
  }
}

async function run(lib) {
  const given = process.env.GOVNET_BENCH_INVENTORIES
  const source = given ?? path.join(__dirname, '.cache')
  const schemaVersion = lib.fromDist('src/inventory/migrations').loadMigrations().length
  const dir = lib.tempDir('govnet-exporter-memory-')
  const results = []
  try {
    for (const nodes of SIZES) {
      // The national bench's seeded inventory, built into bench/.cache when missing or stale (as that
      // bench does: a fresh clone has none); a directory given in GOVNET_BENCH_INVENTORIES is read as is.
      const cached = given ? path.join(given, `national-${nodes}.db`) : seededInventory(nodes, schemaVersion).db
      if (!existsSync(cached)) throw new Error(`${cached} is missing (GOVNET_BENCH_INVENTORIES=${given})`)
      const db = path.join(dir.dir, `national-${nodes}.db`)
      lib.spawnChecked('sqlite3', [cached, `.backup ${db}`])
      const key = path.join(source, '.govnet', 'changelog-key')
      if (existsSync(key)) {
        mkdirSync(path.join(dir.dir, '.govnet'), {recursive: true, mode: 0o700})
        copyFileSync(key, path.join(dir.dir, '.govnet', 'changelog-key'))
      }
      lib.spawnChecked(process.execPath, [lib.cli, 'init', '--db', db], {
        cwd: lib.repoRoot,
        timeout: 600_000,
        env: {...process.env, GOVNET_DB: ''},
      })
      const first = await serveMemory(db, '1h', 1000, lib)
      // A refresh every 5 s counted from the end of the last one: REFRESHES of them take about that many (5 s + refresh).
      const later = await serveMemory(db, '5s', REFRESHES * (5000 + first.refreshSeconds * 1000), lib)
      results.push({nodes, first, later})
    }
  } finally {
    dir.cleanup()
  }
  let nodeExporter
  if (existsSync(NODE_EXPORTER)) {
    const port = 19_100 + Math.floor(Math.random() * 800)
    const url = `http://127.0.0.1:${port}/metrics`
    const exporter = await start(NODE_EXPORTER, [`--web.listen-address=127.0.0.1:${port}`], () => url, lib)
    try {
      await scrapeRounds(url)
      await sleep(1000)
      nodeExporter = memoryOf(exporter.child.pid)
    } finally {
      await exporter.stop()
    }
  }
  return {results, nodeExporter}
}

const mib = (value) => `${value.toFixed(0)} MiB`

function report({results, nodeExporter}) {
  const rows = results.map((r) => [
    `${r.nodes.toLocaleString('en')} nodes`,
    `${r.first.refreshSeconds.toFixed(1)} s`,
    `${mib(r.first.rssMiB)} (${mib(r.first.peakMiB)})`,
    `${mib(r.later.rssMiB)} (${mib(r.later.peakMiB)})`,
  ])
  const table = require('./lib').table(
    [
      'size',
      'refresh',
      'RSS after the first refresh and the scrapes (peak)',
      `RSS between refreshes, after ${REFRESHES} more (peak)`,
    ],
    rows,
  )
  const peer = nodeExporter
    ? `prometheus-node-exporter in the same run, after ${SCRAPE_ROUNDS * FORMATS.length} scrapes: ${mib(nodeExporter.rssMiB)} (peak ${mib(nodeExporter.peakMiB)}).`
    : 'prometheus-node-exporter is not installed: no peer figure.'
  return `${table}\n\n${peer}\n`
}

module.exports = {title: 'metrics serve: resident memory at national size (issue 14)', run, report}
