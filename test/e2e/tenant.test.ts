import {cpSync, writeFileSync} from 'node:fs'
import path from 'node:path'
import {afterAll, afterEach, beforeAll, beforeEach, describe, expect, it} from 'vitest'

import {ControlResult} from '../../src/domain/mlps'
import {Tenant} from '../../src/domain/tenants'
import {usccProblem} from '../../src/domain/uscc'
import type {TenantReadiness} from '../../src/provision/check'
import {samplesDir} from '../../src/paths'
import {gradingMessages, inventoryMessages, nodeMessages, provisionMessages, tenantMessages} from '../../src/messages'
import {govnet, json, tempDir} from '../helpers/cli'
import {snapshot} from '../helpers/db'
import {expectError, expectJsonError} from '../helpers/expect-error'

const HEADER =
  'id,name,department,uscc,region,level,exposure,vcpu,ram_gib,storage_gib,cidr,filing_number,assessed_on,graded_on,live_on,status,classified'
const TENANT_KEYS = [
  'id',
  'name',
  'departmentName',
  'departmentUscc',
  'region',
  'mlpsLevel',
  'exposure',
  'quotaVcpu',
  'quotaRamGib',
  'quotaStorageGib',
  'cidr',
  'filingNumber',
  'lastAssessedOn',
  'gradedOn',
  'liveOn',
  'status',
  'createdAt',
  'updatedAt',
].sort()
const BAD_USCC = '114400000069381374'

let dir: string
let cleanup: () => void
let db: string
/** An inventory with the sample regions (a tenant is placed in a region the inventory defines), copied for each test. */
let template: {dir: string; cleanup: () => void}

beforeAll(() => {
  template = tempDir()
  const templateDb = path.join(template.dir, 'govnet.db')
  expect(govnet(['init', '--db', templateDb]).code).toBe(0)
  expect(govnet(['region', 'import', '--file', path.join(samplesDir, 'regions.json'), '--db', templateDb]).code).toBe(0)
})
afterAll(() => template.cleanup())

beforeEach(() => {
  ;({dir, cleanup} = tempDir())
  db = path.join(dir, 'govnet.db')
  cpSync(template.dir, dir, {recursive: true})
})
afterEach(() => cleanup())

const run = (...args: string[]) => govnet([...args, '--db', db])

const ZHENGZHAO = {
  name: '电子证照共享平台',
  department: '广东省公安厅',
  uscc: '114400000069381373',
  region: 'gd-gz-1',
  level: '3',
  exposure: 'extranet',
  vcpu: '64',
  'ram-gib': '256',
  'storage-gib': '4096',
  cidr: '10.44.16.0/20',
}
const flags = (fields: Record<string, string>) =>
  Object.entries(fields).flatMap(([flag, value]) => [`--${flag}`, value])
const addZhengzhao = (overrides: Record<string, string> = {}, ...extra: string[]) =>
  run('tenant', 'add', 'gd-gat-zhengzhao', ...flags({...ZHENGZHAO, ...overrides}), ...extra)

function writeFile(name: string, content: string): string {
  const file = path.join(dir, name)
  writeFileSync(file, content)
  return file
}

