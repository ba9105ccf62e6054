import {createServer, IncomingMessage, Server as HttpServer, ServerResponse} from 'node:http'
import {createServer as createHttp2Server, Http2ServerRequest, Http2ServerResponse} from 'node:http2'
import {AddressInfo, createServer as createNetServer, Server as NetServer, Socket} from 'node:net'
import {Server as TlsServer, TLSSocket} from 'node:tls'

import {errorText} from '../errors'
import {metricsMessages as msg} from '../messages'
import {BasicAuth} from './basic-auth'
import {Exposition, ExpositionSource, negotiateFormat} from './exposition'
import type {ListenAddress} from './options'
import {loadWebConfig, WebConfig} from './web-config'
import {tlsPolicy} from './web-tls'

export const METRICS_PATH = '/metrics'
export const HEALTH_PATHS = ['/healthz', '/-/healthy'] as const
/** The coverage report page (govnet report coverage), behind the same web config as the metrics. */
export const COVERAGE_REPORT_PATH = '/report/coverage.html'

/** Connections served at once by default; more are closed as they arrive (net.Server maxConnections). */
export const DEFAULT_MAX_CONNECTIONS = 64
/** A TLS handshake that has not finished by then is dropped. */
const HANDSHAKE_TIMEOUT_MS = 10_000
/** A connection with no traffic for this long is dropped (Prometheus keeps one open between scrapes). */
const IDLE_TIMEOUT_MS = 120_000
const KEEP_ALIVE_TIMEOUT_MS = 65_000
/** At close, requests in flight get this long to finish before their connections are dropped. */
const CLOSE_GRACE_MS = 5_000

const INDEX_PAGE = `govnet metrics exporter\n\n${METRICS_PATH}  metrics (Prometheus text format, or OpenMetrics on request)\n${COVERAGE_REPORT_PATH}  township coverage report (HTML)\n/healthz  health check\n`

type Request = IncomingMessage | Http2ServerRequest
type Response = ServerResponse | Http2ServerResponse

function acceptsGzip(request: Request): boolean {
  return /\bgzip\b/i.test(request.headers['accept-encoding'] ?? '')
}

function sendText(response: Response, status: number, text: string, headers: Record<string, string> = {}): void {
  response.writeHead(status, {'Content-Type': 'text/plain; charset=utf-8', ...headers})
  response.end(text)
}

function sendExposition(request: Request, response: Response, exposition: Exposition): void {
  const gzip = acceptsGzip(request)
  const body = gzip ? exposition.gzipped : exposition.body
  response.writeHead(200, {
    'Content-Type': exposition.contentType,
    'Content-Length': String(body.length),
    Vary: 'Accept, Accept-Encoding',
    ...(gzip ? {'Content-Encoding': 'gzip'} : {}),
  })
  if (request.method === 'HEAD') response.end()
  else response.end(body)
}

