'use strict'
/**
 * Shared helpers for bench/*.bench.js files: timing, the sqlite3 shell as a reference, machine
 * facts, temp dirs and markdown. Benches run against the compiled code in dist/ (`npm run bench`
 * builds first). Plain CommonJS, no build step of its own.
 */
const {spawnSync} = require('node:child_process')
const {existsSync, mkdtempSync, readFileSync, rmSync} = require('node:fs')
const os = require('node:os')
const path = require('node:path')

const repoRoot = path.resolve(__dirname, '..')
const dist = path.join(repoRoot, 'dist')
const cli = path.join(repoRoot, 'bin', 'run.js')

/** Load a compiled module: dist('src/inventory/db') → require('<repo>/dist/src/inventory/db'). */
function fromDist(relative) {
  return require(path.join(dist, relative))
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = Math.floor(sorted.length / 2)
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
}

/**
 * Run `fn` `repeat` times (after `warmup` untimed runs) and return the median wall time in ms, its
 * range, and the median CPU time: this process's own, or what `fn` reports as `cpuMs` for a child
 * process. CPU time is what to compare when other work shares the machine (see the load average).
 * `setup` runs before each timed run and is not timed; its result is passed to `fn`.
 */
function measure(fn, {repeat = 5, warmup = 0, setup} = {}) {
  for (let i = 0; i < warmup; i++) fn(setup ? setup() : undefined)
  const times = []
  const cpu = []
  let result
  for (let i = 0; i < repeat; i++) {
    const input = setup ? setup() : undefined
    const cpuStart = process.cpuUsage()
    const start = process.hrtime.bigint()
    result = fn(input)
    times.push(Number(process.hrtime.bigint() - start) / 1e6)
    const own = process.cpuUsage(cpuStart)
    cpu.push(result && typeof result.cpuMs === 'number' ? result.cpuMs : (own.user + own.system) / 1000)
  }
  return {ms: median(times), min: Math.min(...times), max: Math.max(...times), cpuMs: median(cpu), runs: repeat, result}
}

const GNU_TIME = '/usr/bin/time'

/**
 * Run a child process to completion, failing on a non-zero exit. Under GNU time (when installed)
 * the result also carries the child's user + system CPU time as `cpuMs` (10 ms resolution).
 */
function spawnChecked(command, args, options = {}) {
  const cpuFile = existsSync(GNU_TIME) ? path.join(os.tmpdir(), `govnet-bench-cpu-${process.pid}`) : undefined
  const [file, argv] = cpuFile ? [GNU_TIME, ['-f', '%U %S', '-o', cpuFile, command, ...args]] : [command, args]
  const run = spawnSync(file, argv, {encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, ...options})
  if (run.error) throw run.error
  if (run.status !== 0) throw new Error(`${command} ${args.join(' ')} exited ${run.status}: ${run.stderr}`)
  if (cpuFile) {
    const [user, system] = readFileSync(cpuFile, 'utf8').trim().split(/\s+/).map(Number)
    rmSync(cpuFile, {force: true})
    run.cpuMs = (user + system) * 1000
  }
  return run
}

/**
 * The govnet CLI as a process (Node start-up and oclif included), median wall time. `args` is an
 * array, or a function of what `setup` returned (e.g. a fresh database path).
 */
function measureCli(args, {repeat = 3, setup, env} = {}) {
  return measure(
    (input) =>
      spawnChecked(process.execPath, [cli, ...(typeof args === 'function' ? args(input) : args)], {
        env: {...process.env, GOVNET_ACTOR: 'bench', NO_COLOR: '1', ...env},
      }),
    {repeat, setup},
  )
}

/** The sqlite3 shell's version, or undefined when it is not installed (`apt-get install sqlite3`). */
function sqlite3Version() {
  const run = spawnSync('sqlite3', ['--version'], {encoding: 'utf8'})
  return run.status === 0 ? run.stdout.trim().split(' ').slice(0, 2).join(' ') : undefined
}

