import {Hook, toConfiguredId} from '@oclif/core'

import {ExitCode} from '../../errors'
import {cliMessages} from '../../messages'

/** Edits (insert, delete, substitute) between two strings: how far a typed command is from a real one. */
export function editDistance(a: string, b: string): number {
  let previous = Array.from({length: b.length + 1}, (_, j) => j)
  for (let i = 1; i <= a.length; i++) {
    const current = [i]
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1))
    }
    previous = current
  }
  return previous[b.length]!
}

/** The command closest to `typed`, when it is near enough to be what was meant (at most a third of it edited). */
export function closestCommand(typed: string, commands: readonly string[]): string | undefined {
  let best: {id: string; distance: number} | undefined
  for (const id of commands) {
    const distance = editDistance(typed, id)
    if (!best || distance < best.distance) best = {id, distance}
  }
  return best && best.distance <= Math.max(2, Math.ceil(typed.length / 3)) ? best.id : undefined
}

/**
 * A mistyped command. oclif runs this hook next to @oclif/plugin-not-found's. On a terminal the
 * plugin asks "Did you mean …?" and runs the answer, so this hook does nothing. Off a terminal
 * (scripts, CI, a pipe) the plugin only warns and exits 127, without a suggestion, so this hook
 * prints one first: one line with the closest command and where the list is, or with --json the
 * error object on stdout. The exit is 127 either way.
 */
const hook: Hook<'command_not_found'> = function (options) {
  const config = options.config
  if (process.stdin.isTTY) return Promise.resolve()
  const visible = config.commands.filter((c) => !c.hidden).map((c) => c.id)
  const suggestion = closestCommand(options.id, visible)
  const topic = options.id.split(':')[0]!
  const topicHelp = `${config.bin} help${config.findTopic(topic) ? ` ${topic}` : ''}`
  const message = cliMessages.commandNotFound(
    toConfiguredId(options.id, config),
    suggestion === undefined ? undefined : `${config.bin} ${toConfiguredId(suggestion, config)}`,
    topicHelp,
  )
  if (options.argv?.includes('--json'))
    process.stdout.write(
      `${JSON.stringify({error: {message, exit: ExitCode.commandNotFound, details: []}}, null, 2)}\n`,
    )
  else process.stderr.write(`error: ${message}\n`)
  process.exitCode = ExitCode.commandNotFound
  return Promise.resolve()
}

export default hook
