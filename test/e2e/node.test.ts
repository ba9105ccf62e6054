import {writeFileSync} from 'node:fs'
import path from 'node:path'
import {afterEach, beforeEach, describe, expect, it} from 'vitest'

import {addressProblem} from '../../src/domain/address'
import {ExtranetNode} from '../../src/domain/nodes'
import {tierProblem} from '../../src/domain/tiers'
import {inventoryMessages, nodeMessages} from '../../src/messages'
import {govnet, json} from '../helpers/cli'
import {snapshot} from '../helpers/db'
import {expectError, expectJsonError} from '../helpers/expect-error'
import {sampleDivisions, seededTempDb} from '../helpers/seed'

const HEADER = 'id,name,division,tier,role,mgmt_address,ssh_port,platform,uplink,bandwidth_mbps,status,tags'
const NODE_KEYS = [
  'id',
  'name',
  'divisionCode',
  'tier',
  'role',
  'mgmtAddress',
  'sshPort',
  'platform',
  'uplinkId',
  'bandwidthMbps',
  'status',
  'tags',
  'lastAuditAt',
  'lastAuditOutcome',
  'lastSeenAt',
  'createdAt',
  'updatedAt',
].sort()

let dir: string
let cleanup: () => void
let db: string

beforeEach(() => {
  ;({dir, db, cleanup} = seededTempDb())
})
afterEach(() => cleanup())

const run = (...args: string[]) => govnet([...args, '--db', db])

function writeFile(name: string, content: string): string {
  const file = path.join(dir, name)
  writeFileSync(file, content)
  return file
}

const addCore = () =>
  run(
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
    '--bandwidth-mbps',
    '10000',
    '--status',
    'active',
  )

/** Add gz-liwan under gz-core; `flags` override or extend its flags (a value of [] repeats the flag, e.g. --tag). */
function addAgg(flags: Record<string, string | string[]> = {}, ...extra: string[]) {
  const all = {
    name: '荔湾区汇聚',
    division: '440103',
    role: 'aggregation',
    'mgmt-address': 'liwan.gz.gov.example',
    platform: 'h3c-comware',
    uplink: 'gz-core',
    ...flags,
  }
  const args = Object.entries(all).flatMap(([flag, value]) =>
    (Array.isArray(value) ? value : [value]).flatMap((v) => [`--${flag}`, v]),
  )
  return run('node', 'add', 'gz-liwan', ...args, ...extra)
}

describe('node add / show', () => {
  it('adds a node and shows every field, in a table and as JSON', () => {
    expect(addCore().code).toBe(0)
    const added = addAgg({tag: ['pilot', '试点'], 'ssh-port': '2222'}, '--json')
    expect(added.code).toBe(0)
    const node = json<ExtranetNode>(added)
    expect(Object.keys(node).sort()).toEqual(NODE_KEYS)
    expect(node).toMatchObject({
      id: 'gz-liwan',
      name: '荔湾区汇聚',
      divisionCode: '440103',
      tier: 'county',
      role: 'aggregation',
      mgmtAddress: 'liwan.gz.gov.example',
      sshPort: 2222,
      platform: 'h3c-comware',
      uplinkId: 'gz-core',
      bandwidthMbps: null,
      status: 'planned',
      tags: ['pilot', '试点'],
      lastAuditAt: null,
      lastAuditOutcome: null,
      lastSeenAt: null,
    })
    expect(json(run('node', 'show', 'gz-liwan', '--json'))).toEqual(node)
    const shown = run('node', 'show', 'gz-liwan')
    expect(shown.code).toBe(0)
    expect(shown.stdout).toMatch(/^id\s+gz-liwan$/m)
    expect(shown.stdout).toMatch(/^tags\s+pilot, 试点$/m)
    expect(shown.stdout).toMatch(/^last audit outcome\s+-$/m)
  })

  it('refuses bad fields, an unknown division, a tier that does not match and an existing id, writing nothing', () => {
    addCore()
    const before = snapshot(db)
    expectError(
      addAgg({'mgmt-address': '10.0.0.1:22'}),
      inventoryMessages.invalidRecord('node', [{field: 'mgmt_address', message: addressProblem('10.0.0.1:22')!}]),
    )
    expectError(
      addAgg({division: '449999'}),
      inventoryMessages.invalidRecord('node', [{field: 'division', message: nodeMessages.unknownDivision('449999')}]),
    )
    expectError(
      addAgg({tier: 'township'}),
      inventoryMessages.invalidRecord('node', [
        {field: 'tier', message: nodeMessages.tierMismatch(tierProblem('township', 'county')!, '440103')},
      ]),
    )
    expectError(
      addAgg({uplink: 'gz-nowhere'}),
      inventoryMessages.invalidRecord('node', [
        {field: 'uplink', message: nodeMessages.unknownUplinkNode('gz-nowhere')},
      ]),
    )
    expectError(addCore(), nodeMessages.nodeExists('gz-core'))
    expectJsonError(
      run('node', 'add', 'gz-x', '--name', 'X', '--json'),
      inventoryMessages.invalidRecord('node', [
        {field: 'division', message: 'is required'},
        {field: 'role', message: 'is required'},
        {field: 'mgmt_address', message: 'is required'},
        {field: 'platform', message: 'is required'},
      ]),
    )
    expect(snapshot(db)).toBe(before)
  })

  it('show of a missing node exits 4', () => {
    expectError(run('node', 'show', 'gz-none'), nodeMessages.nodeNotFound('gz-none'))
  })
})

