import {writeFileSync} from 'node:fs'
import path from 'node:path'
import {afterEach, beforeEach, describe, expect, it} from 'vitest'

import {DEFAULT_MAX_LENGTH} from '../../src/domain/fields'
import {MAX_TAGS} from '../../src/domain/nodes'
import {DivisionImporter, fileSource} from '../../src/import/divisions'
import {readImportFile} from '../../src/import/file'
import {importNodes} from '../../src/import/nodes'
import {importRegions} from '../../src/import/regions'
import {importTenants} from '../../src/import/tenants'
import {Inventory} from '../../src/inventory/db'
import {NodeRepository} from '../../src/inventory/nodes'
import {RegionRepository} from '../../src/inventory/regions'
import {TenantRepository} from '../../src/inventory/tenants'
import {inventoryMessages, nodeMessages} from '../../src/messages'
import * as spreadsheetMsg from '../../src/messages/spreadsheet'
import {snapshot} from '../helpers/db'
import {thrown} from '../helpers/expect-error'
import {tempInventory} from '../helpers/inventory'

const HEADER = 'id,name,division,role,mgmt_address,platform'

let dir: string
let db: string
let inventory: Inventory
let cleanup: () => void

beforeEach(() => {
  ;({dir, db, inventory, cleanup} = tempInventory({divisions: true}))
})
afterEach(() => cleanup())

function write(name: string, content: string | Buffer): string {
  const file = path.join(dir, name)
  writeFileSync(file, content)
  return file
}

const nodeRow = (i: number, extra = '') =>
  `gz-n${i},节点${i},4401,core,10.0.${Math.floor(i / 250)}.${(i % 250) + 1},linux${extra}`

describe('CSV structure', () => {
  it('reads a file whose first line ends CRLF and a later one LF', () => {
    const file = write('mixed.csv', `${HEADER}\r\n${nodeRow(1)}\n${nodeRow(2)}\r\n${nodeRow(3)}\n`)
    expect(importNodes(inventory, readImportFile(file))).toMatchObject({created: 3})
  })

  it('names a carriage return without a line feed as the cause of a ragged line', () => {
    const file = write('cr.csv', `${HEADER}\n${nodeRow(1)}\r${nodeRow(2)}\n`)
    expect(thrown(() => readImportFile(file))).toEqual(
      inventoryMessages.unreadableFile(file, inventoryMessages.csvFieldCount(3, 11, 6, true)),
    )
  })

  it('names the line of a ragged row and of an unclosed quote', () => {
    const ragged = write('ragged.csv', `${HEADER}\n${nodeRow(1)}\n${nodeRow(2)},extra\n`)
    expect(thrown(() => readImportFile(ragged))).toEqual(
      inventoryMessages.unreadableFile(ragged, inventoryMessages.csvFieldCount(3, 7, 6, false)),
    )
    const open = write('open.csv', `${HEADER}\n${nodeRow(1)}\n"gz-x,\n`)
    expect(thrown(() => readImportFile(open))).toEqual(
      inventoryMessages.unreadableFile(open, inventoryMessages.csvQuoteNotClosed(3)),
    )
  })
})

describe('bounded output', () => {
  it('a 100,000-column header prints 50 problems and the count of the rest', () => {
    const columns = Array.from({length: 100_000}, (_, i) => `c${i}`)
    const file = write('wide.csv', `${columns.join(',')}\n${columns.map(() => 'x').join(',')}\n`)
    const error = thrown(() => importNodes(inventory, readImportFile(file)))
    expect(error.exit).toBe(3)
    expect(error.details).toHaveLength(inventoryMessages.MAX_PRINTED_PROBLEMS + 1)
    expect(error.details.at(-1)).toBe(inventoryMessages.moreProblems(100_000 + 6 - 50))
  })

  it('60 bad rows: the first 50 printed, the rest counted, the summary counting all', () => {
    const rows = Array.from({length: 60}, (_, i) => `gz-b${i},B,4401,core,10.0.0.1,ios`)
    const file = readImportFile(write('bad.csv', `${HEADER}\n${rows.join('\n')}\n`))
    const error = thrown(() => importNodes(inventory, file))
    expect(error.details).toHaveLength(51)
    expect(error.details.at(-1)).toBe(inventoryMessages.moreProblems(10))
    expect(error.message).toBe(
      inventoryMessages.invalidImport(
        file.file,
        rows.map((_, i) => ({row: i + 1, field: 'platform', message: ''})),
      ).message,
    )
  })

  it('a 10 MB field is refused by its length, without quoting it', () => {
    const huge = 'x'.repeat(10_000_000)
    const file = write(
      'huge.json',
      JSON.stringify([
        {id: huge, name: 'A', division: '4401', role: 'core', mgmt_address: '10.0.0.1', platform: huge, status: huge},
      ]),
    )
    const error = thrown(() => importNodes(inventory, readImportFile(file)))
    expect(error.details).toEqual([
      'row 1, id: is 10000000 characters long; at most 63 are allowed',
      'row 1, platform: is 10000000 characters long; at most 32 are allowed',
      'row 1, status: is 10000000 characters long; at most 32 are allowed',
    ])
  })

  it(`refuses more than ${MAX_TAGS} tags`, () => {
    const tags = Array.from({length: MAX_TAGS + 1}, (_, i) => `t${i}`)
    const file = write(
      'tags.json',
      JSON.stringify([
        {id: 'gz-t', name: 'T', division: '4401', role: 'core', mgmt_address: '10.0.0.1', platform: 'linux', tags},
      ]),
    )
    expect(thrown(() => importNodes(inventory, readImportFile(file))).details).toEqual([
      `row 1, tags: has ${MAX_TAGS + 1} items; at most ${MAX_TAGS} are allowed`,
    ])
    const csv = write('tags.csv', `${HEADER},tags\ngz-t,T,4401,core,10.0.0.1,linux,${tags.join(';')}\n`)
    expect(thrown(() => importNodes(inventory, readImportFile(csv))).details).toEqual([
      `row 1, tags: ${nodeMessages.tooManyTags(MAX_TAGS + 1, MAX_TAGS)}`,
    ])
  })
})

