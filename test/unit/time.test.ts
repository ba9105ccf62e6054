import {describe, expect, it} from 'vitest'

import {parseDuration, parseSince} from '../../src/domain/time'
import {inventoryMessages} from '../../src/messages'

const now = new Date('2026-11-25T12:00:00.000Z')

describe('--since', () => {
  it.each([
    ['30s', '2026-11-25T11:59:30.000Z'],
    ['90m', '2026-11-25T10:30:00.000Z'],
    ['24h', '2026-11-24T12:00:00.000Z'],
    ['7d', '2026-11-18T12:00:00.000Z'],
    ['2w', '2026-11-11T12:00:00.000Z'],
    ['0h', '2026-11-25T12:00:00.000Z'],
    ['2026-11-01', '2026-11-01T00:00:00.000Z'],
    ['2026-11-01T08:30', '2026-11-01T08:30:00.000Z'],
    ['2026-11-01T08:30:15Z', '2026-11-01T08:30:15.000Z'],
    ['2026-11-01T08:30:15.250+08:00', '2026-11-01T00:30:15.250Z'],
    ['2026-11-01 08:30:00', '2026-11-01T08:30:00.000Z'],
    [' 24h ', '2026-11-24T12:00:00.000Z'],
  ])('%s → %s', (value, expected) => {
    expect(parseSince(value, now)).toBe(expected)
  })

  it.each([
    'yesterday',
    '24',
    'h',
    '-1d',
    '1.5h',
    '24H',
    '2026-02-30',
    '2026-13-01',
    '2026-11-01T25:00',
    '2026-11-1',
    '',
    '1y',
  ])('refuses %j', (value) => {
    expect(() => parseSince(value, now)).toThrow(inventoryMessages.invalidSince(value))
  })
})

describe('durations (--since, --fresh, --refresh, SSH timeouts)', () => {
  it.each([
    ['1500ms', 1500],
    ['30s', 30_000],
    ['90m', 5_400_000],
    ['24h', 86_400_000],
    [' 7d ', 604_800_000],
    ['2w', 1_209_600_000],
  ])('reads %j', (value, ms) => {
    expect(parseDuration(value)).toBe(ms)
  })

  it.each(['', '24', 'h', '1.5h', '-1d', '24H', '1y', '10 s'])('has no reading of %j', (value) => {
    expect(parseDuration(value)).toBeUndefined()
  })
})