describe('tenant add / show / list', () => {
  it('adds a tenant and shows it, in a table and as JSON', () => {
    const added = addZhengzhao({uscc: '114400000069381373'.toLowerCase()}, '--json')
    expect(added.code).toBe(0)
    const tenant = json<Tenant>(added)
    expect(Object.keys(tenant).sort()).toEqual(TENANT_KEYS)
    expect(tenant).toMatchObject({
      id: 'gd-gat-zhengzhao',
      name: '电子证照共享平台',
      departmentName: '广东省公安厅',
      departmentUscc: '114400000069381373',
      region: 'gd-gz-1',
      mlpsLevel: 3,
      exposure: 'extranet',
      quotaVcpu: 64,
      quotaRamGib: 256,
      quotaStorageGib: 4096,
      cidr: '10.44.16.0/20',
      filingNumber: null,
      lastAssessedOn: null,
      gradedOn: null,
      liveOn: null,
      status: 'requested',
    })
    expect(json(run('tenant', 'show', 'gd-gat-zhengzhao', '--json'))).toEqual({...tenant, provisioning: null})
    const shown = run('tenant', 'show', 'gd-gat-zhengzhao')
    expect(shown.code).toBe(0)
    expect(shown.stdout).toMatch(/^USCC\s+114400000069381373$/m)
    expect(json<Tenant[]>(run('tenant', 'list', '--json'))).toEqual([tenant])
    const table = run('tenant', 'list', '--level', '3')
    expect(table.stdout.split('\n')[0]).toMatch(/^ID\s+NAME\s+DEPARTMENT\s+REGION\s+LEVEL\s+EXPOSURE\s+STATUS\s+CIDR$/)
    expect(table.stdout).toContain('gd-gat-zhengzhao')
    expect(json(run('tenant', 'list', '--level', '2', '--json'))).toEqual([])
  })

  it('refuses a batch without a selection, with both an id and a selection, or with a bad --under, writing nothing', () => {
    const before = snapshot(db)
    expectError(run('tenant', 'up'), provisionMessages.batchSelectionMissing('up'))
    expectError(
      run('tenant', 'destroy', 'gd-gat-zhengzhao', '--all'),
      provisionMessages.batchSelectionWithId('destroy', 'gd-gat-zhengzhao'),
    )
    expectError(run('tenant', 'preview', '--under', '44x'), provisionMessages.batchUnderInvalid('44x'))
    expect(snapshot(db)).toBe(before)
  })

  it('refuses a bad USCC, naming the field and the expected check character, and writes nothing', () => {
    const before = snapshot(db)
    expectError(
      addZhengzhao({uscc: BAD_USCC}),
      inventoryMessages.invalidRecord('tenant', [{field: 'uscc', message: usccProblem(BAD_USCC)!}]),
    )
    expect(snapshot(db)).toBe(before)
  })

  it('refuses a classified system and level 5, with the reasons', () => {
    const before = snapshot(db)
    expectError(
      addZhengzhao({}, '--classified'),
      inventoryMessages.invalidRecord('tenant', [{field: 'classified', message: tenantMessages.classifiedRefused()}]),
    )
    expectJsonError(
      addZhengzhao({level: '5'}, '--json'),
      inventoryMessages.invalidRecord('tenant', [{field: 'level', message: tenantMessages.levelNotHosted(5)}]),
    )
    expect(snapshot(db)).toBe(before)
  })

  it('refuses a region the inventory does not define on add, set and import, naming it, and writes nothing', () => {
    const unknown = (region: string, row?: number) => [
      {row, field: 'region', message: tenantMessages.unknownRegion(region)},
    ]
    const before = snapshot(db)
    expectError(addZhengzhao({region: 'gd-gz-9'}), inventoryMessages.invalidRecord('tenant', unknown('gd-gz-9')))
    expectJsonError(
      addZhengzhao({region: 'gd-gz-9'}, '--json'),
      inventoryMessages.invalidRecord('tenant', unknown('gd-gz-9')),
    )
    expect(snapshot(db)).toBe(before)
    expect(addZhengzhao().code).toBe(0)
    const added = snapshot(db)
    expectError(
      run('tenant', 'set', 'gd-gat-zhengzhao', '--region', 'gd-sz-9'),
      inventoryMessages.invalidRecord('tenant', unknown('gd-sz-9')),
    )
    const row = (id: string, region: string) =>
      `${id},门户,广州市人民政府办公厅,114400000069381373,${region},1,internet,2,4,100,,,,,,,`
    const file = writeFile('regions.csv', [HEADER, row('gz-a', 'gd-gz-1'), row('gz-b', 'gd-gz-2')].join('\n'))
    expectError(run('tenant', 'import', '--file', file), inventoryMessages.invalidImport(file, unknown('gd-gz-2', 2)))
    expect(snapshot(db)).toBe(added)
  })

  it('refuses an unaligned CIDR and a duplicate id', () => {
    expectError(
      addZhengzhao({cidr: '10.44.16.1/20'}),
      inventoryMessages.invalidRecord('tenant', [
        {field: 'cidr', message: '"10.44.16.1/20" is not a network address: the block is 10.44.16.0/20'},
      ]),
    )
    expect(addZhengzhao().code).toBe(0)
    const before = snapshot(db)
    expectError(addZhengzhao(), tenantMessages.tenantExists('gd-gat-zhengzhao'))
    expect(snapshot(db)).toBe(before)
  })

  it('says when a tenant is not found', () => {
    expectError(run('tenant', 'show', 'nope'), tenantMessages.tenantNotFound('nope'))
    expectJsonError(run('tenant', 'show', 'nope', '--json'), tenantMessages.tenantNotFound('nope'))
  })
})

