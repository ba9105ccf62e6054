/**
 * Pulumi state shared by many runners in a real PostgreSQL server (started by the test on loopback,
 * test/helpers/postgres.ts) through the real engine's postgres:// DIY backend: two govnet processes
 * provision different tenants at once; the same tenant from a second process is refused as locked and
 * changes nothing; `tenant show --backend` reads the outputs from the shared state, also from another
 * runner's inventory; the backend's password is nowhere govnet writes or prints.
 */
import Database from 'better-sqlite3'
import {existsSync, readdirSync, readFileSync, statSync} from 'node:fs'
import path from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {ExitCode} from '../../src/errors'
import * as msg from '../../src/messages/provision'
import {govnet, json, tempDir} from '../helpers/cli'
import {expectError} from '../helpers/expect-error'
import {RunningPostgres, skipWithoutPostgres, startPostgres} from '../helpers/postgres'
import {
  govnetEngine,
  holdings,
  killProcessesUnder,
  seedEngineInventory,
  skipWithoutEngine,
  startGovnet,
  useEngineInventory,
} from '../helpers/pulumi-engine'

const ENGINE_TEST_TIMEOUT = 10 * 60_000

/** Every file under `dir` (recursively, not following links), for a search of its bytes. */
function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return []
  return readdirSync(dir, {recursive: true, withFileTypes: true})
    .filter((entry) => entry.isFile())
    .map((entry) => path.join(entry.parentPath, entry.name))
}

describe('an invalid backend URL, before the engine', () => {
  it('is refused on one line that names the flag, with the password masked', () => {
    const {dir, cleanup} = tempDir()
    try {
      const db = path.join(dir, 'govnet.db')
      seedEngineInventory(db, {'bad-url': 2})
      const result = govnet([
        'tenant',
        'up',
        'bad-url',
        '--db',
        db,
        '--backend',
        'ftp://ops:hunter2secret@state.example/x',
      ])
      expectError(
        result,
        msg.backendInvalid(
          'ftp://ops:***@state.example/x',
          'the scheme ftp:// is not one of file, postgres, s3, gs, azblob',
        ),
      )
      expect(result.stdout + result.stderr).not.toContain('hunter2secret')
    } finally {
      cleanup()
    }
  })
})

