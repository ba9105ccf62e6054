import {describe, expect, it} from 'vitest'

import {
  addDays,
  addMonths,
  daysBetween,
  daysInMonth,
  isCalendarDate,
  isLeapYear,
  judgementDay,
  localCalendarDate,
  longestMonthSpanDays,
} from '../../src/domain/calendar'
import {tenantMessages} from '../../src/messages'

describe('calendar months', () => {
  it('keeps the day of the month, or takes the last day of a shorter month', () => {
    expect(addMonths('2026-08-31', 6)).toBe('2027-02-28')
    expect(addMonths('2027-08-31', 6)).toBe('2028-02-29')
    expect(addMonths('2026-03-31', 1)).toBe('2026-04-30')
    expect(addMonths('2026-01-15', 6)).toBe('2026-07-15')
    expect(addMonths('2026-11-30', 3)).toBe('2027-02-28')
    expect(addMonths('2026-12-31', 12)).toBe('2027-12-31')
    expect(addMonths('2028-02-29', 12)).toBe('2029-02-28')
    expect(addMonths('2032-02-29', 48)).toBe('2036-02-29')
    expect(addMonths('2027-02-28', -6)).toBe('2026-08-28')
  })

  it('knows leap years, the century rule included', () => {
    expect([2024, 2026, 2028, 1900, 2000, 2100].map(isLeapYear)).toEqual([true, false, true, false, true, false])
    expect([daysInMonth(2028, 2), daysInMonth(2100, 2), daysInMonth(2026, 4), daysInMonth(2026, 12)]).toEqual([
      29, 28, 30, 31,
    ])
  })

  it('adds and counts days across month and year ends', () => {
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01')
    expect(addDays('2028-02-28', 1)).toBe('2028-02-29')
    expect(addDays('2026-11-01', 30)).toBe('2026-12-01')
    expect(daysBetween('2026-01-01', '2027-01-01')).toBe(365)
    expect(daysBetween('2028-01-01', '2029-01-01')).toBe(366)
    expect(daysBetween('2026-12-01', '2026-11-01')).toBe(-30)
  })

  it('gives the longest span of N calendar months: six months can last 184 days, so 180 days is short', () => {
    expect(longestMonthSpanDays(6)).toBe(184)
    expect(daysBetween('2026-07-01', addMonths('2026-07-01', 6))).toBe(184)
    expect(longestMonthSpanDays(12)).toBe(366)
    expect(longestMonthSpanDays(1)).toBe(31)
    expect(() => longestMonthSpanDays(0)).toThrow(RangeError)
  })

  it('refuses dates that do not exist', () => {
    expect(['2026-02-28', '2028-02-29', '2026-12-31'].map(isCalendarDate)).toEqual([true, true, true])
    expect(['2026-02-29', '2026-13-01', '2026-04-31', '2026-1-01', 'today', ''].map(isCalendarDate)).toEqual(
      Array(6).fill(false),
    )
    expect(() => addMonths('2026-02-30', 1)).toThrow(RangeError)
    expect(() => addMonths('2026-01-31', 1.5)).toThrow(RangeError)
  })

  it('judges on --today when given, else on the local date', () => {
    expect(judgementDay('2026-08-31')).toBe('2026-08-31')
    expect(judgementDay(' 2026-08-31 ')).toBe('2026-08-31')
    const now = new Date(2026, 10, 25, 23, 59)
    expect(judgementDay(undefined, now)).toBe(localCalendarDate(now))
    expect(localCalendarDate(now)).toBe('2026-11-25')
    expect(() => judgementDay('2026-02-29')).toThrow(tenantMessages.invalidToday('2026-02-29'))
    expect(() => judgementDay('yesterday')).toThrow(tenantMessages.invalidToday('yesterday'))
  })
})
