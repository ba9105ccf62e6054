import {DivisionLevel} from './divisions'

/**
 * Extranet tiers: the four-level backbone (national, provincial, prefecture, county) and the
 * township extension. A node's tier must match the level of the division it is placed in.
 * National backbone nodes sit in the province-level division that hosts them (the national
 * centre in Beijing, 11, or a disaster-recovery site elsewhere).
 */
export const TIERS = ['national', 'provincial', 'prefecture', 'county', 'township'] as const
export type Tier = (typeof TIERS)[number]

const LEVEL_OF_TIER: Record<Tier, DivisionLevel> = {
  national: 'province',
  provincial: 'province',
  prefecture: 'prefecture',
  county: 'county',
  township: 'township',
}

export function divisionLevelForTier(tier: Tier): DivisionLevel {
  return LEVEL_OF_TIER[tier]
}

/** Why a node of `tier` cannot sit in a division of `level`, or undefined when it can. */
export function tierProblem(tier: Tier, level: DivisionLevel): string | undefined {
  const expected = LEVEL_OF_TIER[tier]
  return expected === level ? undefined : `a ${tier} node must sit in a ${expected}-level division, not a ${level}`
}

/** The tier a node in a division of `level` has, when unambiguous (used as a default). */
export function defaultTierForLevel(level: DivisionLevel): Tier | undefined {
  if (level === 'province') return 'provincial'
  if (level === 'village') return undefined
  return level
}