describe('hostile JSON values are field errors naming row and field', () => {
  /** JSON text of a list nested 100,000 deep (JSON.stringify itself cannot write it). */
  const DEEP = `${'['.repeat(100_000)}"x"${']'.repeat(100_000)}`
  const deep = {} // replaced by DEEP in the file's text
  it.each([
    ['an object with its own toString', {toString: 'boom', valueOf: 1}, 'name', 'must be text, got an object'],
    ['an array nested 100,000 deep', deep, 'name', 'must be text, got a list'],
    ['a nested list in a list field', deep, 'tags', 'every item must be text, got a list'],
    [
      'a number where a slug is expected',
      42,
      'id',
      "\"42\" is not a valid id: use lower-case letters, digits, '.', '_' and '-', at most 63 characters, starting with a letter or digit",
    ],
    ['a boolean where text is expected', true, 'name', 'must be text, got boolean'],
  ])('%s', (_, value, field, message) => {
    const row = {
      id: 'gz-h',
      name: 'H',
      division: '4401',
      role: 'core',
      mgmt_address: '10.0.0.1',
      platform: 'linux',
      [field]: value,
    }
    const file = write('hostile.json', JSON.stringify([row]).replace('{}', DEEP))
    const before = snapshot(db)
    const error = thrown(() => importNodes(inventory, readImportFile(file)))
    expect(error.exit).toBe(3)
    expect(error.details).toEqual([`row 1, ${field}: ${message}`])
    expect(snapshot(db)).toBe(before)
  })

  it('a value with a line break is quoted on one line', () => {
    const row = {id: 'gz-n', name: 'N', division: '4401', role: 'core', mgmt_address: 'a\nb c', platform: 'linux'}
    const error = thrown(() => importNodes(inventory, readImportFile(write('nl.json', JSON.stringify([row])))))
    expect(error.details).toHaveLength(1)
    expect(error.details[0]).toMatch(/^row 1, mgmt_address: .*a\\x0ab c/)
  })

  it('a text field longer than the default limit', () => {
    const file = write(
      'long.json',
      JSON.stringify([
        {
          id: 'gz-l',
          name: 'n'.repeat(300),
          division: '4401',
          role: 'core',
          mgmt_address: '10.0.0.1',
          platform: 'linux',
        },
      ]),
    )
    expect(thrown(() => importNodes(inventory, readImportFile(file))).details).toEqual([
      `row 1, name: is 300 characters long; at most ${DEFAULT_MAX_LENGTH} are allowed`,
    ])
  })
})

