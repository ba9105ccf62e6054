import {describe, expect, it} from 'vitest'

import {closestCommand, editDistance} from '../../src/cli/hooks/command-not-found'
import {FlagValueError} from '../../src/cli/flags'
import {oneLine, parseFailure} from '../../src/cli/usage'
import {ExitCode, UsageError} from '../../src/errors'
import {cliMessages, coverageMessages} from '../../src/messages'

describe('oclif parse errors as one line', () => {
  it('drops the colours and the "See more help" line, and folds the lines oclif introduces', () => {
    expect(oneLine('Nonexistent flag: --bogus\nSee more help with --help')).toBe('Nonexistent flag: --bogus')
    expect(
      oneLine(
        'The following error occurred:\n  \u001b[2mMissing required flag file\u001b[22m\nSee more help with --help',
      ),
    ).toBe('Missing required flag file')
    expect(
      oneLine(
        'The following errors occurred:\n  Missing required flag file\n  --a cannot also be provided when using --b',
      ),
    ).toBe('Missing required flag file; --a cannot also be provided when using --b')
    expect(
      oneLine(
        'Parsing --limit \n\tExpected an integer greater than or equal to 1 but received: 0\nSee more help with --help',
      ),
    ).toBe('--limit: Expected an integer greater than or equal to 1 but received: 0')
  })

  it("keeps a flag's own catalog error (exit 3) and makes anything else a usage error (exit 2) naming the help", () => {
    const own = coverageMessages.invalidFreshness('yesterday')
    expect(parseFailure(new FlagValueError(own), 'govnet coverage')).toBe(own)
    const usage = parseFailure(new Error('Unexpected argument: b\nSee more help with --help'), 'govnet node show')
    expect(usage).toEqual(cliMessages.flagParseError('Unexpected argument: b', 'govnet node show'))
    if (!(usage instanceof UsageError)) return expect.fail('not a UsageError')
    expect(usage.exit).toBe(ExitCode.usage)
    expect(usage.hint).toBe(cliMessages.helpHint('govnet node show'))
  })

  it('names the missing arguments from their definitions, without the note on repeatable flags', () => {
    const error = Object.assign(
      new Error('Missing 1 required arg:\nid  tenant id\n\nNote: --tag allows multiple values.'),
      {
        args: [{name: 'id', description: 'tenant id'}],
      },
    )
    expect(parseFailure(error, 'govnet tenant check')).toEqual(
      cliMessages.flagParseError('missing argument ID (tenant id)', 'govnet tenant check'),
    )
  })
})

describe('the closest command', () => {
  const ids = ['node:list', 'node:show', 'tenant:check', 'coverage']

  it('counts edits', () => {
    expect(editDistance('node:lst', 'node:list')).toBe(1)
    expect(editDistance('', 'abc')).toBe(3)
    expect(editDistance('kitten', 'sitting')).toBe(3)
  })

  it('suggests a near command and nothing for a word far from every command', () => {
    expect(closestCommand('node:lst', ids)).toBe('node:list')
    expect(closestCommand('tenant:chek', ids)).toBe('tenant:check')
    expect(closestCommand('coverag', ids)).toBe('coverage')
    expect(closestCommand('xyzzy', ids)).toBeUndefined()
  })
})
