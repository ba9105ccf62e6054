import {isMainThread, parentPort, workerData} from 'node:worker_threads'

import {errorText} from '../errors'
import {Inventory} from '../inventory/db'
import {MetricsExporter} from './exporter'
import type {RefreshWorkerData, WorkerMessage} from './refresh-thread'
import {snapshotReader} from './snapshot'

/**
 * One refresh thread of `metrics serve` (refresh-thread.ts starts one per refresh or report page):
 * SQLite's page cache is kept to 2 MiB, since a national inventory's scan does not fit in any cache
 * and the operating system's file cache holds its pages anyway.
 */
const WORKER_PAGE_CACHE_KIB = 2048

/** Do the task, post the answer; the thread then exits, nothing keeping it alive. */
async function runRefreshWorker(data: RefreshWorkerData): Promise<void> {
  const port = parentPort!
  const log = (line: string) => port.postMessage({kind: 'log', line} satisfies WorkerMessage)
  if (data.task === 'report') {
    const exporter = new MetricsExporter(
      () => {
        throw new Error('a report thread does not read the inventory')
      },
      log,
      undefined,
      {previous: data.previous},
    )
    port.postMessage({kind: 'report', page: exporter.coverageReport()} satisfies WorkerMessage)
    return
  }
  // Opened by the read, so that an inventory that cannot be opened is a failed refresh like any other.
  let inventory: Inventory | undefined
  const read = () => {
    inventory = Inventory.open(data.dbPath, {readonly: true, pageCacheKiB: WORKER_PAGE_CACHE_KIB})
    const lastVerifiedAt = data.previous?.snapshot.changeLog.lastVerifiedAt
    return snapshotReader(inventory, {freshnessMs: data.freshnessMs, today: data.today, lastVerifiedAt})()
  }
  try {
    const exporter = new MetricsExporter(read, log, undefined, {processMetrics: true, previous: data.previous})
    await exporter.refresh()
    const expositions = {prometheus: exporter.exposition('prometheus'), openmetrics: exporter.exposition('openmetrics')}
    port.postMessage({kind: 'refreshed', expositions, state: exporter.currentState()!} satisfies WorkerMessage)
  } finally {
    inventory?.close()
  }
}

if (!isMainThread && (workerData as RefreshWorkerData | undefined)?.govnetMetricsRefresh) {
  const data = workerData as RefreshWorkerData
  runRefreshWorker(data).catch((error: unknown) =>
    parentPort!.postMessage({kind: 'failed', message: errorText(error)} satisfies WorkerMessage),
  )
}
