import type {Inventory} from '../inventory/db'
import {MetricsExporter} from './exporter'
import type {ListenAddress} from './options'
import {MetricsServer} from './server'
import {snapshotReader} from './snapshot'
import {writeFileAtomically} from './textfile'

export interface ServeOptions {
  listen: ListenAddress
  refreshMs: number
  freshnessMs?: number
  /** Where refresh failures are logged (default stderr). */
  log?: (line: string) => void
}

export interface MetricsService {
  /** The metrics URL, with the port actually bound. */
  url: string
  close(): Promise<void>
}

/**
 * `govnet metrics serve`: read a first snapshot (its failure is the command's failure), listen, then
 * refresh every `refreshMs` until closed. `inventory` should be opened read-only.
 */
export async function startMetricsService(inventory: Inventory, options: ServeOptions): Promise<MetricsService> {
  const exporter = new MetricsExporter(snapshotReader(inventory, {freshnessMs: options.freshnessMs}), options.log)
  await exporter.refresh()
  const server = await MetricsServer.listen(exporter, options.listen)
  exporter.startRefreshing(options.refreshMs)
  return {
    url: server.url,
    async close() {
      exporter.stop()
      await server.close()
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
export async function writeMetricsTextfile(inventory: Inventory, file: string, options: {freshnessMs?: number} = {}): Promise<TextfileResult> {
  const exporter = new MetricsExporter(snapshotReader(inventory, {freshnessMs: options.freshnessMs}))
  await exporter.refresh()
  const {body} = exporter.exposition('prometheus')
  writeFileAtomically(file, body)
  const samples = body.toString('utf8').split('\n').filter((line) => line !== '' && !line.startsWith('#')).length
  return {file, bytes: body.length, samples, takenAt: exporter.snapshotTakenAt().toISOString()}
}
