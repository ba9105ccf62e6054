import path from 'node:path'
import {Worker} from 'node:worker_threads'

import {errorText} from '../errors'
import type {ExporterState} from './collectors'
import type {Exposition, ExpositionFormat, ExpositionSource} from './exposition'

/**
 * `govnet metrics serve` refreshes in a worker thread: reading the inventory and rendering take
 * hundreds of milliseconds at national scale, and on the main thread every scrape arriving meanwhile
 * would wait. Each refresh is a thread of its own (refresh-worker.ts): it opens a read-only connection,
 * goes on from the previous refresh's state (the snapshot kept when a refresh fails, the failure count,
 * when the change log last verified), renders, posts the renderings and its state, and exits. Its heap
 * (prom-client's series of both formats, the snapshot: 36 MiB at 10,000 nodes) is returned
 * between refreshes instead of staying resident (bench/RESULTS.md, exporter memory). The main thread
 * keeps the latest renderings and state, only sends bytes, and loads neither prom-client nor the
 * inventory's modules for them.
 */
export interface RefreshWorkerData {
  govnetMetricsRefresh: true
  /** 'refresh': read the inventory and render; 'report': render the coverage report page of `previous`. */
  task: 'refresh' | 'report'
  dbPath: string
  freshnessMs?: number
  today?: string
  previous?: ExporterState
}

export type Rendered = {contentType: string; body: Uint8Array; gzipped: Uint8Array}

export type WorkerMessage =
  | {kind: 'log'; line: string}
  | {kind: 'refreshed'; expositions: Record<ExpositionFormat, Rendered>; state: ExporterState}
  | {kind: 'failed'; message: string}
  | {kind: 'report'; page: Rendered}

const asBuffer = (bytes: Uint8Array) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
const asExposition = (rendered: Rendered): Exposition => ({
  contentType: rendered.contentType,
  body: asBuffer(rendered.body),
  gzipped: asBuffer(rendered.gzipped),
})

const CLOSE_TIMEOUT_MS = 5000
/**
 * The worker's memory (bench/RESULTS.md, national size): a refresh's garbage is short-lived, so a
 * small young generation (V8's default is 16 MiB a semi-space) is collected often and cheaply instead
 * of growing.
 */
const WORKER_YOUNG_GENERATION_MB = 2
/** The worker's entry point, compiled next to this module (run from dist/). */
const WORKER_SCRIPT = path.join(__dirname, 'refresh-worker.js')

type ThreadOptions = {freshnessMs?: number; today?: string; log: (line: string) => void}

export class RefreshThread implements ExpositionSource {
  private expositions?: Record<ExpositionFormat, Exposition>
  private state?: ExporterState
  /** Refreshes received: the coverage report page is kept for one of them. */
  private generation = 0
  private report?: {generation: number; page: Promise<Exposition>}
  private timer?: NodeJS.Timeout
  private stopped = false
  /** The threads running now (a refresh, report pages), waited for by stop(). */
  private readonly running = new Set<Promise<void>>()
  private readonly workers = new Set<Worker>()

  private constructor(
    private readonly dbPath: string,
    private readonly options: ThreadOptions,
  ) {}

  /** Read and render a first snapshot; a failing first refresh is thrown. */
  static async start(
    dbPath: string,
    options: {freshnessMs?: number; today?: string; log?: (line: string) => void} = {},
  ): Promise<RefreshThread> {
    const thread = new RefreshThread(dbPath, {
      freshnessMs: options.freshnessMs,
      today: options.today,
      log: options.log ?? ((line) => process.stderr.write(`${line}\n`)),
    })
    await thread.refresh()
    return thread
  }

  /** One refresh in a new thread; resolves once the new renderings are in place. */
  async refresh(): Promise<void> {
    const message = await this.run('refresh')
    if (message.kind === 'failed') throw new Error(message.message)
    if (message.kind !== 'refreshed') throw new Error(`metrics refresh thread answered ${message.kind}`)
    const {prometheus, openmetrics} = message.expositions
    this.expositions = {prometheus: asExposition(prometheus), openmetrics: asExposition(openmetrics)}
    this.state = message.state
    this.generation++
  }

  /** Refresh every `intervalMs`, counted from the end of the previous refresh, until stop(). */
  startRefreshing(intervalMs: number): void {
    const schedule = () => {
      if (this.stopped) return
      this.timer = setTimeout(() => {
        this.refresh().then(schedule, (error: unknown) => {
          this.log(errorText(error))
          schedule()
        })
      }, intervalMs)
    }
    schedule()
  }

  exposition(format: ExpositionFormat): Exposition {
    if (!this.expositions) throw new Error('metrics exporter has not been refreshed yet')
    return this.expositions[format]
  }

  /**
   * The coverage report page of the latest refresh, rendered in a thread from its snapshot on the first
   * request after each refresh (MetricsExporter.coverageReport) and kept here until the next refresh.
   */
  coverageReport(): Promise<Exposition> {
    if (this.report?.generation === this.generation) return this.report.page
    const page = this.run('report').then((message) => {
      if (message.kind === 'failed') throw new Error(message.message)
      if (message.kind !== 'report') throw new Error(`metrics refresh thread answered ${message.kind}`)
      return asExposition(message.page)
    })
    const report = {generation: this.generation, page}
    this.report = report
    // A failed rendering is not kept: the next request tries again.
    page.catch(() => {
      if (this.report === report) this.report = undefined
    })
    return page
  }

  /** Stop refreshing and wait for the threads running to finish (terminated after 5 s). */
  async stop(): Promise<void> {
    this.stopped = true
    if (this.timer) clearTimeout(this.timer)
    if (this.running.size === 0) return
    const timer = setTimeout(() => {
      for (const worker of this.workers) void worker.terminate()
    }, CLOSE_TIMEOUT_MS)
    await Promise.allSettled([...this.running])
    clearTimeout(timer)
  }

  private log(line: string): void {
    this.options.log(line)
  }

  /** Start a thread for `task` and resolve with its answer, once it has exited. */
  private run(task: RefreshWorkerData['task']): Promise<Exclude<WorkerMessage, {kind: 'log'}>> {
    if (this.stopped) return Promise.reject(new Error('metrics refresh thread is stopped'))
    const data: RefreshWorkerData = {
      govnetMetricsRefresh: true,
      task,
      dbPath: this.dbPath,
      freshnessMs: this.options.freshnessMs,
      today: this.options.today,
      previous: this.state,
    }
    const worker = new Worker(WORKER_SCRIPT, {
      workerData: data,
      resourceLimits: {maxYoungGenerationSizeMb: WORKER_YOUNG_GENERATION_MB},
    })
    this.workers.add(worker)
    let answer: Exclude<WorkerMessage, {kind: 'log'}> | undefined
    let failure: Error | undefined
    worker.on('message', (message: WorkerMessage) => {
      if (message.kind === 'log') this.log(message.line)
      else answer = message
    })
    worker.on('error', (error) => (failure = error))
    const exited = new Promise<number>((resolve) => worker.once('exit', resolve))
    const done = exited.then(() => undefined)
    this.running.add(done)
    return exited.then((code) => {
      this.running.delete(done)
      this.workers.delete(worker)
      if (answer) return answer
      throw failure ?? new Error(`metrics refresh thread exited with code ${code}`)
    })
  }
}
