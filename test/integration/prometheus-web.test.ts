import bcrypt from 'bcryptjs'
import {writeFileSync} from 'node:fs'
import path from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {tempDir} from '../helpers/cli'
import {seedMetricsInventory} from '../helpers/metrics-seed'
import {ServeProcess, startServe} from '../helpers/metrics-serve'
import {poll, PrometheusServer, runPrometheusTests, startPrometheus} from '../helpers/prometheus'
import {makePki} from '../helpers/tls'

/**
 * A real Prometheus (Debian's /usr/bin/prometheus) scrapes two `govnet metrics serve` processes that
 * take exporter-toolkit web configs: one over TLS with basic auth, one over TLS requiring a client
 * certificate. The jobs with the right credentials are up; a wrong password and a missing client
 * certificate are failed targets. Certificates are made by the test with openssl.
 */
describe.runIf(runPrometheusTests)(
  'Prometheus scraping govnet over TLS with basic auth or a client certificate',
  () => {
    const tmp = tempDir('govnet-prometheus-web-')
    const dbPath = path.join(tmp.dir, 'govnet.db')
    const file = (name: string) => path.join(tmp.dir, name)
    // Set by beforeAll; afterAll stops whatever started, also when beforeAll failed half-way.
    const started: {basicAuth?: ServeProcess; clientCert?: ServeProcess; prometheus?: PrometheusServer} = {}
    let basicAuth: ServeProcess
    let clientCert: ServeProcess
    let prometheus: PrometheusServer

    beforeAll(async () => {
      seedMetricsInventory(dbPath)
      const pki = makePki(tmp.dir)
      const password = 'scrape-secret-in-a-file'
      writeFileSync(file('password'), `${password}\n`, {mode: 0o600})
      writeFileSync(file('wrong-password'), 'not-the-password\n', {mode: 0o600})
      const tls = ['tls_server_config:', `  cert_file: ${pki.serverCert}`, `  key_file: ${pki.serverKey}`]
      writeFileSync(
        file('web-basic.yml'),
        [...tls, 'basic_auth_users:', `  prometheus: '${bcrypt.hashSync(password, 10)}'`, ''].join('\n'),
      )
      writeFileSync(
        file('web-cert.yml'),
        [...tls, '  client_auth_type: RequireAndVerifyClientCert', `  client_ca_file: ${pki.caCert}`, ''].join('\n'),
      )
      basicAuth = started.basicAuth = await startServe(dbPath, [
        '--refresh',
        '1s',
        '--web.config.file',
        file('web-basic.yml'),
      ])
      clientCert = started.clientCert = await startServe(dbPath, [
        '--refresh',
        '1s',
        '--web.config.file',
        file('web-cert.yml'),
      ])
      const tlsConfig = (extra: readonly string[] = []) => [
        'scheme: https',
        'tls_config:',
        `  ca_file: ${pki.caCert}`,
        ...extra,
      ]
      prometheus = started.prometheus = await startPrometheus(tmp.dir, [
        {
          name: 'basic_auth',
          targets: [basicAuth.target],
          extra: [...tlsConfig(), 'basic_auth:', '  username: prometheus', `  password_file: ${file('password')}`],
        },
        {
          name: 'wrong_password',
          targets: [basicAuth.target],
          extra: [
            ...tlsConfig(),
            'basic_auth:',
            '  username: prometheus',
            `  password_file: ${file('wrong-password')}`,
          ],
        },
        {
          name: 'client_cert',
          targets: [clientCert.target],
          extra: tlsConfig([`  cert_file: ${pki.clientCert}`, `  key_file: ${pki.clientKey}`]),
        },
        {name: 'no_client_cert', targets: [clientCert.target], extra: tlsConfig()},
      ])
      // Every job scraped, the ones with credentials up (1 s interval; a first scrape may time out while bcrypt
      // runs on a loaded machine, later ones hit exporter-toolkit's cache); give up after 60 s.
      let seen: Awaited<ReturnType<PrometheusServer['targets']>> = []
      await poll(
        async () => {
          seen = await prometheus.targets()
          const health = Object.fromEntries(seen.map((t) => [t.job, t.health]))
          return health.basic_auth === 'up' && health.client_cert === 'up' && seen.every((t) => t.health !== 'unknown')
            ? true
            : undefined
        },
        {attempts: 120, intervalMs: 500},
        () => `the jobs to be scraped (targets: ${JSON.stringify(seen)}; prometheus log: ${prometheus.log()})`,
      )
    }, 240_000)

    afterAll(async () => {
      await started.prometheus?.stop()
      await started.basicAuth?.stop()
      await started.clientCert?.stop()
      tmp.cleanup()
    }, 60_000)

    async function up(job: string): Promise<number> {
      const result = await prometheus.query(`up{job="${job}"}`)
      expect(result).toHaveLength(1)
      return Number(result[0]!.value[1])
    }

    async function target(job: string) {
      const found = (await prometheus.targets()).find((t) => t.job === job)
      if (!found) expect.fail(`no target for job ${job}`)
      return found
    }

    it('scrapes over TLS with basic auth, and gets the metrics', async () => {
      expect(await up('basic_auth')).toBe(1)
      expect(await target('basic_auth')).toEqual({job: 'basic_auth', health: 'up', lastError: ''})
      const townships = await prometheus.query('govnet_coverage_townships{job="basic_auth",level="nation"}')
      expect(Number(townships[0]?.value[1])).toBeGreaterThan(0)
    })

    it('sees the target down with a wrong password: 401', async () => {
      expect(await up('wrong_password')).toBe(0)
      // The first scrape may time out while bcrypt runs on a loaded machine; the next ones hit the cache.
      let last: unknown
      const failed = await poll(
        async () => {
          const found = await target('wrong_password')
          last = found
          return /401 Unauthorized/.test(found.lastError) ? found : undefined
        },
        {attempts: 60, intervalMs: 500},
        () => `a 401 for the wrong password (target: ${JSON.stringify(last)})`,
      )
      expect(failed.health).toBe('down')
      expect(failed.lastError).toMatch(/401 Unauthorized/)
      expect(await prometheus.query('govnet_coverage_townships{job="wrong_password"}')).toEqual([])
    })

    it('scrapes over TLS with a client certificate under RequireAndVerifyClientCert', async () => {
      expect(await up('client_cert')).toBe(1)
      expect((await target('client_cert')).health).toBe('up')
    })

    it('sees the target down without a client certificate', async () => {
      expect(await up('no_client_cert')).toBe(0)
      const failed = await target('no_client_cert')
      expect(failed.health).toBe('down')
      expect(failed.lastError).not.toBe('')
    })

    it('never prints a password or a hash', () => {
      for (const serve of [basicAuth, clientCert]) {
        const {stdout, stderr} = serve.output()
        expect(`${stdout}${stderr}`).not.toMatch(/scrape-secret|\$2[aby]\$/)
      }
    })
  },
)
