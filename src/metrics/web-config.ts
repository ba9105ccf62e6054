import {readFileSync} from 'node:fs'
import path from 'node:path'
import {isMap, isScalar, isSeq, LineCounter, Node, parseDocument} from 'yaml'

import {metricsMessages as msg} from '../messages'

/**
 * The web configuration file of Prometheus' exporter-toolkit (`--web.config.file`), the format every
 * Prometheus exporter reads: tls_server_config, http_server_config, basic_auth_users and rate_limit,
 * with the same keys, values and defaults. Unknown keys are refused (exporter-toolkit decodes it with
 * yaml.UnmarshalStrict), as are duplicate keys. Relative file names are relative to the file's folder.
 */

/** exporter-toolkit's client_auth_type values (Go's tls.ClientAuthType); RequireClientCert is its old spelling of RequireAnyClientCert. */
export const CLIENT_AUTH_TYPES = [
  'NoClientCert',
  'RequestClientCert',
  'RequireAnyClientCert',
  'RequireClientCert',
  'VerifyClientCertIfGiven',
  'RequireAndVerifyClientCert',
] as const
export type ClientAuthType = Exclude<(typeof CLIENT_AUTH_TYPES)[number], 'RequireClientCert'>

/** min_version / max_version, and Node's name for each. */
export const TLS_VERSIONS = {TLS10: 'TLSv1', TLS11: 'TLSv1.1', TLS12: 'TLSv1.2', TLS13: 'TLSv1.3'} as const
export type TlsVersion = keyof typeof TLS_VERSIONS

/**
 * cipher_suites: the names of Go's tls.CipherSuites() (the secure ones; Go refuses the others too), and
 * OpenSSL's name for each. The TLS 1.3 suites are accepted and, as in Go, not configurable: TLS 1.3
 * always offers all three.
 */
export const CIPHER_SUITES: Readonly<Record<string, string | undefined>> = {
  TLS_RSA_WITH_AES_128_CBC_SHA: 'AES128-SHA',
  TLS_RSA_WITH_AES_256_CBC_SHA: 'AES256-SHA',
  TLS_RSA_WITH_AES_128_GCM_SHA256: 'AES128-GCM-SHA256',
  TLS_RSA_WITH_AES_256_GCM_SHA384: 'AES256-GCM-SHA384',
  TLS_AES_128_GCM_SHA256: undefined,
  TLS_AES_256_GCM_SHA384: undefined,
  TLS_CHACHA20_POLY1305_SHA256: undefined,
  TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA: 'ECDHE-ECDSA-AES128-SHA',
  TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA: 'ECDHE-ECDSA-AES256-SHA',
  TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA: 'ECDHE-RSA-AES128-SHA',
  TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA: 'ECDHE-RSA-AES256-SHA',
  TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256: 'ECDHE-ECDSA-AES128-GCM-SHA256',
  TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384: 'ECDHE-ECDSA-AES256-GCM-SHA384',
  TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256: 'ECDHE-RSA-AES128-GCM-SHA256',
  TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384: 'ECDHE-RSA-AES256-GCM-SHA384',
  TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256: 'ECDHE-RSA-CHACHA20-POLY1305',
  TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256: 'ECDHE-ECDSA-CHACHA20-POLY1305',
}

/** curve_preferences: Go's curve names and OpenSSL's. */
export const CURVES = {CurveP256: 'P-256', CurveP384: 'P-384', CurveP521: 'P-521', X25519: 'X25519'} as const
export type Curve = keyof typeof CURVES

/** http_server_config.headers: the only headers exporter-toolkit lets a file set, with their allowed values (none: any). */
export const CONFIGURABLE_HEADERS: Readonly<Record<string, readonly string[] | undefined>> = {
  'Strict-Transport-Security': undefined,
  'X-Content-Type-Options': ['nosniff'],
  'X-Frame-Options': ['deny', 'sameorigin'],
  'X-XSS-Protection': undefined,
  'Content-Security-Policy': undefined,
}

