import {townshipKind} from '../../src/domain/divisions'
import {writeFileSync} from 'node:fs'
import path from 'node:path'
import {afterEach, beforeEach, describe, expect, it, vi} from 'vitest'

import {tierProblem} from '../../src/domain/tiers'
import {GovnetError} from '../../src/errors'
import {ChangeLog} from '../../src/inventory/changes'
import {Inventory} from '../../src/inventory/db'
import {ImportFile, readImportFile} from '../../src/import/file'
import {NodeRepository} from '../../src/inventory/nodes'
import {importNodes} from '../../src/import/nodes'
import {inventoryMessages, nodeMessages} from '../../src/messages'
import {snapshot} from '../helpers/db'
import {seededTempDb} from '../helpers/seed'

const core = {
  id: 'gz-core',
  name: '广州市核心',
  division: '4401',
  role: 'core',
  mgmt_address: '10.44.1.1',
  platform: 'huawei-vrp',
}
const agg = {
  id: 'gz-liwan',
  name: '荔湾区汇聚',
  division: '440103',
  role: 'aggregation',
  mgmt_address: '10.44.3.1',
  platform: 'h3c-comware',
  uplink: 'gz-core',
}
const access = {
  id: 'gz-shamian',
  name: '沙面街道接入',
  division: '440103001',
  role: 'access',
  mgmt_address: 'shamian.gz.gov.example',
  platform: 'linux',
  uplink: 'gz-liwan',
  tags: ['pilot', 'fiber'],
}

function thrown(fn: () => unknown): GovnetError {
  try {
    fn()
  } catch (error) {
    expect(error).toBeInstanceOf(GovnetError)
    return error as GovnetError
  }
  return expect.fail('expected a GovnetError')
}

function csvFile(dir: string, name: string, lines: string[]): ImportFile {
  const file = path.join(dir, name)
  writeFileSync(file, lines.join('\n'))
  return readImportFile(file)
}

const HEADER = 'id,name,division,tier,role,mgmt_address,ssh_port,platform,uplink,bandwidth_mbps,status,tags'

let dir: string
let cleanup: () => void
let dbPath: string
let inventory: Inventory
let nodes: NodeRepository

beforeEach(() => {
  ;({dir, db: dbPath, cleanup} = seededTempDb())
  inventory = Inventory.open(dbPath, {actor: 'alice'})
  nodes = new NodeRepository(inventory)
})
afterEach(() => {
  inventory.close()
  cleanup()
})

