import bcrypt from 'bcryptjs'
import {readFileSync} from 'node:fs'
import path from 'node:path'
import {describe, expect, it} from 'vitest'

import {metricsMessages as msg} from '../../src/messages'
import {parseBasicAuthorization} from '../../src/metrics/basic-auth'
import {CONFIGURABLE_HEADERS, goDurationMs, parseWebConfig} from '../../src/metrics/web-config'

const FILE = '/etc/govnet/web.yml'
const HASH = bcrypt.hashSync('s3cret', 4)
const parse = (text: string) => parseWebConfig(text, FILE)
const invalid = (line: number, problem: string) => msg.webConfigInvalid(FILE, line, problem).message

describe('parseWebConfig (exporter-toolkit web configuration)', () => {
  it('reads every section with exporter-toolkit defaults, relative files against the file folder', () => {
    const config = parse(
      [
        'tls_server_config:',
        '  cert_file: server.crt',
        '  key_file: /keys/server.key',
        '  client_auth_type: RequireAndVerifyClientCert',
        '  client_ca_file: ca.crt',
        '  cipher_suites: [TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256]',
        'http_server_config:',
        '  http2: false',
        '  headers:',
        '    X-Frame-Options: deny',
        '    Strict-Transport-Security: max-age=31536000',
        '    X-XSS-Protection: ""',
        'basic_auth_users:',
        `  prometheus: '${HASH}'`,
        'rate_limit:',
        '  interval: 1m30s',
        '  burst: 5',
      ].join('\n'),
    )
    expect(config.tls).toEqual({
      cert: undefined,
      key: undefined,
      clientCa: undefined,
      certFile: '/etc/govnet/server.crt',
      keyFile: '/keys/server.key',
      clientCaFile: '/etc/govnet/ca.crt',
      clientAuthType: 'RequireAndVerifyClientCert',
      clientAllowedSans: undefined,
      minVersion: 'TLS12',
      maxVersion: 'TLS13',
      cipherSuites: ['TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256'],
      preferServerCipherSuites: true,
      curvePreferences: [],
    })
    expect(config.http2).toBe(false)
    // A blank header value leaves the header unset.
    expect(config.headers).toEqual({'X-Frame-Options': 'deny', 'Strict-Transport-Security': 'max-age=31536000'})
    expect([...config.users]).toEqual([['prometheus', HASH]])
    expect(config.rateLimit).toEqual({intervalMs: 90_000, burst: 5})
  })

  it('is plain HTTP without authentication for an empty file or empty sections', () => {
    for (const text of [
      '',
      '{}',
      'tls_server_config:\nbasic_auth_users:\n',
      'tls_server_config:\n  min_version: TLS13\n',
    ])
      expect(parse(text)).toEqual({http2: true, headers: {}, users: new Map()})
  })

  it('refuses an unknown key at any depth, naming it and its line', () => {
    expect(() => parse('tls_server_config:\n  cert_file: a\n  key_fil: b\n')).toThrow(
      invalid(
        3,
        msg.webConfigUnknownKey('tls_server_config.key_fil', [
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
        ]),
      ),
    )
    expect(() => parse('basic_auth_user:\n  a: b\n')).toThrow(
      /^--web\.config\.file \/etc\/govnet\/web\.yml: line 1: unknown key basic_auth_user /,
    )
    expect(() => parse('http_server_config:\n  http3: true\n')).toThrow(
      /line 2: unknown key http_server_config\.http3 /,
    )
    expect(() => parse('rate_limit:\n  per: 1s\n')).toThrow(/line 2: unknown key rate_limit\.per /)
  })

  it('refuses a key given twice, and text that is not YAML, with the line', () => {
    expect(() => parse('basic_auth_users:\n  a: x\nbasic_auth_users:\n  b: y\n')).toThrow(
      invalid(3, 'a key is given twice'),
    )
    expect(() => parse('tls_server_config:\n  cipher_suites: [a, b\n')).toThrow(/line \d+: not YAML: /)
  })

  it('refuses values outside exporter-toolkit enumerations', () => {
    expect(() => parse('tls_server_config:\n  cert_file: a\n  key_file: b\n  client_auth_type: RequireCert\n')).toThrow(
      invalid(
        4,
        'tls_server_config.client_auth_type: "RequireCert" is not one of NoClientCert, RequestClientCert, RequireAnyClientCert, RequireClientCert, VerifyClientCertIfGiven, RequireAndVerifyClientCert',
      ),
    )
    expect(() => parse('tls_server_config:\n  min_version: TLS1.2\n')).toThrow(
      /line 2: tls_server_config\.min_version: "TLS1\.2" is not one of TLS10, TLS11, TLS12, TLS13/,
    )
    expect(() => parse('tls_server_config:\n  cipher_suites: [TLS_RSA_WITH_RC4_128_SHA]\n')).toThrow(
      /"TLS_RSA_WITH_RC4_128_SHA" is not one of/,
    )
    expect(() => parse('tls_server_config:\n  curve_preferences: [CurveP224]\n')).toThrow(
      /"CurveP224" is not one of CurveP256, CurveP384, CurveP521, X25519/,
    )
    expect(() => parse('http_server_config:\n  http2: yes\n')).toThrow(
      invalid(2, 'http_server_config.http2 must be true or false'),
    )
  })

  it('lets only exporter-toolkit headers be set, with their allowed values', () => {
    expect(() => parse('http_server_config:\n  headers:\n    Server: govnet\n')).toThrow(
      invalid(3, msg.webConfigHeaderNotConfigurable('Server', Object.keys(CONFIGURABLE_HEADERS))),
    )
    expect(() => parse('http_server_config:\n  headers:\n    X-Frame-Options: allow\n')).toThrow(
      invalid(3, 'http_server_config.headers.X-Frame-Options: "allow" is not one of deny, sameorigin'),
    )
    expect(() => parse('http_server_config:\n  headers:\n    X-Content-Type-Options: sniff\n')).toThrow(
      /"sniff" is not one of nosniff/,
    )
  })

  it('refuses a password that is not a bcrypt hash without echoing it', () => {
    for (const value of ['plain-password', '$2y$03$aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', '12345']) {
      let message = ''
      try {
        parse(`basic_auth_users:\n  alice: ${JSON.stringify(value)}\n`)
      } catch (error) {
        message = (error as Error).message
      }
      expect(message).toBe(invalid(2, msg.webConfigNotBcrypt('basic_auth_users.alice')))
      expect(message).not.toContain(value)
    }
    // htpasswd writes $2y$, Go and bcryptjs write $2a$ / $2b$: all are accepted.
    for (const prefix of ['$2a$', '$2b$', '$2y$'])
      expect(parse(`basic_auth_users:\n  a: '${HASH.replace(/^\$2.\$/, prefix)}'\n`).users.size).toBe(1)
  })

  it('checks the TLS section as a whole, as ConfigToTLSConfig does', () => {
    expect(() => parse('tls_server_config:\n  key_file: k\n')).toThrow(
      invalid(1, 'tls_server_config: missing one of cert or cert_file'),
    )
    expect(() => parse('tls_server_config:\n  cert_file: c\n')).toThrow(/missing one of key or key_file/)
    expect(() => parse('tls_server_config:\n  cert_file: c\n  cert: x\n  key_file: k\n')).toThrow(
      /set cert or cert_file, not both/,
    )
    expect(() => parse('tls_server_config:\n  cert_file: c\n  key_file: k\n  client_ca_file: ca\n')).toThrow(
      /client CA's have been configured without a client_auth_type/,
    )
    expect(() =>
      parse(
        'tls_server_config:\n  cert_file: c\n  key_file: k\n  client_auth_type: VerifyClientCertIfGiven\n  client_allowed_sans: [a]\n',
      ),
    ).toThrow(/client_allowed_sans requires client_auth_type RequireAnyClientCert or RequireAndVerifyClientCert/)
    expect(() =>
      parse('tls_server_config:\n  cert_file: c\n  key_file: k\n  min_version: TLS13\n  max_version: TLS12\n'),
    ).toThrow(/min_version TLS13 is above max_version TLS12/)
    // RequireClientCert is exporter-toolkit's old name of RequireAnyClientCert.
    expect(
      parse('tls_server_config:\n  cert_file: c\n  key_file: k\n  client_auth_type: RequireClientCert\n').tls
        ?.clientAuthType,
    ).toBe('RequireAnyClientCert')
  })
})

