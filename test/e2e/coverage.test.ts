import {writeFileSync} from 'node:fs'
import path from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {Inventory} from '../../src/inventory/db'
import {coverageMessages} from '../../src/messages'
import {seedAudits} from '../../src/seed'
import {fixtures, govnet, json, tempDir} from '../helpers/cli'
import {snapshot} from '../helpers/db'
import {expectError, expectJsonError} from '../helpers/expect-error'

const NODES = `id,name,division,tier,role,mgmt_address,ssh_port,platform,uplink,bandwidth_mbps,status,tags
cnty-441900,东莞市汇聚,441900,county,aggregation,10.44.19.100,22,huawei-vrp,,1000,active,backbone
twn-441900003,东城街道接入,441900003,township,access,10.144.0.1,22,huawei-vrp,cnty-441900,100,active,street
twn-441900004,南城街道接入,441900004,township,access,10.144.0.2,22,h3c-comware,cnty-441900,100,active,street
twn-441900005,万江街道接入,441900005,township,access,10.144.0.3,22,h3c-comware,cnty-441900,100,decommissioned,street
twn-620201001,雄关街道接入,620201001,township,access,10.162.0.1,2222,linux,,100,active,street
`

describe('govnet coverage', () => {
  let cleanup: () => void
  let db: string

  beforeAll(() => {
    const temp = tempDir()
    cleanup = temp.cleanup
    db = path.join(temp.dir, 'govnet.db')
    const nodes = path.join(temp.dir, 'nodes.csv')
    writeFileSync(nodes, NODES)
    expect(govnet(['init', '--db', db]).code).toBe(0)
    expect(govnet(['division', 'import', '--db', db, '--file', path.join(fixtures, 'divisions-sample.csv')]).code).toBe(
      0,
    )
    const imported = govnet(['node', 'import', '--db', db, '--file', nodes])
    expect(imported.stderr).toBe('')
    // A successful audit of two nodes, recorded as govnet audit records it (the audit itself is tested elsewhere).
    const inventory = Inventory.open(db, {actor: 'test'})
    try {
      const finishedAt = new Date().toISOString()
      seedAudits(inventory, [
        {nodeId: 'twn-441900003', outcome: 'ok', finishedAt},
        {nodeId: 'twn-620201001', outcome: 'ok', finishedAt},
      ])
    } finally {
      inventory.close()
    }
  })
  afterAll(() => cleanup())

  it('prints the per-province table and the national line', () => {
    const result = govnet(['coverage', '--db', db])
    expect(result.code).toBe(0)
    expect(result.stdout).toMatch(/^CODE\s+NAME\s+TOWNSHIPS\s+COVERED\s+VERIFIED\s+COVERAGE\s+VERIFIED%$/m)
    expect(result.stdout).toMatch(/^44\s+广东省\s+237\s+2\s+1\s+0\.8%\s+0\.4%$/m)
    expect(result.stdout).toMatch(/^46\s+海南省\s+18\s+0\s+0\s+0\.0%\s+0\.0%$/m)
    expect(result.stdout).toMatch(/^-\s+全国\s+609\s+3\s+2\s+0\.5%\s+0\.3%$/m)
  })

  it('returns the report as JSON with --json and with --format json', () => {
    const result = govnet(['coverage', '--db', db, '--level', 'county', '--under', '4419', '--json'])
    expect(result.code).toBe(0)
    const report = json(result)
    expect(Object.keys(report).sort()).toEqual([
      'freshnessMs',
      'kind',
      'level',
      'rows',
      'scope',
      'total',
      'under',
      'verifiedSince',
    ])
    expect(report).toMatchObject({level: 'county', under: '4419', scope: [], kind: null, freshnessMs: 86_400_000})
    // Dongguan's 36 townships: 4 streets (two covered, one verified), 28 towns, 4 other units
    const byKind = [
      {kind: 'street', townships: 4, covered: 2, verified: 1, ratio: 0.5, verifiedRatio: 0.25},
      {kind: 'town', townships: 28, covered: 0, verified: 0, ratio: 0, verifiedRatio: 0},
      {kind: 'township', townships: 0, covered: 0, verified: 0, ratio: 0, verifiedRatio: 0},
      {kind: 'other', townships: 4, covered: 0, verified: 0, ratio: 0, verifiedRatio: 0},
    ]
    expect(report.rows).toEqual([
      {
        code: '441900',
        name: '东莞市',
        level: 'county',
        grouping: false,
        townships: 36,
        covered: 2,
        verified: 1,
        ratio: 2 / 36,
        verifiedRatio: 1 / 36,
        byKind,
      },
    ])
    expect(report.total).toEqual({
      code: '4419',
      name: '东莞市',
      level: 'prefecture',
      grouping: false,
      townships: 36,
      covered: 2,
      verified: 1,
      ratio: 2 / 36,
      verifiedRatio: 1 / 36,
      byKind,
    })
    const formatJson = json(
      govnet(['coverage', '--db', db, '--level', 'county', '--under', '4419', '--format', 'json']),
    )
    expect({...formatJson, verifiedSince: ''}).toEqual({...report, verifiedSince: ''})
  })

  it('writes CSV with a header and the total line last', () => {
    const result = govnet([
      'coverage',
      '--db',
      db,
      '--level',
      'prefecture',
      '--under',
      '62',
      '--format',
      'csv',
      '--fresh',
      '7d',
    ])
    expect(result.code).toBe(0)
    const kinds = ['street', 'town', 'township', 'other'].flatMap((k) => [
      `${k}_townships`,
      `${k}_covered`,
      `${k}_verified`,
    ])
    expect(result.stdout.trimEnd().split('\n')).toEqual([
      `code,name,level,townships,covered,verified,ratio,verified_ratio,grouping,${kinds.join(',')}`,
      '6202,嘉峪关市,prefecture,5,1,1,0.2,0.2,false,2,1,1,3,0,0,0,0,0,0,0,0',
      '62,甘肃省,province,5,1,1,0.2,0.2,false,2,1,1,3,0,0,0,0,0,0,0,0',
    ])
    const streets = govnet([
      'coverage',
      '--db',
      db,
      '--level',
      'county',
      '--under',
      '4419',
      '--kind',
      'street',
      '--format',
      'csv',
    ])
    expect(streets.stdout.trimEnd().split('\n')).toEqual([
      'code,name,level,townships,covered,verified,ratio,verified_ratio,grouping,street_townships,street_covered,street_verified',
      '441900,东莞市,county,4,2,1,0.5,0.25,false,4,2,1',
      '4419,东莞市,prefecture,4,2,1,0.5,0.25,false,4,2,1',
    ])
  })

  it('prints the total line by township kind, and marks grouping codes in the table', () => {
    const result = govnet(['coverage', '--db', db])
    expect(result.stdout).toMatch(/^KIND\s+TOWNSHIPS\s+COVERED\s+VERIFIED\s+COVERAGE\s+VERIFIED%$/m)
    expect(result.stdout).toMatch(/^street 街道\s+377\s+3\s+2\s+0\.8%\s+0\.5%$/m)
    expect(result.stdout).toMatch(/^town 镇\s+203\s+0\s+0\s+0\.0%\s+0\.0%$/m)
    const prefectures = govnet(['coverage', '--db', db, '--level', 'prefecture', '--under', '11'])
    expect(prefectures.stdout).toMatch(/^1101\s+市辖区 \[grouping\]\s+349\s+/m)
    expect(prefectures.stdout).toContain('[grouping]: an NBS grouping code')
    const townships = govnet(['coverage', '--db', db, '--kind', 'township', '--under', '62', '--level', 'prefecture'])
    expect(townships.stdout.trim()).toBe(coverageMessages.noTownshipsOfKind('township', '甘肃省'))
    const bad = govnet(['coverage', '--db', db, '--kind', 'village'])
    expect(bad.code).toBe(2)
  })

  it('refuses bad --under, --fresh and --level values with one line naming the flag, changing nothing', () => {
    const before = snapshot(db)
    expectError(
      govnet(['coverage', '--db', db, '--level', 'county', '--under', '441900']),
      coverageMessages.underNotAboveLevel('441900', 'county', 'county'),
    )
    expectError(govnet(['coverage', '--db', db, '--under', '99']), coverageMessages.underNotInInventory('99'))
    expectJsonError(
      govnet(['coverage', '--db', db, '--under', '99', '--json']),
      coverageMessages.underNotInInventory('99'),
    )
    expectError(
      govnet(['coverage', '--db', db, '--under', '44.1']),
      coverageMessages.invalidUnder('"44.1" is not a division code: digits only'),
    )
    expectError(
      govnet(['coverage', '--db', db, '--fresh', 'yesterday']),
      coverageMessages.invalidFreshness('yesterday'),
    )
    const level = govnet(['coverage', '--db', db, '--level', 'township'])
    expect(level.code).toBe(2)
    expect(level.stderr.replace(/\s*›\s*/g, ' ')).toContain(
      'Expected --level=township to be one of: province, prefecture, county',
    )
    expect(snapshot(db)).toBe(before)
  })

  it('says what to do on an inventory without divisions', () => {
    const temp = tempDir()
    try {
      const empty = path.join(temp.dir, 'empty.db')
      govnet(['init', '--db', empty])
      const result = govnet(['coverage', '--db', empty])
      expect(result.code).toBe(0)
      expect(result.stdout.trim()).toBe(coverageMessages.noTownships())
    } finally {
      temp.cleanup()
    }
  })
})
