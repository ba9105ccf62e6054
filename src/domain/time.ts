import {inventoryMessages as msg} from '../messages'

const UNIT_MS = {ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000} as const

/** Every duration govnet takes (--since, --fresh, --refresh, SSH timeouts): a whole number and a unit. */
const DURATION = /^(\d{1,9})(ms|s|m|h|d|w)$/

/** `1500ms`, `30s`, `90m`, `24h`, `7d`, `2w` → milliseconds; undefined for anything else (callers name the flag). */
export function parseDuration(value: string): number | undefined {
  const match = DURATION.exec(value.trim())
  return match ? Number(match[1]) * UNIT_MS[match[2] as keyof typeof UNIT_MS] : undefined
}

/**
 * A duration as govnet's flags write it, in the largest unit that divides it exactly, days from two
 * days on (parseDuration reads it back): 86400000 → `24h`, 5400000 → `90m`, 604800000 → `7d`.
 */
export function formatDuration(ms: number): string {
  const units: ReadonlyArray<[keyof typeof UNIT_MS, number]> = [
    ['d', 2 * UNIT_MS.d],
    ['h', UNIT_MS.h],
    ['m', UNIT_MS.m],
    ['s', UNIT_MS.s],
  ]
  const [unit] = units.find(([unit, from]) => ms >= from && ms % UNIT_MS[unit] === 0) ?? ['ms']
  return `${ms / UNIT_MS[unit]}${unit}`
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/
const ISO_DATE_TIME = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}(?::\d{2}(?:\.\d{1,3})?)?)(Z|[+-]\d{2}:\d{2})?$/

/**
 * A `--since` value as an ISO instant (UTC, `Date.toISOString` form, comparable with stored times):
 * a duration back from `now` (90m, 24h, 7d, 2w, 30s), a date (midnight UTC) or a date-time with or
 * without an offset (without one it is UTC). Anything else, including dates that do not exist,
 * is an invalidSince error.
 */
export function parseSince(value: string, now: Date): string {
  const text = value.trim()
  const duration = parseDuration(text)
  if (duration !== undefined) return new Date(now.getTime() - duration).toISOString()
  if (ISO_DATE.test(text)) return validInstant(value, `${text}T00:00:00Z`, text)
  const dateTime = ISO_DATE_TIME.exec(text)
  if (dateTime) return validInstant(value, `${dateTime[1]}T${dateTime[2]}${dateTime[3] ?? 'Z'}`, dateTime[1]!)
  throw msg.invalidSince(value)
}

/** Date rolls 2026-02-30 over to March; a date that does not exist is refused instead. */
function validInstant(value: string, iso: string, date: string): string {
  const instant = new Date(iso)
  const [year, month, day] = date.split('-').map(Number)
  const calendar = new Date(Date.UTC(year!, month! - 1, day))
  const exists =
    calendar.getUTCFullYear() === year && calendar.getUTCMonth() === month! - 1 && calendar.getUTCDate() === day
  if (Number.isNaN(instant.getTime()) || !exists) throw msg.invalidSince(value)
  return instant.toISOString()
}