/**
 * The reference: `script` in the sqlite3 shell with `.timer on`, against the database path that
 * `database()` returns before each run (a fresh copy, or the same file). Returns the median wall
 * time and CPU time of the process (`ms`, `cpuMs`) and the medians of the shell's summed
 * "Run Time" of the statements (`statementsMs` real, `statementsCpuMs` user + sys: SQLite's time
 * without process start-up; the shell does not time `.import`).
 * Fails on any error the shell prints.
 */
function measureSqlite3(database, script, {repeat = 5} = {}) {
  const statements = []
  const wall = measure(
    (db) => {
      const run = spawnChecked('sqlite3', ['-bail', db], {input: `.timer on\n${script}\n`})
      if (/error/i.test(run.stderr)) throw new Error(`sqlite3: ${run.stderr}`)
      const timings = [...run.stdout.matchAll(/Run Time: real (\d+\.\d+) user (\d+\.\d+) sys (\d+\.\d+)/g)]
      statements.push({
        real: timings.reduce((sum, m) => sum + Number(m[1]) * 1000, 0),
        cpu: timings.reduce((sum, m) => sum + (Number(m[2]) + Number(m[3])) * 1000, 0),
      })
      return run
    },
    {repeat, setup: database},
  )
  return {
    ms: wall.ms,
    min: wall.min,
    max: wall.max,
    cpuMs: wall.cpuMs,
    statementsMs: median(statements.map((s) => s.real)),
    statementsCpuMs: median(statements.map((s) => s.cpu)),
  }
}

/**
 * Measurements taken by turns (a, b, c, a, b, c, …) for `rounds` rounds, so that a machine whose
 * speed drifts during the run (shared CPUs) slows every side alike. Each measurer takes one
 * measurement (repeat: 1); each result holds the medians of its side's turns.
 */
function alternate(rounds, measurers) {
  const turns = measurers.map(() => [])
  for (let round = 0; round < rounds; round++) measurers.forEach((take, side) => turns[side].push(take()))
  return turns.map((taken) => {
    const merged = {runs: taken.length, result: taken.at(-1).result}
    for (const key of ['ms', 'cpuMs', 'statementsMs', 'statementsCpuMs'])
      if (taken[0][key] !== undefined) merged[key] = median(taken.map((m) => m[key]))
    merged.min = Math.min(...taken.map((m) => m.min))
    merged.max = Math.max(...taken.map((m) => m.max))
    return merged
  })
}

function tempDir(prefix = 'govnet-bench-') {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix))
  return {dir, cleanup: () => rmSync(dir, {recursive: true, force: true})}
}

function machine() {
  let sqliteLibrary = 'unknown'
  try {
    const Database = require('better-sqlite3')
    const db = new Database(':memory:')
    sqliteLibrary = db.prepare('SELECT sqlite_version()').pluck().get()
    db.close()
  } catch {
    // reported as unknown
  }
  return {
    date: new Date().toISOString(),
    cpu: os.cpus()[0]?.model.trim() ?? 'unknown',
    nproc: os.availableParallelism(),
    memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    os: `${os.type()} ${os.release()}`,
    sqlite3Shell: sqlite3Version() ?? 'not installed',
    sqliteLibrary,
    loadAverage: os
      .loadavg()
      .map((l) => l.toFixed(1))
      .join(' '),
  }
}

const fmt = (ms) => (ms >= 100 ? ms.toFixed(0) : ms >= 10 ? ms.toFixed(1) : ms.toFixed(2))

/** Markdown table from a header and rows of cells. */
function table(header, rows) {
  const line = (cells) => `| ${cells.join(' | ')} |`
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n')
}

/** "2.1×": our time as a multiple of the reference time. */
function ratio(ours, reference) {
  return reference > 0 ? `${(ours / reference).toFixed(1)}×` : '–'
}

module.exports = {
  alternate,
  cli,
  dist,
  fmt,
  fromDist,
  machine,
  measure,
  measureCli,
  measureSqlite3,
  median,
  ratio,
  repoRoot,
  spawnChecked,
  sqlite3Version,
  table,
  tempDir,
}
