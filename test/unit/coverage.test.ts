import {describe, expect, it} from 'vitest'

import {
  addCounts,
  CountyKindCounts,
  coverageRow,
  EMPTY_TALLY,
  NO_TOWNSHIPS,
  percent,
  ratio,
  rollUp,
  sumOfKinds,
  tallyOf,
} from '../../src/domain/coverage'

const counties: CountyKindCounts[] = [
  {county: '110101', kind: 'street', townships: 17, covered: 3, verified: 1},
  {county: '110102', kind: 'street', townships: 15, covered: 0, verified: 0},
  {county: '441900', kind: 'street', townships: 4, covered: 1, verified: 0},
  {county: '441900', kind: 'town', townships: 28, covered: 0, verified: 0},
  {county: '441900', kind: 'other', townships: 4, covered: 0, verified: 0},
  {county: '442000', kind: 'town', townships: 23, covered: 0, verified: 0},
  {county: '620201', kind: 'street', townships: 3, covered: 3, verified: 3},
  {county: '620201', kind: 'town', townships: 2, covered: 2, verified: 2},
]

const tally = (counts: Partial<Record<'street' | 'town' | 'township' | 'other', [number, number, number]>>) => ({
  ...EMPTY_TALLY,
  ...Object.fromEntries(
    Object.entries(counts).map(([kind, [townships, covered, verified]]) => [kind, {townships, covered, verified}]),
  ),
})

describe('coverage roll-up', () => {
  it('adds county counts up to the prefecture and province by code prefix and kind, placeholder counties included', () => {
    const provinces = rollUp(counties, 'province')
    expect(new Map([...provinces].map(([code, t]) => [code, sumOfKinds(t)]))).toEqual(
      new Map([
        ['11', {townships: 32, covered: 3, verified: 1}],
        ['44', {townships: 59, covered: 1, verified: 0}],
        ['62', {townships: 5, covered: 5, verified: 5}],
      ]),
    )
    expect(provinces.get('44')).toEqual(tally({street: [4, 1, 0], town: [51, 0, 0], other: [4, 0, 0]}))
    const prefectures = rollUp(counties, 'prefecture')
    expect([...prefectures.keys()]).toEqual(['1101', '4419', '4420', '6202'])
    expect(sumOfKinds(prefectures.get('1101')!)).toEqual({townships: 32, covered: 3, verified: 1})
    expect(prefectures.get('6202')).toEqual(tally({street: [3, 3, 3], town: [2, 2, 2]}))
    expect(sumOfKinds(rollUp(counties, 'county').get('441900')!)).toEqual({townships: 36, covered: 1, verified: 0})
  })

  it('totals every county for the national line, per kind and in all', () => {
    const national = tallyOf(counties)
    expect(sumOfKinds(national)).toEqual({townships: 96, covered: 9, verified: 6})
    expect(national).toEqual(tally({street: [39, 7, 4], town: [53, 2, 2], other: [4, 0, 0]}))
    expect(tallyOf([])).toEqual(EMPTY_TALLY)
    expect(sumOfKinds(EMPTY_TALLY)).toEqual(NO_TOWNSHIPS)
    expect(addCounts({townships: 1, covered: 1, verified: 0}, {townships: 2, covered: 0, verified: 0})).toEqual({
      townships: 3,
      covered: 1,
      verified: 0,
    })
  })

  it('computes ratios, 0 for a division without townships, with one line per kind', () => {
    expect(ratio(3, 4)).toBe(0.75)
    expect(ratio(0, 0)).toBe(0)
    expect(
      coverageRow({code: '4419', name: '东莞市', level: 'prefecture'}, tally({street: [4, 3, 1], town: [32, 6, 2]})),
    ).toEqual({
      code: '4419',
      name: '东莞市',
      level: 'prefecture',
      grouping: false,
      townships: 36,
      covered: 9,
      verified: 3,
      ratio: 0.25,
      verifiedRatio: 1 / 12,
      byKind: [
        {kind: 'street', townships: 4, covered: 3, verified: 1, ratio: 0.75, verifiedRatio: 0.25},
        {kind: 'town', townships: 32, covered: 6, verified: 2, ratio: 6 / 32, verifiedRatio: 2 / 32},
        {kind: 'township', townships: 0, covered: 0, verified: 0, ratio: 0, verifiedRatio: 0},
        {kind: 'other', townships: 0, covered: 0, verified: 0, ratio: 0, verifiedRatio: 0},
      ],
    })
    expect(coverageRow({code: '46', name: '海南省', level: 'province'}, EMPTY_TALLY)).toMatchObject({
      ratio: 0,
      verifiedRatio: 0,
    })
  })

  it('lists only the kinds a report is limited to, and marks grouping codes', () => {
    const row = coverageRow({code: '5001', name: '市辖区', level: 'prefecture'}, tally({street: [5, 1, 0]}), ['street'])
    expect(row.grouping).toBe(true)
    expect(row.byKind).toEqual([{kind: 'street', townships: 5, covered: 1, verified: 0, ratio: 0.2, verifiedRatio: 0}])
    expect(coverageRow({code: null, name: '全国', level: 'nation'}, EMPTY_TALLY).grouping).toBe(false)
  })

  it('formats ratios as percentages with one decimal', () => {
    expect(percent(0.2213)).toBe('22.1%')
    expect(percent(1)).toBe('100.0%')
    expect(percent(0)).toBe('0.0%')
  })
})
