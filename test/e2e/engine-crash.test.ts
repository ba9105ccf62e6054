/**
 * An engine killed in the middle of `govnet tenant up`, and the recovery the README documents
 * ("Running the real Pulumi engine" → "When an up was killed"): `pulumi cancel` removes the lock
 * the dead run left on the stack, `govnet tenant refresh` drops the creates it left pending, and
 * the next `tenant up` repairs both the inventory and the state.
 *
 * To kill it at a known point, the test holds the inventory's write lock once the engine has
 * started: the dynamic provider's first create then waits on SQLite's busy timeout, and govnet
 * (with the CLI it started, in its process group) is SIGKILLed while that create is in flight.
 */
import Database from 'better-sqlite3'
import {spawnSync} from 'node:child_process'
import {existsSync, readdirSync, readFileSync} from 'node:fs'
import path from 'node:path'
import {describe, expect, it} from 'vitest'

import {stackBaseline} from '../../src/domain/stack-baseline'
import {ExitCode} from '../../src/errors'
import * as msg from '../../src/messages/provision'
import {govnet, json} from '../helpers/cli'
import {baselineControls} from '../helpers/provision'
import {
  govnetEngine,
  holdings,
  killProcessesUnder,
  processesUnder,
  REGION,
  skipWithoutEngine,
  startGovnet,
  useEngineInventory,
} from '../helpers/pulumi-engine'

const ENGINE_TEST_TIMEOUT = 10 * 60_000
const TENANT = 'gz-crash'
const LEVEL = 3

/** Poll `probe` every 200 ms until it returns true; fails after `timeoutMs`. */
async function until(what: string, probe: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!probe()) {
    if (Date.now() > deadline) expect.fail(`${what}: not within ${timeoutMs} ms`)
    await new Promise((resolve) => setTimeout(resolve, 200))
  }
}

