import {Parser} from '@oclif/core'
import {describe, expect, it} from 'vitest'

import {sshFlags} from '../../src/cli/audit'
import {Duration, durationFlag, FlagValueError, freshFlag, REFRESH_RULE, sinceFlag} from '../../src/cli/flags'
import {auditMessages, coverageMessages, inventoryMessages, metricsMessages} from '../../src/messages'
import {rejected} from '../helpers/expect-error'

/** The flags as a command declares them, parsed by oclif's own parser from `argv`. */
const parse = async (argv: string[]) =>
  (
    await Parser.parse(argv, {
      flags: {
        fresh: freshFlag(),
        refresh: durationFlag(REFRESH_RULE, {description: 'refresh', default: '30s'}),
        timeout: sshFlags.timeout,
        'node-deadline': sshFlags['node-deadline'],
        since: sinceFlag('since'),
      },
    })
  ).flags

/** The catalog error a value is refused with: the one GovnetCommand prints and exits with. */
const refusal = async (argv: string[]) => (await rejected(parse(argv), FlagValueError)).error

describe('duration flags (src/cli/flags.ts)', () => {
  it('take their defaults as typed, and leave an optional one unset', async () => {
    const flags = await parse([])
    expect(flags.fresh).toEqual<Duration>({ms: 86_400_000, text: '24h'})
    expect(flags.refresh).toEqual<Duration>({ms: 30_000, text: '30s'})
    expect(flags.timeout).toEqual<Duration>({ms: 10_000, text: '10s'})
    expect(flags['node-deadline']).toBeUndefined()
    expect(flags.since).toBeUndefined()
  })

  it.each([
    ['24h', 86_400_000],
    ['90m', 5_400_000],
    ['7d', 7 * 86_400_000],
  ])('--fresh reads %s', async (value, ms) => {
    expect((await parse(['--fresh', value])).fresh).toEqual({ms, text: value})
  })

  it.each(['1y', '0h', '2026-11-01', 'h', ''])('--fresh refuses %j', async (value) => {
    expect(await refusal(['--fresh', value])).toEqual(coverageMessages.invalidFreshness(value))
  })

  it.each([
    ['30s', 30_000],
    ['1500ms', 1500],
    ['5m', 300_000],
    ['90m', 5_400_000],
    ['1d', 86_400_000],
    ['24h', 86_400_000],
  ])('--refresh reads %s', async (value, ms) => {
    expect((await parse(['--refresh', value])).refresh.ms).toBe(ms)
  })

  it.each(['0s', '999ms', '25h', '2d', '30', '0.5h', 'soon', '-5s'])('--refresh refuses %j', async (value) => {
    expect(await refusal([`--refresh=${value}`])).toEqual(metricsMessages.invalidRefresh(value))
  })

  it('reads SSH timeouts in ms, s, m, h and bare seconds, naming the flag in the error', async () => {
    expect((await parse(['--timeout', '500ms'])).timeout.ms).toBe(500)
    expect((await parse(['--timeout', '10s'])).timeout.ms).toBe(10_000)
    expect((await parse(['--timeout', '2m'])).timeout.ms).toBe(120_000)
    expect((await parse(['--timeout', '7'])).timeout.ms).toBe(7000)
    expect((await parse(['--node-deadline', '1h']))['node-deadline']?.ms).toBe(3_600_000)
    expect(await refusal(['--timeout', '1.5s'])).toEqual(auditMessages.invalidDuration('--timeout', '1.5s'))
    expect(await refusal(['--node-deadline', 'soon'])).toEqual(auditMessages.invalidDuration('--node-deadline', 'soon'))
  })

  it('--since is the instant a duration back from now, a date or a date-time stands for', async () => {
    const before = Date.now()
    const since = (await parse(['--since', '90m'])).since!
    expect(Date.parse(since)).toBeGreaterThanOrEqual(before - 5_400_000)
    expect(Date.parse(since)).toBeLessThanOrEqual(Date.now() - 5_400_000)
    expect((await parse(['--since', '2026-11-01'])).since).toBe('2026-11-01T00:00:00.000Z')
    expect(await refusal(['--since', 'yesterday'])).toEqual(inventoryMessages.invalidSince('yesterday'))
  })

  it('show the value they take in the help', () => {
    expect(freshFlag().helpValue).toBe('<duration>')
    expect(sshFlags.keepalive.helpValue).toBe('<duration>')
  })
})
