import {isMainThread, parentPort, Worker, workerData} from 'node:worker_threads'

import {errorText} from '../errors'
import {Inventory} from '../inventory/db'
import {Exposition, ExpositionFormat, ExpositionSource, MetricsExporter} from './exporter'
import {snapshotReader} from './snapshot'

/**
 * `govnet metrics serve` refreshes in a worker thread: reading the inventory and rendering take
 * hundreds of milliseconds at national scale, and on the main thread every scrape arriving meanwhile
 * would wait. The worker owns its read-only connection and a MetricsExporter; the main thread keeps
 * the latest renderings and only sends bytes.
 *
 * This module is also the worker's entry point (compiled JavaScript only: run from dist/).
 */
interface RefreshWorkerData {
  govnetMetricsRefresh: true
  dbPath: string
  freshnessMs?: number
  today?: string
}

type Rendered = {contentType: string; body: Uint8Array; gzipped: Uint8Array}

type WorkerMessage =
  | {kind: 'log'; line: string}
  | {kind: 'refreshed'; expositions: Record<ExpositionFormat, Rendered>}
  | {kind: 'failed'; message: string}
  | {kind: 'report'; page: Rendered}
  | {kind: 'reportFailed'; message: string}

const asBuffer = (bytes: Uint8Array) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
const asExposition = (rendered: Rendered): Exposition => ({
  contentType: rendered.contentType,
  body: asBuffer(rendered.body),
  gzipped: asBuffer(rendered.gzipped),
})

interface Waiting<T> {
  resolve: (value: T) => void
  reject: (error: Error) => void
}
const CLOSE_TIMEOUT_MS = 5000
/**
 * The worker's memory (bench/RESULTS.md, national size): a refresh's garbage is short-lived, so a
 * small young generation (V8's default is 16 MiB a semi-space) is collected often and cheaply instead
 * of growing; SQLite's page cache is kept to 2 MiB, since a national inventory's scan does not fit in
 * any cache and the operating system's file cache holds its pages anyway.
 */
const WORKER_YOUNG_GENERATION_MB = 2
const WORKER_PAGE_CACHE_KIB = 2048

export class RefreshThread implements ExpositionSource {
  private expositions?: Record<ExpositionFormat, Exposition>
  private waiting?: Waiting<void>
  /** Refreshes received: the coverage report page is kept for one of them. */
  private generation = 0
  private report?: {generation: number; page: Promise<Exposition>}
  /** Report requests sent to the thread, answered in order. */
  private readonly reportsWaiting: Array<Waiting<Exposition>> = []
  private timer?: NodeJS.Timeout
  private stopped = false
  private running = true
  private readonly exited: Promise<void>

  private constructor(
    private readonly worker: Worker,
    private readonly log: (line: string) => void,
  ) {
    worker.on('message', (message: WorkerMessage) => this.receive(message))
    worker.on('error', (error) => this.settle(error))
    this.exited = new Promise((resolve) => {
      worker.once('exit', (code) => {
        this.running = false
        const exited = new Error(`metrics refresh thread exited with code ${code}`)
        this.settle(exited)
        for (const waiting of this.reportsWaiting.splice(0)) waiting.reject(exited)
        resolve()
      })
    })
  }

  /** Start the thread and wait for its first rendering; a failing first refresh is thrown. */
  static async start(
    dbPath: string,
    options: {freshnessMs?: number; today?: string; log?: (line: string) => void} = {},
  ): Promise<RefreshThread> {
    const data: RefreshWorkerData = {
      govnetMetricsRefresh: true,
      dbPath,
      freshnessMs: options.freshnessMs,
      today: options.today,
    }
    const thread = new RefreshThread(
      new Worker(__filename, {
        workerData: data,
        resourceLimits: {maxYoungGenerationSizeMb: WORKER_YOUNG_GENERATION_MB},
      }),
      options.log ?? ((line) => process.stderr.write(`${line}\n`)),
    )
    try {
      await thread.refresh()
    } catch (error) {
      await thread.stop()
      throw error
    }
    return thread
  }

