import {describe, expect, it} from 'vitest'

import {addCounts, coverageRow, NO_TOWNSHIPS, percent, ratio, rollUp, totalOf} from '../../src/domain/coverage'

const counties = [
  {county: '110101', townships: 17, covered: 3, verified: 1},
  {county: '110102', townships: 15, covered: 0, verified: 0},
  {county: '441900', townships: 36, covered: 1, verified: 0},
  {county: '442000', townships: 23, covered: 0, verified: 0},
  {county: '620201', townships: 5, covered: 5, verified: 5},
]

describe('coverage roll-up', () => {
  it('adds county counts up to the prefecture and province by code prefix, placeholder counties included', () => {
    expect(rollUp(counties, 'province')).toEqual(
      new Map([
        ['11', {townships: 32, covered: 3, verified: 1}],
        ['44', {townships: 59, covered: 1, verified: 0}],
        ['62', {townships: 5, covered: 5, verified: 5}],
      ]),
    )
    expect(rollUp(counties, 'prefecture')).toEqual(
      new Map([
        ['1101', {townships: 32, covered: 3, verified: 1}],
        ['4419', {townships: 36, covered: 1, verified: 0}],
        ['4420', {townships: 23, covered: 0, verified: 0}],
        ['6202', {townships: 5, covered: 5, verified: 5}],
      ]),
    )
    expect(rollUp(counties, 'county').get('441900')).toEqual({townships: 36, covered: 1, verified: 0})
  })

  it('totals every county for the national line', () => {
    expect(totalOf(counties)).toEqual({townships: 96, covered: 9, verified: 6})
    expect(totalOf([])).toEqual(NO_TOWNSHIPS)
    expect(addCounts({townships: 1, covered: 1, verified: 0}, {townships: 2, covered: 0, verified: 0})).toEqual({
      townships: 3,
      covered: 1,
      verified: 0,
    })
  })

  it('computes ratios, 0 for a division without townships', () => {
    expect(ratio(3, 4)).toBe(0.75)
    expect(ratio(0, 0)).toBe(0)
    expect(
      coverageRow({code: '4419', name: '东莞市', level: 'prefecture'}, {townships: 36, covered: 9, verified: 3}),
    ).toEqual({
      code: '4419',
      name: '东莞市',
      level: 'prefecture',
      townships: 36,
      covered: 9,
      verified: 3,
      ratio: 0.25,
      verifiedRatio: 1 / 12,
    })
    expect(coverageRow({code: '46', name: '海南省', level: 'province'}, NO_TOWNSHIPS)).toMatchObject({
      ratio: 0,
      verifiedRatio: 0,
    })
  })

  it('formats ratios as percentages with one decimal', () => {
    expect(percent(0.2213)).toBe('22.1%')
    expect(percent(1)).toBe('100.0%')
    expect(percent(0)).toBe('0.0%')
  })
})