describe('NodeRepository', () => {
  it('adds nodes with defaults, a tier from the division level and sorted tags, and logs each creation', () => {
    nodes.add(core)
    nodes.add(agg)
    const added = nodes.add({...access, tags: ['pilot', 'fiber', 'pilot']})
    expect(added).toMatchObject({
      id: 'gz-shamian',
      divisionCode: '440103001',
      tier: 'township',
      sshPort: 22,
      status: 'planned',
      tags: ['fiber', 'pilot'],
      uplinkId: 'gz-liwan',
      bandwidthMbps: null,
      lastAuditAt: null,
    })
    expect(nodes.get('gz-core')!.tier).toBe('prefecture')
    expect(nodes.get('gz-shamian')).toEqual(added)
    const log = new ChangeLog(inventory).list({entity: 'node'})
    expect(log.map((c) => [c.entityId, c.action, c.actor])).toEqual([
      ['gz-shamian', 'create', 'alice'],
      ['gz-liwan', 'create', 'alice'],
      ['gz-core', 'create', 'alice'],
    ])
    expect(log[0]!.after).toEqual(added)
    expect(log[0]!.before).toBeNull()
  })

  it('refuses an existing id (exit 5) and invalid records (exit 3) without writing', () => {
    nodes.add(core)
    const before = snapshot(dbPath)
    expect(thrown(() => nodes.add(core))).toEqual(nodeMessages.nodeExists('gz-core'))
    expect(thrown(() => nodes.add({...agg, division: '449999', tier: 'county'}))).toEqual(
      inventoryMessages.invalidRecord('node', [{field: 'division', message: nodeMessages.unknownDivision('449999')}]),
    )
    expect(thrown(() => nodes.add({...agg, uplink: 'nowhere'}))).toEqual(
      inventoryMessages.invalidRecord('node', [{field: 'uplink', message: nodeMessages.unknownUplinkNode('nowhere')}]),
    )
    expect(thrown(() => nodes.add({...agg, uplink: 'gz-liwan'}))).toEqual(
      inventoryMessages.invalidRecord('node', [{field: 'uplink', message: nodeMessages.ownUplink('gz-liwan')}]),
    )
    expect(thrown(() => nodes.add({...agg, tier: 'township'})).exit).toBe(3)
    expect(snapshot(dbPath)).toBe(before)
  })

  it('lists by division subtree, tier, status, platform, tag and ids', () => {
    nodes.add(core)
    nodes.add(agg)
    nodes.add(access)
    nodes.add({
      id: 'dg-dongcheng',
      name: '东城街道',
      division: '441900003',
      role: 'access',
      mgmt_address: '2001:db8::3',
      platform: 'linux',
      status: 'active',
      tags: 'pilot',
    })
    const ids = (filter: Parameters<NodeRepository['list']>[0]) => nodes.list(filter).map((n) => n.id)
    expect(ids({})).toEqual(['dg-dongcheng', 'gz-core', 'gz-liwan', 'gz-shamian'])
    expect(ids({under: '44'})).toEqual(['dg-dongcheng', 'gz-core', 'gz-liwan', 'gz-shamian'])
    expect(ids({under: '440103'})).toEqual(['gz-liwan', 'gz-shamian'])
    expect(ids({under: '4419'})).toEqual(['dg-dongcheng'])
    expect(ids({under: '11'})).toEqual([])
    expect(ids({tier: 'township'})).toEqual(['dg-dongcheng', 'gz-shamian'])
    expect(ids({status: 'active'})).toEqual(['dg-dongcheng'])
    expect(ids({platform: 'linux', tag: 'pilot'})).toEqual(['dg-dongcheng', 'gz-shamian'])
    expect(ids({tag: 'fiber'})).toEqual(['gz-shamian'])
    expect(ids({ids: ['gz-core', 'dg-dongcheng', 'missing']})).toEqual(['dg-dongcheng', 'gz-core'])
    // township kinds: 440103001 and 441900003 are streets; nothing above the township level has a kind
    expect(ids({kind: 'street'})).toEqual(['dg-dongcheng', 'gz-shamian'])
    expect(ids({kind: 'street', under: '4419'})).toEqual(['dg-dongcheng'])
    nodes.add({...access, id: 'dg-shijie', division: '441900105', mgmt_address: '10.44.19.105'})
    nodes.add({...access, id: 'dg-songshanhu', division: '441900401', mgmt_address: '10.44.19.201'})
    expect(ids({kind: 'town'})).toEqual(['dg-shijie'])
    expect(ids({kind: 'other'})).toEqual(['dg-songshanhu'])
    expect(ids({kind: 'township'})).toEqual([])
    expect(nodes.list({kind: 'town'}).every((n) => townshipKind(n.divisionCode) === 'town')).toBe(true)
    expect(thrown(() => nodes.list({under: '4499'}))).toEqual(nodeMessages.underNotFound('4499'))
    expect(thrown(() => nodes.list({under: '44x'})).exit).toBe(3)
  })

  it('lists through the indexes: division subtree by range, tag through node_tags_tag, ids by primary key', () => {
    const prepare = vi.spyOn(inventory.db, 'prepare')
    const planOf = (filter: Parameters<NodeRepository['list']>[0]) => {
      new NodeRepository(inventory).list(filter)
      const sql = prepare.mock.lastCall![0]
      const rows = inventory.db
        .prepare(`EXPLAIN QUERY PLAN ${sql}`)
        .all({under: '44', underEnd: '44:', tag: 'x', ids: '[]', status: 'active'}) as {detail: string}[]
      return rows.map((r) => r.detail).join('\n')
    }
    expect(planOf({under: '44'})).toMatch(
      /SEARCH n USING (COVERING )?INDEX nodes_division_status \(division_code>\? AND division_code<\?\)/,
    )
    expect(planOf({under: '44', status: 'active'})).toMatch(/SEARCH n USING (COVERING )?INDEX nodes_division_status/)
    expect(planOf({tag: 'x'})).toMatch(/SEARCH node_tags USING COVERING INDEX node_tags_tag \(tag=\?\)/)
    expect(planOf({ids: ['a']})).toMatch(/SEARCH n USING PRIMARY KEY \(id=\?\)/)
    prepare.mockRestore()
  })

  it('sets fields over the stored record, logs only real changes and keeps audit fields', () => {
    nodes.add(core)
    nodes.add(agg)
    nodes.add({...access, uplink: 'gz-core'})
    inventory.db
      .prepare(
        "UPDATE nodes SET last_audit_at = '2026-11-25T10:00:00.000Z', last_audit_outcome = 'ok' WHERE id = 'gz-shamian'",
      )
      .run()
    const result = nodes.set('gz-shamian', {status: 'active', uplink: 'gz-liwan', tags: ['pilot']})
    expect(result.changed).toEqual(['uplinkId', 'status', 'tags'])
    expect(result.node).toMatchObject({status: 'active', uplinkId: 'gz-liwan', tags: ['pilot'], lastAuditOutcome: 'ok'})
    expect(nodes.get('gz-shamian')).toEqual(result.node)
    const countBefore = new ChangeLog(inventory).list().length
    expect(nodes.set('gz-shamian', {status: 'active'}).changed).toEqual([])
    expect(new ChangeLog(inventory).list().length).toBe(countBefore)
    const [update] = new ChangeLog(inventory).list({entityId: 'gz-shamian', limit: 1})
    expect(update).toMatchObject({
      action: 'update',
      before: {status: 'planned', uplinkId: 'gz-core'},
      after: {status: 'active', uplinkId: 'gz-liwan'},
    })
    expect(nodes.set('gz-shamian', {uplink: ''}).node.uplinkId).toBeNull()
  })

  it('refuses a set that would close an uplink cycle, or a missing node', () => {
    nodes.add(core)
    nodes.add(agg)
    nodes.add(access)
    const before = snapshot(dbPath)
    expect(thrown(() => nodes.set('gz-core', {uplink: 'gz-shamian'}))).toEqual(
      inventoryMessages.invalidRecord('node', [
        {field: 'uplink', message: nodeMessages.uplinkCycle(['gz-core', 'gz-shamian', 'gz-liwan', 'gz-core'])},
      ]),
    )
    expect(thrown(() => nodes.set('nope', {status: 'active'}))).toEqual(nodeMessages.nodeNotFound('nope'))
    expect(thrown(() => nodes.set('gz-core', {}))).toEqual(nodeMessages.nothingToSet())
    expect(snapshot(dbPath)).toBe(before)
  })

  it('refuses to remove an uplink in use; with detach clears the dependents first, and the node goes with its tags, audits and access settings', () => {
    nodes.add({...core, tags: ['backbone']})
    nodes.add(agg)
    nodes.add({...access, uplink: 'gz-core'})
    inventory.db
      .prepare(
        "INSERT INTO node_audits (node_id, started_at, finished_at, outcome, duration_ms) VALUES ('gz-core', '2026-11-25T00:00:00Z', '2026-11-25T00:00:01Z', 'ok', 1000)",
      )
      .run()
    inventory.db
      .prepare(
        "INSERT INTO node_access (node_id, user, updated_at) VALUES ('gz-core', 'audit', '2026-11-25T00:00:00Z')",
      )
      .run()
    const before = snapshot(dbPath)
    expect(thrown(() => nodes.remove('gz-core'))).toEqual(
      nodeMessages.nodeHasDependents('gz-core', ['gz-liwan', 'gz-shamian']),
    )
    expect(thrown(() => nodes.remove('nope'))).toEqual(nodeMessages.nodeNotFound('nope'))
    expect(snapshot(dbPath)).toBe(before)
    const result = nodes.remove('gz-core', {detach: true})
    expect(result.detached).toEqual(['gz-liwan', 'gz-shamian'])
    expect(nodes.get('gz-core')).toBeUndefined()
    expect(nodes.get('gz-liwan')!.uplinkId).toBeNull()
    const log = new ChangeLog(inventory).list({limit: 3})
    expect(log.map((c) => [c.entityId, c.action])).toEqual([
      ['gz-core', 'delete'],
      ['gz-shamian', 'update'],
      ['gz-liwan', 'update'],
    ])
    expect(log[0]!.before).toEqual(result.removed)
    for (const table of ['node_tags', 'node_audits', 'node_access']) {
      expect(inventory.db.prepare(`SELECT count(*) FROM ${table} WHERE node_id = 'gz-core'`).pluck().get()).toBe(0)
    }
  })
})

