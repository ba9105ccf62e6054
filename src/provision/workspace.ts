import {randomBytes} from 'node:crypto'
import {
  accessSync,
  constants,
  existsSync,
  linkSync,
  lstatSync,
  mkdirSync,
  readlinkSync,
  statSync,
  symlinkSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs'
import path from 'node:path'

import * as msg from '../messages/provision'
import {GOVNET_DIR, packageRoot} from '../paths'

/**
 * Where provisioning keeps its files, next to the inventory (<db dir>/.govnet/):
 *
 *   pulumi-state/          the local file state backend (file://…), one stack per tenant
 *   pulumi-passphrase      generated passphrase for the stacks' secrets (0600), unless
 *                          PULUMI_CONFIG_PASSPHRASE or PULUMI_CONFIG_PASSPHRASE_FILE is set
 *   workspaces/<tenant>/   the program directory of each tenant's stack (Pulumi.yaml, stack
 *                          settings); node_modules links to govnet's own, so the engine's
 *                          dynamic-provider plugin finds @pulumi/pulumi from there
 *   policy-config/<tenant>.json  the policy pack's config for the tenant (its region's extranet ranges)
 */
export const PROJECT_NAME = 'govnet-tenants'

export interface ProvisionPaths {
  root: string
  stateDir: string
  backendUrl: string
  passphraseFile: string
  workspacesDir: string
  policyConfigDir: string
  /** The policy pack directory (PulumiPolicy.yaml; its package.json points at the compiled pack). */
  policyPack: string
}

export function provisionPaths(inventoryPath: string): ProvisionPaths {
  const root = path.join(path.dirname(path.resolve(inventoryPath)), GOVNET_DIR)
  const stateDir = path.join(root, 'pulumi-state')
  return {
    root,
    stateDir,
    backendUrl: `file://${stateDir}`,
    passphraseFile: path.join(root, 'pulumi-passphrase'),
    workspacesDir: path.join(root, 'workspaces'),
    policyConfigDir: path.join(root, 'policy-config'),
    policyPack: path.join(packageRoot, 'stacks', 'policy'),
  }
}

/**
 * The environment that gives the engine its secrets passphrase, without govnet ever reading it:
 * PULUMI_CONFIG_PASSPHRASE or PULUMI_CONFIG_PASSPHRASE_FILE as the user set them, else the path
 * of a generated 0600 file next to the state.
 */
export function passphraseEnv(paths: ProvisionPaths, env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  if (env.PULUMI_CONFIG_PASSPHRASE !== undefined) return {}
  if (env.PULUMI_CONFIG_PASSPHRASE_FILE) {
    try {
      accessSync(env.PULUMI_CONFIG_PASSPHRASE_FILE, constants.R_OK)
    } catch (error) {
      throw msg.passphraseFileUnreadable(
        env.PULUMI_CONFIG_PASSPHRASE_FILE,
        (error as NodeJS.ErrnoException).code ?? (error as Error).message,
      )
    }
    return {}
  }
  mkdirSync(paths.root, {recursive: true, mode: 0o700})
  if (!existsSync(paths.passphraseFile)) createPassphraseFile(paths.passphraseFile)
  const mode = statSync(paths.passphraseFile).mode & 0o777
  if (mode & 0o077) throw msg.passphraseFileOpen(paths.passphraseFile, mode.toString(8))
  return {PULUMI_CONFIG_PASSPHRASE_FILE: paths.passphraseFile}
}

/**
 * Write a new passphrase to a private temporary file, then link it into place: parallel first runs
 * all end up with the same complete file, and none can read a half-written one.
 */
function createPassphraseFile(file: string): void {
  const staging = `${file}.${process.pid}.${randomBytes(4).toString('hex')}`
  writeFileSync(staging, `${randomBytes(32).toString('base64url')}\n`, {mode: 0o600, flag: 'wx'})
  try {
    linkSync(staging, file)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
  } finally {
    unlinkSync(staging)
  }
}

/** The node_modules that holds govnet's @pulumi/pulumi. */
function govnetNodeModules(): string {
  const manifest = require.resolve('@pulumi/pulumi/package.json')
  return path.resolve(path.dirname(manifest), '..', '..')
}

/** The tenant's program directory, with node_modules linked to govnet's own. */
export function tenantWorkspace(paths: ProvisionPaths, tenantId: string): string {
  const dir = path.join(paths.workspacesDir, tenantId)
  mkdirSync(dir, {recursive: true})
  const link = path.join(dir, 'node_modules')
  const target = govnetNodeModules()
  if (isSymlink(link)) {
    if (readlinkSync(link) === target) return dir
    unlinkSync(link) // govnet moved: point the link at its new node_modules
  } else if (existsSync(link)) {
    throw msg.workspaceOccupied(link)
  }
  try {
    symlinkSync(target, link, 'dir')
  } catch (error) {
    // Another run for the same tenant made the link first.
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || !isSymlink(link) || readlinkSync(link) !== target)
      throw error
  }
  return dir
}

function isSymlink(file: string): boolean {
  try {
    return lstatSync(file).isSymbolicLink()
  } catch {
    return false
  }
}

/** Write the policy pack's config for one tenant; returns its path. */
export function writePolicyConfig(
  paths: ProvisionPaths,
  tenantId: string,
  config: Record<string, Record<string, unknown>>,
): string {
  mkdirSync(paths.policyConfigDir, {recursive: true})
  const file = path.join(paths.policyConfigDir, `${tenantId}.json`)
  writeFileSync(file, `${JSON.stringify(config, null, 2)}\n`)
  return file
}

/** Make the state backend's directory. */
export function ensureState(paths: ProvisionPaths): void {
  mkdirSync(paths.stateDir, {recursive: true, mode: 0o700})
}
