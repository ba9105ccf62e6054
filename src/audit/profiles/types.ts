import type {Client} from 'ssh2'

/** The platforms govnet has a profile for; the same list the inventory's nodes.platform CHECK allows. */
export const PLATFORMS = ['huawei-vrp', 'h3c-comware', 'cisco-ios', 'linux'] as const
export type Platform = (typeof PLATFORMS)[number]

export function isPlatform(value: string): value is Platform {
  return (PLATFORMS as readonly string[]).includes(value)
}

export interface InterfaceFact {
  name: string
  /** False when the interface is shut down by configuration; absent when the command does not say. */
  adminUp?: boolean
  operUp: boolean
  /** The configured description (Linux: the alias), when the command shows it. */
  description?: string
}

/** What an audit learns about a node. Stored as JSON in node_audits.facts. */
export interface NodeFacts {
  vendor: string
  model: string
  softwareVersion: string
  uptimeSeconds: number
  hostname?: string
  interfaces: InterfaceFact[]
  /** Interfaces operationally up. */
  interfacesUp: number
  /** Interfaces operationally down that are not shut down by configuration (administratively down ones count in neither). */
  interfacesDown: number
  uplink?: {name: string; operUp: boolean}
}

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

/** What one command's parser contributes to the facts; the steps' drafts are merged in order. */
export interface FactsDraft {
  vendor?: string
  model?: string
  softwareVersion?: string
  uptimeSeconds?: number
  hostname?: string
  interfaces?: InterfaceFact[]
}

export type OutputParser = (output: string) => FactsDraft

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
