import Database from 'better-sqlite3'
import {ChildProcess, spawn} from 'node:child_process'
import {cpSync, rmSync} from 'node:fs'
import path from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {writeNodesCsv} from '../../bench/generate-nodes'
import {DivisionLevel} from '../../src/domain/divisions'
import {checkInventory, verifyChanges} from '../../src/integrity'
import {Inventory} from '../../src/inventory/db'
import {loadMigrations} from '../../src/inventory/migrations'
import {repoRoot, tempDir} from '../helpers/cli'
import {startServe} from '../helpers/metrics-serve'
import {seedDivisions} from '../helpers/seed'
import {TAMPER_CASES} from '../helpers/tamper'

/**
 * Reliability trials (`npm run soak`), each bounded in count and in time, each able to fail:
 *   - four writer processes plus a Prometheus-style scraper of `metrics serve` at once: every
 *     acknowledged write is in the inventory and the chain verifies (the SSH audit is not part of this
 *     run: it writes through the same Inventory.write path and is covered by the audit tests);
 *   - `node import` of GOVNET_SOAK_ROWS rows and `govnet init` migrating GOVNET_SOAK_MIGRATION_ROWS
 *     change rows to the chained schema, each SIGKILLed GOVNET_SOAK_KILLS times at points spread over
 *     its run: the inventory is unchanged or complete, and `db check` is clean, every time;
 *   - every tampering case found.
 * The figures are printed at the end (README: Reliability).
 */
const env = (name: string, fallback: number) => Number(process.env[name] ?? fallback)
const WRITES_PER_WRITER = env('GOVNET_SOAK_WRITES', 250)
const KILLS = env('GOVNET_SOAK_KILLS', 20)
const IMPORT_ROWS = env('GOVNET_SOAK_ROWS', 100_000)
const MIGRATION_ROWS = env('GOVNET_SOAK_MIGRATION_ROWS', 100_000)
/** Wall-clock bound of each trial group. */
const GROUP_SECONDS = env('GOVNET_SOAK_SECONDS', 1500)

const figures: Record<string, unknown> = {}
let dir: string
let cleanup: () => void
let divisions: Array<{code: string; level: DivisionLevel}>

const runJs = path.join(repoRoot, 'bin', 'run.js')
const childEnv = {...process.env, GOVNET_DB: '', GOVNET_ACTOR: 'soak', NO_COLOR: '1'}

function run(args: string[]): {
  child: ChildProcess
  done: Promise<{code: number | null; signal: string | null; stdout: string; stderr: string}>
} {
  const child = spawn(process.execPath, args, {cwd: repoRoot, env: childEnv})
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (c) => (stdout += c))
  child.stderr.on('data', (c) => (stderr += c))
  const done = new Promise<{code: number | null; signal: string | null; stdout: string; stderr: string}>(
    (resolve, reject) => {
      child.on('error', reject)
      child.on('close', (code, signal) => resolve({code, signal, stdout, stderr}))
    },
  )
  return {child, done}
}

/** `db check` through the same code the command runs: integrity, foreign keys, schema, chain. */
function dbCheck(file: string) {
  return checkInventory(file, () => Inventory.open(file, {anySchema: true, readonly: true}))
}

function count(file: string, sql: string): number {
  const db = new Database(file, {readonly: true})
  try {
    return db.prepare(sql).pluck().get() as number
  } finally {
    db.close()
  }
}

/** How long govnet takes to start and open an inventory for writing with nothing to do (`init` on a current one). */
async function startupMs(db: string): Promise<number> {
  const started = Date.now()
  expect((await run([runJs, 'init', '--db', db]).done).code).toBe(0)
  return Date.now() - started
}

/**
 * Kill points spread evenly from the end of start-up to a little past the measured run, so that most
 * land inside the work (the transaction) and the last ones near or after its commit.
 */
function killDelay(trial: number, startup: number, duration: number): number {
  const from = Math.min(startup, duration)
  return Math.round(from + ((trial + 0.5) / KILLS) * (duration * 1.05 - from))
}

const deadlineOf = () => Date.now() + GROUP_SECONDS * 1000
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

beforeAll(() => {
  ;({dir, cleanup} = tempDir('govnet-soak-'))
  const seed = path.join(dir, 'seed', 'govnet.db')
  seedDivisions(seed)
  const inventory = Inventory.open(seed, {readonly: true})
  divisions = inventory.db.prepare('SELECT code, level FROM divisions').all() as typeof divisions
  inventory.close()
})

