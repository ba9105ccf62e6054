/**
 * `govnet tenant preview | up | destroy | refresh` as a process. The pre-flight and the missing
 * engine need no engine; the local-target round trip runs the real Pulumi CLI (built by
 * scripts/pulumi-engine.sh) and fails, rather than skips, under CI when it is missing.
 */
import Database from 'better-sqlite3'
import {statSync} from 'node:fs'
import path from 'node:path'
import {afterEach, beforeEach, describe, expect, it} from 'vitest'

import * as msg from '../../src/messages/provision'
import {findEngineBin} from '../../src/provision/engine'
import {govnet, json, tempDir} from '../helpers/cli'
import {snapshot} from '../helpers/db'
import {expectError, expectJsonError} from '../helpers/expect-error'

let dir: string
let cleanup: () => void
let db: string
const run = (args: string[], env: NodeJS.ProcessEnv = {}) => govnet([...args, '--db', db], {env})

function addTenant(id: string, level: number, vcpu = 8, ...extra: string[]): void {
  const result = run([
    'tenant',
    'add',
    id,
    '--name',
    `系统${id}`,
    '--department',
    '市数据局',
    '--uscc',
    '91430111MA4L41YT1U',
    '--region',
    'gz-1',
    '--level',
    String(level),
    '--exposure',
    'extranet',
    '--vcpu',
    String(vcpu),
    '--ram-gib',
    '32',
    '--storage-gib',
    '200',
    ...extra,
  ])
  expect(result.stderr).toBe('')
}

function rows<T>(sql: string, ...params: unknown[]): T[] {
  const handle = new Database(db, {readonly: true})
  try {
    return handle.prepare(sql).all(...params) as T[]
  } finally {
    handle.close()
  }
}

beforeEach(() => {
  ;({dir, cleanup} = tempDir())
  db = path.join(dir, 'govnet.db')
  expect(run(['init']).code).toBe(0)
  const region = run([
    'region',
    'add',
    'gz-1',
    '--name',
    '广州一区',
    '--pools',
    '10.20.0.0/21',
    '--extranet-ranges',
    '59.255.0.0/16',
    '--vcpu',
    '100',
    '--ram-gib',
    '400',
    '--storage-gib',
    '10000',
    '--max-level',
    '3',
  ])
  expect(region.code).toBe(0)
})
afterEach(() => cleanup())

describe('before the engine', () => {
  it('a tenant that fails the pre-flight is refused with exit 7 and nothing changes', () => {
    addTenant('too-high', 4)
    addTenant('too-big', 2, 101)
    const before = snapshot(db)
    expectError(
      run(['tenant', 'up', 'too-high']),
      msg.preflightFailed('too-high', [`region-rating: ${msg.levelAboveRating(4, 'gz-1', 3)}`]),
    )
    expectJsonError(
      run(['tenant', 'preview', 'too-big', '--json']),
      msg.preflightFailed('too-big', [`quota: ${msg.quotaOverCapacity('gz-1', 'vCPU', 101, 100)}`]),
    )
    expect(snapshot(db)).toBe(before)
  })

  it('without the Pulumi CLI a one-line error says how to install it, and nothing changes', () => {
    addTenant('alpha', 2)
    const before = snapshot(db)
    const noEngine = {
      PATH: path.dirname(process.execPath),
      GOVNET_PULUMI_BIN: '',
      GOVNET_PULUMI_HOME: path.join(dir, 'no-engine'),
    }
    expectError(run(['tenant', 'up', 'alpha'], noEngine), msg.engineMissing('pulumi'))
    expect(snapshot(db)).toBe(before)
  })
})

const engine = findEngineBin()

