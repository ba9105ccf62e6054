import {Flags} from '@oclif/core'
import type {Interfaces} from '@oclif/core'

import {DEFAULT_FRESHNESS} from '../domain/coverage'
import {parseDuration, parseSince} from '../domain/time'
import {GovnetError} from '../errors'
import {auditMessages, coverageMessages, metricsMessages} from '../messages'
import {MAX_REFRESH_MS, MIN_REFRESH_MS} from '../metrics/options'

/** A duration flag's value: milliseconds to compute with, and the text as typed to echo back. */
export interface Duration {
  ms: number
  text: string
}

/**
 * What a flag's parse throws for a value the user got wrong. oclif rewrites the message of whatever a
 * parse throws ("Parsing --x … See more help with --help"), so the catalog error travels inside
 * this one unchanged, and GovnetCommand reports it as any other GovnetError: one line, its exit code.
 */
export class FlagValueError extends Error {
  constructor(readonly error: GovnetError) {
    super(error.message)
    this.name = 'FlagValueError'
  }
}

/** How one flag takes a duration (the syntax of src/domain/time.ts): its bounds and its catalog error. */
export interface DurationRule {
  /** Smallest and largest value accepted, in ms, inclusive. */
  min?: number
  max?: number
  /** A bare whole number (up to 7 digits) counts as seconds, as in ssh's ConnectTimeout. */
  bareSeconds?: boolean
  /** The catalog error for a value the flag does not accept; `flag` is its name with the dashes. */
  invalid: (value: string, flag: string) => GovnetError
}

/** `value` of `flag` under `rule`, or the rule's catalog error. */
export function parseDurationFlag(value: string, flag: string, rule: DurationRule): Duration {
  const text = value.trim()
  const ms = rule.bareSeconds && /^\d{1,7}$/.test(text) ? Number(text) * 1000 : parseDuration(text)
  if (ms === undefined || ms < (rule.min ?? 0) || ms > (rule.max ?? Infinity)) throw rule.invalid(value, flag)
  return {ms, text: value}
}

/** Run a flag's parse, carrying a user error past oclif's rewording (FlagValueError). */
function userParse<T>(parse: (input: string) => T): (input: string) => Promise<T> {
  return (input) => {
    try {
      return Promise.resolve(parse(input))
    } catch (error) {
      if (error instanceof GovnetError) throw new FlagValueError(error)
      throw error
    }
  }
}

interface DurationFlagOptions {
  description: string
  /** As typed on the command line; shown in the help as the default. */
  default?: string
  helpGroup?: string
}

/**
 * The one flag type for durations (90m, 24h, 7d, 30s, 1500ms …): every duration flag of the commands is
 * made here, from its rule. Its value is a Duration; an invalid value is the rule's catalog error,
 * naming the flag, with exit 3.
 */
export function durationFlag(
  rule: DurationRule,
  options: DurationFlagOptions & {default: string},
): Interfaces.OptionFlag<Duration>
export function durationFlag(
  rule: DurationRule,
  options: DurationFlagOptions,
): Interfaces.OptionFlag<Duration | undefined>
export function durationFlag(
  rule: DurationRule,
  options: DurationFlagOptions,
): Interfaces.OptionFlag<Duration> | Interfaces.OptionFlag<Duration | undefined> {
  const props = {
    description: options.description,
    helpGroup: options.helpGroup,
    helpValue: '<duration>',
    multiple: false as const,
  }
  // oclif hands parse the flag's definition, name included, as its third argument.
  const parse = (input: string, _context: unknown, flag: {name: string}) =>
    userParse((text) => parseDurationFlag(text, `--${flag.name}`, rule))(input)
  if (options.default === undefined) return Flags.custom<Duration>({...props, parse})()
  const text = options.default
  return Flags.custom<Duration>({
    ...props,
    parse,
    default: parseDurationFlag(options.default, 'default', rule),
    defaultHelp: () => Promise.resolve(text),
  })()
}

/** `--fresh` of coverage and metrics: how recent a successful audit must be to verify a township. */
export const freshFlag = (): Interfaces.OptionFlag<Duration> =>
  durationFlag(
    {min: 1, invalid: (value) => coverageMessages.invalidFreshness(value)},
    {
      description: 'how recent a successful audit must be to verify a township: 90m, 24h, 7d …',
      default: DEFAULT_FRESHNESS,
    },
  )

/** `--refresh` of metrics serve: how often the inventory is read, between 1 s and 24 h. */
export const REFRESH_RULE: DurationRule = {
  min: MIN_REFRESH_MS,
  max: MAX_REFRESH_MS,
  invalid: (value) => metricsMessages.invalidRefresh(value),
}

/** The SSH timeouts of govnet audit: a bare number is seconds, as in ssh's ConnectTimeout. */
export const SSH_TIMEOUT_RULE: DurationRule = {
  bareSeconds: true,
  invalid: (value, flag) => auditMessages.invalidDuration(flag, value),
}

/**
 * `--since` of changes list: a duration back from now (the same syntax and parser) or an ISO date or
 * date-time; its value is the ISO instant it stands for, taken when the flag is parsed.
 */
export const sinceFlag = (description: string): Interfaces.OptionFlag<string | undefined> =>
  Flags.custom({
    description,
    helpValue: '<duration|date>',
    parse: userParse((input) => parseSince(input, new Date())),
  })()