afterAll(() => {
  console.log(`soak figures: ${JSON.stringify(figures)}`)
  cleanup()
})

/** A private copy of the seeded inventory and its key directory. */
function freshInventory(name: string): string {
  const target = path.join(dir, name)
  cpSync(path.join(dir, 'seed'), target, {recursive: true})
  return path.join(target, 'govnet.db')
}

describe('soak', () => {
  it(`four writers and a scraper at once: every acknowledged write is present, the chain verifies`, async () => {
    const db = freshInventory('writers')
    const serve = await startServe(db, ['--refresh', '1s'])
    const deadline = deadlineOf()
    try {
      const writers = ['w1', 'w2', 'w3', 'w4'].map((prefix) =>
        run([path.join(__dirname, 'writer.js'), db, prefix, String(WRITES_PER_WRITER), String(deadline)]),
      )
      let scrapes = 0
      let failedScrapes = 0
      let writing = true
      const all = Promise.all(writers.map((w) => w.done)).finally(() => (writing = false))
      while (writing && Date.now() < deadline) {
        const response = await fetch(serve.url)
        await response.text()
        if (response.status === 200) scrapes++
        else failedScrapes++
        await sleep(100)
      }
      const results = await all
      expect(results.map((r) => [r.code, r.stderr])).toEqual(results.map(() => [0, '']))
      const acknowledged = results.flatMap((r) => r.stdout.split('\n').filter(Boolean))
      const inventory = Inventory.open(db, {readonly: true})
      const stored = new Set(
        inventory.db.prepare("SELECT id FROM nodes WHERE id LIKE 'w_-%'").pluck().all() as string[],
      )
      const verify = verifyChanges(inventory)
      inventory.close()
      const lost = acknowledged.filter((id) => !stored.has(id))
      expect(lost).toEqual([])
      expect(verify.finding).toBeNull()
      expect(dbCheck(db).findings).toEqual([])
      expect(failedScrapes).toBe(0)
      expect(scrapes).toBeGreaterThan(0)
      figures.writers = {writers: 4, acknowledgedWrites: acknowledged.length, scrapes, failedScrapes, lost: lost.length}
    } finally {
      await serve.stop()
    }
  })

  it(`SIGKILL of a ${IMPORT_ROWS}-row node import, ${KILLS} times: unchanged or complete, db check clean`, async () => {
    const base = freshInventory('import-base')
    const csv = writeNodesCsv(path.join(dir, 'nodes.csv'), IMPORT_ROWS, divisions, {prefix: 'k'})
    const changesBefore = count(base, 'SELECT count(*) FROM changes')
    // One uninterrupted run measures how long the import takes; the kills are spread over that time.
    const timing = freshInventory('import-timing')
    const started = Date.now()
    const full = await run([runJs, 'node', 'import', '--file', csv, '--db', timing]).done
    expect(full.code).toBe(0)
    const duration = Date.now() - started
    const startup = await startupMs(timing)
    const deadline = deadlineOf()
    const outcomes = {unchanged: 0, complete: 0}
    for (let trial = 0; trial < KILLS; trial++) {
      expect(Date.now()).toBeLessThan(deadline)
      const db = path.join(dir, 'import-trial', 'govnet.db')
      rmSync(path.dirname(db), {recursive: true, force: true})
      cpSync(path.dirname(base), path.dirname(db), {recursive: true})
      const job = run([runJs, 'node', 'import', '--file', csv, '--db', db])
      await sleep(killDelay(trial, startup, duration))
      job.child.kill('SIGKILL')
      await job.done
      const nodes = count(db, 'SELECT count(*) FROM nodes')
      const changes = count(db, 'SELECT count(*) FROM changes')
      if (nodes === 0 && changes === changesBefore) outcomes.unchanged++
      else if (nodes === IMPORT_ROWS && changes === changesBefore + IMPORT_ROWS) outcomes.complete++
      else expect.fail(`trial ${trial}: ${nodes} nodes and ${changes} change rows: neither unchanged nor complete`)
      expect(dbCheck(db).findings, `trial ${trial}`).toEqual([])
    }
    expect(outcomes.unchanged + outcomes.complete).toBe(KILLS)
    figures.importKills = {
      rows: IMPORT_ROWS,
      kills: KILLS,
      ...outcomes,
      runSeconds: duration / 1000,
      startupSeconds: startup / 1000,
    }
  })

  it(`SIGKILL of the change-log migration over ${MIGRATION_ROWS} rows, ${KILLS} times: unchanged or complete, db check clean`, async () => {
    // An inventory at schema version 4 (before the chain) with MIGRATION_ROWS change rows. Its pending
    // migrations (the chain, 005, and every one after it) run in one transaction: killed, it is either
    // still at 4 or at the latest version.
    const latest = loadMigrations().at(-1)!.version
    const base = path.join(dir, 'migration-base', 'govnet.db')
    const old = Inventory.open(base, {create: true, migrations: loadMigrations().slice(0, 4)})
    const insert = old.db.prepare(
      "INSERT INTO changes (at, actor, entity, entity_id, action, before, after) VALUES (?, 'legacy', 'node', ?, 'create', NULL, ?)",
    )
    old.write(() => {
      for (let i = 0; i < MIGRATION_ROWS; i++)
        insert.run(new Date(Date.UTC(2026, 0, 1, 0, 0, i)).toISOString(), `n${i}`, `{"i":${i}}`)
    })
    old.close()
    const timing = path.join(dir, 'migration-timing', 'govnet.db')
    cpSync(path.dirname(base), path.dirname(timing), {recursive: true})
    const started = Date.now()
    expect((await run([runJs, 'init', '--db', timing]).done).code).toBe(0)
    const duration = Date.now() - started
    expect(count(timing, 'PRAGMA user_version')).toBe(latest)
    const startup = await startupMs(timing)
    const deadline = deadlineOf()
    const outcomes = {unchanged: 0, complete: 0}
    for (let trial = 0; trial < KILLS; trial++) {
      expect(Date.now()).toBeLessThan(deadline)
      const db = path.join(dir, 'migration-trial', 'govnet.db')
      rmSync(path.dirname(db), {recursive: true, force: true})
      cpSync(path.dirname(base), path.dirname(db), {recursive: true})
      const job = run([runJs, 'init', '--db', db])
      await sleep(killDelay(trial, startup, duration))
      job.child.kill('SIGKILL')
      await job.done
      const version = count(db, 'PRAGMA user_version')
      const rows = count(db, 'SELECT count(*) FROM changes')
      expect(rows).toBe(MIGRATION_ROWS)
      if (version === 4) {
        outcomes.unchanged++
      } else {
        expect(version).toBe(latest)
        expect(count(db, 'SELECT count(*) FROM changes WHERE hash IS NULL')).toBe(0)
        outcomes.complete++
      }
      const check = dbCheck(db)
      // A version-4 inventory is a finding for db check only in its schema line; everything else is clean.
      expect(
        check.findings.filter((f) => f.check !== 'schema'),
        `trial ${trial}`,
      ).toEqual([])
      if (version === latest) expect(check.ok).toBe(true)
    }
    expect(outcomes.unchanged + outcomes.complete).toBe(KILLS)
    figures.migrationKills = {
      rows: MIGRATION_ROWS,
      kills: KILLS,
      ...outcomes,
      runSeconds: duration / 1000,
      startupSeconds: startup / 1000,
    }
  })

  it('finds every tampering case', () => {
    const base = freshInventory('tamper-base')
    const csv = writeNodesCsv(path.join(dir, 'small.csv'), 12, divisions, {prefix: 't'})
    return run([runJs, 'node', 'import', '--file', csv, '--db', base]).done.then((imported) => {
      expect(imported.code).toBe(0)
      let detected = 0
      for (const [index, tamper] of TAMPER_CASES.entries()) {
        const caseDir = path.join(dir, `tamper-${index}`)
        cpSync(path.dirname(base), caseDir, {recursive: true})
        const db = path.join(caseDir, 'govnet.db')
        tamper.tamper(db, path.join(caseDir, '.govnet', 'changelog-key'))
        const opened = Inventory.open(db, {readonly: true})
        const result = verifyChanges(opened)
        opened.close()
        expect(result.finding?.kind, tamper.name).toBe(tamper.kind)
        detected++
      }
      figures.tampering = {cases: TAMPER_CASES.length, detected}
    })
  })
})
