import {execFileSync} from 'node:child_process'
import {writeFileSync} from 'node:fs'
import path from 'node:path'

/**
 * A throw-away PKI made by the test with Debian's openssl CLI: a CA, a server certificate for 127.0.0.1
 * and localhost, a client certificate signed by the CA (SAN DNS:prometheus.test), and a client
 * certificate from another CA that govnet must refuse. Nothing is committed; keys are P-256.
 */
export interface TestPki {
  caCert: string
  serverCert: string
  serverKey: string
  clientCert: string
  clientKey: string
  rogueCert: string
  rogueKey: string
}

function openssl(args: readonly string[], cwd: string): void {
  execFileSync('openssl', args, {cwd, stdio: ['ignore', 'ignore', 'pipe'], timeout: 30_000})
}

function selfSigned(dir: string, name: string, subject: string): void {
  openssl(
    ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-days', '2'].concat([
      '-keyout',
      `${name}.key`,
      '-out',
      `${name}.crt`,
      '-subj',
      subject,
    ]),
    dir,
  )
}

/** A key and a certificate `name` signed by CA `ca`, with the subjectAltName `san`. */
export function signedCertificate(dir: string, ca: string, name: string, subject: string, san: string): void {
  openssl(
    ['req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'].concat([
      '-keyout',
      `${name}.key`,
      '-out',
      `${name}.csr`,
      '-subj',
      subject,
    ]),
    dir,
  )
  writeFileSync(path.join(dir, `${name}.ext`), `subjectAltName=${san}\n`)
  openssl(
    ['x509', '-req', '-in', `${name}.csr`, '-CA', `${ca}.crt`, '-CAkey', `${ca}.key`, '-CAcreateserial'].concat([
      '-out',
      `${name}.crt`,
      '-days',
      '2',
      '-extfile',
      `${name}.ext`,
    ]),
    dir,
  )
}

export function makePki(dir: string): TestPki {
  selfSigned(dir, 'ca', '/CN=govnet test CA')
  selfSigned(dir, 'rogue-ca', '/CN=some other CA')
  signedCertificate(dir, 'ca', 'server', '/CN=localhost', 'IP:127.0.0.1,DNS:localhost')
  signedCertificate(dir, 'ca', 'client', '/CN=prometheus', 'DNS:prometheus.test')
  signedCertificate(dir, 'rogue-ca', 'rogue', '/CN=prometheus', 'DNS:prometheus.test')
  const file = (name: string) => path.join(dir, name)
  return {
    caCert: file('ca.crt'),
    serverCert: file('server.crt'),
    serverKey: file('server.key'),
    clientCert: file('client.crt'),
    clientKey: file('client.key'),
    rogueCert: file('rogue.crt'),
    rogueKey: file('rogue.key'),
  }
}
