import {writeFileSync} from 'node:fs'
import path from 'node:path'
import {afterEach, beforeEach, describe, expect, it} from 'vitest'

import {parseTenant, Tenant} from '../../src/domain/tenants'
import {usccProblem} from '../../src/domain/uscc'
import {ChangeLog} from '../../src/inventory/changes'
import {Inventory} from '../../src/inventory/db'
import {ImportFile, readImportFile} from '../../src/import/file'
import {TenantRepository} from '../../src/inventory/tenants'
import {checkTenant} from '../../src/provision/check'
import {importRegions} from '../../src/import/regions'
import {importTenants} from '../../src/import/tenants'
import {samplesDir} from '../../src/paths'
import {gradingMessages, inventoryMessages, tenantMessages} from '../../src/messages'
import {snapshot} from '../helpers/db'
import {thrown} from '../helpers/expect-error'
import {tempInventory} from '../helpers/inventory'

const HEADER =
  'id,name,department,uscc,region,level,exposure,vcpu,ram_gib,storage_gib,cidr,filing_number,assessed_on,graded_on,live_on,status,classified'
const zhengzhao = {
  id: 'gd-gat-zhengzhao',
  name: '电子证照共享平台',
  department: '广东省公安厅',
  uscc: '114400000069381373',
  region: 'gd-gz-1',
  level: '3',
  exposure: 'extranet',
  vcpu: '64',
  ram_gib: '256',
  storage_gib: '4096',
  cidr: '10.44.16.0/20',
}
const menhu = {
  ...zhengzhao,
  id: 'gz-thq-menhu',
  name: '天河区政府门户网站',
  department: '广州市天河区人民政府办公室',
  level: '1',
  exposure: 'internet',
  cidr: '',
}
const csvLine = (t: Record<string, string>) =>
  HEADER.split(',')
    .map((c) => t[c] ?? '')
    .join(',')

let dir: string
let cleanup: () => void
let dbPath: string
let inventory: Inventory
let tenants: TenantRepository
let changes: ChangeLog

function csvFile(name: string, lines: string[]): ImportFile {
  const file = path.join(dir, name)
  writeFileSync(file, lines.join('\r\n'))
  return readImportFile(file)
}

beforeEach(() => {
  ;({dir, db: dbPath, inventory, cleanup} = tempInventory({actor: 'alice'}))
  // The sample regions (gd-gz-1, bj-1 …): a tenant is placed in a region the inventory defines.
  importRegions(inventory, readImportFile(path.join(samplesDir, 'regions.json')))
  tenants = new TenantRepository(inventory)
  changes = new ChangeLog(inventory)
})
afterEach(() => {
  inventory.close()
  cleanup()
})

