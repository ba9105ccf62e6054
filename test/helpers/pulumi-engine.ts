/**
 * The real Pulumi engine for the end-to-end provisioning tests (test/e2e/engine*.test.ts).
 *
 * Where the engine comes from, in order:
 *   1. GOVNET_PULUMI_BIN (what .ci/run exports after `scripts/pulumi-engine.sh`): must hold pulumi
 *      v<PULUMI_VERSION> (package.json's @pulumi/pulumi, read by src/provision/engine.ts);
 *   2. scripts/pulumi-engine.sh, when it will not build (a pulumi of that version on PATH, or its cache is
 *      complete: ~1 s), or when a build is allowed (CI=true, or GOVNET_PULUMI_BUILD=1: ~3.5 min the first time).
 * With CI=true (or GOVNET_PULUMI_BIN set) a missing engine FAILS every test of the suite, never a
 * skip; otherwise the suite is skipped with a message that says how to get the engine.
 */
import Database from 'better-sqlite3'
import {ChildProcess, execFileSync, spawn} from 'node:child_process'
import {existsSync, readdirSync, readlinkSync} from 'node:fs'
import {homedir} from 'node:os'
import path from 'node:path'

import {afterAll, beforeAll} from 'vitest'

import {PULUMI_VERSION as SDK_VERSION} from '../../src/provision/engine'
import {govnet, repoRoot, tempDir} from './cli'

/** What `pulumi version` prints for the engine that matches the SDK. */
export const PULUMI_VERSION = `v${SDK_VERSION}`
const ENGINE_SCRIPT = path.join(repoRoot, 'scripts', 'pulumi-engine.sh')
/** The first build compiles the CLI from the Go module proxy: ~3.5 min on 2 idle cores, ~8 loaded. */
const BUILD_TIMEOUT_MS = 20 * 60_000

export type TestEngine = {available: true; bin: string} | {available: false; reason: string}

const onCi = () => process.env.CI === 'true' || process.env.CI === '1'

function versionOf(bin: string): string | undefined {
  try {
    return execFileSync(path.join(bin, 'pulumi'), ['version'], {
      encoding: 'utf8',
      timeout: 60_000,
      env: {...process.env, PULUMI_SKIP_UPDATE_CHECK: 'true'},
    }).trim()
  } catch {
    return undefined
  }
}

function pulumiOnPath(): boolean {
  return (process.env.PATH ?? '')
    .split(path.delimiter)
    .some((dir) => dir !== '' && existsSync(path.join(dir, 'pulumi')))
}

function scriptCacheComplete(): boolean {
  const home = process.env.GOVNET_PULUMI_HOME || path.join(homedir(), '.cache', 'govnet', `pulumi-${PULUMI_VERSION}`)
  return ['pulumi', 'pulumi-language-nodejs', 'pulumi-resource-pulumi-nodejs'].every((file) =>
    existsSync(path.join(home, 'bin', file)),
  )
}

const HOW_TO_GET_IT =
  'run `scripts/pulumi-engine.sh` (first build ~3.5 min, then ~1 s) and set GOVNET_PULUMI_BIN to the directory it prints, or set GOVNET_PULUMI_BUILD=1 to let the tests build it'

