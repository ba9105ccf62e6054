import {readFileSync} from 'node:fs'
import path from 'node:path'
import {describe, expect, it} from 'vitest'

import {
  FULLY_COVERED_PROVINCES,
  generateSampleNodes,
  NODE_CSV_COLUMNS,
  readPackageDivisions,
  toCsv,
} from '../../scripts/generate-samples'
import {isGroupingDivision, townshipKind} from '../../src/domain/divisions'
import {NODE_COLUMNS} from '../../src/domain/nodes'
import {readImportFile} from '../../src/import/file'
import {repoRoot} from '../helpers/cli'

const samplesFile = path.join(repoRoot, 'inventory', 'samples', 'nodes.csv')

describe('sample extranet (inventory/samples/nodes.csv)', () => {
  const divisions = readPackageDivisions()
  const rows = generateSampleNodes(divisions)
  /** The NBS grouping codes of the package, told by their names. */
  const groupingCodes = new Set(
    divisions.prefectures.filter(([, name]) => isGroupingDivision({level: 'prefecture', name})).map(([code]) => code),
  )

  it('is exactly what scripts/generate-samples.ts generates', () => {
    expect(readFileSync(samplesFile, 'utf8')).toBe(toCsv(rows))
  })

  it('uses the node import columns', () => {
    expect([...NODE_CSV_COLUMNS]).toEqual(NODE_COLUMNS)
    expect(readImportFile(samplesFile).columns).toEqual(NODE_COLUMNS)
  })

  it('has the backbone in every province, prefecture and county and township access for part of the country', () => {
    const byTier = (tier: string) => rows.filter((r) => r.tier === tier)
    expect(byTier('national').map((r) => r.division)).toEqual(['11', '11'])
    expect(byTier('provincial')).toHaveLength(31)
    // every prefecture but the nine NBS grouping codes (市辖区, 县, 省直辖县级行政区划), which are not prefectures
    expect(byTier('prefecture')).toHaveLength(342 - 9)
    expect(byTier('county')).toHaveLength(2978)
    const townships = byTier('township')
    expect(townships.length).toBeGreaterThan(8000)
    expect(townships.length).toBeLessThan(12_000)
    const guangdong = divisions.townships.filter(([code]) => code.startsWith('44')).length
    expect(townships.filter((r) => String(r.division).startsWith('44'))).toHaveLength(guangdong)
    expect(FULLY_COVERED_PROVINCES).toContain('44')
    for (const placeholder of ['441900', '442000', '460400', '620201']) {
      expect(rows.some((r) => r.id === `cnty-${placeholder}`)).toBe(true)
    }
  })

  it('puts no node in a grouping code at prefecture tier, and uplinks their counties to the province', () => {
    expect([...groupingCodes]).toEqual(['1101', '1201', '3101', '4190', '4290', '4690', '5001', '5002', '6590'])
    expect(rows.filter((r) => r.tier === 'prefecture' && groupingCodes.has(String(r.division)))).toEqual([])
    expect(rows.some((r) => String(r.name).includes('市辖区政务外网市级汇聚'))).toBe(false)
    const counties = rows.filter((r) => r.tier === 'county' && groupingCodes.has(String(r.division).slice(0, 4)))
    expect(counties.length).toBeGreaterThan(100)
    expect(counties.every((r) => r.uplink === `prov-${String(r.division).slice(0, 2)}`)).toBe(true)
  })

  it('tags each township access node with its township kind', () => {
    const kindTag: Record<string, string> = {street: 'street', town: 'town', township: 'township', other: 'unit'}
    for (const row of rows.filter((r) => r.tier === 'township'))
      expect(String(row.tags).split(';')).toContain(kindTag[townshipKind(String(row.division))!])
  })

  it('links uplinks into one tree: township → county → prefecture (or the province) → provincial → national', () => {
    const byId = new Map(rows.map((r) => [String(r.id), r]))
    const expectedUplinkTier: Record<string, string> = {
      township: 'county',
      county: 'prefecture',
      prefecture: 'provincial',
      provincial: 'national',
    }
    for (const row of rows) {
      if (row.uplink === '') {
        expect(row.id).toBe('nat-core-1')
        continue
      }
      const uplink = byId.get(String(row.uplink))
      expect(uplink, `${row.id} → ${row.uplink}`).toBeDefined()
      const underGrouping = row.tier === 'county' && groupingCodes.has(String(row.division).slice(0, 4))
      expect(uplink!.tier).toBe(underGrouping ? 'provincial' : (expectedUplinkTier[String(row.tier)] ?? 'national'))
      expect(String(row.division).startsWith(String(uplink!.division)) || row.tier === 'provincial').toBe(true)
    }
  })

  it('has unique ids and 10.0.0.0/8 management addresses, a platform mix and mostly active nodes', () => {
    expect(new Set(rows.map((r) => r.id)).size).toBe(rows.length)
    expect(new Set(rows.map((r) => r.mgmt_address)).size).toBe(rows.length)
    expect(rows.every((r) => /^10\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(String(r.mgmt_address)))).toBe(true)
    expect(new Set(rows.map((r) => r.platform))).toEqual(new Set(['huawei-vrp', 'h3c-comware', 'cisco-ios', 'linux']))
    const active = rows.filter((r) => r.status === 'active').length
    expect(active / rows.length).toBeGreaterThan(0.8)
    expect(new Set(rows.map((r) => r.status))).toEqual(new Set(['active', 'planned', 'degraded', 'decommissioned']))
  })
})