describe('TenantRepository', () => {
  it('adds a tenant with status requested and logs the creation with the actor', () => {
    const added = tenants.add(zhengzhao)
    expect(added).toMatchObject({
      id: 'gd-gat-zhengzhao',
      mlpsLevel: 3,
      status: 'requested',
      filingNumber: null,
      cidr: '10.44.16.0/20',
    })
    expect(added.createdAt).toBe(added.updatedAt)
    expect(tenants.get('gd-gat-zhengzhao')).toEqual(added)
    const [change] = changes.list({entity: 'tenant'})
    expect(change).toMatchObject({actor: 'alice', entityId: 'gd-gat-zhengzhao', action: 'create', before: null})
    expect(change!.after).toEqual(parseTenant(zhengzhao, tenants.knownRegions()).tenant)
  })

  it('refuses an invalid tenant and a duplicate id, writing nothing', () => {
    tenants.add(zhengzhao)
    const before = snapshot(dbPath)
    const invalid = thrown(() => tenants.add({...menhu, uscc: '114400000069381374', classified: 'yes'}))
    expect(invalid).toEqual(
      inventoryMessages.invalidRecord('tenant', [
        {field: 'uscc', message: usccProblem('114400000069381374')!},
        {field: 'classified', message: tenantMessages.classifiedRefused()},
      ]),
    )
    expect(invalid.exit).toBe(3)
    expect(thrown(() => tenants.add(zhengzhao))).toEqual(tenantMessages.tenantExists('gd-gat-zhengzhao'))
    expect(snapshot(dbPath)).toBe(before)
  })

  it('refuses a region the inventory does not define, on add and on set, writing nothing', () => {
    tenants.add(zhengzhao)
    const before = snapshot(dbPath)
    const unknown = (region: string) =>
      inventoryMessages.invalidRecord('tenant', [{field: 'region', message: tenantMessages.unknownRegion(region)}])
    const added = thrown(() => tenants.add({...menhu, region: 'gd-gz-9'}))
    expect(added).toEqual(unknown('gd-gz-9'))
    expect(added.exit).toBe(3)
    expect(thrown(() => tenants.set('gd-gat-zhengzhao', {region: 'gd-sz-9'}))).toEqual(unknown('gd-sz-9'))
    expect(snapshot(dbPath)).toBe(before)
  })

  it('refuses a block that overlaps another tenant in the same region, on add and on set', () => {
    tenants.add(zhengzhao)
    const before = snapshot(dbPath)
    const overlap = inventoryMessages.invalidRecord('tenant', [
      {
        field: 'cidr',
        message: tenantMessages.cidrOverlaps('10.44.20.0/24', 'gd-gat-zhengzhao', '10.44.16.0/20', 'gd-gz-1'),
      },
    ])
    expect(thrown(() => tenants.add({...menhu, cidr: '10.44.20.0/24'}))).toEqual(overlap)
    expect(snapshot(dbPath)).toBe(before)
    tenants.add(menhu)
    expect(thrown(() => tenants.set('gz-thq-menhu', {cidr: '10.44.20.0/24'}))).toEqual(overlap)
    expect(tenants.add({...menhu, id: 'bj-jxj-guanwang', region: 'bj-1', cidr: '10.44.20.0/24'}).cidr).toBe(
      '10.44.20.0/24',
    )
    expect(tenants.get('gz-thq-menhu')!.cidr).toBeNull()
  })

  it('lists by level, status and region', () => {
    tenants.add(zhengzhao)
    tenants.add(menhu)
    tenants.add({...menhu, id: 'bj-jxj-guanwang', region: 'bj-1', status: 'active'})
    expect(tenants.list().map((t) => t.id)).toEqual(['bj-jxj-guanwang', 'gd-gat-zhengzhao', 'gz-thq-menhu'])
    expect(tenants.list({level: 1}).map((t) => t.id)).toEqual(['bj-jxj-guanwang', 'gz-thq-menhu'])
    expect(tenants.list({level: 1, status: 'active'}).map((t) => t.id)).toEqual(['bj-jxj-guanwang'])
    expect(tenants.list({region: 'gd-gz-1', level: 3}).map((t) => t.id)).toEqual(['gd-gat-zhengzhao'])
    expect(tenants.list({region: 'nowhere'})).toEqual([])
  })

  it('sets fields, logs only real changes, and reports the changed fields', () => {
    const added = tenants.add(zhengzhao)
    const result = tenants.set('gd-gat-zhengzhao', {filing_number: '44000043001-23001', cidr: ''})
    expect(result.changed).toEqual(['cidr', 'filingNumber'])
    expect(result.tenant).toMatchObject({cidr: null, filingNumber: '44000043001-23001', createdAt: added.createdAt})
    const again = tenants.set('gd-gat-zhengzhao', {filing_number: '44000043001-23001'})
    expect(again.changed).toEqual([])
    expect(changes.list({entity: 'tenant'}).map((c) => c.action)).toEqual(['update', 'create'])
    const [update] = changes.list({entity: 'tenant'})
    expect(update).toMatchObject({
      before: {cidr: '10.44.16.0/20', filingNumber: null},
      after: {cidr: null, filingNumber: '44000043001-23001'},
    })
  })

  it('refuses a set that makes the record invalid, or a missing tenant', () => {
    tenants.add(zhengzhao)
    const before = snapshot(dbPath)
    expect(thrown(() => tenants.set('gd-gat-zhengzhao', {level: '5'}))).toEqual(
      inventoryMessages.invalidRecord('tenant', [{field: 'level', message: tenantMessages.levelNotHosted(5)}]),
    )
    expect(thrown(() => tenants.set('nope', {vcpu: '2'}))).toEqual(tenantMessages.tenantNotFound('nope'))
    expect(snapshot(dbPath)).toBe(before)
  })

  it('writes back a status, logging it once', () => {
    tenants.add(zhengzhao)
    expect(tenants.setStatus('gd-gat-zhengzhao', 'provisioning').status).toBe('provisioning')
    expect(tenants.setStatus('gd-gat-zhengzhao', 'provisioning').status).toBe('provisioning')
    const [update] = changes.list({entity: 'tenant'})
    expect(update).toMatchObject({action: 'update', before: {status: 'requested'}, after: {status: 'provisioning'}})
    expect(changes.list({entity: 'tenant'})).toHaveLength(2)
  })

  it('removes only tenants without resources', () => {
    tenants.add({...zhengzhao, status: 'active'})
    const before = snapshot(dbPath)
    expect(thrown(() => tenants.remove('gd-gat-zhengzhao'))).toEqual(
      tenantMessages.tenantNotRemovable('gd-gat-zhengzhao', 'active'),
    )
    expect(snapshot(dbPath)).toBe(before)
    tenants.setStatus('gd-gat-zhengzhao', 'decommissioned')
    expect(tenants.remove('gd-gat-zhengzhao').id).toBe('gd-gat-zhengzhao')
    expect(tenants.get('gd-gat-zhengzhao')).toBeUndefined()
    expect(changes.list({entity: 'tenant'})[0]).toMatchObject({
      action: 'delete',
      after: null,
      before: {status: 'decommissioned'},
    })
    expect(thrown(() => tenants.remove('gd-gat-zhengzhao')).exit).toBe(4)
  })
})

