import {ChildProcess, spawn, spawnSync} from 'node:child_process'
import {existsSync, mkdirSync, writeFileSync} from 'node:fs'
import {createServer} from 'node:net'
import path from 'node:path'

/** Debian's prometheus package (promtool and the server); `.ci/run` installs it. */
export const PROMTOOL = '/usr/bin/promtool'
export const PROMETHEUS = '/usr/bin/prometheus'

/**
 * Whether the Prometheus tests can run. Locally they are skipped without the package; under CI
 * (CI=true) they run regardless and fail on the missing binary, so CI never passes by skipping.
 */
export const runPrometheusTests = existsSync(PROMETHEUS) && existsSync(PROMTOOL) ? true : Boolean(process.env.CI)

export function requireBinary(binary: string, debianPackage = 'prometheus'): void {
  if (!existsSync(binary))
    throw new Error(`${binary} not found: install Debian's ${debianPackage} package (apt-get install ${debianPackage})`)
}

export interface PromtoolResult {
  code: number
  /** One line per problem promtool reports. */
  problems: string[]
  output: string
}

/** `promtool ARGS…`, with `input` on stdin. */
export function promtool(args: readonly string[], input?: string, cwd?: string): PromtoolResult {
  requireBinary(PROMTOOL)
  const result = spawnSync(PROMTOOL, args, {input, cwd, encoding: 'utf8', timeout: 60_000})
  if (result.error) throw result.error
  const output = `${result.stdout}${result.stderr}`
  return {code: result.status ?? -1, problems: output.split('\n').filter((line) => line.trim() !== ''), output}
}

/** `promtool check metrics` on an exposition in the text format: no problems means an empty list and exit 0. */
export function promtoolCheckMetrics(exposition: string): PromtoolResult {
  return promtool(['check', 'metrics'], exposition)
}

/** A TCP port free on 127.0.0.1 at the time of the call. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const {port} = server.address() as {port: number}
      server.close(() => {
        resolve(port)
      })
    })
  })
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** Call `attempt` every `intervalMs` until it returns a value (not undefined), at most `attempts` times. */
export async function poll<T>(
  attempt: () => Promise<T | undefined>,
  {attempts, intervalMs}: {attempts: number; intervalMs: number},
  what: string | (() => string),
): Promise<T> {
  let lastError: unknown
  for (let i = 0; i < attempts; i++) {
    try {
      const value = await attempt()
      if (value !== undefined) return value
    } catch (error) {
      lastError = error
    }
    await sleep(intervalMs)
  }
  const described = typeof what === 'function' ? what() : what
  throw new Error(
    `gave up waiting for ${described} after ${attempts} attempts${lastError ? `: ${(lastError as Error).message}` : ''}`,
  )
}

export interface PrometheusServer {
  url: string
  /** Prometheus's own log (stderr), for failure messages. */
  log: () => string
  /** An instant query through the HTTP API; returns the result vector. */
  query(promql: string): Promise<Array<{metric: Record<string, string>; value: [number, string]}>>
  /** A range query over the last `seconds` seconds at a 1 s step; returns the result matrix. */
  queryRange(
    promql: string,
    seconds: number,
  ): Promise<Array<{metric: Record<string, string>; values: [number, string][]}>>
  /** The active targets of the HTTP API: job, health (up/down/unknown) and last scrape error. */
  targets(): Promise<Array<{job: string; health: string; lastError: string}>>
  stop(): Promise<void>
}

/** One scrape job: its name, targets (host:port) and extra lines of its scrape config (scheme, tls_config, basic_auth …), indented 4. */
export interface ScrapeJob {
  name: string
  targets: readonly string[]
  extra?: readonly string[]
}

export interface PrometheusOptions {
  /** Rule files (absolute paths) to evaluate every second. */
  ruleFiles?: readonly string[]
  /** Alertmanagers (host:port) to send alerts to. */
  alertmanagers?: readonly string[]
}

/**
 * Start a real Prometheus on 127.0.0.1 with its own config and storage under `dir`, scraping
 * `targets` (host:port) as job "govnet" every second (or the given jobs), with the rule files and
 * Alertmanagers of `options`, and wait until it is ready.
 */
