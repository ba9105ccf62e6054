import type {Client} from 'ssh2'

import {interfaceSummary} from '../../domain/audit-parsers/common'
import {SshError} from '../../ssh-errors'
import {runExec, runExecBatch} from '../session/exec'
import type {ShellSession} from '../session/shell-session'
import {withoutLogLines} from '../session/terminal-text'
import type {FactsDraft, NodeFacts} from '../../domain/audit-facts'
import type {CommandRecord, CommandVariant, ExecProfile, ProfileStep, RunProfileOptions, ShellProfile} from './types'

/** Merges a step's draft into the facts so far: the first step that learns a field wins. */
export function mergeDraft(into: FactsDraft, from: FactsDraft): void {
  for (const [key, value] of Object.entries(from) as [keyof FactsDraft, FactsDraft[keyof FactsDraft]][]) {
    if (value !== undefined && into[key] === undefined) (into as Record<string, unknown>)[key] = value
  }
}

/**
 * The facts of a finished profile run. A field every audit records (vendor, model, version, uptime,
 * interfaces) that no parser found means the device printed something the profile does not understand:
 * SshError 'protocol', naming the field, rather than a record with holes.
 */
export function completeFacts(draft: FactsDraft, platformName: string, uplinkInterface?: string): NodeFacts {
  const missing = (['vendor', 'model', 'softwareVersion', 'uptimeSeconds', 'interfaces'] as const).filter(
    (field) => draft[field] === undefined,
  )
  if (missing.length > 0) {
    throw new SshError('protocol', `${platformName} output not understood: no ${missing.join(', ')} found`)
  }
  const interfaces = draft.interfaces!
  return {
    vendor: draft.vendor!,
    model: draft.model!,
    softwareVersion: draft.softwareVersion!,
    uptimeSeconds: draft.uptimeSeconds!,
    ...(draft.hostname === undefined ? {} : {hostname: draft.hostname}),
    interfaces,
    ...interfaceSummary(interfaces, uplinkInterface),
  }
}

export function refusedStep(step: ProfileStep, platformName: string): SshError {
  return new SshError(
    'command-refused',
    `${platformName} refused every command for ${step.name}: ${step.variants.map((v) => `\`${v.command}\``).join(', ')}`,
  )
}

/**
 * Runs an exec profile. The first variant of every step goes in one batch (one exec channel, one session
 * on the host); a step whose command failed there (non-zero exit) or left no result tries its remaining
 * variants, each in its own channel. A variant is accepted when it exits 0 (or closes without a status).
 */
export async function runExecProfile(
  client: Client,
  profile: ExecProfile,
  commands: CommandRecord[],
  options: RunProfileOptions,
): Promise<FactsDraft> {
  const execOptions = {timeoutMs: options.commandTimeoutMs, signal: options.signal}
  const batched = await runExecBatch(
    client,
    profile.steps.map((step) => step.variants[0]!.command),
    execOptions,
  )
  const draft: FactsDraft = {}
  const accept = (
    variant: CommandVariant,
    result: {stdout: string; exitCode?: number; signal?: string; durationMs: number},
  ) => {
    const accepted = result.exitCode === 0 || (result.exitCode === undefined && result.signal === undefined)
    commands.push({
      command: variant.command,
      ...(result.exitCode === undefined ? {} : {exitCode: result.exitCode}),
      ...(result.signal === undefined ? {} : {signal: result.signal}),
      durationMs: result.durationMs,
      ...(accepted ? {} : {refused: true}),
    })
    if (accepted) mergeDraft(draft, variant.parse(result.stdout))
    return accepted
  }
  for (const [index, step] of profile.steps.entries()) {
    const inBatch = batched[index]
    let accepted = inBatch !== undefined && accept(step.variants[0]!, inBatch)
    for (const variant of step.variants.slice(inBatch === undefined ? 0 : 1)) {
      if (accepted) break
      accepted = accept(variant, await runExec(client, variant.command, execOptions))
    }
    if (!accepted) throw refusedStep(step, profile.platform)
  }
  return draft
}

/** True when the device answered with one of the profile's refusal messages. */
export function isRefused(output: string, profile: ShellProfile): boolean {
  return output.split('\n').some((line) => profile.refusalPatterns.some((pattern) => pattern.test(line)))
}

/** An answer the session already has, e.g. the `display version` that told `auto` which platform this is. */
export interface ShellAnswer {
  command: string
  output: string
}

/**
 * Runs a shell profile on an open session: paging off (first accepted variant; none accepted is fine,
 * the driver answers the pager), then each step's variants until one is not refused.
 */
export async function runShellProfile(
  session: ShellSession,
  profile: ShellProfile,
  commands: CommandRecord[],
  known?: ShellAnswer,
): Promise<FactsDraft> {
  const send = async (command: string): Promise<{output: string; refused: boolean}> => {
    if (known?.command === command) return {output: known.output, refused: false}
    const {output, durationMs} = await session.run(command)
    const refused = isRefused(output, profile)
    commands.push({command, durationMs, ...(refused ? {refused} : {})})
    return {output: withoutLogLines(output, profile.logLinePatterns), refused}
  }
  for (const command of profile.pagingOff) {
    if (!(await send(command)).refused) break
  }
  const draft: FactsDraft = {}
  for (const step of profile.steps) {
    let accepted = false
    for (const variant of step.variants) {
      const {output, refused} = await send(variant.command)
      if (refused) continue
      mergeDraft(draft, variant.parse(output))
      accepted = true
      break
    }
    if (!accepted) throw refusedStep(step, profile.platform)
  }
  mergeDraft(draft, {hostname: session.hostname})
  return draft
}