describe('goDurationMs (Go time.ParseDuration, for rate_limit.interval)', () => {
  it('reads Go durations and refuses the rest', () => {
    expect([
      goDurationMs('1s'),
      goDurationMs('500ms'),
      goDurationMs('1m30s'),
      goDurationMs('1.5h'),
      goDurationMs('0'),
    ]).toEqual([1000, 500, 90_000, 5_400_000, 0])
    expect([goDurationMs(''), goDurationMs('1'), goDurationMs('1d'), goDurationMs('s'), goDurationMs('1s ')]).toEqual([
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
    ])
  })
})

describe('parseBasicAuthorization', () => {
  it('reads Basic credentials as Go does: scheme in any case, the password may hold colons', () => {
    const header = (text: string) => `Basic ${Buffer.from(text).toString('base64')}`
    expect(parseBasicAuthorization(header('alice:pa:ss'))).toEqual({user: 'alice', password: 'pa:ss'})
    expect(parseBasicAuthorization(header('alice:').replace('Basic', 'basic'))).toEqual({user: 'alice', password: ''})
    expect(parseBasicAuthorization(header('no-colon'))).toBeUndefined()
    expect(parseBasicAuthorization('Bearer abc')).toBeUndefined()
    expect(parseBasicAuthorization(undefined)).toBeUndefined()
  })
})

describe('the example deploy/prometheus/web.yml', () => {
  it('is a valid web config with TLS, client certificates, headers and one user', () => {
    const file = path.join(__dirname, '..', '..', 'deploy', 'prometheus', 'web.yml')
    const config = parseWebConfig(readFileSync(file, 'utf8'), file)
    expect(config.tls?.clientAuthType).toBe('RequireAndVerifyClientCert')
    expect(config.tls?.certFile).toBe(path.join(path.dirname(file), 'govnet.crt'))
    expect(Object.keys(config.headers)).toEqual([
      'X-Content-Type-Options',
      'X-Frame-Options',
      'Strict-Transport-Security',
    ])
    expect([...config.users.keys()]).toEqual(['prometheus'])
  })
})
