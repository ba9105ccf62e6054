import path from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {
  computeCoverage,
  computeCoverageAllLevels,
  computeCoverageTree,
  coverageTreeOf,
  coverageWindow,
} from '../../src/coverage'
import {Inventory} from '../../src/inventory/db'
import {DivisionImporter, fileSource} from '../../src/import/divisions'
import type {CoverageRow} from '../../src/domain/coverage'
import {countyCoverageSql} from '../../src/inventory/divisions'
import {NodeStatus} from '../../src/domain/nodes'
import {Tier} from '../../src/domain/tiers'
import {coverageMessages} from '../../src/messages'
import {seedAudits, seedNodes} from '../../src/seed'
import {fixtures} from '../helpers/cli'
import {tempInventory} from '../helpers/inventory'

const NOW = new Date('2026-11-25T12:00:00.000Z')
const hoursAgo = (h: number) => new Date(NOW.getTime() - h * 3_600_000).toISOString()

interface TestNode {
  id: string
  division: string
  tier?: Tier
  status: NodeStatus
  auditAt?: string
  outcome?: string
}

/** Nodes and their last audit, seeded through the repositories (src/seed), so each case is exact. */
function addNodes(inventory: Inventory, nodes: TestNode[]): void {
  seedNodes(
    inventory,
    nodes.map(({id, division, tier, status}) => ({
      id,
      division,
      tier: tier ?? 'township',
      status,
      mgmtAddress: '10.0.0.1',
      platform: 'huawei-vrp',
    })),
    {at: NOW.toISOString()},
  )
  seedAudits(
    inventory,
    nodes.flatMap(({id, auditAt, outcome}) =>
      auditAt !== undefined && outcome !== undefined ? [{nodeId: id, finishedAt: auditAt, outcome}] : [],
    ),
  )
}

/** A coverage row without the township-kind breakdown and the grouping flag (checked on their own below). */
const withoutKinds = ({byKind: _byKind, grouping: _grouping, ...row}: CoverageRow) => row

