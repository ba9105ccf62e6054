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

/** The Pulumi CLI, checked to run; a one-line error saying how to install it otherwise. */
export async function locateEngine(env: NodeJS.ProcessEnv = process.env): Promise<Engine> {
  const bin = findEngineBin(env)
  if (!bin) throw msg.engineMissing('pulumi')
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