describe('importTenants', () => {
  it('imports the samples, then re-imports them with --update writing and logging nothing', () => {
    const file = readImportFile(path.join(samplesDir, 'tenants.csv'))
    const first = importTenants(inventory, file)
    expect(first).toMatchObject({created: file.rows.length, updated: 0, unchanged: 0, dryRun: false})
    expect(file.rows.length).toBeGreaterThanOrEqual(24)
    expect(new Set(tenants.list().map((t) => t.mlpsLevel))).toEqual(new Set([1, 2, 3, 4]))
    const before = snapshot(dbPath)
    expect(importTenants(inventory, file, {update: true})).toMatchObject({
      created: 0,
      updated: 0,
      unchanged: file.rows.length,
    })
    expect(snapshot(dbPath)).toBe(before)
  })

  it('gives tenant check something to report in the samples', () => {
    importTenants(inventory, readImportFile(path.join(samplesDir, 'tenants.csv')))
    const checks = tenants.list().map((t) => checkTenant(inventory, t.id, {today: '2026-11-25'}))
    const failing = new Set(checks.flatMap((c) => c.failed))
    expect(failing).toEqual(new Set(['filing', 'assessment-interval']))
    expect(checks.filter((c) => c.passed).length).toBeGreaterThan(checks.length / 2)
  })

  it('updates changed rows with --update, logging one update per changed row', () => {
    importTenants(inventory, csvFile('a.csv', [HEADER, csvLine(zhengzhao), csvLine(menhu)]))
    const result = importTenants(
      inventory,
      csvFile('b.csv', [HEADER, csvLine({...zhengzhao, vcpu: '96'}), csvLine(menhu)]),
      {update: true},
    )
    expect(result).toMatchObject({created: 0, updated: 1, unchanged: 1})
    expect(tenants.get('gd-gat-zhengzhao')!.quotaVcpu).toBe(96)
    expect(changes.list({entity: 'tenant'}).map((c) => `${c.action} ${c.entityId}`)).toEqual([
      'update gd-gat-zhengzhao',
      'create gz-thq-menhu',
      'create gd-gat-zhengzhao',
    ])
  })

  it('refuses existing ids without --update (exit 5), naming each row', () => {
    tenants.add(menhu)
    const before = snapshot(dbPath)
    const error = thrown(() => importTenants(inventory, csvFile('a.csv', [HEADER, csvLine(zhengzhao), csvLine(menhu)])))
    expect(error).toEqual(tenantMessages.importedTenantsExist(path.join(dir, 'a.csv'), [{row: 2, id: 'gz-thq-menhu'}]))
    expect(error.exit).toBe(5)
    expect(snapshot(dbPath)).toBe(before)
  })

  it('reports every problem of every row with row and field, and writes nothing', () => {
    const file = csvFile('bad.csv', [
      HEADER,
      csvLine(zhengzhao),
      csvLine({...menhu, uscc: '114400000069381374'}),
      csvLine({...menhu, id: 'jiami', classified: 'true'}),
      csvLine({...menhu, id: 'l5', level: '5', cidr: '10.1.2.3/24'}),
      csvLine(zhengzhao),
      csvLine({...menhu, id: 'gz-typo', region: 'gd-gz-9'}),
    ])
    const before = snapshot(dbPath)
    const error = thrown(() => importTenants(inventory, file))
    expect(error).toEqual(
      inventoryMessages.invalidImport(file.file, [
        {row: 2, field: 'uscc', message: usccProblem('114400000069381374')!},
        {row: 3, field: 'classified', message: tenantMessages.classifiedRefused()},
        {row: 4, field: 'level', message: tenantMessages.levelNotHosted(5)},
        {row: 4, field: 'cidr', message: '"10.1.2.3/24" is not a network address: the block is 10.1.2.0/24'},
        {row: 5, field: 'id', message: tenantMessages.duplicateId('gd-gat-zhengzhao', 1)},
        {row: 6, field: 'region', message: tenantMessages.unknownRegion('gd-gz-9')},
      ]),
    )
    expect(error.details[0]).toBe(`row 2, uscc: ${usccProblem('114400000069381374')}`)
    expect(snapshot(dbPath)).toBe(before)
  })

  it('refuses blocks that overlap a stored tenant or an earlier row, but not a block the file itself moves', () => {
    tenants.add(zhengzhao)
    tenants.add({...menhu, id: 'gz-moved', cidr: '10.44.64.0/20'})
    const before = snapshot(dbPath)
    const file = csvFile('net.csv', [
      HEADER,
      csvLine({...menhu, id: 'gz-a', cidr: '10.44.17.0/24'}),
      csvLine({...menhu, id: 'gz-b', cidr: '10.44.128.0/20'}),
      csvLine({...menhu, id: 'gz-c', cidr: '10.44.130.0/24'}),
      csvLine({...menhu, id: 'gz-moved', cidr: '10.44.96.0/20'}),
      csvLine({...menhu, id: 'gz-d', cidr: '10.44.64.0/24'}),
    ])
    expect(thrown(() => importTenants(inventory, file, {update: true}))).toEqual(
      inventoryMessages.invalidImport(file.file, [
        {
          row: 1,
          field: 'cidr',
          message: tenantMessages.cidrOverlaps('10.44.17.0/24', 'gd-gat-zhengzhao', '10.44.16.0/20', 'gd-gz-1'),
        },
        {
          row: 3,
          field: 'cidr',
          message: tenantMessages.cidrOverlaps('10.44.130.0/24', 'gz-b', '10.44.128.0/20', 'gd-gz-1'),
        },
      ]),
    )
    expect(snapshot(dbPath)).toBe(before)
  })

  it('refuses unknown and missing columns', () => {
    const file = csvFile('cols.csv', [
      'id,name,department,uscc,region,level,exposure,vcpu,ram_gib,owner',
      'x,x,x,x,x,1,extranet,1,1,bob',
    ])
    expect(thrown(() => importTenants(inventory, file))).toEqual(
      inventoryMessages.invalidImport(file.file, [
        {field: 'owner', message: `unknown column; expected columns: ${HEADER.split(',').join(', ')}`},
        {field: 'storage_gib', message: 'required column is missing'},
      ]),
    )
  })

  it('validates without writing on a dry run, counting what would happen', () => {
    tenants.add(menhu)
    const before = snapshot(dbPath)
    const file = csvFile('a.csv', [HEADER, csvLine(zhengzhao), csvLine({...menhu, vcpu: '8'})])
    expect(importTenants(inventory, file, {dryRun: true, update: true})).toEqual({
      file: file.file,
      dryRun: true,
      created: 1,
      updated: 1,
      unchanged: 0,
    })
    expect(snapshot(dbPath)).toBe(before)
  })

  it('imports JSON with typed values', () => {
    const file = path.join(dir, 't.json')
    writeFileSync(
      file,
      JSON.stringify([{...zhengzhao, level: 3, vcpu: 64, ram_gib: 256, storage_gib: 4096, classified: false}]),
    )
    expect(importTenants(inventory, readImportFile(file))).toMatchObject({created: 1})
    expect(tenants.get('gd-gat-zhengzhao')).toMatchObject<Partial<Tenant>>({mlpsLevel: 3, quotaVcpu: 64})
  })
})

