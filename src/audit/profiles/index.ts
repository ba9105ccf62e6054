/**
 * The platform profiles: what govnet runs on an established SSH connection and how it reads the answers.
 * The SSH transport (src/audit) connects and authenticates, then hands the client to `runProfile`.
 * Commands come only from the profile data below; nothing a user types reaches a device.
 */
import type {Client} from 'ssh2'

import {platformOfBanner} from '../../domain/audit-parsers/detect'
import {SshError} from '../../ssh-errors'
import {runExec} from '../session/exec'
import {ShellSession} from '../session/shell-session'
import {withoutLogLines} from '../session/terminal-text'
import {ciscoIosProfile} from './cisco-ios'
import {h3cComwareProfile} from './h3c-comware'
import {huaweiVrpProfile} from './huawei-vrp'
import {linuxProfile} from './linux'
import {type ShellAnswer, completeFacts, isRefused, runExecProfile, runShellProfile} from './run'
import type {Platform} from '../../domain/nodes'
import type {FactsDraft} from '../../domain/audit-facts'
import type {CommandRecord, Profile, ProfileResult, RunProfileOptions, ShellProfile} from './types'

export * from './types'

export const PROFILES: Readonly<Record<Platform, Profile>> = {
  'huawei-vrp': huaweiVrpProfile,
  'h3c-comware': h3cComwareProfile,
  'cisco-ios': ciscoIosProfile,
  linux: linuxProfile,
}

const SHELL_PROFILES = Object.values(PROFILES).filter((p): p is ShellProfile => p.transport === 'shell')

/**
 * Runs the profile of `platform` over `client` and returns the node's facts and every command sent.
 * `auto` first asks for `uname -s` in an exec channel (Linux answers "Linux"); otherwise it opens the
 * CLI and sends the version command the prompt suggests (`<…>` → display version, else show version),
 * then the other, and reads the platform from the banner. Rejects with SshError: 'command-timeout' (a
 * command or the prompt did not come back in time), 'closed' (the connection dropped), 'command-refused'
 * (no variant of a required command was accepted, or no banner was recognised), 'protocol' (output the
 * profile does not understand).
 */
export async function runProfile(
  client: Client,
  platform: Platform | 'auto',
  options: RunProfileOptions,
): Promise<ProfileResult> {
  // A command-by-command dialogue is many small writes; Nagle's algorithm would hold each one back
  // until the peer's delayed ACK (~40 ms per command on loopback).
  client.setNoDelay(true)
  const commands: CommandRecord[] = []
  const finish = (profile: Profile, draft: FactsDraft): ProfileResult => ({
    platform: profile.platform,
    facts: completeFacts(draft, profile.platform, options.uplinkInterface),
    commands,
  })
  if (platform !== 'auto') {
    const profile = PROFILES[platform]
    if (profile.transport === 'exec') return finish(profile, await runExecProfile(client, profile, commands, options))
    return finish(profile, await withShell(client, options, (session) => runShellProfile(session, profile, commands)))
  }
  if (await answersLikeLinux(client, commands, options)) {
    return finish(linuxProfile, await runExecProfile(client, linuxProfile, commands, options))
  }
  const detected = await withShell(client, options, async (session) => {
    const banner = await probeBanner(session, commands)
    const profile = SHELL_PROFILES.find((p) => p.platform === banner.platform)
    if (profile === undefined) {
      throw new SshError(
        'command-refused',
        `auto: no known platform in the answer to ${banner.tried.map((c) => `\`${c}\``).join(', ')}`,
      )
    }
    return {profile, draft: await runShellProfile(session, profile, commands, banner.answer)}
  })
  return finish(detected.profile, detected.draft)
}

async function withShell<T>(
  client: Client,
  options: RunProfileOptions,
  use: (session: ShellSession) => Promise<T>,
): Promise<T> {
  const session = await ShellSession.open(client, {timeoutMs: options.commandTimeoutMs, signal: options.signal})
  try {
    return await use(session)
  } finally {
    session.close()
  }
}

/** `uname -s` in an exec channel: "Linux" with exit 0 on a Linux host; network devices refuse, hang or answer otherwise. */
async function answersLikeLinux(
  client: Client,
  commands: CommandRecord[],
  options: RunProfileOptions,
): Promise<boolean> {
  const command = 'uname -s'
  const started = performance.now()
  try {
    const result = await runExec(client, command, {timeoutMs: options.commandTimeoutMs, signal: options.signal})
    const linux = result.exitCode === 0 && platformOfBanner(result.stdout) === 'linux'
    commands.push({
      command,
      ...(result.exitCode === undefined ? {} : {exitCode: result.exitCode}),
      ...(result.signal === undefined ? {} : {signal: result.signal}),
      durationMs: result.durationMs,
      ...(linux ? {} : {refused: true}),
    })
    return linux
  } catch (error) {
    // A device that will not run exec requests, or never finishes one, is not a Linux host: try its CLI.
    if (error instanceof SshError && (error.code === 'command-refused' || error.code === 'command-timeout')) {
      commands.push({command, durationMs: Math.round(performance.now() - started), refused: true})
      return false
    }
    throw error
  }
}

/** Sends the version commands in the order the prompt suggests until one answer names a platform. */
async function probeBanner(
  session: ShellSession,
  commands: CommandRecord[],
): Promise<{platform?: Platform; answer?: ShellAnswer; tried: string[]}> {
  const bracketPrompt = /^[<[]/.test(session.prompt)
  const probes = bracketPrompt ? ['display version', 'show version'] : ['show version', 'display version']
  const logLinePatterns = SHELL_PROFILES.flatMap((p) => p.logLinePatterns)
  const tried: string[] = []
  for (const command of probes) {
    tried.push(command)
    const {output, durationMs} = await session.run(command)
    const text = withoutLogLines(output, logLinePatterns)
    const platform = platformOfBanner(text)
    const refused = platform === undefined || SHELL_PROFILES.some((p) => isRefused(text, p))
    commands.push({command, durationMs, ...(refused ? {refused} : {})})
    if (platform !== undefined && platform !== 'linux') return {platform, answer: {command, output: text}, tried}
  }
  return {tried}
}
