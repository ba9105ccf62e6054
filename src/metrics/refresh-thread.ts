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

type WorkerMessage =
  | {kind: 'log'; line: string}
  | {
      kind: 'refreshed'
      expositions: Record<ExpositionFormat, {contentType: string; body: Uint8Array; gzipped: Uint8Array}>
    }
  | {kind: 'failed'; message: string}

const asBuffer = (bytes: Uint8Array) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
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
  private waiting?: {resolve: () => void; reject: (error: Error) => void}
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
        this.settle(new Error(`metrics refresh thread exited with code ${code}`))
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
      this.expositions = {
        prometheus: {
          contentType: prometheus.contentType,
          body: asBuffer(prometheus.body),
          gzipped: asBuffer(prometheus.gzipped),
        },
        openmetrics: {
          contentType: openmetrics.contentType,
          body: asBuffer(openmetrics.body),
          gzipped: asBuffer(openmetrics.gzipped),
        },
      }
      this.settle()
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
  )
  port.on('message', (message: 'refresh' | 'close') => {
    if (message === 'close') {
      inventory.close()
      port.close()
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
