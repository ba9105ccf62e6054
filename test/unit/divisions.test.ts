import {describe, expect, it} from 'vitest'

import {ancestorAt, codeProblem, levelOf, parentOf, townshipKind} from '../../src/domain/divisions'
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