describe('importNodes', () => {
  it('imports rows whose uplink comes later in the file, in one transaction, logging each creation', () => {
    const file = csvFile(dir, 'nodes.csv', [
      HEADER,
      'gz-shamian,沙面街道接入,440103001,township,access,10.44.3.10,2222,linux,gz-liwan,100,active,pilot;fiber',
      'gz-liwan,荔湾区汇聚,440103,,aggregation,10.44.3.1,,h3c-comware,gz-core,,,',
      'gz-core,广州市核心,4401,prefecture,core,10.44.1.1,,huawei-vrp,,10000,active,',
    ])
    expect(importNodes(inventory, file)).toEqual({file: file.file, dryRun: false, created: 3, updated: 0, unchanged: 0})
    expect(nodes.get('gz-shamian')).toMatchObject({
      sshPort: 2222,
      bandwidthMbps: 100,
      status: 'active',
      tags: ['fiber', 'pilot'],
      uplinkId: 'gz-liwan',
    })
    expect(nodes.get('gz-liwan')).toMatchObject({
      tier: 'county',
      sshPort: 22,
      status: 'planned',
      tags: [],
      bandwidthMbps: null,
    })
    expect(new ChangeLog(inventory).list({entity: 'node'}).map((c) => c.action)).toEqual(['create', 'create', 'create'])
  })

  it('dry-run counts and writes nothing', () => {
    const file = csvFile(dir, 'nodes.csv', [HEADER, 'gz-core,广州市核心,4401,,core,10.44.1.1,,huawei-vrp,,,,'])
    const before = snapshot(dbPath)
    expect(importNodes(inventory, file, {dryRun: true})).toMatchObject({dryRun: true, created: 1})
    expect(snapshot(dbPath)).toBe(before)
  })

  it('reports every row problem at once, with row and field, and writes nothing', () => {
    nodes.add(core)
    const file = csvFile(dir, 'bad.csv', [
      HEADER,
      'gz-a,A,440103,township,access,10.0.0.1,,linux,,,,', // tier does not match a county
      'gz-b,B,449999,,access,10.0.0.2,,linux,,,,', // unknown division
      'gz-c,C,440103001,,access,10.0.0.256,70000,ios,gz-missing,,,', // address, port, platform
      'gz-a,A again,440103,,aggregation,10.0.0.4,,linux,,,,', // duplicate id
      'gz-d,D,440103001,,access,10.0.0.5,,linux,gz-missing,,,', // unknown uplink
      'gz-e,E,440103,,aggregation,10.0.0.6,,linux,gz-f,,,',
      'gz-f,F,440103001,,access,10.0.0.7,,linux,gz-e,,,', // cycle e -> f -> e
      'gz-g,G,440103,,aggregation,10.0.0.8,,linux,gz-g,,,', // own uplink
    ])
    const before = snapshot(dbPath)
    const error = thrown(() => importNodes(inventory, file))
    expect(error.exit).toBe(3)
    expect(error.details).toEqual([
      `row 1, tier: ${nodeMessages.tierMismatch(tierProblem('township', 'county')!, '440103')}`,
      `row 2, division: ${nodeMessages.unknownDivision('449999')}`,
      expect.stringMatching(/^row 3, mgmt_address: "10\.0\.0\.256" is not a valid IPv4 address/),
      'row 3, ssh_port: 70000 is out of range 1..65535',
      expect.stringMatching(/^row 3, platform: "ios" is not one of/),
      `row 4, id: ${nodeMessages.duplicateId('gz-a', 1)}`,
      `row 5, uplink: ${nodeMessages.unknownUplink('gz-missing')}`,
      `row 6, uplink: ${nodeMessages.uplinkCycle(['gz-e', 'gz-f', 'gz-e'])}`,
      `row 8, uplink: ${nodeMessages.ownUplink('gz-g')}`,
    ])
    const problemRows = [1, 2, 3, 3, 3, 4, 5, 6, 8].map((row) => ({row, field: '', message: ''}))
    expect(error.message).toBe(inventoryMessages.invalidImport(file.file, problemRows).message)
    expect(snapshot(dbPath)).toBe(before)
  })

  it('finds a cycle through existing nodes when an update re-points one of them', () => {
    nodes.add(core)
    nodes.add(agg)
    const file = csvFile(dir, 'cycle.csv', [
      'id,name,division,role,mgmt_address,platform,uplink',
      'gz-core,广州市核心,4401,core,10.44.1.1,huawei-vrp,gz-liwan',
    ])
    const before = snapshot(dbPath)
    expect(thrown(() => importNodes(inventory, file, {update: true})).details).toEqual([
      `row 1, uplink: ${nodeMessages.uplinkCycle(['gz-core', 'gz-liwan', 'gz-core'])}`,
    ])
    expect(snapshot(dbPath)).toBe(before)
  })

  it('refuses existing ids without --update (exit 5, listing rows) and writes nothing', () => {
    nodes.add(core)
    const file = csvFile(dir, 'dup.csv', [
      HEADER,
      'gz-x,X,4401,,core,10.0.0.9,,linux,,,,',
      'gz-core,广州市核心,4401,,core,10.44.1.1,,huawei-vrp,,,,',
    ])
    const before = snapshot(dbPath)
    expect(thrown(() => importNodes(inventory, file))).toEqual(
      nodeMessages.importedNodesExist(file.file, [{row: 2, id: 'gz-core'}]),
    )
    expect(snapshot(dbPath)).toBe(before)
  })

  it('with --update changes only what differs, keeps columns the file leaves out, and logs nothing for unchanged rows', () => {
    nodes.add({...core, status: 'active', bandwidth_mbps: 10000})
    nodes.add(agg)
    const changesBefore = new ChangeLog(inventory).list().length
    const file = csvFile(dir, 'update.csv', [
      'id,name,division,role,mgmt_address,platform,uplink',
      'gz-core,广州市核心,4401,core,10.44.1.1,huawei-vrp,', // unchanged: status and bandwidth are not columns
      'gz-liwan,荔湾区汇聚节点,440103,aggregation,10.44.3.1,h3c-comware,gz-core', // renamed
      'gz-new,新节点,440103,aggregation,10.44.3.2,linux,gz-core',
    ])
    expect(importNodes(inventory, file, {update: true})).toMatchObject({created: 1, updated: 1, unchanged: 1})
    expect(nodes.get('gz-core')).toMatchObject({status: 'active', bandwidthMbps: 10000})
    expect(nodes.get('gz-liwan')!.name).toBe('荔湾区汇聚节点')
    const log = new ChangeLog(inventory).list()
    expect(log.length - changesBefore).toBe(2)
    expect(importNodes(inventory, file, {update: true})).toMatchObject({created: 0, updated: 0, unchanged: 3})
    expect(new ChangeLog(inventory).list().length - changesBefore).toBe(2)
  })

  it('takes an empty JSON array and a header-only CSV as nothing to do', () => {
    const json = path.join(dir, 'empty.json')
    writeFileSync(json, '[]')
    expect(importNodes(inventory, readImportFile(json))).toEqual({
      file: json,
      dryRun: false,
      created: 0,
      updated: 0,
      unchanged: 0,
    })
    expect(importNodes(inventory, csvFile(dir, 'header.csv', [HEADER]))).toMatchObject({
      created: 0,
      updated: 0,
      unchanged: 0,
    })
    expect(thrown(() => importNodes(inventory, csvFile(dir, 'bad-header.csv', ['id,name']))).exit).toBe(3)
  })

  it('rejects unknown and missing columns before looking at rows', () => {
    const file = csvFile(dir, 'cols.csv', ['id,name,division,role,mgmt_address,colour', 'a,A,4401,core,10.0.0.1,red'])
    const error = thrown(() => importNodes(inventory, file))
    expect(error.exit).toBe(3)
    expect(error.details).toEqual([
      expect.stringMatching(/^colour: unknown column; expected columns: id, name, division/),
      'platform: required column is missing',
    ])
  })
})
