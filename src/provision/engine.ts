import {PulumiCommand} from '@pulumi/pulumi/automation'
import {accessSync, constants} from 'node:fs'
import {homedir} from 'node:os'
import path from 'node:path'

import * as msg from '../messages/provision'
import {dependencyVersion} from '../paths'

/** The Pulumi CLI version that matches the @pulumi/pulumi SDK govnet is built with: package.json's dependency. */
export const PULUMI_VERSION = dependencyVersion('@pulumi/pulumi')

/**
 * Where scripts/pulumi-engine.sh builds the CLI: GOVNET_PULUMI_HOME/bin, by default
 * ~/.cache/govnet/pulumi-v<PULUMI_VERSION>/bin.
 */
export function engineCacheBin(env: NodeJS.ProcessEnv = process.env): string {
  return path.join(
    env.GOVNET_PULUMI_HOME || path.join(homedir(), '.cache', 'govnet', `pulumi-v${PULUMI_VERSION}`),
    'bin',
  )
}

const isExecutable = (file: string) => {
  try {
    accessSync(file, constants.X_OK)
    return true
  } catch {
    return false
  }
}

/**
 * The directory holding `pulumi` and its Node.js plugins: GOVNET_PULUMI_BIN, then the first PATH
 * entry with a `pulumi`, then the engine script's cache. Undefined when none has one.
 */
export function findEngineBin(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const candidates = [
    ...(env.GOVNET_PULUMI_BIN ? [env.GOVNET_PULUMI_BIN] : []),
    ...(env.PATH ?? '').split(path.delimiter).filter((dir) => dir !== ''),
    engineCacheBin(env),
  ]
  return candidates.map((dir) => path.resolve(dir)).find((dir) => isExecutable(path.join(dir, 'pulumi')))
}

export interface Engine {
  command: PulumiCommand
  bin: string
}

const located = new Map<string, Promise<Engine>>()

/**
 * The Pulumi CLI, checked to run; a one-line error saying how to install it otherwise. Checked once per
 * directory and process (`pulumi version` takes most of a second), so a batch pays it once.
 */
export async function locateEngine(env: NodeJS.ProcessEnv = process.env): Promise<Engine> {
  const bin = findEngineBin(env)
  if (!bin) throw msg.engineMissing('pulumi')
  let engine = located.get(bin)
  if (!engine) {
    engine = checkEngine(bin)
    located.set(bin, engine)
    engine.catch(() => located.delete(bin))
  }
  return engine
}

async function checkEngine(bin: string): Promise<Engine> {
  try {
    // PulumiCommand runs <root>/bin/pulumi, or `pulumi` from PATH without a root.
    const command = await PulumiCommand.get(path.basename(bin) === 'bin' ? {root: path.dirname(bin)} : {})
    return {command, bin}
  } catch (error) {
    throw msg.engineUnusable(path.join(bin, 'pulumi'), firstLine((error as Error).message))
  }
}

export function firstLine(text: string): string {
  return (
    text
      .split('\n')
      .map((l) => l.trim())
      .find((l) => l !== '') ?? ''
  )
}

/** The first `setsid` on PATH or in /usr/bin (util-linux). */
function findSetsid(env: NodeJS.ProcessEnv): string | undefined {
  return [...(env.PATH ?? '').split(path.delimiter).filter((dir) => dir !== ''), '/usr/bin', '/bin']
    .map((dir) => path.join(dir, 'setsid'))
    .find(isExecutable)
}

/**
 * The CLI started in a session (and process group) of its own, through `setsid`: a Ctrl-C on the
 * terminal then reaches govnet only, which decides what the engine gets — nothing on the first
 * (running stacks finish), SIGINT on the second, as Ctrl-C in `pulumi up` (the Automation API sends
 * it when the operation's abort signal fires). setsid execs the CLI in place (a child of Node is no
 * group leader), so that signal reaches the CLI itself. Without setsid the CLI is used as it is.
 * PulumiCommand keeps its `run(args, …)` internal; this wraps it on a copy and leaves the original as it was.
 */
export function ownProcessGroup(engine: Engine, env: NodeJS.ProcessEnv = process.env): PulumiCommand {
  const setsid = findSetsid(env)
  const run: unknown = Reflect.get(engine.command, 'run')
  if (!setsid || typeof run !== 'function') return engine.command
  const wrapped = Object.create(engine.command) as PulumiCommand
  Object.defineProperty(wrapped, 'command', {value: setsid})
  Object.defineProperty(wrapped, 'run', {
    value: (args: string[], ...rest: unknown[]): unknown =>
      Reflect.apply(run, wrapped, [[engine.command.command, ...args], ...rest]),
  })
  return wrapped
}
