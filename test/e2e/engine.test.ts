/**
 * `govnet tenant preview | up | destroy` against the real Pulumi engine (scripts/pulumi-engine.sh):
 * the local target, a local file backend next to a real inventory in a temp dir, the MLPS policy
 * pack attached. One inventory and one stack per tenant are shared by the steps of each describe
 * block, in order, to keep the number of engine runs down (each run takes seconds).
 */
import Database from 'better-sqlite3'
import {describe, expect, it} from 'vitest'

import {longestMonthSpanDays} from '../../src/domain/calendar'
import {contains, overlaps, parseCidr} from '../../src/domain/cidr'
import {stackBaseline} from '../../src/domain/stack-baseline'
import {ExitCode} from '../../src/errors'
import * as provisionMessages from '../../src/messages/provision'
import {govnet, json} from '../helpers/cli'
import {baselineControls} from '../helpers/provision'
import {govnetEngine, holdings, REGION, skipWithoutEngine, useEngineInventory} from '../helpers/pulumi-engine'

const ENGINE_TEST_TIMEOUT = 10 * 60_000
const RESULT_KEYS = [
  'at',
  'backend',
  'changes',
  'operation',
  'outputs',
  'stack',
  'status',
  'target',
  'tenant',
  'upToDate',
]
const OUTPUT_KEYS = ['inputHash', 'networks', 'quota', 'ruleSet']

const zonesOf = (level: number) => stackBaseline(level, baselineControls()).baseline!.zones

