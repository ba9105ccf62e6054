import bcrypt from 'bcryptjs'
import {X509Certificate} from 'node:crypto'
import {copyFileSync, readFileSync, writeFileSync} from 'node:fs'
import {IncomingHttpHeaders, request as httpRequest} from 'node:http'
import {connect as http2Connect} from 'node:http2'
import {request as httpsRequest} from 'node:https'
import {connect as netConnect, Socket} from 'node:net'
import path from 'node:path'
import {TLSSocket} from 'node:tls'
import {afterAll, afterEach, beforeAll, describe, expect, it} from 'vitest'

import {computeCoverage} from '../../src/coverage'
import {Inventory} from '../../src/inventory/db'
import {metricsMessages as msg} from '../../src/messages'
import {MetricsExporter} from '../../src/metrics/exporter'
import {COVERAGE_REPORT_PATH, MetricsServer} from '../../src/metrics/server'
import {snapshotReader} from '../../src/metrics/snapshot'
import {tempDir} from '../helpers/cli'
import {seedMetricsInventory} from '../helpers/metrics-seed'
import {makePki, signedCertificate, TestPki} from '../helpers/tls'

/**
 * `metrics serve`'s HTTP side behind a web config, served by the real MetricsServer on loopback over a
 * seeded inventory, and asked by Node's own HTTP/1.1, HTTPS and HTTP/2 clients (a real Prometheus does
 * the same in prometheus.test.ts). Certificates are made by the test with openssl.
 */

const tmp = tempDir('govnet-metrics-web-')
const dbPath = path.join(tmp.dir, 'govnet.db')
const webConfig = path.join(tmp.dir, 'web.yml')
let inventory: Inventory
let exporter: MetricsExporter
let pki: TestPki
const servers: MetricsServer[] = []
const logged: string[] = []

const PASSWORD = 'correct horse battery staple'
const HASH = bcrypt.hashSync(PASSWORD, 10)

beforeAll(async () => {
  seedMetricsInventory(dbPath)
  inventory = Inventory.open(dbPath, {readonly: true})
  exporter = new MetricsExporter(snapshotReader(inventory), () => {})
  await exporter.refresh()
  pki = makePki(tmp.dir)
}, 60_000)

afterEach(async () => {
  for (const server of servers.splice(0)) await server.close()
  logged.length = 0
})

afterAll(() => {
  inventory.close()
  tmp.cleanup()
})

function writeConfig(lines: readonly string[]): void {
  writeFileSync(webConfig, `${lines.join('\n')}\n`)
}

async function serve(lines: readonly string[], options: {maxConnections?: number} = {}): Promise<MetricsServer> {
  writeConfig(lines)
  const server = await MetricsServer.listen(
    exporter,
    {host: '127.0.0.1', port: 0},
    {webConfigFile: webConfig, log: (line) => logged.push(line), ...options},
  )
  servers.push(server)
  return server
}

interface Reply {
  status: number
  headers: IncomingHttpHeaders
  body: string
  /** The server certificate's SHA-256 fingerprint, over TLS. */
  serverCert?: string
}

interface Ask {
  auth?: string
  ca?: string
  cert?: string
  key?: string
  maxVersion?: 'TLSv1.2' | 'TLSv1.3'
}

/** One GET on a new connection (no agent: every request is a new TLS handshake, so the file is read anew). */
function get(url: string, ask: Ask = {}): Promise<Reply> {
  const target = new URL(url)
  const tls = target.protocol === 'https:'
  const read = (file?: string) => (file ? readFileSync(file) : undefined)
  return new Promise((resolve, reject) => {
    const options = {
      agent: false as const,
      headers: ask.auth ? {Authorization: `Basic ${Buffer.from(ask.auth).toString('base64')}`} : {},
      ...(tls
        ? {ca: read(ask.ca ?? pki.caCert), cert: read(ask.cert), key: read(ask.key), maxVersion: ask.maxVersion}
        : {}),
      timeout: 20_000,
    }
    const req = (tls ? httpsRequest : httpRequest)(target, options, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (chunk: Buffer) => chunks.push(chunk))
      res.on('end', () => {
        const peer = res.socket instanceof TLSSocket ? res.socket.getPeerX509Certificate() : undefined
        resolve({
          status: res.statusCode!,
          headers: res.headers,
          body: Buffer.concat(chunks).toString(),
          serverCert: peer?.fingerprint256,
        })
      })
    })
    req.on('timeout', () => req.destroy(new Error('request timed out')))
    req.on('error', reject)
    req.end()
  })
}

