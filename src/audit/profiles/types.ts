import type {Client} from 'ssh2'

import type {NodeFacts, OutputParser} from '../../domain/audit-facts'
import type {Platform} from '../../domain/nodes'

/** One command sent to the device, in order, including refused variants and the paging switch. */
export interface CommandRecord {
  command: string
  /** Exec channels (linux) only: the exit status. Interactive shells have none. */
  exitCode?: number
  /** Exec channels only: the signal that ended the command, e.g. 'KILL'. */
  signal?: string
  durationMs: number
  /** True when the device refused this command (error marker, or a non-zero exit) and the profile moved on. */
  refused?: boolean
}

export interface ProfileResult {
  platform: Platform
  facts: NodeFacts
  commands: CommandRecord[]
}

export interface RunProfileOptions {
  /** Per command: how long the device may take to finish one command and return to its prompt. */
  commandTimeoutMs: number
  signal?: AbortSignal
  /** The interface the inventory says is the uplink; when absent the profile picks it by description. */
  uplinkInterface?: string
}

export type RunProfile = (
  client: Client,
  platform: Platform | 'auto',
  options: RunProfileOptions,
) => Promise<ProfileResult>

/** One command a step may send, with the parser for its output. */
export interface CommandVariant {
  command: string
  parse: OutputParser
}

/**
 * One fact-gathering step of a profile: the command variants to try in order (the first one the device
 * accepts wins: a richer or privileged variant first, the plain one after) and their parsers.
 */
export interface ProfileStep {
  /** Names the step in errors: 'version and uptime', 'interfaces'. */
  name: string
  variants: readonly CommandVariant[]
}

/** The variants of a step whose commands all print the same format. */
export function sameFormat(parse: OutputParser, ...commands: string[]): CommandVariant[] {
  return commands.map((command) => ({command, parse}))
}

interface ProfileBase {
  platform: Platform
  steps: readonly ProfileStep[]
}

/** A network device driven through an interactive shell (pty), prompt by prompt. */
export interface ShellProfile extends ProfileBase {
  transport: 'shell'
  /** Commands that turn paging off for this session only, in order of preference; none accepted → the driver answers the pager. */
  pagingOff: readonly string[]
  /** Output lines that mean the device refused the command (unknown, incomplete, not permitted). */
  refusalPatterns: readonly RegExp[]
  /** Asynchronous log lines a device may print in the middle of output (syslog, traps); removed before parsing. */
  logLinePatterns: readonly RegExp[]
}

/**
 * A host whose commands run in exec channels with an exit status (no pty, no prompt): the first variant
 * of every step together in one channel, fallbacks each in their own.
 */
export interface ExecProfile extends ProfileBase {
  transport: 'exec'
}

export type Profile = ShellProfile | ExecProfile