  /** One refresh in the thread; resolves once the new renderings are in place. */
  refresh(): Promise<void> {
    return new Promise((resolve, reject) => {
      if (!this.running) {
        reject(new Error('metrics refresh thread is not running'))
        return
      }
      this.waiting = {resolve, reject}
      this.worker.postMessage('refresh')
    })
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
   * The coverage report page of the latest refresh, rendered in the thread from its snapshot on the first
   * request after each refresh (MetricsExporter.coverageReport) and kept here until the next refresh.
   */
  coverageReport(): Promise<Exposition> {
    if (this.report?.generation === this.generation) return this.report.page
    const page = new Promise<Exposition>((resolve, reject) => {
      if (!this.running) {
        reject(new Error('metrics refresh thread is not running'))
        return
      }
      this.reportsWaiting.push({resolve, reject})
      this.worker.postMessage('report')
    })
    const report = {generation: this.generation, page}
    this.report = report
    // A failed rendering is not kept: the next request tries again.
    page.catch(() => {
      if (this.report === report) this.report = undefined
    })
    return page
  }

  /** Stop refreshing and let the thread close its connection and exit (terminated after 5 s). */
  async stop(): Promise<void> {
    this.stopped = true
    if (this.timer) clearTimeout(this.timer)
    if (!this.running) return
    this.worker.postMessage('close')
    const timer = setTimeout(() => void this.worker.terminate(), CLOSE_TIMEOUT_MS)
    await this.exited
    clearTimeout(timer)
  }

  private receive(message: WorkerMessage): void {
    if (message.kind === 'log') {
      this.log(message.line)
    } else if (message.kind === 'refreshed') {
      const {prometheus, openmetrics} = message.expositions
      this.expositions = {prometheus: asExposition(prometheus), openmetrics: asExposition(openmetrics)}
      this.generation++
      this.settle()
    } else if (message.kind === 'report') {
      this.reportsWaiting.shift()?.resolve(asExposition(message.page))
    } else if (message.kind === 'reportFailed') {
      this.reportsWaiting.shift()?.reject(new Error(message.message))
    } else {
      this.settle(new Error(message.message))
    }
  }

  private settle(error?: Error): void {
    const waiting = this.waiting
    this.waiting = undefined
    if (!waiting) return
    if (error) waiting.reject(error)
    else waiting.resolve()
  }
}

/** The worker side: refresh on each 'refresh' message, post the renderings back; close on 'close'. */
function runRefreshWorker(data: RefreshWorkerData): void {
  const port = parentPort!
  const inventory = Inventory.open(data.dbPath, {readonly: true, pageCacheKiB: WORKER_PAGE_CACHE_KIB})
  const exporter = new MetricsExporter(
    snapshotReader(inventory, {freshnessMs: data.freshnessMs, today: data.today}),
    (line) => port.postMessage({kind: 'log', line} satisfies WorkerMessage),
    undefined,
    {processMetrics: true},
  )
  port.on('message', (message: 'refresh' | 'report' | 'close') => {
    if (message === 'close') {
      inventory.close()
      port.close()
      return
    }
    if (message === 'report') {
      try {
        port.postMessage({kind: 'report', page: exporter.coverageReport()} satisfies WorkerMessage)
      } catch (error) {
        port.postMessage({kind: 'reportFailed', message: errorText(error)} satisfies WorkerMessage)
      }
      return
    }
    exporter.refresh().then(
      () => {
        const expositions = {
          prometheus: exporter.exposition('prometheus'),
          openmetrics: exporter.exposition('openmetrics'),
        }
        port.postMessage({kind: 'refreshed', expositions} satisfies WorkerMessage)
      },
      (error: unknown) => port.postMessage({kind: 'failed', message: errorText(error)} satisfies WorkerMessage),
    )
  })
}

if (!isMainThread && (workerData as RefreshWorkerData | undefined)?.govnetMetricsRefresh)
  runRefreshWorker(workerData as RefreshWorkerData)