describe('--update with only some columns', () => {
  it('nodes: columns the file leaves out keep their stored values', () => {
    importNodes(inventory, readImportFile(write('all.csv', `${HEADER},tags\n${nodeRow(1, ',a;b')}\n`)))
    const file = readImportFile(write('status.csv', 'id,status\ngz-n1,active\n'))
    expect(thrown(() => importNodes(inventory, file)).details).toContain('name: required column is missing')
    expect(importNodes(inventory, file, {update: true})).toMatchObject({updated: 1})
    expect(new NodeRepository(inventory).get('gz-n1')).toMatchObject({
      name: '节点1',
      status: 'active',
      tags: ['a', 'b'],
    })
  })

  it('nodes: a new id in a partial file is refused for its missing fields', () => {
    const file = readImportFile(write('new.csv', 'id,status\ngz-new,active\n'))
    expect(thrown(() => importNodes(inventory, file, {update: true})).details).toEqual([
      'row 1, name: is required',
      'row 1, division: is required',
      'row 1, role: is required',
      'row 1, mgmt_address: is required',
      'row 1, platform: is required',
    ])
  })

  it('tenants and regions: the same', () => {
    const regions = write(
      'regions.csv',
      'id,name,pools,vcpu,ram_gib,storage_gib,max_level\ngz-1,广州一区,10.20.0.0/16,100,400,10000,3\n',
    )
    importRegions(inventory, readImportFile(regions))
    expect(
      importRegions(inventory, readImportFile(write('r.csv', 'id,vcpu\ngz-1,200\n')), {update: true}),
    ).toMatchObject({updated: 1})
    expect(new RegionRepository(inventory).get('gz-1')).toMatchObject({
      name: '广州一区',
      capacityVcpu: 200,
      pools: ['10.20.0.0/16'],
    })
    const tenants = write(
      'tenants.csv',
      'id,name,department,uscc,region,level,exposure,vcpu,ram_gib,storage_gib\ngz-t,门户,广州市政务服务数据管理局,114400000069381373,gz-1,2,extranet,8,32,500\n',
    )
    importTenants(inventory, readImportFile(tenants))
    expect(
      importTenants(inventory, readImportFile(write('t.csv', 'id,status\ngz-t,active\n')), {update: true}),
    ).toMatchObject({updated: 1})
    expect(new TenantRepository(inventory).get('gz-t')).toMatchObject({name: '门户', status: 'active', quotaVcpu: 8})
  })
})

describe('--village-codes', () => {
  it('reads the 12-digit village form of a township as the township, for nodes and divisions', () => {
    const divisions = write('d.csv', 'code,name\n440103998000,新街道\n')
    expect(thrown(() => new DivisionImporter(inventory).import(fileSource(divisions))).details).toEqual([
      `row 1, code: ${spreadsheetMsg.villageFormOfTownship('440103998000', '440103998')}`,
    ])
    expect(new DivisionImporter(inventory).import(fileSource(divisions), {villageCodes: true})).toMatchObject({
      created: 1,
    })
    const nodes = readImportFile(
      write('n.csv', `id,name,division,role,mgmt_address,platform\ngz-v,V,440103998000,access,10.0.9.1,linux\n`),
    )
    expect(thrown(() => importNodes(inventory, nodes)).exit).toBe(3)
    expect(importNodes(inventory, nodes, {villageCodes: true})).toMatchObject({created: 1})
    expect(new NodeRepository(inventory).get('gz-v')).toMatchObject({divisionCode: '440103998', tier: 'township'})
  })
})

describe('division import --dry-run', () => {
  it('counts what it would create and writes nothing', () => {
    const before = snapshot(db)
    const result = new DivisionImporter(inventory).import(
      fileSource(write('d.csv', 'code,name\n440103997,新街道\n4401,广州市\n')),
      {dryRun: true},
    )
    expect(result).toMatchObject({dryRun: true, created: 1, unchanged: 1, renamed: 0})
    expect(snapshot(db)).toBe(before)
  })
})

describe('encodings in process', () => {
  it('refuses a byte that is not UTF-8, naming its line', () => {
    const file = write(
      'latin1.csv',
      Buffer.concat([Buffer.from(`${HEADER}\n${nodeRow(1)}\n`), Buffer.from([0x67, 0x7a, 0xe9, 0x0a])]),
    )
    const error = thrown(() => readImportFile(file))
    expect(error.exit).toBe(3)
    expect(error.message).toMatch(/line 3 is not valid UTF-8/)
  })

  it('refuses bytes that are not GB18030 with --encoding gb18030', () => {
    const file = write('bad-gb.csv', Buffer.concat([Buffer.from(`${HEADER}\n`), Buffer.from([0x61, 0x81, 0x20, 0x0a])]))
    expect(thrown(() => readImportFile(file, {encoding: 'gb18030'})).message).toMatch(/line 2 is not valid GB18030/)
  })

  it('refuses UTF-16 without a byte-order mark unless the order is named', () => {
    const file = write('u16.csv', Buffer.from(`${HEADER}\n`, 'utf16le'))
    expect(thrown(() => readImportFile(file, {encoding: 'utf-16'}))).toEqual(inventoryMessages.utf16WithoutBom(file))
    expect(readImportFile(file, {encoding: 'utf-16le'}).columns).toEqual(HEADER.split(','))
  })
})

describe('progress', () => {
  it('reports every row checked, then every row written', () => {
    const rows = Array.from({length: 2500}, (_, i) => nodeRow(i))
    const file = readImportFile(write('many.csv', `${HEADER}\n${rows.join('\n')}\n`))
    const seen: Record<string, {total: number; ticked: number; stopped: boolean}> = {}
    importNodes(inventory, file, {
      progress: (phase, total) => {
        const meter = (seen[phase] = {total, ticked: 0, stopped: false})
        return {tick: (count) => (meter.ticked += count), stop: () => (meter.stopped = true)}
      },
    })
    expect(seen).toEqual({
      check: {total: 2500, ticked: 2500, stopped: true},
      write: {total: 2500, ticked: 2500, stopped: true},
    })
  })
})