describe.runIf(engine !== undefined || process.env.CI)('with the Pulumi CLI (local target)', () => {
  const withEngine = () => {
    if (!engine) expect.fail('no Pulumi CLI: run scripts/pulumi-engine.sh (CI must build or reuse it)')
    return {GOVNET_PULUMI_BIN: engine, PULUMI_HOME: path.join(dir, 'pulumi-home')}
  }

  it(
    'up creates the allocations and writes status and outputs back; a second up changes nothing; a bigger quota updates; destroy releases',
    {timeout: 900_000},
    () => {
      const env = withEngine()
      addTenant('l2', 2)
      addTenant('l3', 3)

      const up = json(run(['tenant', 'up', 'l2', '--json'], env))
      expect(up).toMatchObject({
        tenant: 'l2',
        operation: 'up',
        target: 'local',
        stack: 'l2',
        status: 'active',
        changes: {create: 7},
        upToDate: false,
      })
      expect(up.outputs).toEqual({
        networks: [
          {zone: 'service', cidr: expect.stringMatching(/^10\.20\.[0-7]\.0\/24$/)},
          {zone: 'management', cidr: expect.stringMatching(/^10\.20\.[0-7]\.0\/24$/)},
        ],
        quota: {vcpu: 8, ramGib: 32, storageGib: 200},
        ruleSet: {level: 2, defaultAction: 'deny', rules: expect.any(Number), zones: ['service', 'management']},
        inputHash: expect.stringMatching(/^[0-9a-f]{64}$/),
      })
      const shown = json(run(['tenant', 'show', 'l2', '--json']))
      expect(shown.status).toBe('active')
      expect(shown.provisioning).toMatchObject({
        target: 'local',
        lastOperation: 'up',
        outcome: 'succeeded',
        reason: null,
      })
      expect(shown.provisioning.outputs.quota).toEqual({vcpu: 8, ramGib: 32, storageGib: 200})
      expect(
        rows('SELECT outcome, last_operation AS op, reason FROM tenant_provisioning WHERE tenant_id = ?', 'l2'),
      ).toEqual([{outcome: 'succeeded', op: 'up', reason: null}])
      expect(statSync(path.join(dir, '.govnet', 'pulumi-passphrase')).mode & 0o777).toBe(0o600)

      // Nothing changed since that up: the stack is up to date and the engine is not run.
      expect(json(run(['tenant', 'up', 'l2', '--json'], env))).toMatchObject({changes: {}, upToDate: true})

      expect(run(['tenant', 'set', 'l2', '--vcpu', '16']).code).toBe(0)
      expect(json(run(['tenant', 'preview', 'l2', '--json'], env)).changes).toEqual({same: 6, update: 1})
      expect(json(run(['tenant', 'up', 'l2', '--json'], env)).outputs.quota).toEqual({
        vcpu: 16,
        ramGib: 32,
        storageGib: 200,
      })
      expect(json(run(['region', 'show', 'gz-1', '--json'])).usage.reservedVcpu).toBe(16)

      const l3 = json(run(['tenant', 'up', 'l3', '--json'], env))
      expect(l3.outputs.networks.map((n: {zone: string}) => n.zone)).toEqual(['web', 'app', 'data', 'management'])
      const cidrs = rows<{cidr: string}>('SELECT cidr FROM network_allocations ORDER BY first_address').map(
        (r) => r.cidr,
      )
      expect(new Set(cidrs).size).toBe(6)

      const destroyed = json(run(['tenant', 'destroy', 'l2', '--json'], env))
      expect(destroyed).toMatchObject({status: 'decommissioned', changes: {delete: 7}, outputs: {}})
      expect(rows('SELECT zone FROM network_allocations WHERE tenant_id = ?', 'l2')).toEqual([])
      expect(rows('SELECT tenant_id FROM quota_reservations')).toEqual([{tenant_id: 'l3'}])
      expect(json(run(['tenant', 'refresh', 'l3', '--json'], env))).toMatchObject({
        status: 'active',
        changes: {same: 9},
      })
    },
  )

  it(
    "tenant check's planned subnets are the ones up allocates: from the pools after another tenant, inside the tenant's own block, and kept on the next up",
    {timeout: 900_000},
    () => {
      const env = withEngine()
      expect(run(['region', 'set', 'gz-1', '--pools', '10.20.0.0/20']).code).toBe(0)
      addTenant('l2', 2)
      addTenant('own', 3, 8, '--cidr', '10.20.8.0/22')
      addTenant('pooled', 3)
      const planned = (id: string) => {
        const check = json(run(['tenant', 'check', id, '--json']))
        expect(check.preflight.findings.find((f: {check: string}) => f.check === 'networks')).toMatchObject({ok: true})
        return check.preflight.subnets
      }
      const allocated = (id: string) => json(run(['tenant', 'up', id, '--json'], env)).outputs.networks
      expect(allocated('l2')).toEqual(planned('l2'))
      // Four zones, so the order in which up creates them decides which block each one gets.
      const ownPlan = planned('own')
      expect(ownPlan.map((s: {cidr: string}) => s.cidr)).toEqual([
        '10.20.8.0/24',
        '10.20.9.0/24',
        '10.20.10.0/24',
        '10.20.11.0/24',
      ])
      expect(allocated('own')).toEqual(ownPlan)
      const pooledPlan = planned('pooled')
      expect(allocated('pooled')).toEqual(pooledPlan)
      expect(pooledPlan.map((s: {zone: string}) => s.zone)).toEqual(['web', 'app', 'data', 'management'])
      // After up, the pre-flight shows what the tenant holds (and what the next up keeps).
      expect(planned('pooled')).toEqual(pooledPlan)
      expect(
        rows<{zone: string; cidr: string}>(
          'SELECT zone, cidr FROM network_allocations WHERE tenant_id = ? ORDER BY first_address',
          'pooled',
        ),
      ).toEqual(pooledPlan)
    },
  )

  it('an up the engine cannot complete leaves the tenant failed, with the reason', {timeout: 300_000}, () => {
    const env = withEngine()
    expect(run(['region', 'set', 'gz-1', '--external-network', 'ext-net']).code).toBe(0)
    addTenant('cloud', 2)
    // The OpenStack resource plugin is not installed here, and automatic plugin downloads are off.
    const reason =
      "no resource plugin 'pulumi-resource-openstack' found in the workspace at version v3.15.2 or on your $PATH"
    expectError(
      run(['tenant', 'up', 'cloud', '--target', 'openstack'], env),
      msg.operationFailed('up', 'cloud', reason),
    )
    expect(json(run(['tenant', 'show', 'cloud', '--json']))).toMatchObject({
      status: 'failed',
      provisioning: {target: 'openstack', outcome: 'failed', reason},
    })
    expect(rows('SELECT target, outcome, reason FROM tenant_provisioning WHERE tenant_id = ?', 'cloud')).toEqual([
      {target: 'openstack', outcome: 'failed', reason},
    ])
  })
})
