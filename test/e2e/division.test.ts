import {writeFileSync} from 'node:fs'
import path from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {divisionMessages, inventoryMessages} from '../../src/messages'
import {fixtures, govnet, json, tempDir} from '../helpers/cli'
import {snapshot} from '../helpers/db'
import {expectError, expectJsonError} from '../helpers/expect-error'

const sample = path.join(fixtures, 'divisions-sample.csv')

describe('govnet division', () => {
  let dir: string
  let cleanup: () => void
  let db: string

  beforeAll(() => {
    ;({dir, cleanup} = tempDir())
    db = path.join(dir, 'govnet.db')
    expect(govnet(['init', '--db', db]).code).toBe(0)
  })
  afterAll(() => cleanup())

  it('imports a file and prints the counts per level', () => {
    const result = govnet(['division', 'import', '--db', db, '--file', sample])
    expect(result.code).toBe(0)
    expect(result.stdout).toMatch(/^township\s+609\s+609\s+0\s+0$/m)
    expect(result.stdout).toMatch(/^total\s+650\s+650\s+0\s+0$/m)
  })

  it('re-imports with --json: nothing created or renamed, the JSON contract', () => {
    const result = govnet(['division', 'import', '--db', db, '--file', sample, '--json'])
    expect(result.code).toBe(0)
    expect(json(result)).toEqual({
      source: sample,
      rows: 650,
      created: 0,
      renamed: 0,
      unchanged: 650,
      outsideScope: 0,
      levels: [
        {level: 'province', rows: 4, created: 0, renamed: 0, unchanged: 4},
        {level: 'prefecture', rows: 6, created: 0, renamed: 0, unchanged: 6},
        {level: 'county', rows: 31, created: 0, renamed: 0, unchanged: 31},
        {level: 'township', rows: 609, created: 0, renamed: 0, unchanged: 609},
      ],
      dryRun: false,
    })
  })

  it('lists divisions as JSON', () => {
    const provinces = govnet(['division', 'list', '--db', db, '--json'])
    expect(json(provinces)).toEqual([
      {code: '11', name: '北京市', level: 'province', parentCode: null},
      {code: '44', name: '广东省', level: 'province', parentCode: null},
      {code: '46', name: '海南省', level: 'province', parentCode: null},
      {code: '62', name: '甘肃省', level: 'province', parentCode: null},
    ])
    const townships = json(govnet(['division', 'list', '--db', db, '--parent', '62', '--level', 'township', '--json']))
    expect(townships).toHaveLength(5)
    expect(townships.every((d: {parentCode: string}) => d.parentCode === '620201')).toBe(true)
    const table = govnet(['division', 'list', '--db', db, '--parent', '4419'])
    expect(table.stdout).toMatch(/^CODE\s+NAME\s+LEVEL\s+PARENT$/m)
    expect(table.stdout).toMatch(/^441900\s+东莞市\s+county\s+4419$/m)
  })

  it('shows a division with its parent chain and counts as JSON', () => {
    const result = govnet(['division', 'show', '441900', '--db', db, '--json'])
    expect(result.code).toBe(0)
    const shown = json(result)
    expect(Object.keys(shown).sort()).toEqual(
      [
        'ancestors',
        'children',
        'code',
        'grouping',
        'importedAt',
        'level',
        'name',
        'nodes',
        'parentCode',
        'source',
        'townshipKind',
        'townships',
        'townshipsByKind',
      ].sort(),
    )
    expect(shown).toMatchObject({
      code: '441900',
      name: '东莞市',
      level: 'county',
      parentCode: '4419',
      source: sample,
      ancestors: [
        {code: '44', name: '广东省', level: 'province', parentCode: null},
        {code: '4419', name: '东莞市', level: 'prefecture', parentCode: '44'},
      ],
      children: 36,
      grouping: false,
      townshipKind: null,
      townships: 36,
      townshipsByKind: {street: 4, town: 28, township: 0, other: 4},
      nodes: 0,
    })
    expect(govnet(['division', 'show', '4419', '--db', db]).stdout).toMatch(/^parents\s+44 广东省$/m)
  })

  it("shows a township's kind, the townships below by kind, and a grouping code as such", () => {
    const township = govnet(['division', 'show', '441900101', '--db', db])
    expect(township.stdout).toMatch(/^kind\s+town 镇$/m)
    expect(json(govnet(['division', 'show', '441900101', '--db', db, '--json']))).toMatchObject({
      townshipKind: 'town',
      townshipsByKind: null,
    })
    expect(govnet(['division', 'show', '4419', '--db', db]).stdout).toMatch(
      /^by kind\s+street 街道 4, town 镇 28, township 乡 0, other 其他 4$/m,
    )
    const grouping = govnet(['division', 'show', '1101', '--db', db])
    expect(grouping.stdout).toMatch(/^level\s+prefecture \(NBS grouping code, not a real prefecture\)$/m)
    expect(json(govnet(['division', 'show', '1101', '--db', db, '--json']))).toMatchObject({grouping: true})
  })

  it('lists the townships of one kind, and refuses --kind with another level', () => {
    const towns = json<{code: string}[]>(
      govnet(['division', 'list', '--parent', '4419', '--kind', 'town', '--db', db, '--json']),
    )
    expect(towns).toHaveLength(28)
    expect(towns.every((d) => /^4419001\d\d$/.test(d.code))).toBe(true)
    expectError(
      govnet(['division', 'list', '--kind', 'town', '--level', 'county', '--db', db]),
      divisionMessages.kindNeedsTownships('county'),
    )
  })

  it('exits 4 for an unknown division and 3 for a malformed code', () => {
    expectError(govnet(['division', 'show', '4499', '--db', db]), divisionMessages.divisionNotFound('4499'))
    expectJsonError(
      govnet(['division', 'show', '4499', '--db', db, '--json']),
      divisionMessages.divisionNotFound('4499'),
    )
    expectError(
      govnet(['division', 'list', '--parent', '44-1', '--db', db]),
      divisionMessages.invalidCode('--parent', '"44-1" is not a division code: digits only'),
    )
    expectError(
      govnet(['division', 'list', '--parent', '4419', '--level', 'province', '--db', db]),
      divisionMessages.levelNotBelowParent('4419', 'prefecture', 'province'),
    )
  })

  it('rejects an unknown --level value before touching the inventory', () => {
    const result = govnet(['division', 'list', '--level', 'city', '--db', db])
    expect(result.code).toBe(2)
    expect(result.stderr.replace(/\s*›\s*/g, ' ')).toContain(
      'Expected --level=city to be one of: province, prefecture, county, township, village',
    )
  })

  it('refuses a file with a malformed row and an unknown parent, listing both and writing nothing', () => {
    const before = snapshot(db)
    const file = path.join(dir, 'bad.csv')
    writeFileSync(file, 'code,name\r\n4401999,七位\r\n990101,无父\r\n')
    expectError(
      govnet(['division', 'import', '--db', db, '--file', file]),
      inventoryMessages.invalidImport(file, [
        {row: 1, field: 'code', message: '"4401999" is not a division code: it must have 2, 4, 6, 9 or 12 digits'},
        {row: 2, field: 'code', message: divisionMessages.parentMissing('990101', '9901')},
      ]),
    )
    expect(snapshot(db)).toBe(before)
  })

  it('refuses to import into an inventory that does not exist, creating nothing', () => {
    const missing = path.join(dir, 'missing.db')
    expectError(
      govnet(['division', 'import', '--db', missing, '--file', sample]),
      inventoryMessages.inventoryMissing(missing),
    )
    expect(snapshot(missing)).toBe('absent')
  })

  it('refuses a file with a wrong header, writing nothing', () => {
    const before = snapshot(db)
    const file = path.join(dir, 'header.csv')
    writeFileSync(file, 'code,name,level\n11,北京市,province\n')
    expectJsonError(
      govnet(['division', 'import', '--db', db, '--file', file, '--json']),
      inventoryMessages.invalidImport(file, [
        {field: 'level', message: 'unknown column; expected columns: code, name'},
      ]),
    )
    expect(snapshot(db)).toBe(before)
  })
})
