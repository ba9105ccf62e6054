import {writeFileSync} from 'node:fs'
import path from 'node:path'
import {afterEach, beforeEach, describe, expect, it} from 'vitest'

import {formatProblem} from '../../src/errors'
import {MAX_EXTRANET_ADDRESSES, MIN_EXTRANET_PREFIX} from '../../src/domain/regions'
import {inventoryMessages} from '../../src/messages'
import * as regionMsg from '../../src/messages/regions'
import {samplesDir} from '../../src/paths'
import {govnet, json, tempDir} from '../helpers/cli'
import {snapshot} from '../helpers/db'
import {expectError, expectJsonError} from '../helpers/expect-error'

let cleanup: () => void
let db: string
const run = (...args: string[]) => govnet([...args, '--db', db])

const ADD = [
  'region',
  'add',
  'gz-1',
  '--name',
  '广州一区',
  '--pools',
  '10.20.0.0/22,10.21.0.0/24',
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
]

beforeEach(() => {
  let dir: string
  ;({dir, cleanup} = tempDir())
  db = path.join(dir, 'govnet.db')
  expect(run('init').code).toBe(0)
})
afterEach(() => cleanup())

describe('govnet region', () => {
  it('add, list, show and set keep their JSON shapes', () => {
    const added = json(run(...ADD, '--json'))
    expect(Object.keys(added)).toEqual([
      'id',
      'name',
      'pools',
      'extranetRanges',
      'capacityVcpu',
      'capacityRamGib',
      'capacityStorageGib',
      'maxMlpsLevel',
      'externalNetwork',
      'createdAt',
      'updatedAt',
    ])
    expect(added).toMatchObject({
      id: 'gz-1',
      pools: ['10.20.0.0/22', '10.21.0.0/24'],
      extranetRanges: ['59.255.0.0/16'],
      maxMlpsLevel: 3,
      externalNetwork: null,
    })
    const usage = {reservedVcpu: 0, reservedRamGib: 0, reservedStorageGib: 0, allocations: [], highestTenantLevel: 0}
    expect(json(run('region', 'list', '--json'))).toEqual([{...added, usage, tenants: []}])
    expect(json(run('region', 'show', 'gz-1', '--json'))).toEqual({...added, usage, tenants: []})
    const changed = json(run('region', 'set', 'gz-1', '--vcpu', '200', '--external-network', 'ext-net', '--json'))
    expect(changed).toMatchObject({capacityVcpu: 200, externalNetwork: 'ext-net', createdAt: added.createdAt})
    const listed = run('region', 'list')
    expect(listed.stdout).toMatch(/^ID\s+NAME\s+MAX LEVEL\s+POOLS/)
    expect(listed.stdout).toContain('0 / 200')
  })

  it('refuses bad input with the catalog message and writes nothing', () => {
    const before = snapshot(db)
    const result = run(
      'region',
      'add',
      'gz-2',
      '--name',
      'x',
      '--pools',
      '10.0.0.0/8,10.1.0.0/16',
      '--vcpu',
      '1',
      '--ram-gib',
      '1',
      '--storage-gib',
      '1',
      '--max-level',
      '5',
    )
    expectError(
      result,
      inventoryMessages.invalidRecord('region', [
        {field: 'pools', message: regionMsg.poolsOverlap('10.0.0.0/8', '10.1.0.0/16')},
        {field: 'max_level', message: regionMsg.ratingNotHosted(5)},
      ]),
    )
    expectError(
      run(
        'region',
        'add',
        'gz-3',
        '--name',
        'x',
        '--pools',
        '10.20.0.0/16',
        '--extranet-ranges',
        '59.255.0.0/16,0.0.0.0/0',
        '--vcpu',
        '1',
        '--ram-gib',
        '1',
        '--storage-gib',
        '1',
        '--max-level',
        '3',
      ),
      inventoryMessages.invalidRecord('region', [
        {field: 'extranet_ranges', message: regionMsg.extranetRangeTooWide('0.0.0.0/0', 8)},
      ]),
    )
    expectJsonError(run('region', 'show', 'nowhere', '--json'), regionMsg.regionNotFound('nowhere'))
    expectError(run('region', 'set', 'nowhere'), regionMsg.nothingToSet())
    expect(snapshot(db)).toBe(before)
  })

  it('will not lower the rating under a tenant or remove a region that hosts one', () => {
    expect(run(...ADD).code).toBe(0)
    const tenant = run(
      'tenant',
      'add',
      'alpha',
      '--name',
      '系统',
      '--department',
      '市数据局',
      '--uscc',
      '91430111MA4L41YT1U',
      '--region',
      'gz-1',
      '--level',
      '3',
      '--exposure',
      'extranet',
      '--vcpu',
      '8',
      '--ram-gib',
      '32',
      '--storage-gib',
      '100',
    )
    expect(tenant.code).toBe(0)
    const before = snapshot(db)
    expectError(
      run('region', 'set', 'gz-1', '--max-level', '2'),
      regionMsg.regionChangeRefused('gz-1', [
        formatProblem({field: 'max_level', message: regionMsg.ratingBelowTenants(2, 3)}),
      ]),
    )
    expectError(run('region', 'remove', 'gz-1'), regionMsg.regionInUse('gz-1', ['alpha']))
    expect(snapshot(db)).toBe(before)
    expect(json(run('region', 'show', 'gz-1', '--json')).tenants).toEqual(['alpha'])
  })

  it('removes an unused region', () => {
    expect(run(...ADD).code).toBe(0)
    expect(json(run('region', 'remove', 'gz-1', '--json'))).toMatchObject({id: 'gz-1'})
    expect(json(run('region', 'list', '--json'))).toEqual([])
  })
})

