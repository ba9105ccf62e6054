import {describe, expect, it} from 'vitest'

import {
  ancestorAt,
  codeProblem,
  isGroupingDivision,
  levelOf,
  parentOf,
  TOWNSHIP_KINDS,
  townshipKind,
} from '../../src/domain/divisions'
import {defaultTierForLevel, tierProblem} from '../../src/domain/tiers'

describe('division codes', () => {
  it('derives the level from the length', () => {
    expect(levelOf('44')).toBe('province')
    expect(levelOf('4419')).toBe('prefecture')
    expect(levelOf('441900')).toBe('county')
    expect(levelOf('441900003')).toBe('township')
    expect(levelOf('110101001001')).toBe('village')
    expect(levelOf('4')).toBeUndefined()
    expect(levelOf('44190')).toBeUndefined()
    expect(levelOf('44a9')).toBeUndefined()
  })

  it('derives the parent from the prefix, including placeholder counties', () => {
    expect(parentOf('44')).toBeUndefined()
    expect(parentOf('4419')).toBe('44')
    expect(parentOf('441900')).toBe('4419')
    expect(parentOf('441900003')).toBe('441900')
    expect(parentOf('110101001001')).toBe('110101001')
  })

  it('finds ancestors at a level', () => {
    expect(ancestorAt('441900003', 'province')).toBe('44')
    expect(ancestorAt('441900003', 'county')).toBe('441900')
    expect(ancestorAt('4419', 'township')).toBeUndefined()
  })

  it('names what is wrong with a malformed code', () => {
    expect(codeProblem('441900')).toBeUndefined()
    expect(codeProblem('44-19')).toBe('"44-19" is not a division code: digits only')
    expect(codeProblem('4419000')).toBe('"4419000" is not a division code: it must have 2, 4, 6, 9 or 12 digits')
  })

  it('classifies township segments', () => {
    expect(townshipKind('110101001')).toBe('street')
    expect(townshipKind('130102100')).toBe('town')
    expect(townshipKind('130102200')).toBe('township')
    expect(townshipKind('130102400')).toBe('other')
    expect(townshipKind('130102')).toBeUndefined()
  })

  it('gives every segment one of the four kinds, at the NBS range boundaries', () => {
    const kindOf = (segment: number) => townshipKind(`440101${String(segment).padStart(3, '0')}`)
    expect([1, 99, 100, 199, 200, 399, 400, 599].map(kindOf)).toEqual([
      'street',
      'street',
      'town',
      'town',
      'township',
      'township',
      'other',
      'other',
    ])
    expect(kindOf(0)).toBe('other') // 350527000 金门县: no street segment
    expect(kindOf(999)).toBe('other')
    expect(new Set(Array.from({length: 1000}, (_, segment) => kindOf(segment)))).toEqual(new Set(TOWNSHIP_KINDS))
    expect(townshipKind('440101001001')).toBeUndefined() // a village
  })

  it('tells NBS grouping codes by their names, not by a list of codes', () => {
    const grouping = (level: string, name: string) => isGroupingDivision({level, name})
    expect(grouping('prefecture', '市辖区')).toBe(true)
    expect(grouping('prefecture', '县')).toBe(true)
    expect(grouping('prefecture', '省直辖县级行政区划')).toBe(true)
    expect(grouping('prefecture', '自治区直辖县级行政区划')).toBe(true)
    expect(grouping('county', '市辖区')).toBe(true) // older editions' groupings under a prefecture
    expect(grouping('prefecture', '东莞市')).toBe(false)
    expect(grouping('county', '东莞市')).toBe(false) // a placeholder county is a real unit
    expect(grouping('county', '长兴县')).toBe(false)
    expect(grouping('province', '北京市')).toBe(false)
    expect(grouping('township', '县')).toBe(false)
  })
})

describe('tiers', () => {
  it('matches tiers to division levels', () => {
    expect(tierProblem('township', 'township')).toBeUndefined()
    expect(tierProblem('national', 'province')).toBeUndefined()
    expect(tierProblem('county', 'township')).toBe('a county node must sit in a county-level division, not a township')
    expect(defaultTierForLevel('province')).toBe('provincial')
    expect(defaultTierForLevel('village')).toBeUndefined()
  })
})
