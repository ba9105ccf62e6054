import {readFileSync} from 'node:fs'
import net from 'node:net'
import path from 'node:path'
import {Server} from 'ssh2'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {connect, describeHop, Hop} from '../../src/audit/connect'
import {Secret} from '../../src/audit/credentials'
import {SshError} from '../../src/ssh-errors'
import {HostKeyPolicy, KnownHosts} from '../../src/audit/known-hosts'
import {auditMessages as msg} from '../../src/messages'
import {tempDir} from '../helpers/cli'
import {generateKey, knownHostsLine, sshdAvailability} from '../helpers/sshd'

/**
 * Password logins, which the OpenSSH tests cannot show succeeding (they log in as root, key only): an
 * ssh2 Server that, like many network devices, offers only keyboard-interactive ("Password:"), and one
 * that offers only the password method.
 */
const sshd = sshdAvailability()
if (!sshd.available) console.warn(`skipping password tests: ${sshd.reason}`)

const PASSWORD = 'Correct-Horse-41b9'

describe.skipIf(!sshd.available)('password and keyboard-interactive logins (ssh2 Server)', () => {
  const tmp = tempDir('govnet-ssh-pw-')
  let hostKey: ReturnType<typeof generateKey>
  const servers: Server[] = []

  async function start(method: 'password' | 'keyboard-interactive'): Promise<Hop & {knownHosts: KnownHosts}> {
    const server = new Server({hostKeys: [readFileSync(hostKey.privateFile)]}, (client) => {
      client.on('authentication', (ctx) => {
        if (ctx.method === 'password' && method === 'password')
          return ctx.password === PASSWORD ? ctx.accept() : ctx.reject()
        if (ctx.method === 'keyboard-interactive' && method === 'keyboard-interactive') {
          return ctx.prompt([{prompt: 'Password:', echo: false}], (answers) =>
            answers[0] === PASSWORD ? ctx.accept() : ctx.reject(),
          )
        }
        ctx.reject([method])
      })
      client.on('error', () => {})
    })
    servers.push(server)
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    const port = (server.address() as net.AddressInfo).port
    return {
      host: '127.0.0.1',
      port,
      user: 'audit',
      knownHosts: KnownHosts.parse('memory', knownHostsLine({host: '127.0.0.1', port, hostKey})),
    }
  }

  const login = ({knownHosts, ...target}: Hop & {knownHosts: KnownHosts}, password: string) =>
    connect({
      target,
      credentials: {password: new Secret(password)},
      hostKeys: new HostKeyPolicy(knownHosts, false),
      connectTimeoutMs: 5000,
      keepaliveIntervalMs: 0,
    })

  beforeAll(() => {
    hostKey = generateKey(path.join(tmp.dir, 'host_key'))
  })

  afterAll(() => {
    for (const server of servers) server.close()
    tmp.cleanup()
  })

  for (const method of ['keyboard-interactive', 'password'] as const) {
    it(`logs in with the password over ${method}`, async () => {
      const connection = await login(await start(method), PASSWORD)
      connection.close()
    })

    it(`fails with auth on a wrong password over ${method}, without the password in the error`, async () => {
      const server = await start(method)
      const wrong = 'Wrong-Horse-77aa'
      const failure = await login(server, wrong).then(
        () => expect.fail('logged in with a wrong password'),
        (error: unknown) => error as SshError,
      )
      expect(failure).toBeInstanceOf(SshError)
      expect(failure.message).toBe(
        msg.authFailed(describeHop(server), 'audit', ['password', 'keyboard-interactive']).message,
      )
      expect(`${failure.message}${failure.stack}${JSON.stringify(failure)}`).not.toContain(wrong)
    })
  }
})
