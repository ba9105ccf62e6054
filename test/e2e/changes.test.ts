import {userInfo} from 'node:os'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {Change} from '../../src/inventory/changes'
import {inventoryMessages} from '../../src/messages'
import {govnet, json} from '../helpers/cli'
import {expectError} from '../helpers/expect-error'
import {seededTempDb} from '../helpers/seed'

let db: string
let cleanup: () => void

const run = (args: string[], actor = 'test') => govnet([...args, '--db', db], {env: {GOVNET_ACTOR: actor}})
const list = (...args: string[]) => json<Change[]>(run(['changes', 'list', ...args, '--json']))

beforeAll(() => {
  ;({db, cleanup} = seededTempDb())
  const add = [
    'node',
    'add',
    'gz-core',
    '--name',
    '广州市核心',
    '--division',
    '4401',
    '--role',
    'core',
    '--mgmt-address',
    '10.44.1.1',
    '--platform',
    'huawei-vrp',
  ]
  expect(run(add, 'alice').code).toBe(0)
  expect(run(['node', 'set', 'gz-core', '--status', 'active'], 'bob').code).toBe(0)
  expect(run(['node', 'set', 'gz-core', '--status', 'active', '--actor', 'carol']).code).toBe(0) // no change, not logged
  expect(run([...add.slice(0, 2), 'gz-two', ...add.slice(3), '--actor', 'carol']).code).toBe(0)
  expect(run(['node', 'remove', 'gz-two']).code).toBe(0)
})
afterAll(() => cleanup())

describe('changes list', () => {
  it('lists every change newest first, with actor, entity, id and before/after records', () => {
    const changes = list()
    expect(changes.map((c) => [c.entity, c.entityId, c.action, c.actor])).toEqual([
      ['node', 'gz-two', 'delete', 'test'],
      ['node', 'gz-two', 'create', 'carol'],
      ['node', 'gz-core', 'update', 'bob'],
      ['node', 'gz-core', 'create', 'alice'],
    ])
    const update = changes[2]!
    expect(Object.keys(update).sort()).toEqual([
      'action',
      'actor',
      'after',
      'at',
      'before',
      'entity',
      'entityId',
      'id',
      'osUser',
    ])
    // --actor is what the user says; the OS account that ran govnet is recorded beside it.
    expect(changes.every((c) => c.osUser === userInfo().username)).toBe(true)
    expect(update.before).toMatchObject({id: 'gz-core', status: 'planned'})
    expect(update.after).toMatchObject({id: 'gz-core', status: 'active'})
    expect(changes[0]!.after).toBeNull()
    expect(changes[3]!.before).toBeNull()
    expect(new Date(update.at).toISOString()).toBe(update.at)
  })

  it('filters by entity, id, time and count', () => {
    expect(list('--id', 'gz-core').map((c) => c.action)).toEqual(['update', 'create'])
    expect(list('--entity', 'tenant')).toEqual([])
    expect(list('--limit', '1').map((c) => c.action)).toEqual(['delete'])
    expect(list('--since', '1h')).toHaveLength(4)
    expect(list('--since', '2099-01-01')).toEqual([])
    const created = list('--id', 'gz-core').at(-1)!.at
    expect(list('--since', created, '--entity', 'node').length).toBe(4)
  })

  it('prints a table with the changed fields of updates', () => {
    const result = run(['changes', 'list', '--id', 'gz-core'])
    expect(result.code).toBe(0)
    const lines = result.stdout.trimEnd().split('\n')
    expect(lines[0]!.split(/\s+/)).toEqual(['AT', 'ACTOR', 'ENTITY', 'ID', 'ACTION', 'CHANGED'])
    expect(lines[1]).toMatch(/\sbob\s+node\s+gz-core\s+update\s+status$/)
    expect(lines[2]).toMatch(/\salice\s+node\s+gz-core\s+create\s+-$/)
    expect(lines).toHaveLength(3)
  })

  it('refuses a --since that is neither a time nor a duration', () => {
    expectError(run(['changes', 'list', '--since', 'yesterday']), inventoryMessages.invalidSince('yesterday'))
    expectError(run(['changes', 'list', '--since', '2026-02-30']), inventoryMessages.invalidSince('2026-02-30'))
  })
})