function locate(): TestEngine {
  const given = process.env.GOVNET_PULUMI_BIN
  if (given) {
    const version = versionOf(given)
    return version === PULUMI_VERSION
      ? {available: true, bin: path.resolve(given)}
      : {
          available: false,
          reason: `GOVNET_PULUMI_BIN=${given} does not hold pulumi ${PULUMI_VERSION} (\`pulumi version\` gave ${version ?? 'no answer'})`,
        }
  }
  const mayBuild = onCi() || process.env.GOVNET_PULUMI_BUILD === '1'
  if (!mayBuild && !pulumiOnPath() && !scriptCacheComplete())
    return {available: false, reason: `the Pulumi engine is not built: ${HOW_TO_GET_IT}`}
  try {
    const printed = execFileSync(ENGINE_SCRIPT, [], {
      encoding: 'utf8',
      timeout: BUILD_TIMEOUT_MS,
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    const bin = printed.trim().split('\n').pop() ?? ''
    return versionOf(bin) === PULUMI_VERSION
      ? {available: true, bin}
      : {available: false, reason: `scripts/pulumi-engine.sh printed ${bin}, which holds no pulumi ${PULUMI_VERSION}`}
  } catch (error) {
    const printed = (error as {stderr?: unknown}).stderr
    const stderr = (typeof printed === 'string' ? printed : '').trim().split('\n').pop()
    return {available: false, reason: `scripts/pulumi-engine.sh failed: ${stderr || (error as Error).message}`}
  }
}

let located: TestEngine | undefined

/** The engine, located once per test file. */
export function testEngine(): TestEngine {
  located ??= locate()
  return located
}

/**
 * Whether an engine suite should be skipped: only when the engine is missing, CI is not set and no
 * GOVNET_PULUMI_BIN was given (then the reason is printed). Otherwise a missing engine is not
 * skipped: `requireEngine` fails the suite.
 */
export function skipWithoutEngine(): boolean {
  const engine = testEngine()
  if (engine.available || onCi() || process.env.GOVNET_PULUMI_BIN) return false
  process.stderr.write(`[engine tests skipped] ${engine.reason}\n`)
  return true
}

/** The engine's bin dir; throws (failing the test) when it is missing. */
export function requireEngine(): string {
  const engine = testEngine()
  if (!engine.available) throw new Error(`the real-engine tests need the Pulumi engine: ${engine.reason}`)
  return engine.bin
}

/**
 * Environment for govnet processes that run the engine: the engine's bin dir, a PULUMI_HOME of the
 * test's own, no update check, no plugin download, and nothing of the caller's Pulumi setup
 * (backend, token, passphrase: govnet generates its passphrase file next to the test's inventory).
 */
export function engineEnv(bin: string, dir: string): NodeJS.ProcessEnv {
  return {
    GOVNET_PULUMI_BIN: bin,
    PULUMI_HOME: path.join(dir, 'pulumi-home'),
    PULUMI_SKIP_UPDATE_CHECK: 'true',
    PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: 'true',
    PULUMI_BACKEND_URL: undefined,
    PULUMI_ACCESS_TOKEN: undefined,
    PULUMI_CONFIG_PASSPHRASE: undefined,
    PULUMI_CONFIG_PASSPHRASE_FILE: undefined,
  }
}

export interface RunningGovnet {
  child: ChildProcess
  /** Everything written so far, stdout and stderr interleaved as they came. */
  output: () => string
  /** Resolves when `pattern` shows in the output; rejects when the process ends first or after `timeoutMs`. */
  waitFor: (pattern: RegExp, timeoutMs: number) => Promise<void>
  /** Resolves with the exit code (or the signal's name) when the process is gone. */
  exited: Promise<{code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string}>
}

/**
 * Start the built CLI as its own process group (so a test can SIGKILL it), with the environment
 * test/helpers/cli.ts gives, and a deadline after which it is killed.
 */
export function startGovnet(
  args: readonly string[],
  options: {env?: NodeJS.ProcessEnv; timeoutMs?: number} = {},
): RunningGovnet {
  const child = spawn(process.execPath, [path.join(repoRoot, 'bin', 'run.js'), ...args], {
    cwd: repoRoot,
    env: {...process.env, GOVNET_DB: '', GOVNET_ACTOR: 'test', NO_COLOR: '1', ...options.env},
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  })
  let all = ''
  let stdout = ''
  let stderr = ''
  const watchers = new Set<() => void>()
  const notify = () => watchers.forEach((watch) => watch())
  child.stdout.setEncoding('utf8').on('data', (text: string) => ((stdout += text), (all += text), notify()))
  child.stderr.setEncoding('utf8').on('data', (text: string) => ((stderr += text), (all += text), notify()))
  const deadline = setTimeout(() => child.pid && process.kill(-child.pid, 'SIGKILL'), options.timeoutMs ?? 10 * 60_000)
  const exited = new Promise<{code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string}>(
    (resolve) =>
      child.on('close', (code, signal) => {
        clearTimeout(deadline)
        notify()
        resolve({code, signal, stdout, stderr})
      }),
  )
  let gone = false
  void exited.then(() => (gone = true))
  const waitFor = (pattern: RegExp, timeoutMs: number) =>
    new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => done(new Error(`no ${pattern} in ${timeoutMs} ms; output:\n${all}`)), timeoutMs)
      const done = (error?: Error) => {
        clearTimeout(timer)
        watchers.delete(check)
        if (error) reject(error)
        else resolve()
      }
      const check = () => {
        if (pattern.test(all)) done()
        else if (gone || child.exitCode !== null || child.signalCode !== null)
          done(new Error(`govnet ended before ${pattern}; output:\n${all}`))
      }
      watchers.add(check)
      check()
    })
  return {child, output: () => all, waitFor, exited}
}

