import {X509Certificate} from 'node:crypto'
import {readFileSync} from 'node:fs'
import {createSecureContext, TLSSocket, TlsOptions} from 'node:tls'

import {metricsMessages as msg} from '../messages'
import {CIPHER_SUITES, CURVES, TLS_VERSIONS, TlsServerConfig} from './web-config'

/** TLS 1.3 suites are always all offered, as in Go: Node would turn TLS 1.3 off if `ciphers` named none. */
const TLS13_SUITES = 'TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256:TLS_AES_128_GCM_SHA256'

export interface TlsPolicy {
  /** For a per-connection tls.Server (certificates, versions, ciphers, curves, client-certificate request). */
  options: TlsOptions
  /** After the handshake: why this connection is refused (client_auth_type, client_allowed_sans), or undefined. */
  refuse(socket: TLSSocket): string | undefined
}

/**
 * The TLS side of the web config, with every file read now: `metrics serve` builds one per connection,
 * so that a renewed certificate or CA is used from the next connection on (exporter-toolkit's
 * GetConfigForClient). Problems are GovnetErrors naming the file and the key.
 */
export function tlsPolicy(config: TlsServerConfig, webConfigFile: string): TlsPolicy {
  const read = (key: string, file: string, what: 'certificate' | 'key') => {
    let text: string
    try {
      text = readFileSync(file, 'utf8')
    } catch (error) {
      throw msg.webConfigTlsFile(webConfigFile, key, file, `cannot read it (${(error as NodeJS.ErrnoException).code})`)
    }
    // Never the content in a message: a key file is a secret.
    const marker = what === 'key' ? /-----BEGIN [A-Z ]*PRIVATE KEY-----/ : /-----BEGIN CERTIFICATE-----/
    if (!marker.test(text)) throw msg.webConfigTlsFile(webConfigFile, key, file, `not a PEM ${what}`)
    return text
  }
  // checkTls made sure that one of each pair is set.
  const cert = config.certFile ? read('cert_file', config.certFile, 'certificate') : (config.cert ?? '')
  const key = config.keyFile ? read('key_file', config.keyFile, 'key') : (config.key ?? '')
  const ca = config.clientCaFile ? read('client_ca_file', config.clientCaFile, 'certificate') : config.clientCa
  if (ca !== undefined && !/-----BEGIN CERTIFICATE-----/.test(ca))
    throw msg.webConfigTlsUnusable(webConfigFile, 'client_ca holds no PEM certificate')

  const ciphers = config.cipherSuites.map((name) => CIPHER_SUITES[name]).filter((name) => name !== undefined)
  const type = config.clientAuthType
  const options: TlsOptions = {
    cert,
    key,
    ca,
    minVersion: TLS_VERSIONS[config.minVersion],
    maxVersion: TLS_VERSIONS[config.maxVersion],
    ciphers: ciphers.length > 0 ? `${TLS13_SUITES}:${ciphers.join(':')}` : undefined,
    honorCipherOrder: config.preferServerCipherSuites,
    ecdhCurve: config.curvePreferences.length > 0 ? config.curvePreferences.map((c) => CURVES[c]).join(':') : undefined,
    requestCert: type !== 'NoClientCert',
    // Node checks the chain against `ca` (without one: its bundled roots, as Go falls back to the system's).
    rejectUnauthorized: type === 'RequireAndVerifyClientCert',
  }
  try {
    // The key must match the certificate, and OpenSSL must accept the ciphers and curves: found now, not per handshake.
    createSecureContext(options)
  } catch (error) {
    const reason = (error as Error).message
    throw msg.webConfigTlsUnusable(
      webConfigFile,
      /key values mismatch/.test(reason) ? 'the key does not belong to the certificate' : reason,
    )
  }

  return {
    options,
    refuse(socket) {
      const peer = socket.getPeerX509Certificate()
      if (type === 'RequireAnyClientCert' && !peer) return 'no client certificate'
      if (type === 'VerifyClientCertIfGiven' && peer && !socket.authorized)
        return `client certificate not verified (${socket.authorizationError})`
      const allowed = config.clientAllowedSans
      if (allowed !== undefined) {
        if (!peer) return 'no client certificate to match client_allowed_sans'
        if (!subjectAltNames(peer).some((san) => allowed.includes(san)))
          return 'no subject alternative name of the client certificate is in client_allowed_sans'
      }
      return undefined
    },
  }
}

/** The DNS, IP, e-mail and URI values of a certificate's subjectAltName, as Go's x509 lists them. */
export function subjectAltNames(certificate: X509Certificate): string[] {
  const text = certificate.subjectAltName
  if (!text) return []
  // Node quotes a value that holds a comma or a quote as a JSON string: `DNS:"a,b"`.
  const entries = text.match(/(?:[^,"]|"(?:[^"\\]|\\.)*")+/g) ?? []
  return entries.flatMap((entry) => {
    const raw = /^\s*(?:DNS|IP Address|email|URI):(.*)$/.exec(entry)?.[1]
    if (raw === undefined) return []
    return [raw.startsWith('"') ? (JSON.parse(raw) as string) : raw]
  })
}