describe.skipIf(skipWithoutEngine())('tenant up / preview / destroy on the local target, real engine', () => {
  const TENANTS = {'gz-l2': 2, 'gz-l3': 3} as const
  const inventory = useEngineInventory('govnet-engine-', TENANTS)

  const run = (...args: string[]) => govnet([...args, '--db', inventory.db], {env: inventory.env})
  const engine = (...args: string[]) => govnetEngine([...args, '--db', inventory.db, '--json'], {env: inventory.env})
  const holdingsOf = (id: string) => holdings(inventory.db, id)
  const expectSucceeded = (result: {code: number; stdout: string; stderr: string}) => {
    if (result.code !== 0) expect.fail(`exit ${result.code}\n${result.stdout}\n${result.stderr}`)
    return json(result)
  }
  const tenantStatus = (id: string) => json(run('tenant', 'show', id, '--json')).status

  it(
    "up creates each tenant's zone subnets, quota reservation and rule set, and writes status and outputs back",
    async () => {
      const results = await Promise.all(
        Object.keys(TENANTS).map((id) => engine('tenant', 'up', id).then(expectSucceeded)),
      )
      const taken: string[] = []
      for (const [id, level] of Object.entries(TENANTS)) {
        const result = results.find((r) => r.tenant === id)
        expect(Object.keys(result).sort()).toEqual(RESULT_KEYS)
        expect(result).toMatchObject({tenant: id, operation: 'up', target: 'local', stack: id, status: 'active'})
        const zones = zonesOf(level)
        // The manifest, then one resource per zone, the quota and the rule set, in one GovTenant in the stack.
        expect(result.changes).toEqual({create: zones.length + 5})
        expect(result.upToDate).toBe(false)
        expect(tenantStatus(id)).toBe('active')

        const held = holdingsOf(id)
        expect(held.subnets.map((s) => s.zone).sort()).toEqual([...zones].sort())
        for (const subnet of held.subnets) {
          expect(subnet.regionId).toBe(REGION.id)
          expect(contains(parseCidr(REGION.pool), parseCidr(subnet.cidr))).toBe(true)
          for (const other of taken)
            expect(overlaps(parseCidr(other), parseCidr(subnet.cidr)), `${subnet.cidr} overlaps ${other}`).toBe(false)
          taken.push(subnet.cidr)
        }
        expect(held.quota).toEqual({vcpu: 16, ramGib: 64, storageGib: 500})
        expect(held.ruleSet).toMatchObject({mlpsLevel: level, defaultAction: 'deny'})
        expect(held.ruleSet!.rules).toBeGreaterThan(0)

        // The outputs written back are the stack's: the networks as allocated, the quota, the rule-set summary.
        expect(Object.keys(result.outputs).sort()).toEqual(OUTPUT_KEYS)
        expect([...result.outputs.networks].sort((a: any, b: any) => a.zone.localeCompare(b.zone))).toEqual(
          held.subnets.map(({zone, cidr}) => ({cidr, zone})),
        )
        expect(result.outputs.quota).toEqual(held.quota)
        expect(result.outputs.ruleSet).toEqual({level, defaultAction: 'deny', rules: held.ruleSet!.rules, zones})
        expect(held.provisioning).toEqual({
          lastOperation: 'up',
          outcome: 'succeeded',
          reason: null,
          outputs: result.outputs,
        })
      }
      const region = json(run('region', 'show', REGION.id, '--json'))
      expect(region.usage).toMatchObject({reservedVcpu: 32, reservedRamGib: 128, reservedStorageGib: 1000})
      expect([...region.usage.allocations].sort()).toEqual([...taken].sort())
    },
    ENGINE_TEST_TIMEOUT,
  )

  it(
    'a second up is up to date without starting the engine; --force runs it and it changes nothing',
    async () => {
      const before = Object.keys(TENANTS).map((id) => holdingsOf(id))
      for (const [id, level] of Object.entries(TENANTS)) {
        const result = expectSucceeded(await engine('tenant', 'up', id))
        expect(result).toMatchObject({changes: {}, upToDate: true, status: 'active'})
        // The outputs of the last up, as the inventory recorded them; nothing was written.
        expect(result.outputs).toEqual(holdingsOf(id).provisioning!.outputs)
        expect(holdingsOf(id).provisioning).toEqual(before[Object.keys(TENANTS).indexOf(id)]!.provisioning)
        const forced = expectSucceeded(await engine('tenant', 'up', id, '--force'))
        expect(forced).toMatchObject({changes: {same: zonesOf(level).length + 5}, upToDate: false, status: 'active'})
      }
      const after = Object.keys(TENANTS).map((id) => holdingsOf(id))
      expect(after.map(({subnets, quota, ruleSet}) => ({subnets, quota, ruleSet}))).toEqual(
        before.map(({subnets, quota, ruleSet}) => ({subnets, quota, ruleSet})),
      )
    },
    ENGINE_TEST_TIMEOUT,
  )

  it(
    'a bigger quota shows as one update in preview, which changes nothing, and up applies it',
    async () => {
      expect(run('tenant', 'set', 'gz-l2', '--vcpu', '48', '--ram-gib', '192').code).toBe(0)
      const before = holdingsOf('gz-l2')

      const preview = expectSucceeded(await engine('tenant', 'preview', 'gz-l2'))
      expect(preview).toMatchObject({
        operation: 'preview',
        status: 'active',
        changes: {update: 1, same: zonesOf(2).length + 4},
      })
      expect(holdingsOf('gz-l2').quota).toEqual(before.quota)

      const up = expectSucceeded(await engine('tenant', 'up', 'gz-l2'))
      expect(up.changes).toEqual({update: 1, same: zonesOf(2).length + 4})
      const after = holdingsOf('gz-l2')
      expect(after.quota).toEqual({vcpu: 48, ramGib: 192, storageGib: 500})
      expect(after.subnets).toEqual(before.subnets)
      expect(up.outputs.quota).toEqual(after.quota)
      expect(json(run('region', 'show', REGION.id, '--json')).usage).toMatchObject({
        reservedVcpu: 64,
        reservedRamGib: 256,
      })
    },
    ENGINE_TEST_TIMEOUT,
  )

  it(
    'destroy releases every allocation, returns the quota and marks the tenants decommissioned',
    async () => {
      const results = await Promise.all(
        Object.keys(TENANTS).map((id) => engine('tenant', 'destroy', id).then(expectSucceeded)),
      )
      for (const [id, level] of Object.entries(TENANTS)) {
        const result = results.find((r) => r.tenant === id)
        expect(result).toMatchObject({
          operation: 'destroy',
          status: 'decommissioned',
          changes: {delete: zonesOf(level).length + 5},
          outputs: {},
        })
        expect(tenantStatus(id)).toBe('decommissioned')
        expect(holdingsOf(id)).toMatchObject({
          subnets: [],
          quota: undefined,
          ruleSet: undefined,
          provisioning: {lastOperation: 'destroy', outcome: 'succeeded'},
        })
      }
      expect(json(run('region', 'show', REGION.id, '--json')).usage).toMatchObject({
        reservedVcpu: 0,
        reservedRamGib: 0,
        reservedStorageGib: 0,
        allocations: [],
      })
    },
    ENGINE_TEST_TIMEOUT,
  )
})

