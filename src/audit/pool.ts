/**
 * A bounded fan-out: at most `concurrency` workers in flight, each taking the next item as soon as it is
 * free (a slow node holds one slot, never the run). `onSettled` runs as each item finishes, in completion
 * order. Once `stop` is aborted no further item is started; those already running finish.
 */
export interface PoolOptions<T, R> {
  concurrency: number
  stop?: AbortSignal
  onSettled?: (item: T, result: R) => void
}

export interface PoolOutcome<R> {
  /** Results by item index; undefined for items never started because the pool was stopped. */
  results: (R | undefined)[]
  started: number
}

/** `worker` must not reject: it turns its failures into results (the audit records each failure). */
export async function runPool<T, R>(
  items: readonly T[],
  worker: (item: T) => Promise<R>,
  options: PoolOptions<T, R>,
): Promise<PoolOutcome<R>> {
  if (!Number.isInteger(options.concurrency) || options.concurrency < 1)
    throw new RangeError(`concurrency must be a positive integer, got ${options.concurrency}`)
  const results: (R | undefined)[] = Array.from({length: items.length})
  let next = 0
  const lane = async (): Promise<void> => {
    while (next < items.length && !options.stop?.aborted) {
      const index = next++
      const item = items[index]!
      const result = await worker(item)
      results[index] = result
      options.onSettled?.(item, result)
    }
  }
  const lanes = Array.from({length: Math.min(options.concurrency, items.length)}, lane)
  await Promise.all(lanes)
  return {results, started: next}
}

/** Resolves after `ms`, or at once when `signal` aborts. */
export function pause(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve()
    const done = () => {
      clearTimeout(timer)
      signal?.removeEventListener('abort', done)
      resolve()
    }
    const timer = setTimeout(done, ms)
    signal?.addEventListener('abort', done, {once: true})
  })
}