describe('tenant set / remove', () => {
  it('changes fields, clears optional ones, and logs the change', () => {
    addZhengzhao()
    const result = run(
      'tenant',
      'set',
      'gd-gat-zhengzhao',
      '--filing-number',
      '44000043001-23001',
      '--cidr',
      '',
      '--json',
    )
    expect(result.code).toBe(0)
    expect(json(result)).toMatchObject({
      changed: ['cidr', 'filingNumber'],
      tenant: {cidr: null, filingNumber: '44000043001-23001'},
    })
    const again = run('tenant', 'set', 'gd-gat-zhengzhao', '--filing-number', '44000043001-23001')
    expect(again.stdout.split('\n')[0]).toBe('nothing changed')
    const log = json<Array<{action: string; entity: string}>>(run('changes', 'list', '--entity', 'tenant', '--json'))
    expect(log.map((c) => c.action)).toEqual(['update', 'create'])
  })

  it('refuses an invalid change or none at all, writing nothing', () => {
    addZhengzhao()
    const before = snapshot(db)
    expectError(
      run('tenant', 'set', 'gd-gat-zhengzhao', '--assessed-on', '2026-02-30', '--classified'),
      inventoryMessages.invalidRecord('tenant', [
        {field: 'assessed_on', message: '"2026-02-30" is not a date in the form YYYY-MM-DD'},
        {field: 'classified', message: tenantMessages.classifiedRefused()},
      ]),
    )
    expectError(run('tenant', 'set', 'gd-gat-zhengzhao'), nodeMessages.nothingToSet())
    expectError(run('tenant', 'set', 'nope', '--vcpu', '2'), tenantMessages.tenantNotFound('nope'))
    expect(snapshot(db)).toBe(before)
  })

  it('removes a requested tenant but not an active one', () => {
    addZhengzhao({status: 'active'})
    const before = snapshot(db)
    expectError(
      run('tenant', 'remove', 'gd-gat-zhengzhao'),
      tenantMessages.tenantNotRemovable('gd-gat-zhengzhao', 'active'),
    )
    expect(snapshot(db)).toBe(before)
    expect(run('tenant', 'set', 'gd-gat-zhengzhao', '--status', 'decommissioned').code).toBe(0)
    const removed = run('tenant', 'remove', 'gd-gat-zhengzhao', '--json')
    expect(removed.code).toBe(0)
    expect(json<Tenant>(removed)).toMatchObject({id: 'gd-gat-zhengzhao', status: 'decommissioned'})
    expectError(run('tenant', 'remove', 'gd-gat-zhengzhao'), tenantMessages.tenantNotFound('gd-gat-zhengzhao'))
  })
})

describe('tenant import', () => {
  const samples = path.join(samplesDir, 'tenants.csv')

  it('imports the samples, dry-runs and re-imports with --update without changes', () => {
    const dry = run('tenant', 'import', '--file', samples, '--dry-run', '--json')
    expect(json(dry)).toEqual({file: samples, dryRun: true, created: 36, updated: 0, unchanged: 0})
    expect(json(run('tenant', 'list', '--json'))).toEqual([])
    const first = run('tenant', 'import', '--file', samples)
    expect(first.code).toBe(0)
    expect(first.stdout).toBe(`${samples}: 36 created, 0 updated, 0 unchanged\n`)
    const before = snapshot(db)
    expect(json(run('tenant', 'import', '--file', samples, '--update', '--json'))).toMatchObject({
      created: 0,
      updated: 0,
      unchanged: 36,
    })
    expect(snapshot(db)).toBe(before)
  })

  it('refuses the whole file over one bad row, naming row and field for each problem', () => {
    const file = writeFile(
      'bad.csv',
      [
        HEADER,
        `gz-ok,穗好办,广州市政务服务和数据管理局,11440100006939804T,gd-gz-1,2,both,8,32,100,,,,,,,`,
        `gz-bad,坏,广州市公安局,${BAD_USCC},gd-gz-1,3,extranet,8,32,100,,,,,,,`,
        `gz-secret,涉密,某单位,114400000069381373,gd-gz-1,3,extranet,8,32,100,,,,,,,yes`,
        `gz-five,五级,某单位,114400000069381373,gd-gz-1,5,extranet,8,32,100,,,,,,,`,
      ].join('\r\n'),
    )
    const before = snapshot(db)
    expectError(
      run('tenant', 'import', '--file', file),
      inventoryMessages.invalidImport(file, [
        {row: 2, field: 'uscc', message: usccProblem(BAD_USCC)!},
        {row: 3, field: 'classified', message: tenantMessages.classifiedRefused()},
        {row: 4, field: 'level', message: tenantMessages.levelNotHosted(5)},
      ]),
    )
    expect(snapshot(db)).toBe(before)
  })

  it('refuses an unknown column', () => {
    const file = writeFile(
      'cols.csv',
      `${HEADER},owner\nx,x,x,114400000069381373,gd-gz-1,1,extranet,1,1,1,,,,,,,,bob\n`,
    )
    const before = snapshot(db)
    expectError(
      run('tenant', 'import', '--file', file),
      inventoryMessages.invalidImport(file, [
        {field: 'owner', message: `unknown column; expected columns: ${HEADER.split(',').join(', ')}`},
      ]),
    )
    expect(snapshot(db)).toBe(before)
  })

  it('refuses ids that exist without --update (exit 5)', () => {
    addZhengzhao()
    const {'ram-gib': ramGib, 'storage-gib': storageGib, ...rest} = ZHENGZHAO
    const file = writeFile(
      'dup.json',
      JSON.stringify([{id: 'gd-gat-zhengzhao', ...rest, ram_gib: Number(ramGib), storage_gib: Number(storageGib)}]),
    )
    const before = snapshot(db)
    expectError(
      run('tenant', 'import', '--file', file),
      tenantMessages.importedTenantsExist(file, [{row: 1, id: 'gd-gat-zhengzhao'}]),
    )
    expect(snapshot(db)).toBe(before)
    expect(json(run('tenant', 'import', '--file', file, '--update', '--json'))).toMatchObject({unchanged: 1})
  })
})

