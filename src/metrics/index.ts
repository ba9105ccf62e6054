import type {Inventory} from '../inventory/db'
import {MetricsExporter} from './exporter'
import type {ListenAddress} from './options'
import {RefreshThread} from './refresh-thread'
import {MetricsServer} from './server'
import {snapshotReader} from './snapshot'
import {writeFileAtomically} from './textfile'

export interface ServeOptions {
  listen: ListenAddress
  refreshMs: number
  freshnessMs?: number
  /** The day deadlines (overdue assessments, filing) are judged on, YYYY-MM-DD; default: each refresh's local date. */
  today?: string
  /** exporter-toolkit's web configuration file (TLS, basic auth, headers), re-read on each request. */
  webConfigFile?: string
  /** Connections served at once. */
  maxConnections?: number
  /** Where refresh failures and a web config that breaks are logged (default stderr). */
  log?: (line: string) => void
}

export interface MetricsService {
  /** The metrics URL, with the port actually bound. */
  url: string
  /** Whether it is served over TLS. */
  tls: boolean
  close(): Promise<void>
}

/**
 * `govnet metrics serve` over the inventory at `dbPath`: a refresh thread reads a first snapshot (its
 * failure is the command's failure), then the server listens and the thread refreshes every
 * `refreshMs` until closed.
 */
export async function startMetricsService(dbPath: string, options: ServeOptions): Promise<MetricsService> {
  const refresher = await RefreshThread.start(dbPath, {
    freshnessMs: options.freshnessMs,
    today: options.today,
    log: options.log,
  })
  let server: MetricsServer
  try {
    server = await MetricsServer.listen(refresher, options.listen, {
      webConfigFile: options.webConfigFile,
      maxConnections: options.maxConnections,
      log: options.log,
    })
  } catch (error) {
    await refresher.stop()
    throw error
  }
  refresher.startRefreshing(options.refreshMs)
  return {
    url: server.url,
    tls: server.tls,
    async close() {
      await server.close()
      await refresher.stop()
    },
  }
}

export interface TextfileResult {
  file: string
  bytes: number
  /** Samples written (lines that are not comments). */
  samples: number
  /** When the snapshot was read from the inventory. */
  takenAt: string
}

/** `govnet metrics write FILE`: one snapshot in the Prometheus text format, replacing FILE atomically. */
export async function writeMetricsTextfile(
  inventory: Inventory,
  file: string,
  options: {freshnessMs?: number; today?: string} = {},
): Promise<TextfileResult> {
  const reader = snapshotReader(inventory, {freshnessMs: options.freshnessMs, today: options.today})
  const exporter = new MetricsExporter(reader, undefined, ['prometheus'])
  await exporter.refresh()
  const {body} = exporter.exposition('prometheus')
  writeFileAtomically(file, body)
  const samples = body
    .toString('utf8')
    .split('\n')
    .filter((line) => line !== '' && !line.startsWith('#')).length
  return {file, bytes: body.length, samples, takenAt: exporter.snapshotTakenAt().toISOString()}
}
