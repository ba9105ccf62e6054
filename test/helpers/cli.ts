import {spawnSync} from 'node:child_process'
import {mkdtempSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import path from 'node:path'

export const repoRoot = path.resolve(__dirname, '..', '..')
const runJs = path.join(repoRoot, 'bin', 'run.js')

export interface CliResult {
  code: number
  stdout: string
  stderr: string
}

/**
 * Run the built CLI (bin/run.js → dist/) as a separate process, as a user would.
 * `npm test` builds first (pretest). GOVNET_DB is cleared unless the test sets it.
 */
export function govnet(
  args: readonly string[],
  options: {env?: NodeJS.ProcessEnv; cwd?: string; input?: string} = {},
): CliResult {
  const result = spawnSync(process.execPath, [runJs, ...args], {
    cwd: options.cwd ?? repoRoot,
    env: {...process.env, GOVNET_DB: '', GOVNET_ACTOR: 'test', NO_COLOR: '1', ...options.env},
    input: options.input,
    encoding: 'utf8',
    // A national `node list --json` or `node export` is tens of MB; the default 1 MB would fail with ENOBUFS.
    maxBuffer: 256 * 1024 * 1024,
    timeout: 120_000,
  })
  if (result.error) throw result.error
  return {code: result.status ?? -1, stdout: result.stdout, stderr: result.stderr}
}

/** Parse the stdout of a --json run, failing with the whole output when it is not JSON. */
export function json<T = any>(result: CliResult): T {
  try {
    return JSON.parse(result.stdout) as T
  } catch {
    throw new Error(`stdout is not JSON (exit ${result.code}):\n${result.stdout}\n--- stderr:\n${result.stderr}`)
  }
}

/** A fresh temporary directory, removed by the returned cleanup. */
export function tempDir(prefix = 'govnet-test-'): {dir: string; cleanup: () => void} {
  const dir = mkdtempSync(path.join(tmpdir(), prefix))
  return {dir, cleanup: () => rmSync(dir, {recursive: true, force: true})}
}

export const fixtures = path.join(repoRoot, 'test', 'fixtures')
