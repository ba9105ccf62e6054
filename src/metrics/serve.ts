import type {ListenAddress} from './options'
import {RefreshThread} from './refresh-thread'
import {MetricsServer} from './server'

/*
 * `govnet metrics serve` imports this module, not ./index: the main thread only sends what the refresh
 * thread rendered, and ./index's textfile writer would load prom-client and the inventory's modules.
 */

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