/** Run the CLI to completion (engine commands may take minutes on a loaded machine). */
export async function govnetEngine(
  args: readonly string[],
  options: {env?: NodeJS.ProcessEnv; timeoutMs?: number} = {},
) {
  const {code, signal, stdout, stderr} = await startGovnet(args, options).exited
  return {code: code ?? -1, signal, stdout, stderr}
}

/**
 * Processes left behind under `dir`: the engine runs its language host and dynamic-provider plugins
 * in process groups of their own, in the stack's program directory, so when govnet and the CLI are
 * killed they are orphaned and keep running. Found by their working directory, ended by pid.
 */
export function processesUnder(dir: string): number[] {
  const root = path.resolve(dir)
  const pids: number[] = []
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue
    try {
      const cwd = readlinkSync(`/proc/${entry}/cwd`)
      if (cwd === root || cwd.startsWith(`${root}${path.sep}`)) pids.push(Number(entry))
    } catch {
      // gone, or not ours to read
    }
  }
  return pids
}

export function killProcessesUnder(dir: string): number[] {
  const pids = processesUnder(dir)
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGKILL')
    } catch {
      // already gone
    }
  }
  return pids
}

export const REGION = {id: 'gz-1', pool: '10.20.0.0/16', extranet: '59.255.0.0/16'}

/** What `tenant add` needs besides the id and the level. */
const TENANT_FIELDS = {
  department: '广州市政务服务数据管理局',
  uscc: '91430111MA4L41YT1U',
  region: REGION.id,
  exposure: 'extranet',
  vcpu: '16',
  'ram-gib': '64',
  'storage-gib': '500',
}

export const flagsOf = (fields: Record<string, string>) =>
  Object.entries(fields).flatMap(([flag, value]) => [`--${flag}`, value])

/**
 * A real inventory made with the CLI, as an operator would: `govnet init`, the sample divisions,
 * region gz-1 (pool 10.20.0.0/16, extranet 59.255.0.0/16, rated for level 4) and one tenant per
 * entry of `tenants` (id → MLPS level). Throws with the CLI's output when a step fails.
 */
export function seedEngineInventory(db: string, tenants: Record<string, number>): void {
  const steps: string[][] = [
    ['init'],
    ['division', 'import', '--file', path.join(repoRoot, 'test', 'fixtures', 'divisions-sample.csv')],
    [
      'region',
      'add',
      REGION.id,
      ...flagsOf({
        name: '广州政务云一区',
        pools: REGION.pool,
        'extranet-ranges': REGION.extranet,
        vcpu: '2000',
        'ram-gib': '8192',
        'storage-gib': '500000',
        'max-level': '4',
      }),
    ],
    ...Object.entries(tenants).map(([id, level]) => [
      'tenant',
      'add',
      id,
      ...flagsOf({...TENANT_FIELDS, name: `系统 ${id}`, level: String(level)}),
    ]),
  ]
  for (const args of steps) {
    const result = govnet([...args, '--db', db])
    if (result.code !== 0) throw new Error(`govnet ${args.join(' ')} exited ${result.code}: ${result.stderr}`)
  }
}

