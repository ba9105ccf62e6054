/**
 * What the driver sets up around the engine, on real files: where the state and passphrase go,
 * the program directory the dynamic-provider plugin resolves @pulumi/pulumi from, finding the
 * Pulumi CLI, and the one-line reasons taken from an engine failure.
 */
import {execFile} from 'node:child_process'
import {
  chmodSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  realpathSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs'
import path from 'node:path'
import {promisify} from 'node:util'
import {afterEach, beforeEach, describe, expect, it} from 'vitest'

import * as msg from '../../src/messages/provision'
import {PULUMI_VERSION, findEngineBin, locateEngine} from '../../src/provision/engine'
import {passphraseEnv, provisionPaths, tenantWorkspace} from '../../src/provision/workspace'
import {repoRoot, tempDir} from '../helpers/cli'
import {requireDist} from '../helpers/provision'

const run = promisify(execFile)
let dir: string
let cleanup: () => void

beforeEach(() => {
  ;({dir, cleanup} = tempDir())
})
afterEach(() => cleanup())

describe('state and secrets next to the inventory', () => {
  it('lays out .govnet beside the database', () => {
    const paths = provisionPaths(path.join(dir, 'govnet.db'))
    expect(paths).toMatchObject({
      root: path.join(dir, '.govnet'),
      stateDir: path.join(dir, '.govnet', 'pulumi-state'),
      backendUrl: `file://${path.join(dir, '.govnet', 'pulumi-state')}`,
      passphraseFile: path.join(dir, '.govnet', 'pulumi-passphrase'),
      policyPack: path.join(repoRoot, 'stacks', 'policy'),
    })
  })

  it('generates a 0600 passphrase file once and hands the engine its path, never the passphrase', () => {
    const paths = provisionPaths(path.join(dir, 'govnet.db'))
    expect(passphraseEnv(paths, {})).toEqual({PULUMI_CONFIG_PASSPHRASE_FILE: paths.passphraseFile})
    const first = readFileSync(paths.passphraseFile, 'utf8')
    expect(first).toMatch(/^[A-Za-z0-9_-]{43}\n$/)
    expect(statSync(paths.passphraseFile).mode & 0o777).toBe(0o600)
    passphraseEnv(paths, {})
    expect(readFileSync(paths.passphraseFile, 'utf8')).toBe(first)
    chmodSync(paths.passphraseFile, 0o644)
    expect(() => passphraseEnv(paths, {})).toThrow(msg.passphraseFileOpen(paths.passphraseFile, '644'))
  })

  it('parallel first runs share one complete passphrase file and leave nothing else behind', async () => {
    const paths = provisionPaths(path.join(dir, 'govnet.db'))
    const script = `const w = require(${JSON.stringify(path.join(repoRoot, 'dist/src/provision/workspace.js'))})
const paths = w.provisionPaths(${JSON.stringify(path.join(dir, 'govnet.db'))})
w.passphraseEnv(paths, {})
console.log(require('node:fs').readFileSync(paths.passphraseFile, 'utf8').trim())`
    const seen = await Promise.all(
      Array.from({length: 4}, async () => (await run(process.execPath, ['-e', script])).stdout.trim()),
    )
    expect(new Set(seen).size).toBe(1)
    expect(seen[0]).toMatch(/^[A-Za-z0-9_-]{43}$/)
    expect(readdirSync(paths.root)).toEqual(['pulumi-passphrase'])
  })

  it("uses the user's passphrase or passphrase file as given", () => {
    const paths = provisionPaths(path.join(dir, 'govnet.db'))
    expect(passphraseEnv(paths, {PULUMI_CONFIG_PASSPHRASE: ''})).toEqual({})
    const file = path.join(dir, 'mine')
    writeFileSync(file, 'secret\n', {mode: 0o600})
    expect(passphraseEnv(paths, {PULUMI_CONFIG_PASSPHRASE_FILE: file})).toEqual({})
    expect(() => passphraseEnv(paths, {PULUMI_CONFIG_PASSPHRASE_FILE: path.join(dir, 'missing')})).toThrow(
      msg.passphraseFileUnreadable(path.join(dir, 'missing'), 'ENOENT'),
    )
  })
})

describe('the tenant program directory', () => {
  it("links node_modules to govnet's own, so @pulumi/pulumi resolves from it; relinks after a move; refuses a foreign directory", () => {
    const paths = provisionPaths(path.join(dir, 'govnet.db'))
    const workspace = tenantWorkspace(paths, 'alpha')
    expect(workspace).toBe(path.join(dir, '.govnet', 'workspaces', 'alpha'))
    expect(realpathSync(require.resolve('@pulumi/pulumi/cmd/dynamic-provider', {paths: [workspace]}))).toBe(
      realpathSync(path.join(repoRoot, 'node_modules', '@pulumi', 'pulumi', 'cmd', 'dynamic-provider', 'index.js')),
    )
    const link = path.join(workspace, 'node_modules')
    const stale = path.join(paths.workspacesDir, 'bravo', 'node_modules')
    mkdirSync(path.dirname(stale), {recursive: true})
    symlinkSync(dir, stale)
    tenantWorkspace(paths, 'bravo')
    expect(readlinkSync(stale)).toBe(readlinkSync(link))
    mkdirSync(path.join(paths.workspacesDir, 'charlie', 'node_modules'), {recursive: true})
    expect(() => tenantWorkspace(paths, 'charlie')).toThrow(
      msg.workspaceOccupied(path.join(paths.workspacesDir, 'charlie', 'node_modules')),
    )
  })
})

describe('finding the Pulumi CLI', () => {
  const fakeEngine = (script: string) => {
    const bin = path.join(dir, 'engine', 'bin')
    mkdirSync(bin, {recursive: true})
    writeFileSync(path.join(bin, 'pulumi'), `#!/bin/sh\n${script}\n`, {mode: 0o755})
    return bin
  }
  const nowhere = () => ({PATH: path.join(dir, 'empty'), GOVNET_PULUMI_HOME: path.join(dir, 'no-cache')})

  it('looks in GOVNET_PULUMI_BIN, then PATH, then the engine script cache', () => {
    const bin = fakeEngine(`echo v${PULUMI_VERSION}`)
    expect(findEngineBin({...nowhere(), GOVNET_PULUMI_BIN: bin})).toBe(bin)
    expect(findEngineBin({...nowhere(), PATH: `${path.join(dir, 'empty')}:${bin}`})).toBe(bin)
    expect(findEngineBin({...nowhere(), GOVNET_PULUMI_HOME: path.join(dir, 'engine')})).toBe(bin)
    expect(findEngineBin(nowhere())).toBeUndefined()
  })

  it('says how to install it when it is missing, and how to rebuild it when it does not run', async () => {
    await expect(locateEngine(nowhere())).rejects.toThrow(msg.engineMissing('pulumi'))
    const bin = fakeEngine('echo broken >&2; exit 3')
    await expect(locateEngine({...nowhere(), GOVNET_PULUMI_BIN: bin})).rejects.toThrow(
      /^the Pulumi CLI .*\/engine\/bin\/pulumi does not run \(/,
    )
  })
})

describe('the reason of an engine failure', () => {
  it('keeps the error and policy lines, on one line', () => {
    const {failureReason} = requireDist('./src/provision/driver')
    const {CommandError} = requireDist('@pulumi/pulumi/automation')
    const stdout = [
      'Updating (alpha):',
      ' +  pulumi:pulumi:Stack govnet-tenants-alpha created (1s) ',
      'Policies:',
      '    ❌ govnet-mlps@v0.1.0 (local: /work/main/stacks/policy)',
      '        - [mandatory]  no-open-management-ports  (pulumi-nodejs:dynamic/govnet:RuleSetRecord: alpha-rules)',
      '          Management ports are reachable only from the management zone.',
      `          ${msg.policyManagementPortOpen([22], '0.0.0.0/0')}`,
      '        - [mandatory]  required-zones  (pulumi:pulumi:Stack: govnet-tenants-alpha)',
      '          Every zone of the level has its subnet.',
      `          ${msg.policyMissingZones(3, ['data'])}`,
      '',
    ].join('\n')
    const error = new CommandError({stdout, stderr: 'error: update failed\n', code: 255, toString: () => 'code: 255'})
    expect(failureReason(error)).toBe(
      [
        `no-open-management-ports (alpha-rules): ${msg.policyManagementPortOpen([22], '0.0.0.0/0')}`,
        `required-zones (govnet-tenants-alpha): ${msg.policyMissingZones(3, ['data'])}`,
        'update failed',
      ].join('; '),
    )
    expect(failureReason(new Error('first line\nsecond'))).toBe('first line')
  })
})
