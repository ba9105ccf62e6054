import {describe, expect, it} from 'vitest'

import {formatProblem} from '../../src/errors'
import {RawRecord} from '../../src/domain/fields'
import {
  changedFields,
  mergeTenant,
  NetworkClaim,
  NetworkClaims,
  parseTenant,
  TENANT_COLUMNS,
  toInput,
} from '../../src/domain/tenants'
import {usccProblem} from '../../src/domain/uscc'
import {tenantMessages} from '../../src/messages'

const row: RawRecord = {
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
  filing_number: '44000043001-23001',
  assessed_on: '2026-03-18',
  status: 'active',
  classified: '',
}

/** The regions the tests' inventory defines. */
const regions = new Set(['gd-gz-1'])
const problems = (raw: RawRecord, rowNumber?: number) =>
  parseTenant(raw, regions, rowNumber).problems.map(formatProblem)

describe('tenant schema', () => {
  it('has the import columns of the contract, in order', () => {
    expect(TENANT_COLUMNS.join(',')).toBe(
      'id,name,department,uscc,region,level,exposure,vcpu,ram_gib,storage_gib,cidr,filing_number,assessed_on,graded_on,live_on,status,classified',
    )
  })

  it('parses a full row into a tenant record', () => {
    expect(parseTenant(row, regions)).toEqual({
      tenant: {
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
        filingNumber: '44000043001-23001',
        lastAssessedOn: '2026-03-18',
        gradedOn: null,
        liveOn: null,
        status: 'active',
      },
      problems: [],
    })
  })

  it('defaults status to requested and optional fields to null', () => {
    const {tenant} = parseTenant(
      {
        ...row,
        cidr: '',
        filing_number: undefined,
        assessed_on: null,
        status: '',
        classified: undefined,
      },
      regions,
    )
    expect(tenant).toMatchObject({cidr: null, filingNumber: null, lastAssessedOn: null, status: 'requested'})
  })

  it('accepts JSON values (numbers, booleans) as well as CSV text', () => {
    const {tenant} = parseTenant({...row, level: 2, vcpu: 8, ram_gib: 16, storage_gib: 100, classified: false}, regions)
    expect(tenant).toMatchObject({mlpsLevel: 2, quotaVcpu: 8})
  })

  it('stores the USCC upper-cased', () => {
    expect(parseTenant({...row, uscc: '91430111ma4l41yt1u'}, regions).tenant?.departmentUscc).toBe('91430111MA4L41YT1U')
  })

  it('names field and row of a bad USCC with the check character expected', () => {
    expect(problems({...row, uscc: '114400000069381374'}, 7)).toEqual([
      `row 7, uscc: ${usccProblem('114400000069381374')}`,
    ])
    expect(usccProblem('114400000069381374')).toContain('expected "3"')
  })

  it('refuses a classified system with the reason, whatever the spelling of true', () => {
    for (const yes of ['true', 'yes', '1', 'TRUE', true]) {
      expect(problems({...row, classified: yes}, 2)).toEqual([
        `row 2, classified: ${tenantMessages.classifiedRefused()}`,
      ])
    }
    expect(tenantMessages.classifiedRefused()).toContain('政务内网')
    expect(problems({...row, classified: 'no'})).toEqual([])
    expect(problems({...row, classified: 'maybe'})).toEqual(['classified: "maybe" is not true or false'])
  })

  it('refuses level 5 with its own message, and levels outside 1–5 as out of range', () => {
    expect(problems({...row, level: '5'})).toEqual([`level: ${tenantMessages.levelNotHosted(5)}`])
    expect(problems({...row, level: '0'})).toEqual(['level: 0 is out of range 1..5'])
    expect(problems({...row, level: 'three'})).toEqual(['level: "three" is not a whole number'])
  })

  it('requires an aligned CIDR block and names the aligned form', () => {
    expect(problems({...row, cidr: '10.44.16.1/20'})).toEqual([
      'cidr: "10.44.16.1/20" is not a network address: the block is 10.44.16.0/20',
    ])
    expect(problems({...row, cidr: '10.44.16.0'})).toEqual([
      'cidr: "10.44.16.0" is not an IPv4 CIDR block like 10.20.0.0/16',
    ])
  })

  it('checks exposure, status, quotas, dates and the filing number', () => {
    expect(
      problems({
        ...row,
        exposure: 'public',
        status: 'live',
        vcpu: '0',
        assessed_on: '2026-02-30',
        filing_number: '备案',
      }),
    ).toEqual([
      'exposure: "public" is not one of extranet, internet, both',
      'vcpu: 0 is out of range 1..100000',
      `filing_number: ${tenantMessages.invalidFilingNumber('备案')}`,
      'assessed_on: "2026-02-30" is not a date in the form YYYY-MM-DD',
      'status: "live" is not one of requested, provisioning, active, failed, decommissioned',
    ])
  })

  it('reports every missing required field', () => {
    expect(problems({id: 'x'})).toEqual(
      ['name', 'department', 'uscc', 'region', 'level', 'exposure', 'vcpu', 'ram_gib', 'storage_gib'].map(
        (f) => `${f}: is required`,
      ),
    )
  })
})