describe('checkTenant', () => {
  it('evaluates against the synced baseline as of --today, and refuses a bad date', () => {
    tenants.add({...zhengzhao, status: 'active', filing_number: '44000043001-23001', assessed_on: '2025-11-25'})
    expect(checkTenant(inventory, 'gd-gat-zhengzhao', {today: '2026-11-25'})).toMatchObject({
      passed: true,
      failed: [],
      level: 3,
    })
    const late = checkTenant(inventory, 'gd-gat-zhengzhao', {today: '2026-11-26'})
    expect(late).toMatchObject({passed: false, failed: ['assessment-interval'], today: '2026-11-26'})
    expect(thrown(() => checkTenant(inventory, 'gd-gat-zhengzhao', {today: '2026-13-01'}))).toEqual(
      tenantMessages.invalidToday('2026-13-01'),
    )
    expect(thrown(() => checkTenant(inventory, 'nope'))).toEqual(tenantMessages.tenantNotFound('nope'))
  })

  it('opens the 30-day filing window when tenant up makes a tenant active, and judges it on --today', () => {
    tenants.add({...zhengzhao, level: '2', status: 'provisioning'})
    expect(tenants.get('gd-gat-zhengzhao')?.liveOn).toBeNull()
    // The provisioning driver writes the status back; the first activation records the go-live date.
    tenants.setStatus('gd-gat-zhengzhao', 'active', new Date(2026, 10, 1, 10, 0))
    expect(tenants.get('gd-gat-zhengzhao')?.liveOn).toBe('2026-11-01')
    const filing = (today: string) =>
      checkTenant(inventory, 'gd-gat-zhengzhao', {today}).results.find((r) => r.controlId === 'filing')
    expect(filing('2026-12-01')).toMatchObject({
      status: 'pass',
      reason: gradingMessages.filingDue('2026-11-01', '2026-12-01'),
    })
    expect(filing('2026-12-02')).toMatchObject({
      status: 'fail',
      reason: gradingMessages.filingOverdue(2, 30, '2026-11-01', '2026-12-01'),
    })
    // A later activation keeps the first go-live date; a grading date after it opens the window anew.
    tenants.setStatus('gd-gat-zhengzhao', 'failed')
    tenants.setStatus('gd-gat-zhengzhao', 'active', new Date(2027, 0, 5))
    expect(tenants.get('gd-gat-zhengzhao')?.liveOn).toBe('2026-11-01')
    tenants.set('gd-gat-zhengzhao', {graded_on: '2026-12-10'})
    expect(filing('2027-01-09')?.status).toBe('pass')
    expect(filing('2027-01-10')?.status).toBe('fail')
  })
})