/**
 * A stack the policy pack refuses, reached past the pre-flight. Every violation of the pack's six
 * policies that a tenant record or a region can express is refused by the pre-flight first (by
 * design: both read the same baseline). What gets past it is an inventory whose copy of the
 * baseline has drifted from the baseline govnet ships (edited by hand, or written by another
 * version): the stack is rendered from the inventory's copy, the pack checks against the shipped
 * one. Here the level-2 log retention in the inventory is lowered to 3 months (the stack keeps 92 days).
 */
describe.skipIf(skipWithoutEngine())('tenant up refused by the MLPS policy pack, real engine', () => {
  const DRIFTED_MONTHS = 3
  const DRIFTED_DAYS = longestMonthSpanDays(DRIFTED_MONTHS)
  const inventory = useEngineInventory('govnet-engine-policy-', {'gz-drift': 2}, ({db}) => {
    const sqlite = new Database(db)
    try {
      const changed = sqlite
        .prepare(
          "UPDATE baseline_controls SET parameters = json_set(parameters, '$.minMonths', ?) WHERE id = 'log-retention' AND level = 2",
        )
        .run(DRIFTED_MONTHS).changes
      expect(changed).toBe(1)
    } finally {
      sqlite.close()
    }
  })
  const run = (...args: string[]) => govnet([...args, '--db', inventory.db], {env: inventory.env})

  it(
    "passes the pre-flight, then fails up with the policy's message and creates nothing",
    async () => {
      const shipped = stackBaseline(2, baselineControls()).baseline!.logRetentionDays
      const violation = provisionMessages.policyLogRetention(DRIFTED_DAYS, shipped)
      expect(run('tenant', 'check', 'gz-drift').code).toBe(0)

      const up = await govnetEngine(['tenant', 'up', 'gz-drift', '--db', inventory.db], {env: inventory.env})
      expect(up.code).toBe(ExitCode.dependency)
      expect(up.stdout).toContain(violation)
      const failed = provisionMessages.operationFailed('up', 'gz-drift', '').message
      expect(up.stderr).toMatch(new RegExp(`^error: ${failed.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`, 'm'))
      expect(up.stderr, "the error names the violated policy's message").toContain(violation)

      const held = holdings(inventory.db, 'gz-drift')
      expect({subnets: held.subnets, quota: held.quota, ruleSet: held.ruleSet}).toEqual({
        subnets: [],
        quota: undefined,
        ruleSet: undefined,
      })
      expect(held.provisioning).toMatchObject({lastOperation: 'up', outcome: 'failed'})
      expect(held.provisioning!.reason).toContain(violation)
      expect(json(run('tenant', 'show', 'gz-drift', '--json')).status).toBe('failed')
      expect(json(run('region', 'show', REGION.id, '--json')).usage).toMatchObject({reservedVcpu: 0, allocations: []})
    },
    ENGINE_TEST_TIMEOUT,
  )
})