describe('node list', () => {
  beforeEach(() => {
    const file = writeFile(
      'nodes.csv',
      [
        HEADER,
        'gz-core,广州市核心,4401,,core,10.44.1.1,,huawei-vrp,,10000,active,',
        'gz-liwan,荔湾区汇聚,440103,,aggregation,10.44.3.1,,h3c-comware,gz-core,1000,active,',
        'gz-shamian,沙面街道,440103001,,access,2001:db8::3,,linux,gz-liwan,100,planned,pilot',
        'dg-dongcheng,东城街道,441900003,,access,10.44.19.3,,linux,,100,active,pilot;fiber',
        'bj-core,北京市核心,11,national,core,10.11.0.1,,cisco-ios,,,active,',
      ].join('\n'),
    )
    expect(run('node', 'import', '--file', file).code).toBe(0)
  })

  const ids = (...args: string[]) => json<ExtranetNode[]>(run('node', 'list', ...args, '--json')).map((n) => n.id)

  it('filters by subtree, tier, status, platform and tag', () => {
    expect(ids()).toEqual(['bj-core', 'dg-dongcheng', 'gz-core', 'gz-liwan', 'gz-shamian'])
    expect(ids('--under', '44')).toEqual(['dg-dongcheng', 'gz-core', 'gz-liwan', 'gz-shamian'])
    expect(ids('--under', '440103')).toEqual(['gz-liwan', 'gz-shamian'])
    expect(ids('--tier', 'township')).toEqual(['dg-dongcheng', 'gz-shamian'])
    expect(ids('--tier', 'national')).toEqual(['bj-core'])
    expect(ids('--status', 'planned')).toEqual(['gz-shamian'])
    expect(ids('--platform', 'linux', '--tag', 'fiber')).toEqual(['dg-dongcheng'])
    expect(ids('--tag', 'none')).toEqual([])
  })

  it('prints a table with id, name, division, tier, role, status, platform and address', () => {
    const result = run('node', 'list', '--under', '4419')
    expect(result.code).toBe(0)
    const [header, row, ...rest] = result.stdout.trimEnd().split('\n')
    expect(header!.split(/\s+/)).toEqual(['ID', 'NAME', 'DIVISION', 'TIER', 'ROLE', 'STATUS', 'PLATFORM', 'ADDRESS'])
    expect(row!.split(/\s+/)).toEqual([
      'dg-dongcheng',
      '东城街道',
      '441900003',
      'township',
      'access',
      'active',
      'linux',
      '10.44.19.3',
    ])
    expect(rest).toEqual([])
  })

  it('refuses an unknown or malformed --under', () => {
    expectError(run('node', 'list', '--under', '4499'), nodeMessages.underNotFound('4499'))
    expectError(
      run('node', 'list', '--under', '44x'),
      nodeMessages.invalidUnder('"44x" is not a division code: digits only'),
    )
  })
})

