/**
 * Help and errors as a user meets them: `govnet help`, a mistyped command, shell completion, and
 * every kind of flag-parse error, as text (one line and a hint, exit 2) and under --json (the same
 * error envelope as every other govnet error, exit 2).
 */
import {readFileSync} from 'node:fs'
import path from 'node:path'
import {Command, Config, Help} from '@oclif/core'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {NODE_STATUSES, PLATFORMS, ROLES} from '../../src/domain/nodes'
import {MLPS_LEVELS} from '../../src/domain/mlps'
import {EXPOSURES, TENANT_STATUSES} from '../../src/domain/tenants'
import {TIERS} from '../../src/domain/tiers'
import {ExitCode, UsageError} from '../../src/errors'
import {cliMessages} from '../../src/messages'
import {govnet, json, repoRoot, tempDir} from '../helpers/cli'
import {expectError, expectJsonError} from '../helpers/expect-error'
import {readManifest} from '../helpers/examples'

let dir: string
let cleanup: () => void
let db: string

beforeAll(() => {
  ;({dir, cleanup} = tempDir())
  db = path.join(dir, 'govnet.db')
  expect(govnet(['init', '--db', db]).code).toBe(0)
})
afterAll(() => cleanup())

/** Help as printed for a terminal `columns` wide (oclif reads OCLIF_COLUMNS; off a terminal it is 80). */
const help = (args: string[], columns: number) => govnet(args, {env: {OCLIF_COLUMNS: String(columns)}})

describe('govnet help', () => {
  it('lists the topics and commands, and `help audit` is the audit help', () => {
    const top = govnet(['help'])
    expect(top.code).toBe(0)
    expect(top.stdout).toMatch(/^TOPICS$/m)
    expect(top.stdout).toMatch(/^ {2}tenant\s+Government cloud tenants$/m)
    expect(top.stdout).toMatch(/^ {2}audit\s+Audit extranet nodes over SSH$/m)
    const audit = govnet(['help', 'audit'])
    expect(audit.code).toBe(0)
    expect(audit.stdout).toContain('$ govnet audit')
    expect(audit.stdout).toBe(govnet(['audit', '--help']).stdout)
  })

  it('prints the completion setup for bash', () => {
    const result = govnet(['autocomplete', 'bash'], {env: {HOME: dir}})
    expect(result.code).toBe(0)
    expect(result.stdout).toContain('govnet autocomplete script bash')
  })

  it('lists the options of every enumerated add/set flag, from the domain lists', () => {
    const options = (args: string[], flag: string) => {
      const text = help([...args, '--help'], 400).stdout
      const from = text.indexOf(`--${flag}=<option>`)
      return /<options: ([^>]+)>/.exec(text.slice(from))?.[1]?.split('|')
    }
    for (const command of [
      ['node', 'add'],
      ['node', 'set'],
    ]) {
      expect(options(command, 'tier')).toEqual([...TIERS])
      expect(options(command, 'role')).toEqual([...ROLES])
      expect(options(command, 'platform')).toEqual([...PLATFORMS])
      expect(options(command, 'status')).toEqual([...NODE_STATUSES])
    }
    for (const command of [
      ['tenant', 'add'],
      ['tenant', 'set'],
    ]) {
      expect(options(command, 'level')).toEqual(MLPS_LEVELS.map(String))
      expect(options(command, 'exposure')).toEqual([...EXPOSURES])
      expect(options(command, 'status')).toEqual([...TENANT_STATUSES])
    }
    for (const command of [
      ['region', 'add'],
      ['region', 'set'],
    ])
      expect(options(command, 'max-level')).toEqual(MLPS_LEVELS.map(String))
  })

  it('never breaks a word across lines at 80 columns: every word of the narrow help is a word of the wide one', async () => {
    const brokenWords = (narrow: string, wide: string) => {
      const words = new Set(wide.split(/\s+/))
      return narrow.split(/\s+/).filter((word) => word !== '' && !words.has(word))
    }
    // As the user sees it, for the command whose column list used to break mid-word.
    const args = ['node', 'import', '--help']
    expect(brokenWords(help(args, 80).stdout, help(args, 1000).stdout)).toEqual([])
    // Every command, rendered by the same help class in this process (84 processes would take minutes here).
    const config = await Config.load(repoRoot)
    /** oclif's help class, with its command formatter (protected) opened for the test. */
    class CommandHelp extends Help {
      commandText(command: Command.Loadable): string {
        return this.formatCommand(command)
      }
    }
    const render = (command: Command.Loadable, maxWidth: number) =>
      new CommandHelp(config, {maxWidth, stripAnsi: true}).commandText(command)
    const own = config.commands.filter((command) => command.pluginName === 'govnet')
    expect(own.length).toBe(Object.keys(readManifest().commands).length)
    for (const command of own)
      expect(brokenWords(render(command, 80), render(command, 1000)), `help of ${command.id}`).toEqual([])
  })
})

