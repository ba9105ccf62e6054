import path from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {AuditRepository} from '../../src/inventory/audits'
import {ChangeLog} from '../../src/inventory/changes'
import {Inventory} from '../../src/inventory/db'
import {NodeAccessRepository} from '../../src/inventory/node-access'
import {NodeRepository} from '../../src/inventory/nodes'
import {auditMessages, nodeMessages} from '../../src/messages'
import {tempDir} from '../helpers/cli'
import {snapshot} from '../helpers/db'
import {seededInventory} from '../helpers/seed'

const PIN = 'SHA256:uNiVztksCsDhcc0u9e8BujQXVUpKZIDTMczCvj3tD2s'

describe('node_access (migration 002) and node_audits repositories', () => {
  const tmp = tempDir('govnet-access-')
  const dbPath = path.join(tmp.dir, 'govnet.db')
  let inventory: Inventory
  let access: NodeAccessRepository

  beforeAll(() => {
    inventory = seededInventory(dbPath)
    const nodes = new NodeRepository(inventory)
    for (const id of ['a', 'b'])
      nodes.add({
        id,
        name: id,
        division: '441900003',
        role: 'access',
        mgmt_address: '10.0.0.1',
        platform: 'huawei-vrp',
        status: 'active',
      })
    access = new NodeAccessRepository(inventory)
  })

  afterAll(() => {
    inventory.close()
    tmp.cleanup()
  })

  it('sets some settings, keeps the others, and logs only real changes', () => {
    const changes = new ChangeLog(inventory)
    expect(access.set('a', {user: 'audit', kex: '+diffie-hellman-group1-sha1'}).changed).toEqual(['user', 'kex'])
    expect(access.set('a', {host_key_sha256: PIN}).access).toMatchObject({
      user: 'audit',
      kex: '+diffie-hellman-group1-sha1',
      hostKeySha256: PIN,
    })
    const logged = changes.list({entity: 'node_access', entityId: 'a'}).length
    expect(access.set('a', {user: 'audit'}).changed).toEqual([])
    expect(changes.list({entity: 'node_access', entityId: 'a'})).toHaveLength(logged)
    expect(access.forNodes(['a', 'b', 'missing'])).toEqual(new Map([['a', access.get('a')]]))
  })

  it('refuses invalid values and unknown nodes, writing nothing', () => {
    inventory.close()
    const before = snapshot(dbPath)
    inventory = Inventory.open(dbPath, {actor: 'test'})
    access = new NodeAccessRepository(inventory)
    expect(() => access.set('b', {keepalive_s: '99999', ciphers: '+rot13'})).toThrow(
      /^invalid access settings of node b: ciphers: "rot13" is not a cipher algorithm .*; keepalive_s: 99999 is out of range 0\.\.3600$/,
    )
    expect(() => access.set('nope', {user: 'x'})).toThrow(nodeMessages.nodeNotFound('nope').message)
    expect(() => access.set('b', {})).toThrow(auditMessages.nothingToSetAccess().message)
    expect(() => access.clear('b', ['password'])).toThrow(/--field password: not an access setting/)
    inventory.close()
    expect(snapshot(dbPath)).toBe(before)
    inventory = Inventory.open(dbPath, {actor: 'test'})
    access = new NodeAccessRepository(inventory)
  })

  it('the table itself refuses a malformed pin, and follows its node when it is removed', () => {
    expect(() =>
      inventory.db
        .prepare("INSERT INTO node_access (node_id, host_key_sha256, updated_at) VALUES ('b', 'MD5:xx', 'now')")
        .run(),
    ).toThrow(/CHECK constraint/)
    access.set('b', {user: 'audit'})
    new NodeRepository(inventory).remove('b')
    expect(access.get('b')).toBeUndefined()
  })

  it('clearing every setting removes the row', () => {
    expect(access.clear('a', ['user']).access).toMatchObject({user: null, kex: '+diffie-hellman-group1-sha1'})
    expect(access.clear('a')).toMatchObject({access: null})
    expect(access.get('a')).toBeUndefined()
  })

  it('looks settings and audit history up by index, not by scanning', () => {
    const plan = (sql: string, ...params: unknown[]) =>
      (inventory.db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as {detail: string}[])
        .map((row) => row.detail)
        .join('\n')
    expect(plan('SELECT * FROM node_access WHERE node_id IN (SELECT value FROM json_each(?))', '["a"]')).toMatch(
      /SEARCH node_access USING PRIMARY KEY/,
    )
    expect(
      plan('SELECT * FROM node_audits WHERE node_id = ? ORDER BY finished_at DESC, id DESC LIMIT ?', 'a', 5),
    ).toMatch(/SEARCH node_audits USING INDEX node_audits_node_time/)
  })

  it('records an audit and the node columns in one write', () => {
    const audits = new AuditRepository(inventory)
    audits.record({
      nodeId: 'a',
      startedAt: '2026-11-25T10:00:00.000Z',
      finishedAt: '2026-11-25T10:00:02.000Z',
      outcome: 'ok',
      reason: null,
      facts: {vendor: 'Huawei'},
      hostKeySha256: PIN,
      durationMs: 2000,
    })
    audits.record({
      nodeId: 'a',
      startedAt: '2026-11-25T11:00:00.000Z',
      finishedAt: '2026-11-25T11:00:01.000Z',
      outcome: 'refused',
      reason: 'refused',
      facts: null,
      hostKeySha256: null,
      durationMs: 1000,
    })
    expect(new NodeRepository(inventory).get('a')).toMatchObject({
      lastAuditAt: '2026-11-25T11:00:01.000Z',
      lastAuditOutcome: 'refused',
      lastSeenAt: '2026-11-25T10:00:02.000Z',
    })
    expect(audits.forNode('a').map((a) => [a.outcome, a.facts])).toEqual([
      ['refused', null],
      ['ok', {vendor: 'Huawei'}],
    ])
  })
})