describe('node set / remove', () => {
  beforeEach(() => {
    addCore()
    addAgg()
  })

  it('changes fields, reports what changed, and logs nothing when nothing changed', () => {
    const result = json<{node: ExtranetNode; changed: string[]}>(
      run('node', 'set', 'gz-liwan', '--status', 'active', '--tag', 'pilot', '--json'),
    )
    expect(result.changed).toEqual(['status', 'tags'])
    expect(result.node).toMatchObject({status: 'active', tags: ['pilot'], uplinkId: 'gz-core'})
    const before = snapshot(db)
    const again = run('node', 'set', 'gz-liwan', '--status', 'active')
    expect(again.code).toBe(0)
    expect(again.stdout).toMatch(/^nothing changed$/m)
    expect(snapshot(db)).toBe(before)
    expect(json(run('node', 'set', 'gz-liwan', '--uplink', '', '--json')).node.uplinkId).toBeNull()
  })

  it('refuses a cycle, an invalid merged record, no flags and a missing node, writing nothing', () => {
    const before = snapshot(db)
    expectError(
      run('node', 'set', 'gz-core', '--uplink', 'gz-liwan'),
      inventoryMessages.invalidRecord('node', [
        {field: 'uplink', message: nodeMessages.uplinkCycle(['gz-core', 'gz-liwan', 'gz-core'])},
      ]),
    )
    expectError(
      run('node', 'set', 'gz-core', '--uplink', 'gz-core'),
      inventoryMessages.invalidRecord('node', [{field: 'uplink', message: nodeMessages.ownUplink('gz-core')}]),
    )
    expectError(
      run('node', 'set', 'gz-liwan', '--division', '440103001'),
      inventoryMessages.invalidRecord('node', [
        {field: 'tier', message: nodeMessages.tierMismatch(tierProblem('county', 'township')!, '440103001')},
      ]),
    )
    expectError(run('node', 'set', 'gz-liwan'), nodeMessages.nothingToSet())
    expectError(run('node', 'set', 'gz-none', '--status', 'active'), nodeMessages.nodeNotFound('gz-none'))
    expect(snapshot(db)).toBe(before)
  })

  it('refuses to remove an uplink in use (exit 5) unless --detach, and a missing node (exit 4)', () => {
    const before = snapshot(db)
    expectError(run('node', 'remove', 'gz-core'), nodeMessages.nodeHasDependents('gz-core', ['gz-liwan']))
    expectError(run('node', 'remove', 'gz-none'), nodeMessages.nodeNotFound('gz-none'))
    expect(snapshot(db)).toBe(before)
    const removed = json<{removed: ExtranetNode; detached: string[]}>(
      run('node', 'remove', 'gz-core', '--detach', '--json'),
    )
    expect(removed.removed.id).toBe('gz-core')
    expect(removed.detached).toEqual(['gz-liwan'])
    expect(json(run('node', 'show', 'gz-liwan', '--json')).uplinkId).toBeNull()
    const plain = run('node', 'remove', 'gz-liwan')
    expect(plain.code).toBe(0)
    expect(plain.stdout).toBe('removed node gz-liwan\n')
    expect(json(run('node', 'list', '--json'))).toEqual([])
  })
})