describe('mergeTenant', () => {
  const current = parseTenant(row, regions).tenant!

  it('round-trips through the input form', () => {
    expect(parseTenant(toInput(current), regions).tenant).toEqual(current)
  })

  it('lays changes over the record, clears optional fields with an empty value, and keeps the id', () => {
    const {tenant} = mergeTenant(current, {vcpu: '96', cidr: '', id: 'other'}, regions)
    expect(tenant).toMatchObject({id: 'gd-gat-zhengzhao', quotaVcpu: 96, cidr: null})
    expect(changedFields(current, tenant!)).toEqual(['quotaVcpu', 'cidr'])
  })

  it('validates the merged record as a whole', () => {
    expect(mergeTenant(current, {level: '5', classified: true}, regions).problems.map(formatProblem)).toEqual([
      `level: ${tenantMessages.levelNotHosted(5)}`,
      `classified: ${tenantMessages.classifiedRefused()}`,
    ])
  })
})

describe('the region rule', () => {
  it('refuses a region the inventory does not define, naming the row and the field, with the other problems', () => {
    expect(problems({...row, region: 'gd-gz-9'}, 4)).toEqual([
      `row 4, region: ${tenantMessages.unknownRegion('gd-gz-9')}`,
    ])
    expect(problems({...row, region: 'gd-gz-9', vcpu: 'many'}, 2)).toEqual([
      expect.stringMatching(/^row 2, vcpu: /),
      `row 2, region: ${tenantMessages.unknownRegion('gd-gz-9')}`,
    ])
    expect(parseTenant({...row, region: ' gd-gz-1 '}, regions).problems).toEqual([])
  })

  it('lets a decommissioned tenant name a region removed since, and reports a malformed region once', () => {
    expect(problems({...row, region: 'gd-old-1', status: 'decommissioned'})).toEqual([])
    expect(problems({...row, region: 'GD GZ'}).filter((p) => p.startsWith('region'))).toHaveLength(1)
  })

  it('applies to set: moving a tenant to an unknown region is refused', () => {
    const current = parseTenant(row, regions).tenant!
    expect(mergeTenant(current, {region: 'gd-sz-9'}, regions).problems.map(formatProblem)).toEqual([
      `region: ${tenantMessages.unknownRegion('gd-sz-9')}`,
    ])
  })
})

describe('network claims', () => {
  const claim = (id: string, cidr: string | null, overrides: Partial<NetworkClaim> = {}): NetworkClaim => ({
    id,
    region: 'gd-gz-1',
    cidr,
    status: 'active',
    ...overrides,
  })
  const stored = new NetworkClaims([
    claim('a', '10.44.16.0/20'),
    claim('b', '10.44.32.0/24', {region: 'bj-1'}),
    claim('c', '10.44.48.0/20', {status: 'decommissioned'}),
    claim('d', null),
  ])

  it('finds an overlapping block in the same region, larger or smaller', () => {
    expect(stored.overlapping(claim('x', '10.44.20.0/24'))?.id).toBe('a')
    expect(stored.overlapping(claim('x', '10.44.16.0/20'))?.id).toBe('a')
    expect(stored.overlapping(claim('x', '10.44.0.0/16'))?.id).toBe('a')
    expect(stored.overlapping(claim('x', '0.0.0.0/0'))?.id).toBe('a')
    expect(stored.problem(claim('x', '10.44.20.0/24'), 4)).toEqual({
      row: 4,
      field: 'cidr',
      message: tenantMessages.cidrOverlaps('10.44.20.0/24', 'a', '10.44.16.0/20', 'gd-gz-1'),
    })
  })

  it('ignores other regions, decommissioned tenants, tenants without a block and adjacent blocks', () => {
    expect(stored.overlapping(claim('x', '10.44.32.0/24'))).toBeUndefined()
    expect(stored.overlapping(claim('x', '10.44.48.0/24'))).toBeUndefined()
    expect(stored.overlapping(claim('x', null))).toBeUndefined()
    expect(stored.overlapping(claim('x', '10.44.16.0/20', {status: 'decommissioned'}))).toBeUndefined()
    expect(stored.overlapping(claim('x', '10.44.0.0/20'))).toBeUndefined()
    expect(stored.overlapping(claim('x', '10.44.32.0/20'))).toBeUndefined()
  })
})