describe('a mistyped command', () => {
  it('suggests the closest command off a terminal, exit 127', () => {
    for (const typed of [['node', 'lst'], ['node:lst']]) {
      const result = govnet(typed)
      expect(result.code).toBe(ExitCode.commandNotFound)
      expect(result.stderr.split('\n')[0]).toBe(
        `error: ${cliMessages.commandNotFound('node lst', 'govnet node list', 'govnet help node')}`,
      )
    }
    const topic = govnet(['nod', 'list'])
    expect(topic.stderr).toContain('did you mean `govnet node list`?')
  })

  it('under --json prints the error envelope on stdout', () => {
    const result = govnet(['tenant', 'chek', '--json'])
    expect(result.code).toBe(ExitCode.commandNotFound)
    expect(json(result)).toEqual({
      error: {
        message: cliMessages.commandNotFound('tenant chek', 'govnet tenant check', 'govnet help tenant'),
        exit: ExitCode.commandNotFound,
        details: [],
      },
    })
  })
})

describe('flag-parse errors', () => {
  const cases: Array<{what: string; args: string[]; command: string; message: string}> = [
    {
      what: 'an unknown flag',
      args: ['node', 'list', '--bogus'],
      command: 'govnet node list',
      message: 'Nonexistent flag: --bogus',
    },
    {
      what: 'a missing required flag',
      args: ['node', 'import'],
      command: 'govnet node import',
      message: 'Missing required flag file',
    },
    {
      what: 'a value not among the options',
      args: ['node', 'add', 'x', '--status', 'retired'],
      command: 'govnet node add',
      message: `Expected --status=retired to be one of: ${NODE_STATUSES.join(', ')}`,
    },
    {
      what: 'an unexpected argument',
      args: ['node', 'show', 'a', 'b'],
      command: 'govnet node show',
      message: 'Unexpected argument: b',
    },
    {
      what: 'a missing argument',
      args: ['tenant', 'check'],
      command: 'govnet tenant check',
      message: cliMessages.missingArguments([{name: 'id', description: 'tenant id'}]),
    },
    {
      what: 'an integer below its minimum',
      args: ['changes', 'list', '--limit', '0'],
      command: 'govnet changes list',
      message: '--limit: Expected an integer greater than or equal to 1 but received: 0',
    },
  ]
  for (const c of cases) {
    it(`${c.what}: one line and a hint, exit 2; under --json the error envelope`, () => {
      const expected = cliMessages.flagParseError(c.message, c.command)
      expect(expected).toBeInstanceOf(UsageError)
      expect(expected.exit).toBe(2)
      expectError(govnet([...c.args, '--db', db]), expected)
      const result = govnet([...c.args, '--db', db, '--json'])
      expectJsonError(result, expected)
      expect(result.stdout.length).toBeLessThan(1000)
      expect(result.stderr).toBe('')
    })
  }

  it('a value a flag parses itself keeps its catalog error and exit 3', () => {
    const result = govnet(['coverage', '--fresh', 'yesterday', '--db', db, '--json'])
    expect(result.code).toBe(ExitCode.invalid)
    expect(json(result).error.exit).toBe(ExitCode.invalid)
  })
})

describe('plugins', () => {
  it('registers help, not-found (which asks "Did you mean …?" on a terminal) and autocomplete', () => {
    const pjson = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as {oclif: {plugins: string[]}}
    expect(pjson.oclif.plugins).toEqual(['@oclif/plugin-help', '@oclif/plugin-not-found', '@oclif/plugin-autocomplete'])
  })
})
