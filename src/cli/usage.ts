import {stripVTControlCharacters} from 'node:util'

import {GovnetError} from '../errors'
import {cliMessages} from '../messages'
import {FlagValueError} from './flags'

/**
 * oclif's parse errors as one line: its sentence without colours, without the trailing "See more
 * help with --help" (the hint says it), with "Parsing --flag" and "The following errors occurred"
 * folded into the lines they introduce, and list continuations joined.
 */
export function oneLine(message: string): string {
  const lines = stripVTControlCharacters(message)
    .replace(/^Parsing (--\S+)\s*\n\s*/u, '$1: ')
    .replace(/^The following errors? occurred:\s*\n/u, '')
    .split('\n')
    .map((line) => line.trim().replace(/\s{2,}/gu, ' '))
    .filter((line) => line !== '' && line !== 'See more help with --help')
  return lines.reduce((text, line) => (text === '' ? line : `${text}${text.endsWith(':') ? ' ' : '; '}${line}`), '')
}

/**
 * What a command's flag and argument parse threw, as govnet reports it: a value a flag's own parse
 * refused keeps its catalog error (exit 3); anything oclif's parser threw (an unknown flag, a missing
 * required flag or argument, a value not among a flag's options, an unexpected argument) is a usage
 * error, exit 2, naming the command's help.
 */
export function parseFailure(error: unknown, command: string): Error {
  if (error instanceof FlagValueError) return error.error
  if (error instanceof GovnetError) return error
  const missing = missingArgs(error)
  const detail = missing
    ? cliMessages.missingArguments(missing)
    : oneLine(error instanceof Error ? error.message : String(error))
  return cliMessages.flagParseError(detail, command)
}

/** The arguments of oclif's RequiredArgsError (a class it does not export): definitions with a name. */
function missingArgs(error: unknown): Array<{name: string; description?: string}> | undefined {
  if (!(error instanceof Error) || !/^Missing \d+ required arg/u.test(error.message)) return undefined
  const args: unknown = Reflect.get(error, 'args')
  if (!Array.isArray(args)) return undefined
  const named = args.filter(
    (arg): arg is {name: string; description?: string} =>
      typeof arg === 'object' && arg !== null && typeof (arg as {name?: unknown}).name === 'string',
  )
  return named.length > 0 ? named : undefined
}
