/**
 * Batch vending with the real engine: `tenant up --all --parallel 2` over a few tenants, one of which
 * fails its pre-flight (summary, exit 7, the others created); a rerun that changes nothing (the stacks
 * are up to date: no engine run, no write); Ctrl-C once (no new stack starts, the running ones finish,
 * exit 130 with the summary) and twice (the running ones are cancelled, their locks removed).
 */
import {existsSync, readdirSync} from 'node:fs'
import path from 'node:path'
import {describe, expect, it} from 'vitest'

import {stackBaseline} from '../../src/domain/stack-baseline'
import {ExitCode} from '../../src/errors'
import * as msg from '../../src/messages/provision'
import {govnet, json} from '../helpers/cli'
import {snapshot} from '../helpers/db'
import {baselineControls} from '../helpers/provision'
import {govnetEngine, holdings, skipWithoutEngine, startGovnet, useEngineInventory} from '../helpers/pulumi-engine'

const ENGINE_TEST_TIMEOUT = 15 * 60_000
const EXIT_INTERRUPTED = 130
const zonesOf = (level: number) => stackBaseline(level, baselineControls()).baseline!.zones

describe.skipIf(skipWithoutEngine())('tenant up for a selection, real engine', () => {
  const TENANTS = {'bt-a': 1, 'bt-b': 2, 'bt-bad': 2, 'bt-c': 2}
  const LATER = {'bt-d': 1, 'bt-e': 1, 'bt-f': 1, 'bt-g': 1, 'bt-h': 1, 'bt-i': 1}
  const inventory = useEngineInventory('govnet-batch-', {...TENANTS, ...LATER}, ({db}) => {
    // bt-bad asks for more vCPU than the region has: its pre-flight fails, before any engine.
    const set = govnet(['tenant', 'set', 'bt-bad', '--vcpu', '3000', '--db', db])
    expect(set.code).toBe(0)
    // The later tenants are kept out of the first batches by their status.
    for (const id of Object.keys(LATER))
      expect(govnet(['tenant', 'set', id, '--status', 'failed', '--db', db]).code).toBe(0)
  })
  const run = (...args: string[]) => govnet([...args, '--db', inventory.db], {env: inventory.env})
  const engine = (...args: string[]) => govnetEngine([...args, '--db', inventory.db], {env: inventory.env})
  const stateDir = () => path.join(inventory.dir, '.govnet', 'pulumi-state', '.pulumi')
  const hasStack = (id: string) => existsSync(path.join(stateDir(), 'stacks', 'govnet-tenants', `${id}.json`))
  const locks = (id: string) => {
    const dir = path.join(stateDir(), 'locks', 'organization', 'govnet-tenants', id)
    return existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.json')) : []
  }
  const statusOf = (id: string) => json(run('tenant', 'show', id, '--json')).status
  const itemOf = (result: any, id: string) => result.tenants.find((t: any) => t.tenant === id)

  it(
    'up --all --parallel 2: the others are created, the pre-flight failure is reported with its reason, exit 7',
    async () => {
      const result = await engine('tenant', 'up', '--all', '--status', 'requested', '--parallel', '2', '--json')
      expect(result.code, result.stderr).toBe(ExitCode.checkFailed)
      const batch = JSON.parse(result.stdout)
      expect(batch).toMatchObject({operation: 'up', target: 'local', parallel: 2, selected: 4, interrupted: false})
      expect(batch.summary).toEqual({
        created: 3,
        updated: 0,
        unchanged: 0,
        destroyed: 0,
        failed: 1,
        cancelled: 0,
        'not-started': 0,
      })
      // What is left unreserved depends on how far the others got: the catalog's text around that number.
      const [head, tail] = msg
        .preflightFailed('bt-bad', [`quota: ${msg.quotaOverCapacity('gz-1', 'vCPU', 3000, 987654321)}`])
        .message.split('987654321')
      const failed = itemOf(batch, 'bt-bad')
      expect(failed.outcome).toBe('failed')
      expect(failed.reason.startsWith(head!) && failed.reason.endsWith(tail!), failed.reason).toBe(true)
      expect(failed.reason.slice(head!.length, -tail!.length)).toMatch(/^\d+$/)
      for (const [id, level] of Object.entries(TENANTS).filter(([id]) => id !== 'bt-bad')) {
        expect(itemOf(batch, id)).toMatchObject({
          outcome: 'created',
          changes: {create: zonesOf(level).length + 5},
          upToDate: false,
          reason: null,
        })
        expect(statusOf(id)).toBe('active')
      }
      expect(hasStack('bt-bad')).toBe(false)
      expect(holdings(inventory.db, 'bt-bad').subnets).toEqual([])
    },
    ENGINE_TEST_TIMEOUT,
  )

  it(
    'a rerun changes nothing: every stack is up to date, no engine runs, the inventory is byte for byte the same',
    async () => {
      const before = snapshot(inventory.db)
      const result = await engine('tenant', 'up', '--all', '--status', 'active', '--parallel', '2')
      expect(result.code, result.stderr).toBe(0)
      for (const id of ['bt-a', 'bt-b', 'bt-c'])
        expect(result.stderr).toMatch(new RegExp(`^tenant up ${id}: unchanged \\(up to date\\)`, 'm'))
      expect(result.stderr).not.toMatch(/: started$/m)
      expect(result.stdout).toContain('tenant up (local, 2 at once): 3 selected; unchanged 3')
      expect(snapshot(inventory.db)).toBe(before)
    },
    ENGINE_TEST_TIMEOUT,
  )

  it(
    'Ctrl-C once: no new stack starts, the running ones finish, exit 130 with the summary',
    async () => {
      // bt-d … bt-i are `failed`; the batch takes them in id order, two at a time.
      const batch = startGovnet(['tenant', 'up', '--status', 'failed', '--parallel', '2', '--db', inventory.db], {
        env: inventory.env,
      })
      await batch.waitFor(/^tenant up bt-d: started$/m, 5 * 60_000)
      await batch.waitFor(/^tenant up bt-e: started$/m, 5 * 60_000)
      process.kill(batch.child.pid!, 'SIGINT')
      const done = await batch.exited
      expect(done.code, done.stderr).toBe(EXIT_INTERRUPTED)
      expect(done.stderr).toContain(msg.batchInterrupted('up', 4))
      expect(done.stderr).toMatch(/^tenant up bt-d: created/m)
      expect(done.stderr).toMatch(/^tenant up bt-e: created/m)
      expect(done.stdout).toContain('tenant up (local, 2 at once): 6 selected; created 2, not-started 4 (interrupted)')
      for (const id of ['bt-d', 'bt-e']) expect(statusOf(id)).toBe('active')
      for (const id of ['bt-f', 'bt-g', 'bt-h', 'bt-i']) {
        expect(statusOf(id)).toBe('failed')
        expect(hasStack(id)).toBe(false)
        expect(done.stderr).not.toMatch(new RegExp(`^tenant up ${id}:`, 'm'))
      }
    },
    ENGINE_TEST_TIMEOUT,
  )

  it(
    'Ctrl-C twice: the running stacks are cancelled as `pulumi cancel` would, and left unlocked',
    async () => {
      const batch = startGovnet(
        ['tenant', 'up', '--status', 'failed', '--under', '43', '--parallel', '2', '--db', inventory.db],
        {env: inventory.env},
      )
      await batch.waitFor(/^tenant up bt-f: started$/m, 5 * 60_000)
      await batch.waitFor(/^tenant up bt-g: started$/m, 5 * 60_000)
      process.kill(batch.child.pid!, 'SIGINT')
      await batch.waitFor(/^interrupted: /m, 60_000)
      process.kill(batch.child.pid!, 'SIGINT')
      const done = await batch.exited
      expect(done.code, done.stderr).toBe(EXIT_INTERRUPTED)
      expect(done.stderr).toContain(msg.batchCancelling(2))
      const outcomes = ['bt-f', 'bt-g'].map((id) => {
        // A stack that finished before the second Ctrl-C reached its engine is created; the others cancelled.
        const outcome = new RegExp(`^tenant up ${id}: (cancelled|created)`, 'm').exec(done.stderr)?.[1]
        expect(outcome, done.stderr).toBeDefined()
        if (outcome === 'cancelled') expect(statusOf(id)).toBe('failed')
        expect(locks(id)).toEqual([])
        return outcome
      })
      expect(outcomes).toContain('cancelled')
      expect(done.stdout).toMatch(/4 selected; .*not-started 2 \(interrupted\)/)
      for (const id of ['bt-h', 'bt-i']) expect(hasStack(id)).toBe(false)
    },
    ENGINE_TEST_TIMEOUT,
  )
})