const basicAuthConfig = (hash = HASH) => ['basic_auth_users:', `  prometheus: '${hash}'`]
const tlsConfig = (extra: readonly string[] = []) => [
  'tls_server_config:',
  `  cert_file: ${pki.serverCert}`,
  `  key_file: ${pki.serverKey}`,
  ...extra,
]

describe('basic auth (basic_auth_users, bcrypt)', () => {
  it('answers a missing, wrong or unknown-user login with the same bare 401, and the right one with metrics', async () => {
    const server = await serve(basicAuthConfig())
    const refused = await Promise.all([
      get(server.url),
      get(server.url, {auth: 'prometheus:wrong'}),
      get(server.url, {auth: 'nobody:wrong'}),
      get(server.url, {auth: `nobody:${PASSWORD}`}),
    ])
    const shape = (reply: Reply) => ({
      status: reply.status,
      body: reply.body,
      authenticate: reply.headers['www-authenticate'],
      type: reply.headers['content-type'],
      length: reply.headers['content-length'],
    })
    for (const reply of refused)
      expect(shape(reply)).toEqual({
        status: 401,
        body: 'Unauthorized\n',
        authenticate: 'Basic',
        type: 'text/plain; charset=utf-8',
        length: undefined,
      })
    const ok = await get(server.url, {auth: `prometheus:${PASSWORD}`})
    expect(ok.status).toBe(200)
    expect(ok.body).toContain('govnet_coverage_townships')
    // Health checks are behind the same login, as in exporter-toolkit.
    expect((await get(server.url.replace('/metrics', '/healthz'))).status).toBe(401)
  })

  it('re-reads the file on each request: a rotated hash takes effect without a restart', async () => {
    const server = await serve(basicAuthConfig())
    expect((await get(server.url, {auth: `prometheus:${PASSWORD}`})).status).toBe(200)
    writeConfig(basicAuthConfig(bcrypt.hashSync('rotated', 4)))
    expect((await get(server.url, {auth: `prometheus:${PASSWORD}`})).status).toBe(401)
    expect((await get(server.url, {auth: 'prometheus:rotated'})).status).toBe(200)
    writeConfig([])
    expect((await get(server.url)).status).toBe(200)
  })

  it('answers 500 while the file is broken, logs the problem once, and recovers when it is fixed', async () => {
    const server = await serve(basicAuthConfig())
    writeConfig([...basicAuthConfig(), 'basic_auth_user: {}'])
    const broken = await Promise.all([get(server.url, {auth: `prometheus:${PASSWORD}`}), get(server.url)])
    expect(broken.map((reply) => [reply.status, reply.body])).toEqual([
      [500, 'Internal Server Error\n'],
      [500, 'Internal Server Error\n'],
    ])
    expect(logged).toHaveLength(1)
    expect(logged[0]).toMatch(
      /^web config unusable, refusing requests with 500 and TLS connections until it is fixed: .*line 3: unknown key basic_auth_user /,
    )
    writeConfig(basicAuthConfig())
    expect((await get(server.url, {auth: `prometheus:${PASSWORD}`})).status).toBe(200)
    expect(logged[1]).toBe(msg.webConfigRecovered(webConfig))
    expect(logged.join('\n')).not.toContain(HASH)
  })

  it('sets the configured headers on every answer, the 401 included', async () => {
    const server = await serve([
      ...basicAuthConfig(),
      'http_server_config:',
      '  headers:',
      '    X-Frame-Options: deny',
      '    Content-Security-Policy: "default-src \'none\'"',
    ])
    for (const reply of [await get(server.url), await get(server.url, {auth: `prometheus:${PASSWORD}`})]) {
      expect(reply.headers['x-frame-options']).toBe('deny')
      expect(reply.headers['content-security-policy']).toBe("default-src 'none'")
    }
  })

  it('answers 429 beyond the rate limit', async () => {
    const server = await serve(['rate_limit:', '  interval: 1h', '  burst: 2'])
    const statuses = []
    for (let i = 0; i < 4; i++) statuses.push((await get(server.url)).status)
    expect(statuses).toEqual([200, 200, 429, 429])
  })
})