describe('govnet region import', () => {
  const samples = path.join(samplesDir, 'regions.json')

  it('imports the sample regions, then refuses them again without --update and leaves them unchanged with it', () => {
    expect(json(run('region', 'import', '--file', samples, '--json'))).toMatchObject({
      created: 6,
      updated: 0,
      unchanged: 0,
      dryRun: false,
    })
    expect(json(run('region', 'list', '--json')).map((r: {id: string}) => r.id)).toEqual([
      'bj-1',
      'gd-dg-1',
      'gd-gz-1',
      'gd-sz-1',
      'gs-1',
      'hi-1',
    ])
    const before = snapshot(db)
    expectError(
      run('region', 'import', '--file', samples),
      regionMsg.importedRegionsExist(
        samples,
        ['bj-1', 'gd-gz-1', 'gd-dg-1', 'hi-1', 'gs-1', 'gd-sz-1'].map((id, i) => ({row: i + 1, id})),
      ),
    )
    expect(json(run('region', 'import', '--file', samples, '--update', '--json'))).toMatchObject({
      created: 0,
      updated: 0,
      unchanged: 6,
    })
    expect(snapshot(db)).toBe(before)
  })

  it('updates a changed region with --update and logs the change', () => {
    const file = path.join(path.dirname(db), 'regions.csv')
    writeFileSync(
      file,
      'id,name,pools,vcpu,ram_gib,storage_gib,max_level\ngz-1,广州一区,"10.20.0.0/22,10.21.0.0/24",100,400,10000,3\n',
    )
    expect(json(run('region', 'import', '--file', file, '--json'))).toMatchObject({created: 1})
    writeFileSync(
      file,
      'id,name,pools,vcpu,ram_gib,storage_gib,max_level\ngz-1,广州一区,"10.20.0.0/22,10.21.0.0/24",200,400,10000,3\n',
    )
    expect(json(run('region', 'import', '--file', file, '--update', '--json'))).toMatchObject({created: 0, updated: 1})
    expect(json(run('region', 'show', 'gz-1', '--json'))).toMatchObject({capacityVcpu: 200})
    expect(
      json(run('changes', 'list', '--entity', 'region', '--id', 'gz-1', '--json')).map(
        (c: {action: string}) => c.action,
      ),
    ).toEqual(['update', 'create'])
  })

  it('reports every bad row with its field and writes nothing', () => {
    const file = path.join(path.dirname(db), 'bad.csv')
    writeFileSync(
      file,
      'id,name,pools,vcpu,ram_gib,storage_gib,max_level\nok-1,好,10.1.0.0/16,1,1,1,3\nBad Id,x,10.2.0.0/16,1,1,1,3\nok-2,y,10.3.0.1/16,1,1,1,5\n',
    )
    const before = snapshot(db)
    const result = run('region', 'import', '--file', file)
    expect(result.code).toBe(3)
    expect(result.stderr).toMatch(/^ {2}row 2, id: /m)
    expect(result.stderr).toMatch(/^ {2}row 3, pools: /m)
    expect(result.stderr).toContain(`  row 3, max_level: ${regionMsg.ratingNotHosted(5)}`)
    expect(result.stderr).toContain(`error: ${file}: 3 problem(s) in 2 row(s); nothing was written`)
    expect(snapshot(db)).toBe(before)
  })
})

