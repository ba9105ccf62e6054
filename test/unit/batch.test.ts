/** Batch selection and outcomes (src/domain/batch.ts), and the state backend setting (src/provision/backend.ts). */
import {describe, expect, it} from 'vitest'

import {isSelection, isUnderCode, outcomeOf, selects} from '../../src/domain/batch'
import {Tenant} from '../../src/domain/tenants'
import * as msg from '../../src/messages/provision'
import {BACKEND_ENV, isStateTableRace, resolveBackend, scrubBackend} from '../../src/provision/backend'
import {provisionPaths} from '../../src/provision/workspace'
import {thrown} from '../helpers/expect-error'

const tenant = (overrides: Partial<Tenant> = {}): Tenant => ({
  id: 'gd-a',
  name: '系统',
  departmentName: '广东省公安厅',
  departmentUscc: '114400000069381373',
  region: 'gd-gz-1',
  mlpsLevel: 3,
  exposure: 'extranet',
  quotaVcpu: 8,
  quotaRamGib: 32,
  quotaStorageGib: 100,
  cidr: null,
  filingNumber: null,
  lastAssessedOn: null,
  gradedOn: null,
  liveOn: null,
  status: 'requested',
  createdAt: '2026-01-01T00:00:00Z',
  updatedAt: '2026-01-01T00:00:00Z',
  ...overrides,
})

describe('selection', () => {
  it('--under selects by the registering division in the USCC (characters 3–8, read as the scope reads them)', () => {
    const guangdong = tenant({departmentUscc: '114400000069381373'})
    const changsha = tenant({departmentUscc: '91430111MA4L41YT1U'})
    expect(selects({under: '44'}, guangdong)).toBe(true)
    expect(selects({under: '4401'}, guangdong)).toBe(false)
    expect(selects({under: '43'}, changsha)).toBe(true)
    expect(selects({under: '4301'}, changsha)).toBe(true)
    expect(selects({under: '430111'}, changsha)).toBe(true)
    expect(selects({under: '44'}, tenant({departmentUscc: '111000000000000001'}))).toBe(false)
  })

  it('--under takes province, prefecture and county codes only', () => {
    expect(['44', '4419', '441900'].every(isUnderCode)).toBe(true)
    expect(['4', '441', '441900001', 'ab'].some(isUnderCode)).toBe(false)
  })

  it('filters combine; decommissioned tenants only when --status names them', () => {
    const dongguan = tenant({departmentUscc: '12441900MB2C66AH5K'})
    expect(selects({under: '44'}, dongguan)).toBe(true)
    expect(selects({under: '4419'}, dongguan)).toBe(true)
    expect(selects({under: '4401'}, dongguan)).toBe(false)
    expect(selects({under: '44', level: 3, region: 'gd-gz-1'}, dongguan)).toBe(true)
    expect(selects({under: '44', level: 2}, dongguan)).toBe(false)
    expect(selects({all: true}, tenant({status: 'decommissioned'}))).toBe(false)
    expect(selects({statuses: ['decommissioned']}, tenant({status: 'decommissioned'}))).toBe(true)
    expect(selects({statuses: ['failed', 'requested']}, tenant())).toBe(true)
    expect(selects({statuses: ['failed']}, tenant())).toBe(false)
  })

  it('an empty selection is none', () => {
    expect(isSelection({})).toBe(false)
    expect(isSelection({statuses: []})).toBe(false)
    expect(isSelection({all: true})).toBe(true)
    expect(isSelection({level: 1})).toBe(true)
  })
})

describe('outcomes', () => {
  it.each([
    ['up', {create: 11}, 'created'],
    ['up', {create: 1, same: 10}, 'updated'],
    ['up', {update: 1, same: 10}, 'updated'],
    ['up', {same: 11}, 'unchanged'],
    ['up', {}, 'unchanged'],
    ['preview', {create: 11}, 'created'],
    ['destroy', {delete: 11}, 'destroyed'],
    ['destroy', {}, 'unchanged'],
  ] as const)('%s with %o is %s', (operation, changes, outcome) => {
    expect(outcomeOf(operation, changes)).toBe(outcome)
  })
})

describe('state backend', () => {
  const paths = provisionPaths('/srv/govnet/govnet.db')
  const url = 'postgres://runner:p%40ss+w0rd@db.example:5432/state?sslmode=disable'

  it('the file backend next to the inventory by default; the flag wins over the environment', () => {
    expect(resolveBackend(paths, undefined, {})).toEqual({
      url: 'file:///srv/govnet/.govnet/pulumi-state',
      shown: 'file:///srv/govnet/.govnet/pulumi-state',
      local: true,
      secrets: [],
    })
    expect(resolveBackend(paths, undefined, {[BACKEND_ENV]: url})).toMatchObject({url, local: false})
    expect(resolveBackend(paths, 's3://bucket?region=cn-south-1', {[BACKEND_ENV]: url}).url).toBe(
      's3://bucket?region=cn-south-1',
    )
  })

  it('shows the URL with its password masked, and keeps the password to scrub', () => {
    const backend = resolveBackend(paths, url, {})
    expect(backend.shown).toBe('postgres://runner:***@db.example:5432/state?sslmode=disable')
    expect(backend.secrets).toEqual(['p%40ss+w0rd', 'p@ss+w0rd', 'p%40ss%2Bw0rd'])
    const engineSaid = `failed to connect to ${url}: password p@ss+w0rd refused (encoded p%40ss+w0rd)`
    const scrubbed = scrubBackend(engineSaid, backend)
    expect(scrubbed).not.toContain('p@ss+w0rd')
    expect(scrubbed).not.toContain('p%40ss+w0rd')
    expect(scrubbed).toContain('runner:***@db.example')
  })

  it('refuses what is not a URL of a scheme the engine takes, with the password masked', () => {
    expect(thrown(() => resolveBackend(paths, 'ftp://u:secretpw@x/y', {}))).toEqual(
      msg.backendInvalid('ftp://u:***@x/y', 'the scheme ftp:// is not one of file, postgres, s3, gs, azblob'),
    )
    expect(thrown(() => resolveBackend(paths, 'not a url', {})).message).toBe(
      msg.backendInvalid('not a url', 'it is not a URL').message,
    )
  })
})

describe('first use of a PostgreSQL state database by two runners', () => {
  it("recognises the engine's lost race to create the state table, and nothing else", () => {
    // As the engine reported it in a CI run of test/e2e/state-backend.test.ts (two processes, a new database).
    expect(
      isStateTableRace(
        'unable to open bucket postgres://govnet_runner:***@127.0.0.1:39611/govnet_state?sslmode=disable: failed to create table pulumi_state: pq: duplicate key value violates unique constraint "pg_type_typname_nsp_index" (23505)',
      ),
    ).toBe(true)
    expect(
      isStateTableRace(
        'unable to open bucket postgres://govnet_runner:***@127.0.0.1:39611/govnet_state?sslmode=disable: failed to create table pulumi_state: pq: permission denied for schema public',
      ),
    ).toBe(false)
    expect(isStateTableRace('the stack is locked by another update')).toBe(false)
  })
})
