/**
 * NBS statistical division codes (统计用区划代码): 2 digits province, 4 prefecture, 6 county,
 * 9 township, 12 village. The level follows from the length, the parent from the prefix.
 * Codes are kept in their short form (e.g. "44", "4419", "441900", "441900003").
 */
import {excerpt} from '../errors'
import {longCodeProblem, spreadsheetHabit} from './spreadsheet'

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

/**
 * Why `code` is not a well-formed division code, or undefined when it is. A code a spreadsheet
 * changed (an apostrophe, full-width digits, a number's notation) or a 12-digit code ending in 000
 * gets a message that says so and how to fix it.
 */
export function codeProblem(code: string): string | undefined {
  const habit = spreadsheetHabit(code)
  if (habit) return habit
  if (!/^\d+$/.test(code)) return `"${excerpt(code)}" is not a division code: digits only`
  const long = longCodeProblem(code)
  if (long) return long
  if (levelOf(code) === undefined) return `"${code}" is not a division code: it must have 2, 4, 6, 9 or 12 digits`
  return undefined
}

/**
 * Township kinds (乡级单位), from the township segment (digits 7–9) of the NBS coding rules:
 * 001–099 street (街道), 100–199 town (镇), 200–399 township (乡, 民族乡, 苏木), and other units
 * (400–599: farms, development zones …). Every segment outside the three ranges counts as other, so
 * the kinds are always these four (e.g. 350527000 金门县, a segment of 000).
 */
export const TOWNSHIP_KINDS = ['street', 'town', 'township', 'other'] as const
export type TownshipKind = (typeof TOWNSHIP_KINDS)[number]

/** The kind of every segment outside TOWNSHIP_KIND_SEGMENTS. */
export const OTHER_KIND = 'other' satisfies TownshipKind

/** The segment ranges (inclusive) of the kinds that have one; any other segment is OTHER_KIND. */
export const TOWNSHIP_KIND_SEGMENTS: ReadonlyArray<{
  kind: Exclude<TownshipKind, typeof OTHER_KIND>
  first: number
  last: number
}> = [
  {kind: 'street', first: 1, last: 99},
  {kind: 'town', first: 100, last: 199},
  {kind: 'township', first: 200, last: 399},
]

/** The kind's name as the NBS tables write it, for human output. */
export const TOWNSHIP_KIND_NAMES: Readonly<Record<TownshipKind, string>> = {
  street: '街道',
  town: '镇',
  township: '乡',
  other: '其他',
}

/** The kind of a township code, or undefined when the code is not a township's (9 digits). */
export function townshipKind(code: string): TownshipKind | undefined {
  if (levelOf(code) !== 'township') return undefined
  const segment = Number(code.slice(6, 9))
  return TOWNSHIP_KIND_SEGMENTS.find((range) => segment >= range.first && segment <= range.last)?.kind ?? OTHER_KIND
}

const GROUPING_NAME = /^(市辖区|县)$/
const DIRECTLY_ADMINISTERED = /直辖县级行政区划$/

/**
 * NBS grouping codes (统计用区划代码 that group counties without being a prefecture): the
 * 省直辖县级行政区划 / 自治区直辖县级行政区划 of a province (4190, 4290, 4690, 6590), and the 市辖区
 * and 县 groupings of the municipalities (1101, 1201, 3101, 5001, 5002; older editions also have a
 * 市辖区 under many prefectures). Told by the NBS name, so a new edition's groupings are found without
 * a list of codes: a prefecture or county named exactly 市辖区 or 县, or a prefecture whose name
 * ends in 直辖县级行政区划.
 */
export function isGroupingDivision(division: {level: string; name: string}): boolean {
  if (division.level === 'prefecture')
    return GROUPING_NAME.test(division.name) || DIRECTLY_ADMINISTERED.test(division.name)
  return division.level === 'county' && GROUPING_NAME.test(division.name)
}
