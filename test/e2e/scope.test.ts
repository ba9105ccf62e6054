import {readFileSync, writeFileSync} from 'node:fs'
import path from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import type {CoverageReport} from '../../src/coverage'
import {nodeScopeProblem, tenantScopeProblem} from '../../src/domain/scope'
import {usccCheckCharacter} from '../../src/domain/uscc'
import {inventoryMessages, scopeMessages} from '../../src/messages'
import {govnet, json, tempDir} from '../helpers/cli'
import {expectError} from '../helpers/expect-error'
import {sampleDivisions} from '../helpers/seed'

/** A valid government-body USCC registered in `six` (GB/T 2260). */
const usccIn = (six: string) => {
  const first17 = `11${six}MB1234567`
  return `${first17}${usccCheckCharacter(first17)}`
}

const NODE = ['--role', 'access', '--mgmt-address', '10.44.0.1', '--platform', 'linux', '--status', 'active']
const TENANT = ['--region', 'gd-gz-1', '--level', '2', '--exposure', 'extranet', '--vcpu', '4', '--ram-gib', '8']

describe('govnet init --scope: a provincial instance', () => {
  const temp = tempDir('govnet-scope-')
  const db = path.join(temp.dir, 'gd.db')
  const run = (...args: string[]) => govnet([...args, '--db', db])

  beforeAll(() => {
    expect(run('init', '--scope', '44').code).toBe(0)
    expect(run('division', 'import', '--file', sampleDivisions).code).toBe(0)
    // The tenants below are placed in a region the inventory defines (an unknown region is refused first).
    const region = run(
      'region',
      'add',
      'gd-gz-1',
      '--name',
      '广州一区',
      '--pools',
      '10.44.0.0/16',
      '--vcpu',
      '1000',
      '--ram-gib',
      '4000',
      '--storage-gib',
      '100000',
      '--max-level',
      '4',
    )
    expect(region.stderr).toBe('')
    expect(region.code).toBe(0)
  })
  afterAll(() => temp.cleanup())

  it('reports its scope in init (JSON contract) and keeps it when init runs without --scope', () => {
    expect(json(run('init', '--json'))).toEqual({path: db, schemaVersion: 6, scope: ['44'], scopeChanged: false})
    expect(run('init').stdout).toBe(`inventory ${db} at schema version 6, scope 44\n`)
  })

  it('refuses a scope that is not province, prefecture or county codes', () => {
    expectError(
      run('init', '--scope', '44,440103001'),
      scopeMessages.invalidScope('"440103001" is a township: a scope is made of province, prefecture or county codes'),
    )
    expectError(run('init', '--scope', '4x'), scopeMessages.invalidScope('"4x" is not a division code: digits only'))
  })

  it('imported only the subtree of 44 and its counts, leaving out the other provinces', () => {
    const imported = json(govnet(['division', 'import', '--db', db, '--file', sampleDivisions, '--json']))
    expect(imported).toMatchObject({rows: 254, created: 0, unchanged: 254, outsideScope: 396})
    const provinces = json<Array<{code: string}>>(run('division', 'list', '--json'))
    expect(provinces.map((p) => p.code)).toEqual(['44'])
  })

  it('refuses a node outside the scope on add and on set, naming the field, the node and the scope', () => {
    expectError(
      run('node', 'add', 'bj-1', '--name', 'x', '--division', '110101001', ...NODE),
      inventoryMessages.invalidRecord('node', [nodeScopeProblem({id: 'bj-1', division: '110101001'}, ['44'])!]),
    )
    expect(run('node', 'add', 'gz-1', '--name', 'x', '--division', '440103001', ...NODE).code).toBe(0)
    expectError(
      run('node', 'set', 'gz-1', '--division', '460105001'),
      inventoryMessages.invalidRecord('node', [nodeScopeProblem({id: 'gz-1', division: '460105001'}, ['44'])!]),
    )
    const nodes = json<Array<{id: string; divisionCode: string}>>(run('node', 'list', '--json'))
    expect(nodes.map((n) => [n.id, n.divisionCode])).toEqual([['gz-1', '440103001']])
  })

  it('refuses a tenant whose department is registered outside the scope, on add and in an import', () => {
    const national = usccIn('100000')
    expectError(
      run(
        'tenant',
        'add',
        'mps-1',
        '--name',
        'x',
        '--department',
        '公安部',
        '--uscc',
        national,
        ...TENANT,
        '--storage-gib',
        '10',
      ),
      inventoryMessages.invalidRecord('tenant', [tenantScopeProblem({id: 'mps-1', uscc: national}, ['44'])!]),
    )
    const csv = path.join(temp.dir, 'tenants.csv')
    writeFileSync(
      csv,
      [
        'id,name,department,uscc,region,level,exposure,vcpu,ram_gib,storage_gib',
        `gd-1,a,广东省公安厅,${usccIn('440000')},gd-gz-1,2,extranet,4,8,10`,
        `bj-1,b,北京市公安局,${usccIn('110000')},gd-gz-1,2,extranet,4,8,10`,
        '',
      ].join('\n'),
    )
    expectError(
      run('tenant', 'import', '--file', csv),
      inventoryMessages.invalidImport(csv, [tenantScopeProblem({id: 'bj-1', uscc: usccIn('110000')}, ['44'], 2)!]),
    )
    expect(json(run('tenant', 'list', '--json'))).toEqual([])
    writeFileSync(csv, readFileSync(csv, 'utf8').split('\n').slice(0, 2).join('\n'))
    expect(run('tenant', 'import', '--file', csv).code).toBe(0)
  })

  it('is narrowed only where its rows fit (exit 5, nothing written), widened freely, and logged', () => {
    expectError(
      run('init', '--scope', '4403'),
      scopeMessages.rowsOutsideScope('4403', scopeMessages.nodeRow('gz-1', '440103001'), 1),
    )
    expect(json(run('init', '--scope', '46,44', '--json'))).toMatchObject({scope: ['44', '46'], scopeChanged: true})
    expect(json(run('init', '--scope', '44', '--json'))).toMatchObject({scope: ['44'], scopeChanged: true})
    const logged = json<Array<{entity: string; action: string}>>(run('changes', 'list', '--entity', 'scope', '--json'))
    expect(logged.map((c) => c.action).sort()).toEqual(['create', 'update', 'update'])
  })

  it('carries its scope in the metrics (govnet_scope_info)', () => {
    const file = path.join(temp.dir, 'govnet.prom')
    expect(run('metrics', 'write', file).code).toBe(0)
    expect(readFileSync(file, 'utf8')).toContain('govnet_scope_info{scope="44"} 1\n')
  })
})