export interface TlsServerConfig {
  /** PEM given inline (cert, key, client_ca) or read from a file (cert_file, key_file, client_ca_file). */
  cert?: string
  key?: string
  clientCa?: string
  certFile?: string
  keyFile?: string
  clientCaFile?: string
  clientAuthType: ClientAuthType
  clientAllowedSans?: string[]
  minVersion: TlsVersion
  maxVersion: TlsVersion
  cipherSuites: string[]
  preferServerCipherSuites: boolean
  curvePreferences: Curve[]
}

export interface WebConfig {
  /** Absent when the file sets no TLS key at all: plain HTTP, as exporter-toolkit decides it. */
  tls?: TlsServerConfig
  http2: boolean
  headers: Record<string, string>
  /** User name → bcrypt hash; empty: no basic authentication. */
  users: Map<string, string>
  /** Absent (or interval 0): no rate limit. */
  rateLimit?: {intervalMs: number; burst: number}
}

/** A bcrypt hash as Go's bcrypt.Cost accepts it: $2$, $2a$, $2b$, $2x$ or $2y$, a two-digit cost 04–31, 53 characters of salt and hash. */
const BCRYPT_HASH = /^\$2[abxy]?\$(0[4-9]|[12]\d|3[01])\$[./A-Za-z0-9]{53}$/

const KEYS = {
  top: ['tls_server_config', 'http_server_config', 'basic_auth_users', 'rate_limit'],
  tls: [
    'cert',
    'key',
    'client_ca',
    'cert_file',
    'key_file',
    'client_auth_type',
    'client_ca_file',
    'client_allowed_sans',
    'min_version',
    'max_version',
    'cipher_suites',
    'prefer_server_cipher_suites',
    'curve_preferences',
  ],
  http: ['http2', 'headers'],
  rateLimit: ['interval', 'burst'],
} as const

/** Read and check the web configuration file; every problem is one line naming the file, the line and the key. */
export function loadWebConfig(file: string): WebConfig {
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch (error) {
    throw msg.webConfigUnreadable(file, (error as NodeJS.ErrnoException).code ?? (error as Error).message)
  }
  return parseWebConfig(text, file)
}

