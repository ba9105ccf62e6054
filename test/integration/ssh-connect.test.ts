import {execFileSync, spawn} from 'node:child_process'
import {once} from 'node:events'
import {existsSync, readFileSync, writeFileSync} from 'node:fs'
import net from 'node:net'
import path from 'node:path'
import type {Client} from 'ssh2'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {connect, ConnectOptions, describeHop, Hop, JumpHosts} from '../../src/audit/connect'
import {authMethods, Credentials, resolveCredentials, Secret} from '../../src/audit/credentials'
import {SshError} from '../../src/ssh-errors'
import {HostKeyPolicy, hostKeyFingerprint, KnownHosts} from '../../src/audit/known-hosts'
import {auditMessages as msg} from '../../src/messages'
import {tempDir} from '../helpers/cli'
import {rejected} from '../helpers/expect-error'
import {generateKey, knownHostsLine, silentListener, Sshd, sshdAvailability, startSshd} from '../helpers/sshd'

const sshd = sshdAvailability()
if (!sshd.available) console.warn(`skipping OpenSSH tests: ${sshd.reason}`)

function exec(client: Client, command: string): Promise<{stdout: string; code: number | null}> {
  return new Promise((resolve, reject) => {
    client.exec(command, (error, channel) => {
      if (error) return reject(error)
      let stdout = ''
      channel.on('data', (chunk: Buffer) => (stdout += chunk.toString()))
      channel.stderr.resume()
      channel.on('close', (code: number | null) => resolve({stdout, code}))
    })
  })
}

/** The SshError a connection attempt fails with (the test fails when it connects). */
const expectSshError = (promise: Promise<unknown>) => rejected(promise, SshError)