describe('many pools and wide extranet ranges (issue 10)', () => {
  const base = {id: 'big-1', name: '大资源池', vcpu: 100, ram_gib: 400, storage_gib: 10_000, max_level: 3}
  /** 20,000 disjoint /24 pools inside 10.0.0.0/8, out of address order. */
  const pools = Array.from({length: 20_000}, (_, i) => `10.${(i * 7) % 256}.${Math.floor(i / 256) % 256}.0/24`)

  it('validates and imports a region with 20,000 pools, and names the two pools of one overlap among them', () => {
    expect(new Set(pools).size).toBe(20_000)
    const file = path.join(path.dirname(db), 'big.json')
    writeFileSync(file, JSON.stringify([{...base, pools}]))
    expect(json(run('region', 'import', '--file', file, '--json'))).toMatchObject({created: 1})
    expect(json(run('region', 'show', 'big-1', '--json')).pools).toHaveLength(20_000)

    const clash = [...pools.slice(0, 12_345), '10.99.3.0/26', ...pools.slice(12_345)]
    expect(clash).toContain('10.99.3.0/24')
    writeFileSync(file, JSON.stringify([{...base, pools: clash}]))
    const before = snapshot(db)
    expectError(
      run('region', 'import', '--file', file, '--update'),
      inventoryMessages.invalidImport(file, [
        {row: 1, field: 'pools', message: regionMsg.poolsOverlap('10.99.3.0/24', '10.99.3.0/26')},
      ]),
    )
    expect(snapshot(db)).toBe(before)
  })

  it('refuses a region whose extranet ranges are all 256 /8s, naming the field and the fix', () => {
    const all8 = Array.from({length: 256}, (_, i) => `${i}.0.0.0/8`)
    const before = snapshot(db)
    const problem = regionMsg.extranetRangesTooMany(256, 2 ** 32, MIN_EXTRANET_PREFIX, MAX_EXTRANET_ADDRESSES)
    expectError(
      run(...ADD.map((arg) => (arg === '59.255.0.0/16' ? all8.join(',') : arg))),
      inventoryMessages.invalidRecord('region', [{field: 'extranet_ranges', message: problem}]),
    )
    expect(problem).toContain('list only the extranet')
    const file = path.join(path.dirname(db), 'wide.json')
    writeFileSync(file, JSON.stringify([{...base, pools: ['10.20.0.0/16'], extranet_ranges: all8}]))
    expectError(
      run('region', 'import', '--file', file),
      inventoryMessages.invalidImport(file, [{row: 1, field: 'extranet_ranges', message: problem}]),
    )
    expect(snapshot(db)).toBe(before)
    expect(run(...ADD).code).toBe(0)
    expectError(
      run('region', 'set', 'gz-1', '--extranet-ranges', all8.join(' ')),
      inventoryMessages.invalidRecord('region', [{field: 'extranet_ranges', message: problem}]),
    )
    expect(json(run('region', 'show', 'gz-1', '--json')).extranetRanges).toEqual(['59.255.0.0/16'])
  })
})