/** Parse the text of a web configuration file named `file` (relative paths inside resolve against its folder). */
export function parseWebConfig(text: string, file: string): WebConfig {
  const lineCounter = new LineCounter()
  const doc = parseDocument(text, {lineCounter, uniqueKeys: true})
  const lineOf = (node: Node | null | undefined) =>
    node?.range ? lineCounter.linePos(node.range[0]).line : lineCounter.linePos(0).line
  const fail = (line: number, problem: string): never => {
    throw msg.webConfigInvalid(file, line, problem)
  }
  const [error] = doc.errors
  if (error) {
    const line = error.linePos?.[0].line ?? lineCounter.linePos(error.pos[0]).line
    fail(line, error.code === 'DUPLICATE_KEY' ? 'a key is given twice' : `not YAML: ${error.message.split('\n')[0]}`)
  }
  const dir = path.dirname(file)

  /** The pairs of a mapping (null or an empty document: none), each key checked against `known`. */
  const entries = (node: unknown, where: string, known: readonly string[] | undefined) => {
    if (node === null || node === undefined || (isScalar(node) && node.value === null)) return []
    if (!isMap(node)) return fail(lineOf(node as Node), `${where || 'the file'} must be a mapping`)
    return node.items.map((pair) => {
      const keyNode = pair.key as Node
      const key = isScalar(keyNode) ? String(keyNode.value) : ''
      const name = where ? `${where}.${key}` : key
      if (known && !known.includes(key)) fail(lineOf(keyNode), msg.webConfigUnknownKey(name, known))
      return {key, name, value: pair.value as Node | null, line: lineOf(keyNode)}
    })
  }
  const string = (value: Node | null, name: string, line: number): string => {
    if (isScalar(value) && typeof value.value === 'string') return value.value
    return fail(lineOf(value) || line, `${name} must be a string`)
  }
  const bool = (value: Node | null, name: string, line: number): boolean => {
    if (isScalar(value) && typeof value.value === 'boolean') return value.value
    return fail(lineOf(value) || line, `${name} must be true or false`)
  }
  const strings = (value: Node | null, name: string, line: number): string[] => {
    if (value === null || (isScalar(value) && value.value === null)) return []
    if (!isSeq(value)) return fail(lineOf(value) || line, `${name} must be a list of strings`)
    return value.items.map((item) => string(item as Node, `${name} entries`, lineOf(item as Node)))
  }
  const oneOf = <T extends string>(value: string, allowed: readonly T[], name: string, line: number): T => {
    if ((allowed as readonly string[]).includes(value)) return value as T
    return fail(line, `${name}: "${value}" is not one of ${allowed.join(', ')}`)
  }

  const config: WebConfig = {http2: true, headers: {}, users: new Map()}
  let tls: Partial<TlsServerConfig> & {set: boolean} = {set: false}
  for (const top of entries(doc.contents, '', KEYS.top)) {
    switch (top.key) {
      case 'tls_server_config':
        tls = {set: false}
        for (const {key, name, value, line} of entries(top.value, top.key, KEYS.tls)) {
          const text = () => string(value, name, line)
          const file = () => path.resolve(dir, text())
          switch (key) {
            case 'cert':
              tls.cert = text()
              tls.set ||= tls.cert !== ''
              break
            case 'key':
              tls.key = text()
              tls.set ||= tls.key !== ''
              break
            case 'client_ca':
              tls.clientCa = text()
              tls.set ||= tls.clientCa !== ''
              break
            case 'cert_file':
              tls.certFile = text() === '' ? undefined : file()
              tls.set ||= tls.certFile !== undefined
              break
            case 'key_file':
              tls.keyFile = text() === '' ? undefined : file()
              tls.set ||= tls.keyFile !== undefined
              break
            case 'client_ca_file':
              tls.clientCaFile = text() === '' ? undefined : file()
              tls.set ||= tls.clientCaFile !== undefined
              break
            case 'client_auth_type': {
              const type = text()
              if (type !== '') {
                const chosen = oneOf(type, CLIENT_AUTH_TYPES, name, line)
                tls.clientAuthType = chosen === 'RequireClientCert' ? 'RequireAnyClientCert' : chosen
                tls.set = true
              }
              break
            }
            case 'client_allowed_sans':
              tls.clientAllowedSans = strings(value, name, line)
              break
            case 'min_version':
              tls.minVersion = oneOf(text(), Object.keys(TLS_VERSIONS) as TlsVersion[], name, line)
              break
            case 'max_version':
              tls.maxVersion = oneOf(text(), Object.keys(TLS_VERSIONS) as TlsVersion[], name, line)
              break
            case 'cipher_suites':
              tls.cipherSuites = strings(value, name, line).map((suite) =>
                oneOf(suite, Object.keys(CIPHER_SUITES), name, line),
              )
              break
            case 'prefer_server_cipher_suites':
              tls.preferServerCipherSuites = bool(value, name, line)
              break
            case 'curve_preferences':
              tls.curvePreferences = strings(value, name, line).map((curve) =>
                oneOf(curve, Object.keys(CURVES) as Curve[], name, line),
              )
              break
          }
        }
        break
      case 'http_server_config':
        for (const {key, name, value, line} of entries(top.value, top.key, KEYS.http)) {
          if (key === 'http2') config.http2 = bool(value, name, line)
          else
            for (const header of entries(value, name, undefined)) {
              const allowed = CONFIGURABLE_HEADERS[header.key]
              if (!Object.hasOwn(CONFIGURABLE_HEADERS, header.key))
                fail(header.line, msg.webConfigHeaderNotConfigurable(header.key, Object.keys(CONFIGURABLE_HEADERS)))
              const headerValue = string(header.value, header.name, header.line)
              if (allowed && !allowed.includes(headerValue))
                fail(header.line, `${header.name}: "${headerValue}" is not one of ${allowed.join(', ')}`)
              // A blank value leaves the header unset, as exporter-toolkit does.
              if (headerValue !== '') config.headers[header.key] = headerValue
            }
        }
        break
      case 'basic_auth_users':
        for (const {key, name, value, line} of entries(top.value, top.key, undefined)) {
          // The hash is never echoed: it is a secret, as the file format calls it.
          if (!isScalar(value) || typeof value.value !== 'string' || !BCRYPT_HASH.test(value.value))
            fail(line, msg.webConfigNotBcrypt(name))
          config.users.set(key, (value as {value: string}).value)
        }
        break
      case 'rate_limit': {
        let intervalMs = 0
        let burst = 0
        for (const {key, name, value, line} of entries(top.value, top.key, KEYS.rateLimit)) {
          if (key === 'interval') {
            const parsed = isScalar(value) && value.value === 0 ? 0 : goDurationMs(string(value, name, line))
            intervalMs = parsed ?? fail(line, `${name} must be a duration like 1s, 500ms or 1m30s`)
          } else {
            if (
              !isScalar(value) ||
              typeof value.value !== 'number' ||
              !Number.isInteger(value.value) ||
              value.value < 0
            )
              fail(line, `${name} must be a whole number, 0 or more`)
            burst = (value as {value: number}).value
          }
        }
        if (intervalMs > 0) config.rateLimit = {intervalMs, burst}
        break
      }
    }
  }

  if (tls.set) config.tls = checkTls(tls, (problem) => fail(lineOf(doc.contents), problem))
  return config
}

