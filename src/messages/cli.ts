import {UsageError} from '../errors'

/** Where a command's flags and examples are: the hint under every parse error of that command. */
export const helpHint = (command: string) => `see \`${command} --help\` for its flags and examples`

/** A command line oclif could not parse: oclif's own sentence, made one line (src/cli/usage.ts), exit 2. */
export const flagParseError = (detail: string, command: string) => new UsageError(detail, helpHint(command))

/** Required arguments left out (oclif's own sentence adds notes about repeatable flags that rarely apply). */
export const missingArguments = (args: ReadonlyArray<{name: string; description?: string}>) =>
  `missing ${args.length === 1 ? 'argument' : 'arguments'} ${args
    .map((arg) => `${arg.name.toUpperCase()}${arg.description ? ` (${arg.description})` : ''}`)
    .join(', ')}`

/** A command that does not exist, with the closest one when there is one; exit 127, as a shell says it. */
export const commandNotFound = (typed: string, suggestion: string | undefined, topicHelp: string) =>
  suggestion
    ? `${typed} is not a govnet command: did you mean \`${suggestion}\`? (\`${topicHelp}\` lists the commands)`
    : `${typed} is not a govnet command: \`${topicHelp}\` lists the commands`
