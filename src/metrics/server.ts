import {createServer, IncomingMessage, Server, ServerResponse} from 'node:http'
import type {AddressInfo} from 'node:net'

import {metricsMessages as msg} from '../messages'
import {ExpositionSource, negotiateFormat} from './exporter'
import type {ListenAddress} from './options'

export const METRICS_PATH = '/metrics'
export const HEALTH_PATHS = ['/healthz', '/-/healthy'] as const

const INDEX_PAGE = `govnet metrics exporter\n\n${METRICS_PATH}  metrics (Prometheus text format, or OpenMetrics on request)\n/healthz  health check\n`

function acceptsGzip(request: IncomingMessage): boolean {
  return /\bgzip\b/i.test(request.headers['accept-encoding'] ?? '')
}

function sendText(response: ServerResponse, status: number, text: string, headers: Record<string, string> = {}): void {
  response.writeHead(status, {'Content-Type': 'text/plain; charset=utf-8', ...headers})
  response.end(text)
}

function handle(source: ExpositionSource, request: IncomingMessage, response: ServerResponse): void {
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    sendText(response, 405, 'method not allowed\n', {Allow: 'GET, HEAD'})
    return
  }
  const path = (request.url ?? '/').split('?')[0]
  if (path === METRICS_PATH) {
    const exposition = source.exposition(negotiateFormat(request.headers.accept))
    const gzip = acceptsGzip(request)
    const body = gzip ? exposition.gzipped : exposition.body
    response.writeHead(200, {
      'Content-Type': exposition.contentType,
      'Content-Length': String(body.length),
      Vary: 'Accept, Accept-Encoding',
      ...(gzip ? {'Content-Encoding': 'gzip'} : {}),
    })
    response.end(request.method === 'HEAD' ? undefined : body)
    return
  }
  if ((HEALTH_PATHS as readonly string[]).includes(path ?? '')) {
    sendText(response, 200, 'ok\n')
    return
  }
  if (path === '/') {
    sendText(response, 200, INDEX_PAGE)
    return
  }
  sendText(response, 404, `not found; metrics are at ${METRICS_PATH}\n`)
}

/** The HTTP side of `govnet metrics serve`: sends what was last rendered, nothing more. */
export class MetricsServer {
  private constructor(private readonly server: Server) {}

  /** Listen on `address`; resolves once bound (port 0 picks a free port: see `url`). */
  static listen(source: ExpositionSource, address: ListenAddress): Promise<MetricsServer> {
    const server = createServer((request, response) => {
      try {
        handle(source, request, response)
      } catch (error) {
        sendText(response, 500, `${(error as Error).message}\n`)
      }
    })
    server.keepAliveTimeout = 65_000
    return new Promise((resolve, reject) => {
      server.once('error', (error: NodeJS.ErrnoException) => {
        const shown = formatAddress(address.host, address.port)
        reject(error.code === 'EADDRINUSE' ? msg.addressInUse(shown) : msg.cannotListen(shown, error.message))
      })
      server.listen({host: address.host, port: address.port}, () => resolve(new MetricsServer(server)))
    })
  }

  /** The metrics URL, with the port actually bound. */
  get url(): string {
    const bound = this.server.address() as AddressInfo
    return `http://${formatAddress(bound.address, bound.port)}${METRICS_PATH}`
  }

  /** Stop accepting connections and drop idle keep-alive ones (Prometheus keeps one open). */
  close(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.server.close((error) => (error ? reject(error) : resolve()))
      this.server.closeIdleConnections()
    })
  }
}

function formatAddress(host: string | undefined, port: number): string {
  if (host === undefined || host === '') return `:${port}`
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`
}