describe('scoping an inventory that holds the whole country', () => {
  const temp = tempDir('govnet-scope-')
  const db = path.join(temp.dir, 'govnet.db')
  afterAll(() => temp.cleanup())

  it('counts coverage only inside the scope: the national line is the scope’s townships, not the country’s', () => {
    expect(govnet(['init', '--db', db]).code).toBe(0)
    expect(govnet(['division', 'import', '--db', db, '--file', sampleDivisions]).code).toBe(0)
    const before = json<CoverageReport>(govnet(['coverage', '--db', db, '--json']))
    expect(before.total.townships).toBe(609)
    expect(govnet(['init', '--db', db, '--scope', '44']).code).toBe(0)
    const after = json<CoverageReport>(govnet(['coverage', '--db', db, '--json']))
    expect([before.scope, after.scope]).toEqual([[], ['44']])
    expect(after.total.townships).toBe(237)
    expect(after.rows.map((row) => [row.code, row.townships])).toEqual([['44', 237]])
    const counties = json<CoverageReport>(
      govnet(['coverage', '--db', db, '--level', 'county', '--under', '11', '--json']),
    )
    expect(counties.rows).toEqual([])
    expect(counties.total.townships).toBe(0)
    expect(govnet(['coverage', '--db', db]).stdout).toContain(
      '\nscope 44: only the townships inside it are counted (govnet init --scope)\n',
    )
  })
})