describe('the coverage report (/report/coverage.html)', () => {
  const reportUrl = (server: MetricsServer) => server.url.replace(/\/metrics$/, COVERAGE_REPORT_PATH)

  it('is behind the same basic auth as /metrics: the same bare 401 without the login, the page with it', async () => {
    const server = await serve(basicAuthConfig())
    for (const auth of [undefined, 'prometheus:wrong', `nobody:${PASSWORD}`]) {
      const refused = await get(reportUrl(server), {auth})
      expect({status: refused.status, body: refused.body, authenticate: refused.headers['www-authenticate']}).toEqual({
        status: 401,
        body: 'Unauthorized\n',
        authenticate: 'Basic',
      })
    }
    const ok = await get(reportUrl(server), {auth: `prometheus:${PASSWORD}`})
    expect(ok.status).toBe(200)
    expect(ok.headers['content-type']).toBe('text/html; charset=utf-8')
    const {total} = computeCoverage(inventory)
    expect(ok.body).toContain(`data-figure="townships" data-value="${total.townships}"`)
    expect(ok.body).toContain(`data-figure="covered" data-value="${total.covered}"`)
  })

  it('is served over TLS with the login, and not without it', async () => {
    const server = await serve([...tlsConfig(), ...basicAuthConfig()])
    expect((await get(reportUrl(server))).status).toBe(401)
    const ok = await get(reportUrl(server), {auth: `prometheus:${PASSWORD}`})
    expect(ok.status).toBe(200)
    expect(ok.body).toMatch(/^<!doctype html>/)
  })

  it('is rendered once per snapshot, from the snapshot', async () => {
    const first = exporter.coverageReport()
    expect(exporter.coverageReport()).toBe(first)
    expect(first.body.toString('utf8')).toContain(`data-value="${exporter.snapshotTakenAt().toISOString()}"`)
    await exporter.refresh()
    expect(exporter.coverageReport()).not.toBe(first)
  })
})