describe('township coverage', () => {
  let cleanup: () => void
  let inventory: Inventory

  beforeAll(() => {
    ;({inventory, cleanup} = tempInventory({actor: 'govnet'}))
    new DivisionImporter(inventory).import(fileSource(path.join(fixtures, 'divisions-sample.csv')))
    addNodes(inventory, [
      // 110101 东城区: one verified, one stale audit, one failed audit, one decommissioned, one only planned/degraded
      {id: 'verified', division: '110101001', status: 'active', auditAt: hoursAgo(1), outcome: 'ok'},
      {id: 'stale', division: '110101002', status: 'active', auditAt: hoursAgo(30), outcome: 'ok'},
      {id: 'failed', division: '110101003', status: 'active', auditAt: hoursAgo(1), outcome: 'auth'},
      {id: 'gone', division: '110101004', status: 'decommissioned', auditAt: hoursAgo(1), outcome: 'ok'},
      {id: 'planned', division: '110101005', status: 'planned'},
      {id: 'degraded', division: '110101005', status: 'degraded', auditAt: hoursAgo(1), outcome: 'ok'},
      // a county-tier node covers no township
      {id: 'county-node', division: '110101', tier: 'county', status: 'active', auditAt: hoursAgo(1), outcome: 'ok'},
      // placeholder counties: Dongguan 441900 and Jiayuguan 620201 (two nodes in one township count once)
      {id: 'dongguan', division: '441900003', status: 'active'},
      {id: 'jiayuguan-a', division: '620201001', status: 'active', auditAt: hoursAgo(2), outcome: 'ok'},
      {id: 'jiayuguan-b', division: '620201001', status: 'active', auditAt: hoursAgo(3), outcome: 'timeout'},
    ])
  })
  afterAll(() => {
    inventory.close()
    cleanup()
  })

  it('reports every province with covered and verified townships and the national line', () => {
    const report = computeCoverage(inventory, {now: NOW})
    expect(report.level).toBe('province')
    expect(report.verifiedSince).toBe(hoursAgo(24))
    expect(report.kind).toBeNull()
    expect(report.rows.map(withoutKinds)).toEqual([
      {
        code: '11',
        name: '北京市',
        level: 'province',
        townships: 349,
        covered: 3,
        verified: 1,
        ratio: 3 / 349,
        verifiedRatio: 1 / 349,
      },
      {
        code: '44',
        name: '广东省',
        level: 'province',
        townships: 237,
        covered: 1,
        verified: 0,
        ratio: 1 / 237,
        verifiedRatio: 0,
      },
      {
        code: '46',
        name: '海南省',
        level: 'province',
        townships: 18,
        covered: 0,
        verified: 0,
        ratio: 0,
        verifiedRatio: 0,
      },
      {
        code: '62',
        name: '甘肃省',
        level: 'province',
        townships: 5,
        covered: 1,
        verified: 1,
        ratio: 0.2,
        verifiedRatio: 0.2,
      },
    ])
    expect(withoutKinds(report.total)).toEqual({
      code: null,
      name: '全国',
      level: 'nation',
      townships: 609,
      covered: 5,
      verified: 2,
      ratio: 5 / 609,
      verifiedRatio: 2 / 609,
    })
  })

  it('counts a stale audit as verified once the freshness window covers it', () => {
    const report = computeCoverage(inventory, {level: 'county', under: '1101', freshnessMs: 48 * 3_600_000, now: NOW})
    expect(report.rows.find((r) => r.code === '110101')).toMatchObject({townships: 17, covered: 3, verified: 2})
    expect(report.total).toMatchObject({code: '1101', level: 'prefecture', townships: 349, covered: 3, verified: 2})
  })

  it('lists every county of a subtree, placeholder counties and zero rows included', () => {
    const guangdong = computeCoverage(inventory, {level: 'county', under: '44', now: NOW})
    expect(guangdong.rows).toHaveLength(13)
    expect(guangdong.rows.find((r) => r.code === '441900')).toMatchObject({
      name: '东莞市',
      townships: 36,
      covered: 1,
      verified: 0,
    })
    expect(guangdong.rows.find((r) => r.code === '442000')).toMatchObject({townships: 23, covered: 0})
    expect(guangdong.total).toMatchObject({code: '44', name: '广东省', townships: 237, covered: 1})
    const prefectures = computeCoverage(inventory, {level: 'prefecture', now: NOW})
    expect(prefectures.rows.map((r) => [r.code, r.townships])).toEqual([
      ['1101', 349],
      ['4401', 178],
      ['4419', 36],
      ['4420', 23],
      ['4604', 18],
      ['6202', 5],
    ])
  })

  it('computes all levels in one call, consistent with the per-level report', () => {
    const all = computeCoverageAllLevels(inventory, {now: NOW})
    expect(all.national).toEqual(computeCoverage(inventory, {now: NOW}).total)
    expect(all.province).toEqual(computeCoverage(inventory, {now: NOW}).rows)
    expect(all.prefecture).toHaveLength(6)
    expect(all.county).toHaveLength(31)
    expect(all.county.reduce((n, r) => n + r.townships, 0)).toBe(609)
  })

  it('reads the report tree with the same lines as the per-level report, nationally and under a province or prefecture', () => {
    const national = computeCoverageTree(inventory, {now: NOW})
    expect(national).toMatchObject({under: null, freshnessMs: 86_400_000, verifiedSince: hoursAgo(24)})
    expect(national.total).toEqual(computeCoverage(inventory, {now: NOW}).total)
    for (const level of ['province', 'prefecture', 'county'] as const)
      expect(national[level]).toEqual(computeCoverage(inventory, {level, now: NOW}).rows)
    const guangdong = computeCoverageTree(inventory, {under: '44', freshnessMs: 3_600_000, now: NOW})
    expect(guangdong.total).toEqual(
      computeCoverage(inventory, {level: 'county', under: '44', now: NOW, freshnessMs: 3_600_000}).total,
    )
    expect(guangdong.province).toEqual([])
    expect(guangdong.prefecture).toEqual(
      computeCoverage(inventory, {level: 'prefecture', under: '44', now: NOW, freshnessMs: 3_600_000}).rows,
    )
    expect(guangdong.county).toEqual(
      computeCoverage(inventory, {level: 'county', under: '44', now: NOW, freshnessMs: 3_600_000}).rows,
    )
    expect(computeCoverageTree(inventory, {under: '4419', now: NOW}).county.map((r) => r.code)).toEqual(['441900'])
    // The metrics snapshot keeps the national tree flat; it folds back into the same tree.
    const all = computeCoverageAllLevels(inventory, {now: NOW})
    expect(
      coverageTreeOf([all.national, ...all.province, ...all.prefecture, ...all.county], coverageWindow({now: NOW})),
    ).toEqual(national)
  })

  it('refuses a report --under it cannot drill into', () => {
    expect(() => computeCoverageTree(inventory, {under: '441900'})).toThrow(
      expect.objectContaining({
        message: coverageMessages.treeUnderTooLow('441900', 'county', 'county').message,
        exit: 3,
      }),
    )
    expect(() => computeCoverageTree(inventory, {under: '99'})).toThrow(
      expect.objectContaining({message: coverageMessages.underNotInInventory('99').message, exit: 3}),
    )
  })

  it('breaks every line down by township kind, the kinds adding up to the line', () => {
    const all = computeCoverageAllLevels(inventory, {now: NOW})
    for (const row of [all.national, ...all.province, ...all.prefecture, ...all.county]) {
      expect(row.byKind.map((k) => k.kind)).toEqual(['street', 'town', 'township', 'other'])
      for (const field of ['townships', 'covered', 'verified'] as const)
        expect(row.byKind.reduce((n, k) => n + k[field], 0)).toBe(row[field])
    }
    // the fixture's 609 townships: 377 streets, 203 towns, 15 townships, 14 other units; every covering node is in a street
    expect(all.national.byKind).toEqual([
      {kind: 'street', townships: 377, covered: 5, verified: 2, ratio: 5 / 377, verifiedRatio: 2 / 377},
      {kind: 'town', townships: 203, covered: 0, verified: 0, ratio: 0, verifiedRatio: 0},
      {kind: 'township', townships: 15, covered: 0, verified: 0, ratio: 0, verifiedRatio: 0},
      {kind: 'other', townships: 14, covered: 0, verified: 0, ratio: 0, verifiedRatio: 0},
    ])
    expect(all.province.find((r) => r.code === '11')!.byKind[0]).toMatchObject({
      kind: 'street',
      covered: 3,
      verified: 1,
    })
  })

  it('counts one kind only with --kind, at every level and on the total line', () => {
    const streets = computeCoverage(inventory, {kind: 'street', now: NOW})
    expect(streets.kind).toBe('street')
    expect(streets.total).toMatchObject({townships: 377, covered: 5, verified: 2})
    expect(streets.total.byKind.map((k) => k.kind)).toEqual(['street'])
    const towns = computeCoverage(inventory, {kind: 'town', level: 'county', under: '44', now: NOW})
    expect(towns.total).toMatchObject({code: '44', covered: 0})
    expect(towns.rows).toHaveLength(13) // every county, with or without towns
    const all = computeCoverage(inventory, {level: 'county', under: '44', now: NOW})
    for (const row of towns.rows) {
      const town = all.rows.find((r) => r.code === row.code)!.byKind.find((k) => k.kind === 'town')!
      expect({townships: row.townships, covered: row.covered}).toEqual({
        townships: town.townships,
        covered: town.covered,
      })
    }
  })

  it('marks NBS grouping codes (1101 市辖区) on their lines', () => {
    const prefectures = computeCoverage(inventory, {level: 'prefecture', now: NOW})
    expect(prefectures.rows.filter((r) => r.grouping).map((r) => r.code)).toEqual(['1101'])
    expect(prefectures.total.grouping).toBe(false)
  })

  it('refuses an --under that is malformed, unknown, or not above the level', () => {
    const fails = (options: Parameters<typeof computeCoverage>[1], error: Error) =>
      expect(() => computeCoverage(inventory, options)).toThrow(
        expect.objectContaining({message: error.message, exit: 3}),
      )
    fails({level: 'county', under: '441900'}, coverageMessages.underNotAboveLevel('441900', 'county', 'county'))
    fails({level: 'province', under: '44'}, coverageMessages.underNotAboveLevel('44', 'province', 'province'))
    fails({under: '99'}, coverageMessages.underNotInInventory('99'))
    fails({under: '4x'}, coverageMessages.invalidUnder('"4x" is not a division code: digits only'))
  })

  it.each([false, true])('keeps the hot query on its indexes (EXPLAIN QUERY PLAN, ofKind %s)', (ofKind) => {
    const plan = (
      inventory.db
        .prepare(`EXPLAIN QUERY PLAN ${countyCoverageSql({ofKind})}`)
        .all({low: '', high: ':', verifiedSince: '', ...(ofKind ? {kind: 'street'} : {})}) as {detail: string}[]
    ).map((row) => row.detail)
    expect(plan).toContain('SEARCH t USING COVERING INDEX divisions_level (level=? AND code>? AND code<?)')
    expect(
      plan.filter((detail) =>
        /^SEARCH n USING (COVERING )?INDEX nodes_division_status \(division_code=\? AND status=\?\)$/.test(detail),
      ),
    ).toHaveLength(2)
    expect(plan.some((detail) => /SCAN (t|n)\b/.test(detail))).toBe(false)
  })
})
