import {readFileSync} from 'node:fs'
import net from 'node:net'
import path from 'node:path'
import {Server} from 'ssh2'
import type {Prompt} from 'ssh2'
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

  /** Every keyboard-interactive answer the servers received, to show what govnet sent. */
  const received: string[][] = []

  async function start(
    method: 'password' | 'keyboard-interactive',
    prompts: Prompt[] = [{prompt: 'Password:', echo: false}],
  ): Promise<Hop & {knownHosts: KnownHosts}> {
    const server = new Server({hostKeys: [readFileSync(hostKey.privateFile)]}, (client) => {
      client.on('authentication', (ctx) => {
        if (ctx.method === 'password' && method === 'password') {
          if (ctx.password === PASSWORD) ctx.accept()
          else ctx.reject()
          return
        }
        if (ctx.method === 'keyboard-interactive' && method === 'keyboard-interactive') {
          ctx.prompt(prompts, (answers) => {
            received.push(answers)
            if (answers.length === prompts.length && answers.every((a) => a === PASSWORD)) ctx.accept()
            else ctx.reject()
          })
          return
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

  describe('keyboard-interactive answers only password prompts', () => {
    const PROMPTED = [
      {prompt: '口令:', echo: false},
      {prompt: '密码：', echo: false},
      {prompt: 'Enter PASSCODE:', echo: false},
      {prompt: "audit@10.1.2.3's password: ", echo: false},
    ]
    for (const prompt of PROMPTED)
      it(`answers ${JSON.stringify(prompt.prompt)} (not echoed) with the password`, async () => {
        received.length = 0
        const connection = await login(await start('keyboard-interactive', [prompt]), PASSWORD)
        connection.close()
        expect(received).toEqual([[PASSWORD]])
      })

    const REFUSED: Array<{prompts: Prompt[]; shown: string; reason: 'echoed' | 'not-a-password' | 'new-password'}> = [
      {prompts: [{prompt: 'What is your OTP?', echo: true}], shown: '"What is your OTP?"', reason: 'echoed'},
      {prompts: [{prompt: 'Password:', echo: true}], shown: '"Password:"', reason: 'echoed'},
      {
        prompts: [
          {prompt: 'Password:', echo: false},
          {prompt: 'Verification code:', echo: false},
        ],
        shown: '"Verification code:"',
        reason: 'not-a-password',
      },
      {prompts: [{prompt: 'New password:', echo: false}], shown: '"New password:"', reason: 'new-password'},
      {prompts: [{prompt: 'Token\u001b[2J:', echo: false}], shown: '"Token [2J:"', reason: 'not-a-password'},
    ]
    for (const {prompts, shown, reason} of REFUSED)
      it(`fails the login at ${shown} (${reason}), naming the prompt and sending no answer`, async () => {
        received.length = 0
        const server = await start('keyboard-interactive', prompts)
        const failure = await login(server, PASSWORD).then(
          () => expect.fail('logged in through a prompt that is not a password prompt'),
          (error: unknown) => error as SshError,
        )
        expect(failure).toBeInstanceOf(SshError)
        expect(failure.code).toBe('auth')
        expect(failure.message).toBe(msg.promptRefused(describeHop(server), 'audit', shown, reason).message)
        expect(received).toEqual([])
        expect(`${failure.message}${failure.stack}${JSON.stringify(failure)}`).not.toContain(PASSWORD)
      })
  })
})