describe('TLS (tls_server_config)', () => {
  it('serves https with basic auth, over HTTP/1.1 and HTTP/2', async () => {
    const server = await serve([...tlsConfig(), ...basicAuthConfig()])
    expect(server.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+\/metrics$/)
    expect((await get(server.url)).status).toBe(401)
    expect((await get(server.url, {auth: `prometheus:${PASSWORD}`})).status).toBe(200)

    const session = http2Connect(server.url.replace('/metrics', ''), {ca: readFileSync(pki.caCert)})
    try {
      const h2 = await new Promise<{status: number; body: string}>((resolve, reject) => {
        const stream = session.request({
          ':path': '/metrics',
          authorization: `Basic ${Buffer.from(`prometheus:${PASSWORD}`).toString('base64')}`,
        })
        let status = 0
        let body = ''
        stream.on('response', (headers) => (status = Number(headers[':status'])))
        stream.on('data', (chunk: Buffer) => (body += chunk.toString()))
        stream.on('end', () => {
          resolve({status, body})
        })
        stream.on('error', reject)
        stream.end()
      })
      expect(h2.status).toBe(200)
      expect(h2.body).toContain('govnet_coverage_townships')
    } finally {
      session.close()
    }
  })

  it('does not answer plain HTTP on a TLS port', async () => {
    const server = await serve(tlsConfig())
    await expect(get(server.url.replace('https:', 'http:'))).rejects.toThrow()
  })

  it('presents a renewed certificate from the next connection on, without a restart', async () => {
    const server = await serve(tlsConfig())
    const before = (await get(server.url)).serverCert
    expect(before).toBe(new X509Certificate(readFileSync(pki.serverCert)).fingerprint256)
    const original = {cert: readFileSync(pki.serverCert), key: readFileSync(pki.serverKey)}
    signedCertificate(tmp.dir, 'ca', 'renewed', '/CN=localhost', 'IP:127.0.0.1')
    copyFileSync(path.join(tmp.dir, 'renewed.crt'), pki.serverCert)
    copyFileSync(path.join(tmp.dir, 'renewed.key'), pki.serverKey)
    try {
      const after = (await get(server.url)).serverCert
      expect(after).toBe(new X509Certificate(readFileSync(pki.serverCert)).fingerprint256)
      expect(after).not.toBe(before)
    } finally {
      writeFileSync(pki.serverCert, original.cert)
      writeFileSync(pki.serverKey, original.key)
    }
  })

  it('refuses TLS connections while the file is broken', async () => {
    const server = await serve(tlsConfig())
    writeConfig([...tlsConfig(), '  client_auth_type: Sometimes'])
    await expect(get(server.url)).rejects.toThrow()
    expect(logged[0]).toMatch(/client_auth_type: "Sometimes" is not one of/)
    writeConfig(tlsConfig())
    expect((await get(server.url)).status).toBe(200)
  })

  it('keeps to min_version', async () => {
    const server = await serve(tlsConfig(['  min_version: TLS13']))
    await expect(get(server.url, {maxVersion: 'TLSv1.2'})).rejects.toThrow()
    expect((await get(server.url, {maxVersion: 'TLSv1.3'})).status).toBe(200)
  })

  it('with RequireAndVerifyClientCert, serves only a client certificate of client_ca_file', async () => {
    const server = await serve(
      tlsConfig(['  client_auth_type: RequireAndVerifyClientCert', `  client_ca_file: ${pki.caCert}`]),
    )
    await expect(get(server.url)).rejects.toThrow()
    await expect(get(server.url, {cert: pki.rogueCert, key: pki.rogueKey})).rejects.toThrow()
    const ok = await get(server.url, {cert: pki.clientCert, key: pki.clientKey})
    expect(ok.status).toBe(200)
  })

  it('with client_allowed_sans, serves only a client certificate that names an allowed SAN', async () => {
    const sans = (name: string) =>
      tlsConfig([
        '  client_auth_type: RequireAndVerifyClientCert',
        `  client_ca_file: ${pki.caCert}`,
        `  client_allowed_sans: [${name}]`,
      ])
    const server = await serve(sans('other.test'))
    await expect(get(server.url, {cert: pki.clientCert, key: pki.clientKey})).rejects.toThrow()
    writeConfig(sans('prometheus.test'))
    expect((await get(server.url, {cert: pki.clientCert, key: pki.clientKey})).status).toBe(200)
  })

  it('refuses a web config whose certificate files are unusable at start, with the catalog error', async () => {
    writeConfig(['tls_server_config:', `  cert_file: ${pki.serverCert}`, `  key_file: ${pki.clientKey}`])
    await expect(
      MetricsServer.listen(exporter, {host: '127.0.0.1', port: 0}, {webConfigFile: webConfig}),
    ).rejects.toThrow(msg.webConfigTlsUnusable(webConfig, 'the key does not belong to the certificate').message)
    writeConfig(['tls_server_config:', `  cert_file: ${pki.serverKey}`, `  key_file: ${pki.serverKey}`])
    await expect(
      MetricsServer.listen(exporter, {host: '127.0.0.1', port: 0}, {webConfigFile: webConfig}),
    ).rejects.toThrow(msg.webConfigTlsFile(webConfig, 'cert_file', pki.serverKey, 'not a PEM certificate').message)
  })
})

describe('--max-connections', () => {
  it('closes connections beyond the bound as they arrive, and serves again once one is free', async () => {
    const server = await serve([], {maxConnections: 2})
    const {port} = new URL(server.url)
    const open = (): Promise<Socket> =>
      new Promise((resolve, reject) => {
        const socket = netConnect(Number(port), '127.0.0.1', () => {
          resolve(socket)
        })
        socket.on('error', reject)
      })
    const held = [await open(), await open()]
    try {
      const third = await open()
      const closedByServer = await new Promise<boolean>((resolve) => {
        third.once('close', () => {
          resolve(true)
        })
        third.write('GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n')
        third.once('data', () => {
          resolve(false)
        })
      })
      expect(closedByServer).toBe(true)
    } finally {
      for (const socket of held) socket.destroy()
    }
    // Once the held sockets are closed, the server serves again (bounded retries while the close propagates).
    let status = 0
    for (let i = 0; i < 50 && status !== 200; i++) {
      status = await get(server.url).then(
        (reply) => reply.status,
        () => 0,
      )
      if (status !== 200) await new Promise((resolve) => setTimeout(resolve, 50))
    }
    expect(status).toBe(200)
  })
})