function handle(source: ExpositionSource, request: Request, response: Response): void {
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    sendText(response, 405, 'method not allowed\n', {Allow: 'GET, HEAD'})
    return
  }
  const path = (request.url ?? '/').split('?')[0]
  if (path === METRICS_PATH) {
    sendExposition(request, response, source.exposition(negotiateFormat(request.headers.accept)))
    return
  }
  if (path === COVERAGE_REPORT_PATH && source.coverageReport) {
    Promise.resolve(source.coverageReport()).then(
      (page) => sendExposition(request, response, page),
      (error: unknown) => sendText(response, 500, `${errorText(error)}\n`),
    )
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

export interface ServerOptions {
  /** exporter-toolkit's web configuration file: TLS, basic auth, headers, rate limit. Without it: plain HTTP, open. */
  webConfigFile?: string
  /** Connections served at once (default DEFAULT_MAX_CONNECTIONS). */
  maxConnections?: number
  /** Where a web config that breaks while serving is reported (default stderr). */
  log?: (line: string) => void
}

/** Go's rate.Limiter as exporter-toolkit uses it: a bucket of `burst` tokens, one more every interval. */
class TokenBucket {
  private tokens: number
  private last = Date.now()

  constructor(
    private readonly intervalMs: number,
    private readonly burst: number,
  ) {
    this.tokens = burst
  }

  allow(): boolean {
    const now = Date.now()
    this.tokens = Math.min(this.burst, this.tokens + (now - this.last) / this.intervalMs)
    this.last = now
    if (this.tokens < 1) return false
    this.tokens -= 1
    return true
  }
}

/**
 * The web config, re-read on every request and every TLS connection as exporter-toolkit does, so that
 * users, hashes, headers and certificates change without a restart. A file that breaks meanwhile
 * makes requests fail with 500 and TLS handshakes fail (exporter-toolkit's behaviour), and is logged
 * once per distinct problem, then once when it is usable again.
 */
class LiveWebConfig {
  private lastProblem?: string

  constructor(
    readonly file: string,
    private readonly log: (line: string) => void,
  ) {}

  read(): WebConfig | undefined {
    return this.attempt(() => loadWebConfig(this.file))
  }

  attempt<T>(load: () => T): T | undefined {
    try {
      const value = load()
      if (this.lastProblem !== undefined) this.log(msg.webConfigRecovered(this.file))
      this.lastProblem = undefined
      return value
    } catch (error) {
      const problem = (error as Error).message
      if (problem !== this.lastProblem) this.log(msg.webConfigBroken(problem))
      this.lastProblem = problem
      return undefined
    }
  }
}

/** The requests being answered and the connections open, so that close() can wait for the first and end the second. */
class Connections {
  inFlight = 0
  readonly sockets = new Set<Socket>()

  track(socket: Socket): void {
    this.sockets.add(socket)
    socket.once('close', () => this.sockets.delete(socket))
  }
}

/** The HTTP side of `govnet metrics serve`: sends what was last rendered, behind the web config's TLS and basic auth. */
export class MetricsServer {
  private constructor(
    private readonly connections: Connections,
    private readonly listener: NetServer,
    private readonly http: HttpServer,
    readonly tls: boolean,
  ) {}

  /**
   * Listen on `address`; resolves once bound (port 0 picks a free port: see `url`). The web config is
   * read and checked first, certificates included: a bad one is the command's error.
   */
  static async listen(
    source: ExpositionSource,
    address: ListenAddress,
    options: ServerOptions = {},
  ): Promise<MetricsServer> {
    const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`))
    const file = options.webConfigFile
    const initial = file === undefined ? undefined : loadWebConfig(file)
    if (file !== undefined && initial?.tls) tlsPolicy(initial.tls, file)
    const live = file === undefined ? undefined : new LiveWebConfig(file, log)
    const limiter = initial?.rateLimit
      ? new TokenBucket(initial.rateLimit.intervalMs, initial.rateLimit.burst)
      : undefined
    const auth = new BasicAuth()
    const connections = new Connections()

    const guarded = (request: Request, response: Response) => {
      connections.inFlight++
      response.once('close', () => connections.inFlight--)
      const serve = () => {
        try {
          handle(source, request, response)
        } catch (error) {
          sendText(response, 500, `${(error as Error).message}\n`)
        }
      }
      if (!live) {
        serve()
        return
      }
      const config = live.read()
      if (!config) {
        sendText(response, 500, 'Internal Server Error\n', {'X-Content-Type-Options': 'nosniff'})
        return
      }
      if (limiter && !limiter.allow()) {
        sendText(response, 429, 'Too Many Requests\n', {'X-Content-Type-Options': 'nosniff'})
        return
      }
      for (const [name, value] of Object.entries(config.headers)) response.setHeader(name, value)
      if (config.users.size === 0) {
        serve()
        return
      }
      auth.check(config.users, request.headers.authorization).then(
        (ok) => {
          if (ok) {
            serve()
            return
          }
          // The same answer for a missing header, an unknown user and a wrong password.
          sendText(response, 401, 'Unauthorized\n', {'WWW-Authenticate': 'Basic', 'X-Content-Type-Options': 'nosniff'})
        },
        () => {
          sendText(response, 500, 'Internal Server Error\n')
        },
      )
    }

    const http = createServer(guarded)
    http.keepAliveTimeout = KEEP_ALIVE_TIMEOUT_MS
    http.timeout = IDLE_TIMEOUT_MS
    let listener: NetServer = http
    if (initial?.tls && file !== undefined && live !== undefined) {
      // One tls.Server per connection, built from the file as it is now (Go's GetConfigForClient): a
      // renewed certificate or CA applies from the next connection. Its secure socket goes on to HTTP/1.1,
      // or to HTTP/2 when the client chose h2 by ALPN and http2 is on (fixed at start, as in exporter-toolkit).
      const http2 = initial.http2 ? createHttp2Server({}, guarded) : undefined
      http2?.setTimeout(IDLE_TIMEOUT_MS)
      listener = createNetServer((raw) => {
        connections.track(raw)
        const policy = live.attempt(() => {
          const config = loadWebConfig(file)
          if (!config.tls) throw msg.webConfigTlsUnusable(file, 'tls_server_config is gone; it was set at start')
          return tlsPolicy(config.tls, file)
        })
        if (!policy) return raw.destroy()
        const handshake = new TlsServer({
          ...policy.options,
          handshakeTimeout: HANDSHAKE_TIMEOUT_MS,
          ALPNProtocols: http2 ? ['h2', 'http/1.1'] : ['http/1.1'],
        })
        // A failed handshake (no or a wrong client certificate, a plain-HTTP client) is the client's to see.
        handshake.on('tlsClientError', () => raw.destroy())
        handshake.on('secureConnection', (socket: TLSSocket) => {
          connections.track(socket)
          if (policy.refuse(socket) !== undefined) return socket.destroy()
          if (socket.alpnProtocol === 'h2' && http2) http2.emit('connection', socket)
          else http.emit('connection', socket)
        })
        handshake.emit('connection', raw)
      })
    }
    listener.maxConnections = options.maxConnections ?? DEFAULT_MAX_CONNECTIONS
    const server = new MetricsServer(connections, listener, http, initial?.tls !== undefined)

    return new Promise((resolve, reject) => {
      listener.once('error', (error: NodeJS.ErrnoException) => {
        const shown = formatAddress(address.host, address.port)
        reject(error.code === 'EADDRINUSE' ? msg.addressInUse(shown) : msg.cannotListen(shown, error.message))
      })
      listener.listen({host: address.host, port: address.port}, () => {
        resolve(server)
      })
    })
  }

  /** The metrics URL, with the port actually bound: https when the web config sets TLS. */
  get url(): string {
    const bound = this.listener.address() as AddressInfo
    return `${this.tls ? 'https' : 'http'}://${formatAddress(bound.address, bound.port)}${METRICS_PATH}`
  }

  /**
   * Stop accepting connections, let requests in flight finish (at most CLOSE_GRACE_MS), then drop every
   * connection left: Prometheus keeps an idle one open.
   */
  async close(): Promise<void> {
    const closed = new Promise<void>((resolve, reject) =>
      this.listener.close((error) => {
        if (error) reject(error)
        else resolve()
      }),
    )
    // Only a listening http.Server tracks its connections; behind TLS they are in this.sockets.
    if (!this.tls) this.http.closeIdleConnections()
    const deadline = Date.now() + CLOSE_GRACE_MS
    while (this.connections.inFlight > 0 && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 20))
    for (const socket of this.connections.sockets) socket.destroy()
    if (!this.tls) this.http.closeAllConnections()
    await closed
  }
}

function formatAddress(host: string | undefined, port: number): string {
  if (host === undefined || host === '') return `:${port}`
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`
}
