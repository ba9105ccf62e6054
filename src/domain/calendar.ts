import {invalidToday} from '../messages/tenants'

/**
 * Calendar dates (YYYY-MM-DD, proleptic Gregorian) and the deadlines the MLPS rules count in them.
 * The law counts in calendar months ("not less than six months", "once a year", "every half
 * year") and in days ("within 30 days"), so one helper does both, with month ends handled:
 * 31 August + 6 months is the last day of February (28th, or 29th in a leap year).
 */

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/
const MS_PER_DAY = 86_400_000

/** Whether `date` is a YYYY-MM-DD date that exists (2026-02-29 does not). */
export function isCalendarDate(date: string): boolean {
  const match = ISO_DATE.exec(date)
  if (!match) return false
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])]
  return month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month)
}

export function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0
}

/** Days in `month` (1–12) of `year`. */
export function daysInMonth(year: number, month: number): number {
  return month === 2 ? (isLeapYear(year) ? 29 : 28) : [4, 6, 9, 11].includes(month) ? 30 : 31
}

function parts(date: string): [number, number, number] {
  if (!isCalendarDate(date)) throw new RangeError(`"${date}" is not a calendar date YYYY-MM-DD`)
  const [year = 0, month = 0, day = 0] = date.split('-').map(Number)
  return [year, month, day]
}

const format = (year: number, month: number, day: number) =>
  `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`

/**
 * `date` plus `months` calendar months (negative goes back). The day of the month is kept, or
 * becomes the last day of the target month when that month is shorter: 2026-08-31 + 6 → 2027-02-28,
 * 2027-08-31 + 6 → 2028-02-29, 2028-02-29 + 12 → 2029-02-28.
 */
export function addMonths(date: string, months: number): string {
  if (!Number.isInteger(months)) throw new RangeError(`months must be a whole number, got ${months}`)
  const [year, month, day] = parts(date)
  const index = year * 12 + (month - 1) + months
  const targetYear = Math.floor(index / 12)
  const targetMonth = (index % 12) + 1
  return format(targetYear, targetMonth, Math.min(day, daysInMonth(targetYear, targetMonth)))
}

/** `date` plus `days` calendar days (negative goes back). */
export function addDays(date: string, days: number): string {
  if (!Number.isInteger(days)) throw new RangeError(`days must be a whole number, got ${days}`)
  const [year, month, day] = parts(date)
  return new Date(Date.UTC(year, month - 1, day) + days * MS_PER_DAY).toISOString().slice(0, 10)
}

/** Calendar days from `from` to `to` (negative when `to` is earlier). */
export function daysBetween(from: string, to: string): number {
  const [y1, m1, d1] = parts(from)
  const [y2, m2, d2] = parts(to)
  return Math.round((Date.UTC(y2, m2 - 1, d2) - Date.UTC(y1, m1 - 1, d1)) / MS_PER_DAY)
}

const longestSpans = new Map<number, number>()

/**
 * The most days that `months` calendar months can span, over every start date: a retention set in
 * days keeps everything at least `months` calendar months when it is at least this long (6 → 184,
 * e.g. 1 July to 1 January; 12 → 366). Four years from a leap year hold every combination of month
 * lengths, so scanning them is exact.
 */
export function longestMonthSpanDays(months: number): number {
  if (!Number.isInteger(months) || months < 1) throw new RangeError(`months must be a whole number ≥ 1, got ${months}`)
  let longest = longestSpans.get(months)
  if (longest === undefined) {
    longest = 0
    for (let date = '2000-01-01'; date < '2004-01-01'; date = addDays(date, 1))
      longest = Math.max(longest, daysBetween(date, addMonths(date, months)))
    longestSpans.set(months, longest)
  }
  return longest
}

/** The local calendar date of `now` on this machine (what "today" means to an operator). */
export function localCalendarDate(now: Date): string {
  return format(now.getFullYear(), now.getMonth() + 1, now.getDate())
}

/**
 * The day deadlines are judged on: `--today` when given (YYYY-MM-DD, a date that exists, for tests
 * and for auditors replaying a date), else the local calendar date of `now`.
 */
export function judgementDay(today: string | undefined, now: Date = new Date()): string {
  if (today === undefined) return localCalendarDate(now)
  const value = today.trim()
  if (!isCalendarDate(value)) throw invalidToday(today)
  return value
}
