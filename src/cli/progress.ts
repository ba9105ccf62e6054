import {SingleBar} from 'cli-progress'

/**
 * Progress of a long operation (an audit, a large import, a batch of stacks) on stderr: count, rate,
 * elapsed time and ETA. On a terminal it is one bar redrawn in place (cli-progress); otherwise, for
 * logs and pipes, a plain status line at most every `plainIntervalMs` and one at the end.
 * `stop()` must run in a `finally`: it ends the bar's line also when the operation fails.
 */
export interface ProgressOptions {
  /** What is being done, e.g. "audit" or "import nodes". */
  label: string
  /** What is counted, plural, e.g. "nodes" or "rows". */
  unit: string
  total: number
  stream?: NodeJS.WriteStream
  /** Print nothing (e.g. `--json` with stderr not a terminal). */
  quiet?: boolean
  /** Non-terminal streams: the least time between two status lines. */
  plainIntervalMs?: number
  /** Injected clock, for tests. */
  now?: () => number
}

export interface ProgressFigures {
  done: number
  total: number
  elapsedMs: number
  /** Units per second so far; 0 before the first second's worth of work is measurable. */
  rate: number
  /** Estimated time left, or undefined while there is no rate to estimate from. */
  etaMs: number | undefined
}

export function progressFigures(done: number, total: number, elapsedMs: number): ProgressFigures {
  const rate = elapsedMs > 0 ? (done * 1000) / elapsedMs : 0
  const left = Math.max(0, total - done)
  const etaMs = rate > 0 ? (left / rate) * 1000 : left === 0 ? 0 : undefined
  return {done, total, elapsedMs, rate, etaMs}
}

/** 75 s → "1m15s", 3,725 s → "1h02m", 4.2 s → "4s". */
export function formatSeconds(ms: number): string {
  const seconds = Math.round(ms / 1000)
  if (seconds < 60) return `${seconds}s`
  const minutes = Math.floor(seconds / 60)
  if (minutes < 60) return `${minutes}m${String(seconds % 60).padStart(2, '0')}s`
  return `${Math.floor(minutes / 60)}h${String(minutes % 60).padStart(2, '0')}m`
}

function formatRate(rate: number): string {
  return rate >= 100 ? rate.toFixed(0) : rate >= 10 ? rate.toFixed(1) : rate.toFixed(2)
}

/** "import nodes: 12000/40000 rows (30%), 2400 rows/s, elapsed 5s, ETA 12s" — the plain status line. */
export function statusLine(label: string, unit: string, figures: ProgressFigures, extra = ''): string {
  const percent = figures.total === 0 ? 100 : Math.floor((figures.done / figures.total) * 100)
  const eta = figures.etaMs === undefined ? 'ETA –' : `ETA ${formatSeconds(figures.etaMs)}`
  return (
    `${label}: ${figures.done}/${figures.total} ${unit} (${percent}%), ${formatRate(figures.rate)} ${unit}/s, ` +
    `elapsed ${formatSeconds(figures.elapsedMs)}, ${eta}${extra ? `, ${extra}` : ''}`
  )
}

export class Progress {
  private readonly stream: NodeJS.WriteStream
  private readonly now: () => number
  private readonly startedAt: number
  private readonly bar: SingleBar | undefined
  private done = 0
  private extra = ''
  private lastPlainAt: number
  private plainLinesWritten = 0
  private stopped = false

  constructor(private readonly options: ProgressOptions) {
    this.stream = options.stream ?? process.stderr
    this.now = options.now ?? Date.now
    this.startedAt = this.now()
    this.lastPlainAt = this.startedAt
    if (!options.quiet && this.stream.isTTY) {
      this.bar = new SingleBar({
        stream: this.stream,
        format: `${options.label} [{bar}] {value}/{total} ${options.unit} | {rate} ${options.unit}/s | elapsed {duration_formatted} | ETA {eta_formatted}{extra}`,
        barsize: 30,
        barCompleteChar: '#',
        barIncompleteChar: '.',
        hideCursor: true,
        clearOnComplete: false,
        // Redraw on a timer as well, so that elapsed time and ETA move while one slow item runs.
        fps: 5,
        etaBuffer: 50,
      })
      this.bar.start(options.total, 0, this.payload())
    }
  }

  /** `count` more units done; `extra` replaces the trailing detail (e.g. "failed 3"). */
  tick(count = 1, extra?: string): void {
    this.done += count
    if (extra !== undefined) this.extra = extra
    if (this.options.quiet || this.stopped) return
    if (this.bar) {
      this.bar.update(this.done, this.payload())
      return
    }
    const at = this.now()
    if (at - this.lastPlainAt >= (this.options.plainIntervalMs ?? 5000) && this.done < this.options.total) {
      this.lastPlainAt = at
      this.plainLinesWritten++
      this.stream.write(`${this.statusLine()}\n`)
    }
  }

  /** A line of its own (a per-item result, a notice) printed above the bar, or plainly. */
  line(text: string): void {
    if (this.options.quiet) return
    if (this.bar) {
      // cli-progress has no "log above the bar": clear the bar's line, print, redraw.
      this.stream.write(`\r\u001b[K${text}\n`)
      this.bar.update(this.done, this.payload())
      return
    }
    this.stream.write(`${text}\n`)
  }

  figures(): ProgressFigures {
    return progressFigures(this.done, this.options.total, this.now() - this.startedAt)
  }

  statusLine(): string {
    return statusLine(this.options.label, this.options.unit, this.figures(), this.extra)
  }

  /**
   * Ends the bar. Off a terminal, prints the final status line only when the run was long enough to
   * print one before: a short run's summary says it all, and a log reader needs the end only of what
   * it saw begin. Safe to call more than once.
   */
  stop(): void {
    if (this.stopped) return
    this.stopped = true
    if (this.options.quiet) return
    if (this.bar) {
      this.bar.update(this.done, this.payload())
      this.bar.stop()
      return
    }
    if (this.plainLinesWritten > 0) this.stream.write(`${this.statusLine()}\n`)
  }

  /** cli-progress draws elapsed time and ETA itself (and redraws them on its timer); rate and detail are ours. */
  private payload(): {rate: string; extra: string} {
    return {rate: formatRate(this.figures().rate), extra: this.extra ? ` | ${this.extra}` : ''}
  }
}