describe.skipIf(skipWithoutEngine() || skipWithoutPostgres())('Pulumi state in PostgreSQL, real engine', () => {
  let pg: RunningPostgres
  const outputs: string[] = []
  const inventory = useEngineInventory('govnet-pg-', {'pg-a': 2, 'pg-b': 2, 'pg-lock': 2})
  const env = () => ({...inventory.env, GOVNET_PULUMI_BACKEND: pg.url})
  const shownUrl = () => pg.url.replace(/:[^:@/]+@/, ':***@')
  const keep = <T extends {stdout: string; stderr: string}>(result: T): T => {
    outputs.push(result.stdout, result.stderr)
    return result
  }
  const up = (id: string, ...args: string[]) =>
    govnetEngine(['tenant', 'up', id, '--db', inventory.db, '--json', ...args], {env: env()}).then(keep)
  const stateKeys = (like: string) =>
    pg
      .sql(`SELECT key FROM pulumi_state WHERE key LIKE '${like}' ORDER BY key`, pg.database)
      .split('\n')
      .filter((k) => k !== '')

  beforeAll(async () => {
    pg = await startPostgres()
  }, 120_000)
  afterAll(async () => {
    await pg?.stop()
  })

  it(
    'two processes provision different tenants at the same time through one backend',
    async () => {
      const [a, b] = await Promise.all([up('pg-a'), up('pg-b')])
      for (const [id, result] of [
        ['pg-a', a],
        ['pg-b', b],
      ] as const) {
        if (result.code !== 0) expect.fail(`${id}: exit ${result.code}\n${result.stdout}\n${result.stderr}`)
        expect(json(result)).toMatchObject({tenant: id, status: 'active', backend: shownUrl(), upToDate: false})
        expect(holdings(inventory.db, id).provisioning).toMatchObject({lastOperation: 'up', outcome: 'succeeded'})
      }
      // The stacks live in PostgreSQL, not in the file backend next to the inventory.
      // (the engine keys them under the URL's path: the database name)
      expect(stateKeys('%/stacks/govnet-tenants/pg-%.json')).toEqual([
        `${pg.database}/.pulumi/stacks/govnet-tenants/pg-a.json`,
        `${pg.database}/.pulumi/stacks/govnet-tenants/pg-b.json`,
      ])
      expect(existsSync(path.join(inventory.dir, '.govnet', 'pulumi-state', '.pulumi'))).toBe(false)
    },
    ENGINE_TEST_TIMEOUT,
  )

  it(
    'the same tenant from a second process is refused as locked by the first, and changes nothing',
    async () => {
      const first = startGovnet(['tenant', 'up', 'pg-lock', '--db', inventory.db, '--actor', 'runner-a'], {env: env()})
      let locker: Database.Database | undefined
      let second: Awaited<ReturnType<typeof govnetEngine>>
      try {
        // The first run holds the stack's lock once its update has started ("Updating (…)").
        await first.waitFor(/^Updating \(/m, 5 * 60_000)
        expect(stateKeys('%/.pulumi/locks/%pg-lock%')).toHaveLength(1)
        // Keep the first run's creates waiting on the inventory (within its 15 s busy timeout) while the
        // second tries: the second only reads the inventory.
        locker = new Database(inventory.db, {timeout: 30_000})
        locker.exec('BEGIN IMMEDIATE')
        const attempt = govnetEngine(['tenant', 'up', 'pg-lock', '--db', inventory.db, '--actor', 'runner-b'], {
          env: env(),
        })
        await Promise.race([attempt, new Promise((resolve) => setTimeout(resolve, 10_000))])
        locker.exec('ROLLBACK')
        locker.close()
        locker = undefined
        second = keep(await attempt)
      } finally {
        if (locker) {
          locker.exec('ROLLBACK')
          locker.close()
        }
      }
      const done = keep(await first.exited)
      if (done.code !== 0) expect.fail(`first run: exit ${done.code}\n${done.stdout}\n${done.stderr}`)

      const template = msg.stackLocked('up', 'pg-lock', '\u0000').message.split('\u0000')
      expect(second.code).toBe(ExitCode.conflict)
      const line = second.stderr.trim().split('\n')
      expect(line).toHaveLength(1)
      expect(line[0]!.startsWith(`error: ${template[0]}`)).toBe(true)
      expect(line[0]!.endsWith(template[1]!)).toBe(true)
      expect(line[0]!.slice(`error: ${template[0]}`.length, -template[1]!.length)).toMatch(
        /^\S+@\S+ \(pid \d+\) since \S+$/,
      )

      // Nothing of the second run is in the change log; the record is the first run's success.
      const sqlite = new Database(inventory.db, {readonly: true})
      try {
        expect(sqlite.prepare("SELECT count(*) AS n FROM changes WHERE actor = 'runner-b'").get()).toEqual({n: 0})
      } finally {
        sqlite.close()
      }
      expect(holdings(inventory.db, 'pg-lock').provisioning).toMatchObject({lastOperation: 'up', outcome: 'succeeded'})
      expect(json(govnet(['tenant', 'show', 'pg-lock', '--db', inventory.db, '--json'])).status).toBe('active')
      expect(stateKeys('%/.pulumi/locks/%pg-lock%')).toEqual([])
    },
    ENGINE_TEST_TIMEOUT,
  )

  it(
    "tenant show reads the stack's outputs from the shared state, also in another runner's inventory",
    async () => {
      const recorded = holdings(inventory.db, 'pg-a').provisioning!.outputs
      const here = keep(await govnetEngine(['tenant', 'show', 'pg-a', '--db', inventory.db, '--json'], {env: env()}))
      expect(here.code).toBe(0)
      expect(json(here).state).toEqual({backend: shownUrl(), outputs: recorded})

      // Another runner: its own inventory knows the tenant but never provisioned it.
      const other = tempDir('govnet-pg-other-')
      try {
        const db = path.join(other.dir, 'govnet.db')
        seedEngineInventory(db, {'pg-a': 2})
        const there = keep(
          await govnetEngine(['tenant', 'show', 'pg-a', '--db', db, '--json', '--backend', pg.url], {
            env: {...inventory.env, PULUMI_HOME: path.join(other.dir, 'pulumi-home')},
          }),
        )
        if (there.code !== 0) expect.fail(`exit ${there.code}\n${there.stderr}`)
        expect(json(there)).toMatchObject({provisioning: null, state: {backend: shownUrl(), outputs: recorded}})
        outputs.push(...filesUnder(other.dir).map((file) => readFileSync(file, 'latin1')))
      } finally {
        killProcessesUnder(other.dir)
        other.cleanup()
      }
    },
    ENGINE_TEST_TIMEOUT,
  )

  it(
    'a wrong password fails on one line that does not show it',
    async () => {
      const wrong = pg.url.replace(/:[^:@/]+@/, ':wrong-pw-5f3a9c@')
      const result = keep(
        await govnetEngine(['tenant', 'up', 'pg-b', '--db', inventory.db, '--force', '--backend', wrong], {
          env: inventory.env,
        }),
      )
      expect(result.code).toBe(ExitCode.dependency)
      expect(result.stderr).toMatch(/^error: up of tenant pg-b failed: /m)
      expect(result.stdout + result.stderr).not.toContain('wrong-pw-5f3a9c')
    },
    ENGINE_TEST_TIMEOUT,
  )

  it('the password reaches no output, no inventory byte, no change log and no file govnet wrote', () => {
    const forms = [pg.password, encodeURIComponent(pg.password)]
    const files = [
      ...['', '-wal', '-shm']
        .map((suffix) => `${inventory.db}${suffix}`)
        .filter((f) => existsSync(f) && statSync(f).size > 0),
      ...filesUnder(path.join(inventory.dir, '.govnet')),
      ...filesUnder(path.join(inventory.dir, 'pulumi-home')),
    ]
    expect(files.length).toBeGreaterThan(3)
    const sqlite = new Database(inventory.db, {readonly: true})
    let changeLog: string
    try {
      changeLog = JSON.stringify(sqlite.prepare('SELECT * FROM changes').all())
    } finally {
      sqlite.close()
    }
    expect(outputs.length).toBeGreaterThan(8)
    for (const form of forms) {
      expect(outputs.filter((text) => text.includes(form))).toEqual([])
      expect(changeLog).not.toContain(form)
      expect(files.filter((file) => readFileSync(file).includes(form))).toEqual([])
    }
    // The user name is no secret: the shown URL keeps it, so a reader knows which account ran.
    expect(outputs.join('\n')).toContain(`${pg.user}:***@`)
  })
})
