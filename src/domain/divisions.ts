/**
 * NBS statistical division codes (统计用区划代码): 2 digits province, 4 prefecture, 6 county,
 * 9 township, 12 village. The level follows from the length, the parent from the prefix.
 * Codes are kept in their short form (e.g. "44", "4419", "441900", "441900003").
 */
export const DIVISION_LEVELS = ['province', 'prefecture', 'county', 'township', 'village'] as const
export type DivisionLevel = (typeof DIVISION_LEVELS)[number]

const LENGTH_OF: Record<DivisionLevel, number> = {province: 2, prefecture: 4, county: 6, township: 9, village: 12}
const LEVEL_OF_LENGTH = new Map<number, DivisionLevel>(
  Object.entries(LENGTH_OF).map(([level, length]) => [length, level as DivisionLevel]),
)

export function codeLength(level: DivisionLevel): number {
  return LENGTH_OF[level]
}

/** The level of a well-formed code, or undefined when the code is not 2, 4, 6, 9 or 12 digits. */
export function levelOf(code: string): DivisionLevel | undefined {
  return /^\d+$/.test(code) ? LEVEL_OF_LENGTH.get(code.length) : undefined
}

/** The parent's code (by prefix), or undefined for a province. */
export function parentOf(code: string): string | undefined {
  const level = levelOf(code)
  if (level === undefined || level === 'province') return undefined
  const parentLevel = DIVISION_LEVELS[DIVISION_LEVELS.indexOf(level) - 1]!
  return code.slice(0, LENGTH_OF[parentLevel])
}

/** Ancestor (or self) of `code` at `level`, or undefined when `level` is below the code's own level. */
export function ancestorAt(code: string, level: DivisionLevel): string | undefined {
  const length = LENGTH_OF[level]
  return code.length >= length ? code.slice(0, length) : undefined
}

/** True when `code` is `ancestor` or lies below it. */
export function isWithin(code: string, ancestor: string): boolean {
  return code.startsWith(ancestor)
}

/** Why `code` is not a well-formed division code, or undefined when it is. */
export function codeProblem(code: string): string | undefined {
  if (!/^\d+$/.test(code)) return `"${code}" is not a division code: digits only`
  if (levelOf(code) === undefined) return `"${code}" is not a division code: it must have 2, 4, 6, 9 or 12 digits`
  return undefined
}

/**
 * Township segment (digits 7–9) category, from the NBS coding rules:
 * 001–099 street (街道), 100–199 town (镇), 200–399 township (乡), 400–599 other units (farms, development zones).
 */
export type TownshipKind = 'street' | 'town' | 'township' | 'other'

export function townshipKind(code: string): TownshipKind | undefined {
  if (levelOf(code) !== 'township') return undefined
  const n = Number(code.slice(6, 9))
  if (n < 100) return 'street'
  if (n < 200) return 'town'
  if (n < 400) return 'township'
  return 'other'
}