describe.skipIf(skipWithoutEngine())('an engine killed mid-up, real engine', () => {
  const inventory = useEngineInventory('govnet-engine-crash-', {[TENANT]: LEVEL})
  const run = (...args: string[]) => govnet([...args, '--db', inventory.db], {env: inventory.env})
  const engine = (...args: string[]) => govnetEngine([...args, '--db', inventory.db], {env: inventory.env})
  const govnetDir = () => path.join(inventory.dir, '.govnet')
  const stateDir = () => path.join(govnetDir(), 'pulumi-state')
  const lockFiles = () => {
    const locks = path.join(stateDir(), '.pulumi', 'locks', 'organization', 'govnet-tenants', TENANT)
    return existsSync(locks) ? readdirSync(locks).filter((f) => f.endsWith('.json')) : []
  }
  /** The operations the state records as started and never finished (the checkpoint's pending_operations). */
  const pendingOperations = (): Array<{type: string; resource: {urn: string}}> => {
    const checkpoint = JSON.parse(
      readFileSync(path.join(stateDir(), '.pulumi', 'stacks', 'govnet-tenants', `${TENANT}.json`), 'utf8'),
    )
    return checkpoint.checkpoint.latest?.pending_operations ?? []
  }
  /** `pulumi ARGS` in the tenant's program directory, as the README's recovery steps run it. */
  const pulumiInWorkspace = (...args: string[]) => {
    const result = spawnSync(path.join(inventory.bin, 'pulumi'), [...args, '--stack', TENANT], {
      cwd: path.join(govnetDir(), 'workspaces', TENANT),
      env: {...process.env, ...inventory.env},
      encoding: 'utf8',
      timeout: 5 * 60_000,
    })
    if (result.status !== 0)
      expect.fail(`pulumi ${args.join(' ')} exited ${result.status}\n${result.stdout}\n${result.stderr}`)
    return result
  }
  const held = () => holdings(inventory.db, TENANT)
  const heldRows = () => {
    const h = held()
    return h.subnets.length + (h.quota ? 1 : 0) + (h.ruleSet ? 1 : 0)
  }

  it(
    'leaves the tenant provisioning, the stack locked with an operation pending, and orphaned allocations',
    async () => {
      const up = startGovnet(['tenant', 'up', TENANT, '--db', inventory.db], {env: inventory.env})
      let locker: Database.Database | undefined
      try {
        // govnet has written the tenant's status and handed over to the engine: from here on only the
        // dynamic providers write to the inventory.
        await up.waitFor(/^Updating \(/m, 5 * 60_000)
        locker = new Database(inventory.db, {timeout: 30_000})
        locker.exec('BEGIN IMMEDIATE')
        // The manifest (state only) is created first; wait for a resource that writes to the inventory.
        await up.waitFor(/dynamic\/govnet:(?:ZoneSubnet|QuotaReservation|RuleSetRecord) \S+ creating/, 5 * 60_000)
        await new Promise((resolve) => setTimeout(resolve, 500))
        process.kill(-up.child.pid!, 'SIGKILL')
        expect((await up.exited).signal).toBe('SIGKILL')
      } finally {
        locker?.exec('ROLLBACK')
        locker?.close()
      }
      // The engine's plugins run in process groups of their own and outlive it: the dynamic provider
      // now completes the create it was waiting on, in the inventory only (the state never hears of it).
      await until('the orphaned create reaches the inventory', () => heldRows() > 0, 60_000)
      expect(processesUnder(govnetDir()).length).toBeGreaterThan(0)
      killProcessesUnder(inventory.dir)

      expect(json(run('tenant', 'show', TENANT, '--json')).status).toBe('provisioning')
      expect(lockFiles()).toHaveLength(1)
      expect(pendingOperations().map((op) => op.type)).toContain('creating')
      expect(pendingOperations().every((op) => op.resource.urn.includes('dynamic/govnet:'))).toBe(true)
    },
    ENGINE_TEST_TIMEOUT,
  )

  it(
    "refuses the next up while the dead run's lock is on the stack, naming `pulumi cancel`",
    async () => {
      const before = held()
      const again = await engine('tenant', 'up', TENANT)
      const [head, tail] = msg.stackLocked('up', TENANT, '\u0000').message.split('\u0000')
      expect(again.code).toBe(ExitCode.conflict)
      expect(again.stderr.startsWith(`error: ${head}`) && again.stderr.trimEnd().endsWith(tail!), again.stderr).toBe(
        true,
      )
      expect(again.stderr).toContain('`pulumi cancel`')
      expect(held().subnets).toEqual(before.subnets)
    },
    ENGINE_TEST_TIMEOUT,
  )

  it(
    'after `pulumi cancel` and `govnet tenant refresh` as documented, up repairs inventory and state; destroy then releases everything',
    async () => {
      const orphaned = held()
      pulumiInWorkspace('cancel', '--yes')
      expect(lockFiles()).toEqual([])
      const refreshed = await engine('tenant', 'refresh', TENANT, '--json')
      if (refreshed.code !== 0) expect.fail(`exit ${refreshed.code}\n${refreshed.stdout}\n${refreshed.stderr}`)
      expect(pendingOperations()).toEqual([])

      const repaired = await engine('tenant', 'up', TENANT, '--json')
      if (repaired.code !== 0) expect.fail(`exit ${repaired.code}\n${repaired.stdout}\n${repaired.stderr}`)
      expect(json(repaired)).toMatchObject({status: 'active', operation: 'up'})
      expect(pendingOperations()).toEqual([])
      const zones = stackBaseline(LEVEL, baselineControls()).baseline!.zones
      const after = held()
      expect(after.subnets.map((s) => s.zone).sort()).toEqual([...zones].sort())
      // What the killed run allocated is adopted, not allocated a second time.
      for (const subnet of orphaned.subnets) expect(after.subnets).toContainEqual(subnet)
      expect(after.quota).toEqual({vcpu: 16, ramGib: 64, storageGib: 500})
      expect(after.ruleSet).toMatchObject({mlpsLevel: LEVEL, defaultAction: 'deny'})

      // The state now holds exactly what the inventory holds: a refresh finds nothing to change.
      const refresh = await engine('tenant', 'refresh', TENANT, '--json')
      if (refresh.code !== 0) expect.fail(`exit ${refresh.code}\n${refresh.stdout}\n${refresh.stderr}`)
      expect(Object.keys(json(refresh).changes)).toEqual(['same'])

      const destroyed = await engine('tenant', 'destroy', TENANT, '--json')
      if (destroyed.code !== 0) expect.fail(`exit ${destroyed.code}\n${destroyed.stdout}\n${destroyed.stderr}`)
      expect(held()).toMatchObject({subnets: [], quota: undefined, ruleSet: undefined})
      expect(json(run('region', 'show', REGION.id, '--json')).usage).toMatchObject({reservedVcpu: 0, allocations: []})
    },
    ENGINE_TEST_TIMEOUT,
  )
})
