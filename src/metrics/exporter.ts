import {OpenMetricsContentType, Registry, RegistryContentType} from 'prom-client'
import {gzipSync} from 'node:zlib'

import {coverageTreeOf} from '../coverage'
import {errorText} from '../errors'
import {metricsMessages as msg} from '../messages'
import {renderCoverageReport} from '../report'
import {ExporterState, registerGovnetMetrics} from './collectors'
import {registerDashboardMetrics, registerProcessMetrics} from './dashboard'
import {EXPOSITION_FORMATS, Exposition, ExpositionFormat, ExpositionSource} from './exposition'
import type {MetricsSnapshot} from './snapshot'

const HTML_CONTENT_TYPE = 'text/html; charset=utf-8'

/**
 * Two turns of the event loop: Node hands a garbage collection's performance entry to JavaScript in
 * one, prom-client's observer receives it in the next. A refresh thread lives for one refresh
 * (refresh-worker.ts): without this, its GCs would not be in nodejs_gc_duration_seconds yet.
 */
async function gcEntriesDelivered(): Promise<void> {
  for (let turn = 0; turn < 2; turn++) await new Promise((resolve) => setImmediate(resolve))
}

export interface RefreshOutcome {
  succeeded: boolean
  durationSeconds: number
  error?: Error
}

/**
 * Holds the last good snapshot and its renderings. A refresh reads the inventory once (the only place
 * the inventory is touched), then renders both exposition formats; a scrape sends the rendering as is.
 * `metrics serve` runs it in a worker thread (refresh-thread.ts), `metrics write` in the command.
 * Each format has its own registry: prom-client renames counters while rendering OpenMetrics, so the
 * two must not share metric objects.
 */
export class MetricsExporter implements ExpositionSource {
  private state?: ExporterState
  private readonly registries: Record<ExpositionFormat, Registry<RegistryContentType>>
  private expositions?: Partial<Record<ExpositionFormat, Exposition>>
  private report?: {takenAt: Date; page: Exposition}
  private timer?: NodeJS.Timeout
  private stopped = false
  private readonly processMetrics: boolean

  constructor(
    private readonly readSnapshot: () => MetricsSnapshot,
    private readonly log: (line: string) => void = (line) => process.stderr.write(`${line}\n`),
    /** The formats each refresh renders: `metrics write` needs only the text format. */
    private readonly formats: readonly ExpositionFormat[] = EXPOSITION_FORMATS,
    options: {
      /** Add prom-client's process and Node.js metrics (`metrics serve`; not the textfile). */
      processMetrics?: boolean
      /** The state of an earlier exporter to go on from (a refresh thread's previous run: refresh-worker.ts). */
      previous?: ExporterState
    } = {},
  ) {
    this.state = options.previous
    this.processMetrics = options.processMetrics ?? false
    const current = () => {
      if (!this.state) throw new Error('no metrics snapshot yet')
      return this.state
    }
    const openmetrics = new Registry<OpenMetricsContentType>()
    openmetrics.setContentType(Registry.OPENMETRICS_CONTENT_TYPE)
    this.registries = {prometheus: new Registry(), openmetrics}
    for (const registry of Object.values(this.registries)) {
      registerGovnetMetrics(registry, current)
      registerDashboardMetrics(registry, current)
      if (options.processMetrics) registerProcessMetrics(registry)
    }
  }

  /**
   * Read a new snapshot and render it. On failure the last good snapshot stays, with
   * govnet_refresh_success 0 and one more govnet_refresh_failures_total; the first refresh has no
   * good snapshot to fall back on, so its error is thrown.
   */
  async refresh(): Promise<RefreshOutcome> {
    const started = process.hrtime.bigint()
    const elapsed = () => Number(process.hrtime.bigint() - started) / 1e9
    let snapshot: MetricsSnapshot
    try {
      snapshot = this.readSnapshot()
    } catch (error) {
      const durationSeconds = elapsed()
      if (!this.state) throw error
      this.state = {
        snapshot: this.state.snapshot,
        refresh: {
          lastSucceeded: false,
          lastDurationSeconds: durationSeconds,
          failures: this.state.refresh.failures + 1,
        },
      }
      this.log(msg.refreshFailed((error as Error).message, this.state.snapshot.takenAt))
      await this.render()
      return {succeeded: false, durationSeconds, error: error as Error}
    }
    const durationSeconds = elapsed()
    this.state = {
      snapshot,
      refresh: {lastSucceeded: true, lastDurationSeconds: durationSeconds, failures: this.state?.refresh.failures ?? 0},
    }
    await this.render()
    return {succeeded: true, durationSeconds}
  }

  /** Refresh every `intervalMs`, counted from the end of the previous refresh, until stop(). */
  startRefreshing(intervalMs: number): void {
    const schedule = () => {
      if (this.stopped) return
      this.timer = setTimeout(() => {
        this.refresh().then(schedule, (error: unknown) => {
          this.log(msg.refreshFailed(errorText(error), this.state?.snapshot.takenAt))
          schedule()
        })
      }, intervalMs)
    }
    schedule()
  }

  stop(): void {
    this.stopped = true
    if (this.timer) clearTimeout(this.timer)
  }

  /** The current rendering in `format`; refresh() must have succeeded once. */
  exposition(format: ExpositionFormat): Exposition {
    if (!this.expositions) throw new Error('metrics exporter has not been refreshed yet')
    const exposition = this.expositions[format]
    if (!exposition) throw new Error(`this metrics exporter does not render ${format}`)
    return exposition
  }

  /**
   * The coverage report page (src/report) of the served snapshot: its coverage lines, not a new read.
   * Rendered on the first request after a refresh and kept until the next one, so that a page nobody
   * asks for costs nothing; refresh() must have succeeded once.
   */
  coverageReport(): Exposition {
    if (!this.state) throw new Error('metrics exporter has not been refreshed yet')
    const {snapshot} = this.state
    if (this.report?.takenAt !== snapshot.takenAt) {
      const tree = coverageTreeOf(snapshot.coverage, snapshot.coverageWindow)
      const body = Buffer.from(renderCoverageReport(tree, snapshot.takenAt), 'utf8')
      this.report = {takenAt: snapshot.takenAt, page: {contentType: HTML_CONTENT_TYPE, body, gzipped: gzipSync(body)}}
    }
    return this.report.page
  }

  /** The snapshot served and the refresh status, for the next refresh thread to go on from. */
  currentState(): ExporterState | undefined {
    return this.state
  }

  /** When the served snapshot was read; refresh() must have succeeded once. */
  snapshotTakenAt(): Date {
    if (!this.state) throw new Error('metrics exporter has not been refreshed yet')
    return this.state.snapshot.takenAt
  }

  /** The registry behind `format`, for tests that assert through getMetricsAsJSON(). */
  registry(format: ExpositionFormat = 'prometheus'): Registry<RegistryContentType> {
    return this.registries[format]
  }

  /** Render each format, plain and gzipped; the new renderings replace the old ones together. */
  private async render(): Promise<void> {
    if (this.processMetrics) await gcEntriesDelivered()
    const rendered: Partial<Record<ExpositionFormat, Exposition>> = {}
    for (const format of this.formats) {
      const registry = this.registries[format]
      const body = Buffer.from(await registry.metrics(), 'utf8')
      rendered[format] = {contentType: registry.contentType, body, gzipped: gzipSync(body)}
    }
    this.expositions = rendered
  }
}
