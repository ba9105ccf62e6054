/**
 * What the HTTP server sends and how it picks a format: kept apart from the exporter (prom-client,
 * the inventory), so that the main thread of `metrics serve`, which only sends bytes rendered in the
 * refresh thread, does not load them (bench/RESULTS.md, exporter memory).
 */
export const EXPOSITION_FORMATS = ['prometheus', 'openmetrics'] as const
export type ExpositionFormat = (typeof EXPOSITION_FORMATS)[number]

/** One format's rendering of the current state, ready to send. */
export interface Exposition {
  contentType: string
  body: Buffer
  gzipped: Buffer
}

/** Where the HTTP server gets what it sends: the latest rendering in each format. */
export interface ExpositionSource {
  exposition(format: ExpositionFormat): Exposition
  /** The coverage report page (HTML) of the latest refresh, when this source renders one. */
  coverageReport?(): Exposition | Promise<Exposition>
}

/**
 * The format a scraper asked for in its Accept header: OpenMetrics when it ranks
 * application/openmetrics-text at least as high as text/plain, the Prometheus text format otherwise.
 */
export function negotiateFormat(accept: string | undefined): ExpositionFormat {
  if (!accept) return 'prometheus'
  let openMetrics = 0
  let text = 0
  for (const part of accept.split(',')) {
    const [type = '', ...params] = part.split(';').map((s) => s.trim().toLowerCase())
    const qParam = params.find((p) => p.startsWith('q='))
    const q = qParam === undefined ? 1 : Number(qParam.slice(2))
    if (!Number.isFinite(q)) continue
    if (type === 'application/openmetrics-text') openMetrics = Math.max(openMetrics, q)
    else if (type === 'text/plain') text = Math.max(text, q)
  }
  return openMetrics > 0 && openMetrics >= text ? 'openmetrics' : 'prometheus'
}
