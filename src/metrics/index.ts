import type {Inventory} from '../inventory/db'
import {MetricsExporter} from './exporter'
import {snapshotReader} from './snapshot'
import {writeFileAtomically} from './textfile'

export type {MetricsService, ServeOptions} from './serve'
export {startMetricsService} from './serve'

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