export async function startPrometheus(
  dir: string,
  targets: readonly string[] | readonly ScrapeJob[],
  options: PrometheusOptions = {},
): Promise<PrometheusServer> {
  const jobs: readonly ScrapeJob[] = targets.every((t) => typeof t === 'string')
    ? [{name: 'govnet', targets: targets}]
    : targets
  return startPrometheusWithConfig(
    dir,
    [
      'global:',
      '  scrape_interval: 1s',
      '  scrape_timeout: 1s',
      '  evaluation_interval: 1s',
      ...(options.ruleFiles?.length ? ['rule_files:', ...options.ruleFiles.map((file) => `  - '${file}'`)] : []),
      ...(options.alertmanagers?.length
        ? [
            'alerting:',
            '  alertmanagers:',
            '    - static_configs:',
            `        - targets: [${options.alertmanagers.map((t) => `'${t}'`).join(', ')}]`,
          ]
        : []),
      'scrape_configs:',
      ...jobs.flatMap((job) => [
        `  - job_name: ${job.name}`,
        ...(job.extra ?? []).map((line) => `    ${line}`),
        '    static_configs:',
        `      - targets: [${job.targets.map((t) => `'${t}'`).join(', ')}]`,
      ]),
      '',
    ].join('\n'),
  )
}

/**
 * Start a real Prometheus on 127.0.0.1 with `config` (the YAML text of a prometheus.yml: scrape jobs,
 * rule files by absolute path, external labels …) written to `dir`, its storage under `dir`, and wait
 * until it is ready. The federation test runs the shipped deploy/prometheus configs this way.
 */
export async function startPrometheusWithConfig(dir: string, configText: string): Promise<PrometheusServer> {
  requireBinary(PROMETHEUS)
  const config = path.join(dir, 'prometheus.yml')
  const storage = path.join(dir, 'data')
  mkdirSync(storage, {recursive: true})
  writeFileSync(config, configText)
  const port = await freePort()
  const url = `http://127.0.0.1:${port}`
  const child: ChildProcess = spawn(
    PROMETHEUS,
    [
      `--config.file=${config}`,
      `--storage.tsdb.path=${storage}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--log.level=warn',
    ],
    {stdio: ['ignore', 'ignore', 'pipe']},
  )
  let log = ''
  child.stderr?.on('data', (chunk: Buffer) => {
    log += chunk.toString()
  })
  const exited = new Promise<void>((resolve) =>
    child.once('exit', () => {
      resolve()
    }),
  )

  const stop = () => stopChild(child, exited)

  try {
    await poll(
      async () => {
        if (child.exitCode !== null) throw new Error(`prometheus exited with ${child.exitCode}: ${log}`)
        const res = await fetch(`${url}/-/ready`)
        return res.ok ? true : undefined
      },
      {attempts: 300, intervalMs: 200},
      'prometheus to become ready',
    )
  } catch (error) {
    await stop()
    throw error
  }

  return {
    url,
    log: () => log,
    async query(promql) {
      const res = await fetch(`${url}/api/v1/query?query=${encodeURIComponent(promql)}`)
      const body = (await res.json()) as {status: string; error?: string; data: {resultType: string; result: any[]}}
      if (body.status !== 'success') throw new Error(`query ${promql} failed: ${body.error}`)
      return body.data.result
    },
    async queryRange(promql, seconds) {
      const end = Date.now() / 1000
      const params = new URLSearchParams({query: promql, start: String(end - seconds), end: String(end), step: '1'})
      const res = await fetch(`${url}/api/v1/query_range?${params.toString()}`)
      const body = (await res.json()) as {status: string; error?: string; data: {resultType: string; result: any[]}}
      if (body.status !== 'success') throw new Error(`range query ${promql} failed: ${body.error}`)
      return body.data.result
    },
    async targets() {
      const res = await fetch(`${url}/api/v1/targets?state=active`)
      const body = (await res.json()) as {
        data: {activeTargets: Array<{labels: Record<string, string>; health: string; lastError: string}>}
      }
      return body.data.activeTargets.map((t) => ({job: t.labels.job!, health: t.health, lastError: t.lastError}))
    },
    stop,
  }
}

/** Stop a server the test started: SIGTERM, then SIGKILL if it has not exited within 10 s. */
export async function stopChild(child: ChildProcess, exited: Promise<void>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return
  child.kill('SIGTERM')
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000)
  await exited
  clearTimeout(timer)
}