export interface InventoryHoldings {
  subnets: Array<{zone: string; cidr: string; regionId: string}>
  quota: {vcpu: number; ramGib: number; storageGib: number} | undefined
  ruleSet: {mlpsLevel: number; defaultAction: string; rules: number} | undefined
  provisioning:
    {lastOperation: string; outcome: string; reason: string | null; outputs: Record<string, any>} | undefined
}

/** What the inventory holds for a tenant: its allocation rows and its last provisioning record (read-only). */
export function holdings(db: string, tenantId: string): InventoryHoldings {
  const sqlite = new Database(db, {readonly: true})
  try {
    const subnets = sqlite
      .prepare('SELECT zone, cidr, region_id AS regionId FROM network_allocations WHERE tenant_id = ? ORDER BY zone')
      .all(tenantId) as InventoryHoldings['subnets']
    const quota = sqlite
      .prepare('SELECT vcpu, ram_gib AS ramGib, storage_gib AS storageGib FROM quota_reservations WHERE tenant_id = ?')
      .get(tenantId) as InventoryHoldings['quota']
    const rules = sqlite
      .prepare('SELECT mlps_level, default_action, rules FROM tenant_rule_sets WHERE tenant_id = ?')
      .get(tenantId) as {mlps_level: number; default_action: string; rules: string} | undefined
    const record = sqlite
      .prepare('SELECT last_operation, outcome, reason, outputs FROM tenant_provisioning WHERE tenant_id = ?')
      .get(tenantId) as {last_operation: string; outcome: string; reason: string | null; outputs: string} | undefined
    return {
      subnets,
      quota,
      ruleSet: rules && {
        mlpsLevel: rules.mlps_level,
        defaultAction: rules.default_action,
        rules: (JSON.parse(rules.rules) as unknown[]).length,
      },
      provisioning: record && {
        lastOperation: record.last_operation,
        outcome: record.outcome,
        reason: record.reason,
        outputs: JSON.parse(record.outputs),
      },
    }
  } finally {
    sqlite.close()
  }
}

export interface EngineInventory {
  /** The temp dir that holds the inventory, its .govnet/ (state, workspaces) and PULUMI_HOME. */
  dir: string
  db: string
  /** The engine's bin dir. */
  bin: string
  /** Environment for govnet processes that run the engine. */
  env: NodeJS.ProcessEnv
}

/**
 * For one describe block: before its tests, a seeded inventory (seedEngineInventory) in a temp dir
 * of its own, then `prepare`; after them, the processes the engine left under that dir are ended
 * and the dir removed. The returned object is filled in by beforeAll.
 */
export function useEngineInventory(
  prefix: string,
  tenants: Record<string, number>,
  prepare?: (inventory: EngineInventory) => void,
): EngineInventory {
  const inventory: EngineInventory = {dir: '', db: '', bin: '', env: {}}
  let cleanup: (() => void) | undefined
  beforeAll(() => {
    const bin = requireEngine()
    const temp = tempDir(prefix)
    cleanup = temp.cleanup
    Object.assign(inventory, {dir: temp.dir, db: path.join(temp.dir, 'govnet.db'), bin, env: engineEnv(bin, temp.dir)})
    seedEngineInventory(inventory.db, tenants)
    prepare?.(inventory)
  })
  afterAll(() => {
    if (!cleanup) return
    killProcessesUnder(inventory.dir)
    cleanup()
  })
  return inventory
}
