import {describe, expect, it} from 'vitest'

import {formatSeconds, Progress, progressFigures, statusLine} from '../../src/cli/progress'

/** A stand-in for a pipe or a terminal: the real stderr cannot be inspected (cli-progress needs only write, isTTY, columns). */
function fakeStream(isTTY: boolean): {written: string[]; stream: NodeJS.WriteStream} {
  const written: string[] = []
  return {
    written,
    stream: {isTTY, columns: 200, write: (text: string) => written.push(text)} as unknown as NodeJS.WriteStream,
  }
}

describe('progress figures', () => {
  it('derives rate and ETA from the count and the elapsed time', () => {
    expect(progressFigures(250, 1000, 5000)).toEqual({done: 250, total: 1000, elapsedMs: 5000, rate: 50, etaMs: 15000})
    expect(progressFigures(0, 10, 0).etaMs).toBeUndefined()
    expect(progressFigures(10, 10, 2000).etaMs).toBe(0)
    expect(progressFigures(0, 0, 0).etaMs).toBe(0)
  })

  it('formats durations in seconds, minutes and hours', () => {
    expect(formatSeconds(4200)).toBe('4s')
    expect(formatSeconds(75_000)).toBe('1m15s')
    expect(formatSeconds(3_725_000)).toBe('1h02m')
  })

  it('writes the plain status line with percent, rate, elapsed, ETA and detail', () => {
    expect(statusLine('import nodes', 'rows', progressFigures(12_000, 40_000, 5000), 'failed 0')).toBe(
      'import nodes: 12000/40000 rows (30%), 2400 rows/s, elapsed 5s, ETA 12s, failed 0',
    )
    expect(statusLine('audit', 'nodes', progressFigures(0, 3, 0))).toBe(
      'audit: 0/3 nodes (0%), 0.00 nodes/s, elapsed 0s, ETA –',
    )
  })
})

describe('Progress', () => {
  it('prints a status line at most once per interval when not on a terminal, and one at the end', () => {
    let clock = 0
    const {written, stream} = fakeStream(false)
    const progress = new Progress({
      label: 'import nodes',
      unit: 'rows',
      total: 100,
      stream,
      plainIntervalMs: 1000,
      now: () => clock,
    })
    for (let index = 0; index < 100; index++) {
      clock += 50
      progress.tick()
    }
    progress.stop()
    progress.stop()
    // 5,000 ms of work: lines at 1 s, 2 s, 3 s, 4 s (not at 5 s: that is the end), then the final line.
    expect(written).toHaveLength(5)
    expect(written[0]).toBe('import nodes: 20/100 rows (20%), 20.0 rows/s, elapsed 1s, ETA 4s\n')
    expect(written.at(-1)).toBe('import nodes: 100/100 rows (100%), 20.0 rows/s, elapsed 5s, ETA 0s\n')
  })

  it('prints no status line off a terminal when the run ends within one interval', () => {
    let clock = 0
    const {written, stream} = fakeStream(false)
    const progress = new Progress({
      label: 'audit',
      unit: 'nodes',
      total: 2,
      stream,
      plainIntervalMs: 1000,
      now: () => clock,
    })
    progress.line('ok   dg-up')
    clock += 400
    progress.tick()
    progress.tick()
    progress.stop()
    expect(written).toEqual(['ok   dg-up\n'])
  })

  it('prints nothing when quiet', () => {
    const {written, stream} = fakeStream(true)
    const progress = new Progress({label: 'audit', unit: 'nodes', total: 2, stream, quiet: true})
    progress.tick()
    progress.line('a notice')
    progress.stop()
    expect(written).toEqual([])
  })

  it('prints lines above the bar on a terminal and leaves the bar finished on stop', () => {
    const {written, stream} = fakeStream(true)
    const progress = new Progress({label: 'up', unit: 'tenants', total: 2, stream})
    progress.tick(1, 'failed 0')
    progress.line('FAIL t-1: refused')
    progress.tick(1, 'failed 1')
    progress.stop()
    const text = written.join('')
    expect(text).toContain('\r\u001b[KFAIL t-1: refused\n')
    expect(text).toMatch(/up \[#{30}\] 2\/2 tenants \| [\d.]+ tenants\/s \| elapsed \d+s \| ETA 0s \| failed 1/)
  })
})