describe.skipIf(!sshd.available)('SSH transport against a real OpenSSH sshd', () => {
  const tmp = tempDir('govnet-ssh-')
  let server: Sshd
  let knownHostsFile: string
  let keyCredentials: Credentials
  let hop: Hop

  const options = (overrides: Partial<ConnectOptions> = {}): ConnectOptions => ({
    target: hop,
    credentials: keyCredentials,
    hostKeys: new HostKeyPolicy(KnownHosts.load(knownHostsFile), false),
    connectTimeoutMs: 5000,
    keepaliveIntervalMs: 0,
    ...overrides,
  })

  beforeAll(async () => {
    server = await startSshd({dir: path.join(tmp.dir, 'sshd')})
    knownHostsFile = path.join(tmp.dir, 'known_hosts')
    writeFileSync(knownHostsFile, `${knownHostsLine(server)}\n`)
    keyCredentials = {
      privateKey: {file: server.clientKey!.privateFile, key: readFileSync(server.clientKey!.privateFile)},
    }
    hop = {host: server.host, port: server.port, user: server.user}
  })

  afterAll(async () => {
    await server?.stop()
    tmp.cleanup()
  })

  it('logs in with the key, checks the host key against known_hosts and runs a command', async () => {
    const connection = await connect(options())
    try {
      expect(connection.hostKeySha256).toBe(hostKeyFingerprint(server.hostKey.blob))
      const result = await exec(connection.client, 'uname -s')
      expect(result).toEqual({stdout: 'Linux\n', code: 0})
    } finally {
      connection.close()
    }
  })

  it('logs in through ssh-agent (SSH_AUTH_SOCK) without reading any key file', async () => {
    const socket = path.join(tmp.dir, 'agent.sock')
    const agent = spawn('/usr/bin/ssh-agent', ['-D', '-a', socket], {stdio: 'ignore'})
    try {
      for (let i = 0; i < 100 && !existsSync(socket); i++) await new Promise((resolve) => setTimeout(resolve, 20))
      execFileSync('/usr/bin/ssh-add', ['-q', server.clientKey!.privateFile], {
        env: {...process.env, SSH_AUTH_SOCK: socket},
        stdio: 'ignore',
      })
      const credentials = resolveCredentials({}, {SSH_AUTH_SOCK: socket})
      expect(authMethods(credentials)).toEqual(['agent'])
      const connection = await connect(options({credentials}))
      connection.close()
    } finally {
      agent.kill('SIGTERM')
    }
  })

  it('shares one bastion connection between callers and reopens it once it dropped', async () => {
    const jumpHosts = new JumpHosts({
      credentials: keyCredentials,
      hostKeys: options().hostKeys,
      connectTimeoutMs: 5000,
      keepaliveIntervalMs: 0,
    })
    try {
      const [first, same] = await Promise.all([jumpHosts.get(hop), jumpHosts.get(hop)])
      expect(same).toBe(first)
      const closed = once(first.client, 'close')
      first.client.destroy()
      await closed
      const reopened = await jumpHosts.get(hop)
      expect(reopened).not.toBe(first)
      expect(reopened.isUp()).toBe(true)
    } finally {
      await jumpHosts.closeAll()
    }
  })

  it('accepts a hashed known_hosts entry (ssh-keygen -H)', async () => {
    const hashed = path.join(tmp.dir, 'known_hosts_hashed')
    writeFileSync(hashed, `${knownHostsLine(server)}\n`)
    execFileSync('/usr/bin/ssh-keygen', ['-q', '-H', '-f', hashed], {stdio: 'ignore'})
    expect(readFileSync(hashed, 'utf8')).toMatch(/^\|1\|/)
    const connection = await connect(options({hostKeys: new HostKeyPolicy(KnownHosts.load(hashed), false)}))
    connection.close()
  })

  it('fails with auth when the key is not authorized, naming the methods and not the key', async () => {
    const stranger = generateKey(path.join(tmp.dir, 'stranger'))
    const error = await expectSshError(
      connect(
        options({credentials: {privateKey: {file: stranger.privateFile, key: readFileSync(stranger.privateFile)}}}),
      ),
    )
    expect(error.code).toBe('auth')
    expect(error.message).toBe(msg.authFailed(describeHop(hop), hop.user, ['publickey']).message)
  })

  it('fails with auth on a wrong password, and the password appears in no message', async () => {
    const password = 'Wrong-Pa55word-7f3c1d'
    const error = await expectSshError(connect(options({credentials: {password: new Secret(password)}})))
    expect(error.code).toBe('auth')
    expect(error.message).toBe(msg.authFailed(describeHop(hop), hop.user, ['password', 'keyboard-interactive']).message)
    expect(JSON.stringify(error)).not.toContain(password)
    expect(`${error.message} ${error.stack}`).not.toContain(password)
  })

  it('refuses a changed host key with HOST KEY CHANGED before authenticating', async () => {
    const other = generateKey(path.join(tmp.dir, 'other_host_key'))
    const stale = path.join(tmp.dir, 'known_hosts_stale')
    writeFileSync(stale, `${knownHostsLine({...server, hostKey: other})}\n`)
    const logBefore = server.log().length
    const error = await expectSshError(connect(options({hostKeys: new HostKeyPolicy(KnownHosts.load(stale), true)})))
    expect(error.code).toBe('host-key-changed')
    expect(error.message).toContain('HOST KEY CHANGED')
    expect(error.presentedKeySha256).toBe(hostKeyFingerprint(server.hostKey.blob))
    // --accept-new never records a changed key.
    expect(readFileSync(stale, 'utf8')).toBe(`${knownHostsLine({...server, hostKey: other})}\n`)
    // sshd saw no authentication attempt: the client stopped at the key exchange.
    await new Promise((resolve) => setTimeout(resolve, 100))
    const log = server.log().slice(logBefore)
    expect(log).not.toMatch(/Accepted|Failed (publickey|password)|userauth/)
  })

  it('refuses a pinned fingerprint that does not match, and accepts the right one over an empty known_hosts', async () => {
    const empty = new HostKeyPolicy(KnownHosts.load(path.join(tmp.dir, 'absent')), false)
    const wrongPin = hostKeyFingerprint(generateKey(path.join(tmp.dir, 'pin_other')).blob)
    const error = await expectSshError(connect(options({hostKeys: empty, target: {...hop, pinnedHostKey: wrongPin}})))
    expect(error.code).toBe('host-key-changed')
    const connection = await connect(
      options({hostKeys: empty, target: {...hop, pinnedHostKey: hostKeyFingerprint(server.hostKey.blob)}}),
    )
    connection.close()
  })

  it('refuses a key marked @revoked', async () => {
    const revoked = path.join(tmp.dir, 'known_hosts_revoked')
    writeFileSync(
      revoked,
      `@revoked * ${server.hostKey.type} ${server.hostKey.blob.toString('base64')}\n${knownHostsLine(server)}\n`,
    )
    const error = await expectSshError(connect(options({hostKeys: new HostKeyPolicy(KnownHosts.load(revoked), true)})))
    expect(error.code).toBe('host-key-changed')
    expect(error.message).toContain('REVOKED')
  })

  it('refuses an unknown host key, and records it with --accept-new', async () => {
    const file = path.join(tmp.dir, 'known_hosts_new')
    const strict = await expectSshError(connect(options({hostKeys: new HostKeyPolicy(KnownHosts.load(file), false)})))
    expect(strict.code).toBe('host-key-unknown')
    expect(strict.message).toBe(
      msg.hostKeyUnknown(describeHop(hop), server.hostKey.type, hostKeyFingerprint(server.hostKey.blob), file).message,
    )
    const connection = await connect(options({hostKeys: new HostKeyPolicy(KnownHosts.load(file), true)}))
    connection.close()
    expect(readFileSync(file, 'utf8')).toBe(`${knownHostsLine(server)}\n`)
    // What was recorded is then checked like any known key, by a strict policy and by ssh itself.
    const again = await connect(options({hostKeys: new HostKeyPolicy(KnownHosts.load(file), false)}))
    again.close()
    const fromSsh = execFileSync('/usr/bin/ssh-keygen', ['-F', `[${server.host}]:${server.port}`, '-f', file], {
      encoding: 'utf8',
    })
    expect(fromSsh).toContain(server.hostKey.type)
  })

  it('fails with refused on a closed port', async () => {
    const closed = {...hop, port: 1}
    const error = await expectSshError(connect(options({target: closed})))
    expect(error.code).toBe('refused')
    expect(error.message).toBe(msg.connectionRefused(describeHop(closed)).message)
  })

  it('fails with timeout when the listener never sends a banner', async () => {
    const silent = await silentListener()
    try {
      const target = {host: silent.host, port: silent.port, user: 'nobody'}
      const error = await expectSshError(connect(options({target, connectTimeoutMs: 700})))
      expect(error.code).toBe('timeout')
      expect(error.message).toBe(msg.connectTimeout(describeHop(target), 700, false).message)
    } finally {
      await silent.close()
    }
  })

  it('names the host key algorithms the device offered when none is in common', async () => {
    const error = await expectSshError(connect(options({algorithms: {hostKey: 'ecdsa-sha2-nistp256'}})))
    expect(error.code).toBe('algorithm-mismatch')
    expect(error.offered?.['host key']).toEqual([server.hostKey.type])
    expect(error.message).toBe(msg.algorithmMismatch(describeHop(hop), 'host key', error.offered!).message)
    expect(error.message).toContain(`the device offered ${server.hostKey.type}`)
  })

  it('fails with closed when the peer hangs up before its banner', async () => {
    const server = net.createServer((socket) => socket.destroy())
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    try {
      const target = {host: '127.0.0.1', port: (server.address() as net.AddressInfo).port, user: 'nobody'}
      const error = await expectSshError(connect(options({target})))
      expect(error.code).toBe('closed')
      expect(error.message).toBe(msg.closedBeforeReady(describeHop(target)).message)
    } finally {
      server.close()
    }
  })

  it('names the key exchange algorithms the device offered when none is in common, and connects once one is allowed', async () => {
    const legacy = await startSshd({
      dir: path.join(tmp.dir, 'legacy'),
      hostKey: server.hostKey,
      config: ['KexAlgorithms diffie-hellman-group14-sha1'],
    })
    try {
      const target = {host: legacy.host, port: legacy.port, user: legacy.user}
      const legacyOptions = options({
        target,
        credentials: {
          privateKey: {file: legacy.clientKey!.privateFile, key: readFileSync(legacy.clientKey!.privateFile)},
        },
        hostKeys: new HostKeyPolicy(KnownHosts.parse('memory', `${knownHostsLine(legacy)}\n`), false),
      })
      const error = await expectSshError(connect(legacyOptions))
      expect(error.code).toBe('algorithm-mismatch')
      expect(error.message).toContain('diffie-hellman-group14-sha1')
      expect(error.offered?.['key exchange']).toContain('diffie-hellman-group14-sha1')
      const connection = await connect({...legacyOptions, algorithms: {kex: '+diffie-hellman-group14-sha1'}})
      connection.close()
    } finally {
      await legacy.stop()
    }
  })
})
