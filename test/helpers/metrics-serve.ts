import {ChildProcess, spawn} from 'node:child_process'
import path from 'node:path'

import {repoRoot} from './cli'

export interface ServeProcess {
  /** The metrics URL the server printed (the port actually bound). */
  url: string
  /** host:port, as a Prometheus target. */
  target: string
  child: ChildProcess
  output: () => {stdout: string; stderr: string}
  /** Send `signal` and wait (at most 15 s) for the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>
}

/**
 * Start `govnet metrics serve` (the built CLI) as a process on a free loopback port and wait, at most
 * 30 s, for the line that names its URL.
 */
export async function startServe(dbPath: string, extraArgs: readonly string[] = []): Promise<ServeProcess> {
  const child = spawn(
    process.execPath,
    [path.join(repoRoot, 'bin', 'run.js'), 'metrics', 'serve', '--db', dbPath, '--listen', '127.0.0.1:0', ...extraArgs],
    {cwd: repoRoot, env: {...process.env, GOVNET_DB: '', NO_COLOR: '1'}, stdio: ['ignore', 'pipe', 'pipe']},
  )
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString()
  })
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString()
  })
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))

  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`metrics serve printed no URL within 30 s:\n${stdout}\n${stderr}`)),
      30_000,
    )
    const check = () => {
      const match = /(https?:\/\/\S+\/metrics)/.exec(stdout)
      if (match) {
        clearTimeout(timer)
        resolve(match[1]!)
      }
    }
    child.stdout.on('data', check)
    child.once('exit', (code) => {
      clearTimeout(timer)
      reject(new Error(`metrics serve exited with ${code} before serving:\n${stdout}\n${stderr}`))
    })
  })

  return {
    url,
    target: new URL(url).host,
    child,
    output: () => ({stdout, stderr}),
    async stop(signal = 'SIGTERM') {
      if (child.exitCode !== null) return child.exitCode
      child.kill(signal)
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000)
      const code = await exited
      clearTimeout(timer)
      return code
    },
  }
}