describe('tenant check', () => {
  it('reports each control and exits 7 when one fails, as text and as JSON', () => {
    addZhengzhao({status: 'active', 'assessed-on': '2025-11-25', 'live-on': '2026-10-01'})
    // Replayed inside the filing window and before the assessment is due, nothing fails.
    const earlier = run('tenant', 'check', 'gd-gat-zhengzhao', '--today', '2026-10-31')
    expect(earlier.code).toBe(0)
    expect(earlier.stdout).toContain(gradingMessages.filingDue('2026-10-01', '2026-10-31'))
    const text = run('tenant', 'check', 'gd-gat-zhengzhao', '--today', '2026-11-26')
    expect(text.code).toBe(7)
    expect(text.stdout).toMatch(
      /^assessment-interval\s+fail\s+assessment overdue: last assessed 2025-11-25, due by 2026-11-25$/m,
    )
    expect(text.stdout).toContain(gradingMessages.filingOverdue(3, 30, '2026-10-01', '2026-10-31'))
    expect(text.stdout).toContain(
      'tenant gd-gat-zhengzhao (level 3) fails 2 control(s) on 2026-11-26: assessment-interval, filing',
    )

    const result = run('tenant', 'check', 'gd-gat-zhengzhao', '--today', '2026-11-26', '--json')
    expect(result.code).toBe(7)
    const check = json<TenantReadiness>(result)
    expect(Object.keys(check).sort()).toEqual([
      'failed',
      'level',
      'passed',
      'preflight',
      'results',
      'status',
      'tenant',
      'today',
    ])
    expect(check.preflight).toMatchObject({target: 'local', ok: true})
    expect(check).toMatchObject({
      tenant: 'gd-gat-zhengzhao',
      level: 3,
      status: 'active',
      today: '2026-11-26',
      passed: false,
      failed: ['assessment-interval', 'filing'],
    })
    for (const r of check.results) expect(Object.keys(r).sort()).toEqual(['controlId', 'reason', 'status', 'title'])
    const statuses = new Set(check.results.map((r: ControlResult) => r.status))
    expect(statuses).toEqual(new Set(['fail', 'enforced-by-stack', 'operator']))
  })

  it('exits 0 when nothing fails', () => {
    addZhengzhao({status: 'active', 'assessed-on': '2025-11-25', 'filing-number': '44000043001-23001'})
    const result = run('tenant', 'check', 'gd-gat-zhengzhao', '--today', '2026-11-25', '--json')
    expect(result.code).toBe(0)
    expect(json<TenantReadiness>(result)).toMatchObject({passed: true, failed: [], preflight: {ok: true}})
  })

  it('fails the pre-flight (exit 7) when the record passes but the region cannot host the tenant', () => {
    // Rated first: a region's rating cannot go below the level of a tenant it holds.
    expect(run('region', 'set', 'gd-gz-1', '--max-level', '2').code).toBe(0)
    addZhengzhao({status: 'active', 'assessed-on': '2025-11-25', 'filing-number': '44000043001-23001'})
    const report = json<TenantReadiness>(run('tenant', 'check', 'gd-gat-zhengzhao', '--today', '2026-11-25', '--json'))
    expect(report).toMatchObject({passed: false, failed: [], preflight: {target: 'local', ok: false}})
    expect(report.preflight.findings.filter((f) => !f.ok).map((f) => f.check)).toEqual(['region-rating'])
    const text = run('tenant', 'check', 'gd-gat-zhengzhao', '--today', '2026-11-25')
    expect(text.code).toBe(7)
    expect(text.stdout).toMatch(/^region-rating\s+fail\s+level 3 is above the rating of region gd-gz-1 \(level 2\)/m)
    expect(text.stdout).toContain('pre-flight for the local target fails: region-rating')
  })

  it('refuses a bad --today and an unknown tenant', () => {
    addZhengzhao()
    expectError(
      run('tenant', 'check', 'gd-gat-zhengzhao', '--today', '25/11/2026'),
      tenantMessages.invalidToday('25/11/2026'),
    )
    expectJsonError(run('tenant', 'check', 'nope', '--json'), tenantMessages.tenantNotFound('nope'))
  })
})