/** exporter-toolkit's ConfigToTLSConfig checks that need the whole section. */
function checkTls(tls: Partial<TlsServerConfig>, fail: (problem: string) => never): TlsServerConfig {
  if (tls.cert !== undefined && tls.cert !== '' && tls.certFile)
    fail('tls_server_config: set cert or cert_file, not both')
  if (tls.key !== undefined && tls.key !== '' && tls.keyFile) fail('tls_server_config: set key or key_file, not both')
  if (tls.clientCa && tls.clientCaFile) fail('tls_server_config: set client_ca or client_ca_file, not both')
  if (!tls.cert && !tls.certFile) fail('tls_server_config: missing one of cert or cert_file')
  if (!tls.key && !tls.keyFile) fail('tls_server_config: missing one of key or key_file')
  const clientAuthType = tls.clientAuthType ?? 'NoClientCert'
  if ((tls.clientCa || tls.clientCaFile) && clientAuthType === 'NoClientCert')
    fail("tls_server_config: client CA's have been configured without a client_auth_type")
  if (
    tls.clientAllowedSans !== undefined &&
    clientAuthType !== 'RequireAnyClientCert' &&
    clientAuthType !== 'RequireAndVerifyClientCert'
  )
    fail(
      'tls_server_config: client_allowed_sans requires client_auth_type RequireAnyClientCert or RequireAndVerifyClientCert',
    )
  const minVersion = tls.minVersion ?? 'TLS12'
  const maxVersion = tls.maxVersion ?? 'TLS13'
  if (minVersion > maxVersion) fail(`tls_server_config: min_version ${minVersion} is above max_version ${maxVersion}`)
  return {
    cert: tls.cert || undefined,
    key: tls.key || undefined,
    clientCa: tls.clientCa || undefined,
    certFile: tls.certFile,
    keyFile: tls.keyFile,
    clientCaFile: tls.clientCaFile,
    clientAuthType,
    clientAllowedSans: tls.clientAllowedSans,
    minVersion,
    maxVersion,
    cipherSuites: tls.cipherSuites ?? [],
    preferServerCipherSuites: tls.preferServerCipherSuites ?? true,
    curvePreferences: tls.curvePreferences ?? [],
  }
}

const GO_DURATION_UNIT_MS: Record<string, number> = {
  ns: 1e-6,
  us: 1e-3,
  µs: 1e-3,
  μs: 1e-3,
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
}

/** A Go duration (time.ParseDuration: 1s, 500ms, 1m30s, 1.5h, 0) in milliseconds; undefined if it is not one. */
export function goDurationMs(text: string): number | undefined {
  if (text === '0') return 0
  const part = /(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)/y
  let total = 0
  let at = 0
  while (at < text.length) {
    part.lastIndex = at
    const [, amount, unit] = part.exec(text) ?? []
    const unitMs = unit === undefined ? undefined : GO_DURATION_UNIT_MS[unit]
    if (unitMs === undefined) return undefined
    total += Number(amount) * unitMs
    at = part.lastIndex
  }
  return at === 0 ? undefined : total
}