describe('node import', () => {
  it('works on divisions loaded by `govnet division import --file`', () => {
    const fresh = path.join(dir, 'fresh.db')
    const inFresh = (...args: string[]) => govnet([...args, '--db', fresh])
    expect(inFresh('init').code).toBe(0)
    expect(inFresh('division', 'import', '--file', sampleDivisions).code).toBe(0)
    const file = writeFile(
      'dongguan.csv',
      'id,name,division,role,mgmt_address,platform,uplink\ndg,东莞市核心,4419,core,10.44.19.1,huawei-vrp,\ndg-dc,东城街道,441900003,access,10.44.19.3,linux,dg\n',
    )
    expect(json(inFresh('node', 'import', '--file', file, '--json'))).toMatchObject({created: 2})
    expect(
      json<ExtranetNode[]>(inFresh('node', 'list', '--under', '441900', '--json')).map((n) => [n.id, n.tier]),
    ).toEqual([['dg-dc', 'township']])
  })

  it('imports a CSV with BOM, CRLF and quoted fields', () => {
    const file = writeFile(
      'excel.csv',
      '\uFEFF' +
        [
          HEADER,
          '"gz-core","广州市核心, 主节点",4401,,core,10.44.1.1,22,huawei-vrp,,10000,active,"core;backbone"',
          '"gz-liwan","荔湾区 ""汇聚""",440103,county,aggregation,"2001:db8::1",,h3c-comware,gz-core,,,',
        ].join('\r\n') +
        '\r\n',
    )
    const result = run('node', 'import', '--file', file, '--json')
    expect(json(result)).toEqual({file, dryRun: false, created: 2, updated: 0, unchanged: 0})
    expect(json(run('node', 'show', 'gz-core', '--json'))).toMatchObject({
      name: '广州市核心, 主节点',
      tags: ['backbone', 'core'],
    })
    expect(json(run('node', 'show', 'gz-liwan', '--json'))).toMatchObject({
      name: '荔湾区 "汇聚"',
      mgmtAddress: '2001:db8::1',
      uplinkId: 'gz-core',
    })
  })

  it('imports JSON with tags as a list or a string, and prints a summary', () => {
    const file = writeFile(
      'nodes.json',
      JSON.stringify([
        {
          id: 'gz-core',
          name: '广州市核心',
          division: '4401',
          role: 'core',
          mgmt_address: '10.44.1.1',
          platform: 'huawei-vrp',
          ssh_port: 22,
          tags: ['a', 'b'],
        },
        {
          id: 'gz-liwan',
          name: '荔湾区汇聚',
          division: '440103',
          role: 'aggregation',
          mgmt_address: '10.44.3.1',
          platform: 'linux',
          uplink: 'gz-core',
          bandwidth_mbps: 1000,
          tags: 'c;d',
        },
      ]),
    )
    const result = run('node', 'import', '--file', file)
    expect(result.code).toBe(0)
    expect(result.stdout).toBe(`${file}: 2 created, 0 updated, 0 unchanged\n`)
    expect(json(run('node', 'show', 'gz-liwan', '--json'))).toMatchObject({tags: ['c', 'd'], bandwidthMbps: 1000})
  })

  it('--dry-run reports and writes nothing', () => {
    const file = writeFile('nodes.csv', `${HEADER}\ngz-core,广州市核心,4401,,core,10.44.1.1,,huawei-vrp,,,,\n`)
    const before = snapshot(db)
    const result = run('node', 'import', '--file', file, '--dry-run')
    expect(result.code).toBe(0)
    expect(result.stdout).toBe(`dry run of ${file}: would be 1 created, 0 updated, 0 unchanged; nothing written\n`)
    expect(snapshot(db)).toBe(before)
  })

  it('refuses existing ids without --update (exit 5), and with --update updates changed rows only', () => {
    addCore()
    const file = writeFile(
      'nodes.csv',
      `${HEADER}\ngz-core,广州市核心,4401,,core,10.44.1.1,,huawei-vrp,,10000,active,\ngz-new,新节点,4401,,aggregation,10.44.1.2,,linux,gz-core,,,\n`,
    )
    const before = snapshot(db)
    expectError(run('node', 'import', '--file', file), nodeMessages.importedNodesExist(file, [{row: 1, id: 'gz-core'}]))
    expect(snapshot(db)).toBe(before)
    expect(json(run('node', 'import', '--file', file, '--update', '--json'))).toEqual({
      file,
      dryRun: false,
      created: 1,
      updated: 0,
      unchanged: 1,
    })
  })

  describe('bad files: the catalog message with row and field, and nothing written', () => {
    const cases: Array<[string, string, (file: string) => ReturnType<typeof inventoryMessages.invalidImport>]> = [
      [
        'unknown column',
        'id,name,division,role,mgmt_address,platform,owner\ngz-a,A,4401,core,10.0.0.1,linux,ops\n',
        (file) =>
          inventoryMessages.invalidImport(file, [
            {field: 'owner', message: `unknown column; expected columns: ${HEADER.split(',').join(', ')}`},
          ]),
      ],
      [
        'missing column',
        'id,name,division,role,platform\ngz-a,A,4401,core,linux\n',
        (file) =>
          inventoryMessages.invalidImport(file, [{field: 'mgmt_address', message: 'required column is missing'}]),
      ],
      [
        'tier not matching the division',
        `${HEADER}\ngz-a,A,4401,,core,10.0.0.1,,linux,,,,\ngz-b,B,4401,county,core,10.0.0.2,,linux,,,,\n`,
        (file) =>
          inventoryMessages.invalidImport(file, [
            {row: 2, field: 'tier', message: nodeMessages.tierMismatch(tierProblem('county', 'prefecture')!, '4401')},
          ]),
      ],
      [
        'unknown division',
        `${HEADER}\ngz-a,A,4488,,core,10.0.0.1,,linux,,,,\n`,
        (file) =>
          inventoryMessages.invalidImport(file, [
            {row: 1, field: 'division', message: nodeMessages.unknownDivision('4488')},
          ]),
      ],
      [
        'uplink cycle',
        `${HEADER}\ngz-a,A,4401,,core,10.0.0.1,,linux,gz-c,,,\ngz-b,B,440103,,aggregation,10.0.0.2,,linux,gz-a,,,\ngz-c,C,440103001,,access,10.0.0.3,,linux,gz-b,,,\n`,
        (file) =>
          inventoryMessages.invalidImport(file, [
            {row: 1, field: 'uplink', message: nodeMessages.uplinkCycle(['gz-a', 'gz-c', 'gz-b', 'gz-a'])},
          ]),
      ],
      [
        'duplicate id in the file',
        `${HEADER}\ngz-a,A,4401,,core,10.0.0.1,,linux,,,,\ngz-a,A2,4401,,core,10.0.0.2,,linux,,,,\n`,
        (file) =>
          inventoryMessages.invalidImport(file, [{row: 2, field: 'id', message: nodeMessages.duplicateId('gz-a', 1)}]),
      ],
      [
        'bad address and port',
        `${HEADER}\ngz-a,A,4401,,core,[2001:db8::1],0,linux,,,,\n`,
        (file) =>
          inventoryMessages.invalidImport(file, [
            {row: 1, field: 'mgmt_address', message: addressProblem('[2001:db8::1]')!},
            {row: 1, field: 'ssh_port', message: '0 is out of range 1..65535'},
          ]),
      ],
    ]

    it.each(cases)('%s', (_, content, expected) => {
      const file = writeFile('bad.csv', content)
      const before = snapshot(db)
      expectError(run('node', 'import', '--file', file), expected(file))
      expect(snapshot(db)).toBe(before)
    })

    it('a JSON file with a bad row, reported as JSON with --json', () => {
      const file = writeFile(
        'bad.json',
        JSON.stringify([
          {
            id: 'gz-a',
            name: 'A',
            division: '4401',
            role: 'core',
            mgmt_address: '10.0.0.1',
            platform: 'linux',
            tags: [1],
          },
        ]),
      )
      const before = snapshot(db)
      expectJsonError(
        run('node', 'import', '--file', file, '--json'),
        inventoryMessages.invalidImport(file, [{row: 1, field: 'tags', message: 'every tag must be text, got number'}]),
      )
      expect(snapshot(db)).toBe(before)
    })

    it('a file that does not exist', () => {
      const file = path.join(dir, 'missing.csv')
      expectError(run('node', 'import', '--file', file), inventoryMessages.unreadableFile(file, 'no such file'))
    })
  })
})
