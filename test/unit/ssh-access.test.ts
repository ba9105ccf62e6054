import {chmodSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import {tmpdir} from 'node:os'
import path from 'node:path'
import {inspect} from 'node:util'
import {afterAll, describe, expect, it} from 'vitest'

import {NODE_ACCESS_SCHEMA, parseJump} from '../../src/domain/node-access'
import {
  ALGORITHM_CATEGORIES,
  algorithmOverrideProblem,
  resolveAlgorithmList,
  ssh2Algorithms,
} from '../../src/domain/ssh-algorithms'
import {authMethods, resolveCredentials, Secret} from '../../src/audit/credentials'
import {pause, runPool} from '../../src/audit/pool'
import type {NodeAuditResult} from '../../src/audit/run'
import {AuditProgress, resultLine} from '../../src/cli/audit'
import {parseRecord} from '../../src/domain/fields'
import {auditMessages as msg} from '../../src/messages'

describe('algorithm overrides (ssh_config syntax)', () => {
  const defaults = ALGORITHM_CATEGORIES.kex.defaults
  it('appends, prepends, removes or replaces', () => {
    expect(resolveAlgorithmList('kex', '+diffie-hellman-group1-sha1')).toEqual([
      ...defaults,
      'diffie-hellman-group1-sha1',
    ])
    expect(resolveAlgorithmList('kex', '^diffie-hellman-group14-sha1')[0]).toBe('diffie-hellman-group14-sha1')
    expect(resolveAlgorithmList('kex', `-${defaults[0]}`)).toEqual(defaults.slice(1))
    expect(resolveAlgorithmList('cipher', 'aes128-cbc,aes256-ctr')).toEqual(['aes128-cbc', 'aes256-ctr'])
  })

  it('names an algorithm the client does not support, and the ones it does', () => {
    expect(algorithmOverrideProblem('kex', '+diffie-hellman-group1-sha1')).toBeUndefined()
    expect(algorithmOverrideProblem('hostKey', '+ssh-dss')).toBeUndefined()
    expect(algorithmOverrideProblem('kex', '+dh-md5')).toBe(
      msg.invalidAlgorithm('key exchange', 'dh-md5', ALGORITHM_CATEGORIES.kex.supported),
    )
    expect(algorithmOverrideProblem('mac', '+')).toBe('"+" names no algorithm')
  })

  it('builds the ssh2 config only for what differs, with known host-key types first', () => {
    expect(ssh2Algorithms({})).toBeUndefined()
    const config = ssh2Algorithms({hostKey: '+ssh-dss'}, ['ssh-rsa'])!
    expect(config.serverHostKey![0]).toBe('ssh-rsa')
    expect(config.serverHostKey).toContain('ssh-dss')
    expect(config.kex).toBeUndefined()
  })
})

describe('node access settings', () => {
  it('parses jump hosts as user@host[:port]', () => {
    expect(parseJump('ops@10.1.0.10')).toEqual({user: 'ops', host: '10.1.0.10', port: 22})
    expect(parseJump('ops@Bastion.Example:2222')).toEqual({user: 'ops', host: 'bastion.example', port: 2222})
    expect(parseJump('ops@[2001:db8::1]:22')).toEqual({user: 'ops', host: '2001:db8::1', port: 22})
    for (const bad of ['bastion', '@host', 'ops@', 'ops@host:0', 'ops@host:70000', 'ops@host name'])
      expect(parseJump(bad)).toBeUndefined()
  })

  it('validates every field with a message naming it', () => {
    const {problems} = parseRecord(NODE_ACCESS_SCHEMA, {
      user: 'bad user',
      jump: 'x',
      kex: '+nope',
      keepalive_s: '-1',
      host_key_sha256: 'MD5:aa',
    })
    expect(problems.map((p) => p.field)).toEqual(['user', 'jump', 'kex', 'keepalive_s', 'host_key_sha256'])
    expect(problems.find((p) => p.field === 'host_key_sha256')!.message).toBe(msg.invalidFingerprint('MD5:aa'))
  })
})

describe('credentials', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'govnet-cred-'))
  afterAll(() => rmSync(dir, {recursive: true, force: true}))

  it('never shows a secret when printed, inspected or serialised', () => {
    const secret = new Secret('hunter2-xyz')
    expect(`${secret}`).toBe('[redacted]')
    expect(JSON.stringify({secret})).toBe('{"secret":"[redacted]"}')
    expect(inspect({secret})).not.toContain('hunter2')
    expect(secret.reveal()).toBe('hunter2-xyz')
  })

  it('reads a 0600 password file and refuses a group- or world-readable one', () => {
    const file = path.join(dir, 'pw')
    writeFileSync(file, 'first-line\nignored\n')
    chmodSync(file, 0o600)
    const credentials = resolveCredentials({agent: false, passwordFile: file}, {})
    expect(credentials.password!.reveal()).toBe('first-line')
    expect(authMethods(credentials)).toEqual(['password', 'keyboard-interactive'])
    chmodSync(file, 0o604)
    expect(() => resolveCredentials({agent: false, passwordFile: file}, {})).toThrow(
      msg.credentialsFileTooOpen(file, 0o604).message,
    )
  })

  it('takes a password from a named environment variable, and the agent from SSH_AUTH_SOCK', () => {
    expect(() => resolveCredentials({agent: false, passwordEnv: 'PW'}, {})).toThrow(msg.passwordEnvUnset('PW').message)
    const credentials = resolveCredentials({passwordEnv: 'PW'}, {PW: 's3cret', SSH_AUTH_SOCK: '/run/agent.sock'})
    expect(authMethods(credentials)).toEqual(['agent', 'password', 'keyboard-interactive'])
    expect(() => resolveCredentials({}, {})).toThrow(msg.noCredentials().message)
  })

  it('refuses an identity file that is not a private key', () => {
    const file = path.join(dir, 'not-a-key')
    writeFileSync(file, 'hello', {mode: 0o600})
    expect(() => resolveCredentials({agent: false, identityFile: file}, {})).toThrow(
      /--identity .*not a usable private key/,
    )
  })
})

describe('the bounded pool', () => {
  it('never runs more than `concurrency` at once and reports in completion order', async () => {
    let running = 0
    let peak = 0
    const settled: number[] = []
    const delays = [30, 5, 20, 1, 10, 2, 15, 3]
    const {results, started} = await runPool(
      delays.map((delay, index) => ({delay, index})),
      async ({delay, index}) => {
        running++
        peak = Math.max(peak, running)
        await pause(delay)
        running--
        return index
      },
      {concurrency: 3, onSettled: (item) => settled.push(item.index)},
    )
    expect(peak).toBe(3)
    expect(started).toBe(8)
    expect(results).toEqual([0, 1, 2, 3, 4, 5, 6, 7])
    expect(settled.sort()).toEqual([0, 1, 2, 3, 4, 5, 6, 7])
  })

  it('starts nothing more once stopped, and finishes what runs', async () => {
    const stop = new AbortController()
    const {results, started} = await runPool(
      [1, 2, 3, 4],
      async (n) => {
        if (n === 2) stop.abort()
        await pause(1)
        return n * 10
      },
      {concurrency: 1, stop: stop.signal},
    )
    expect(started).toBe(2)
    expect(results).toEqual([10, 20, undefined, undefined])
  })

  it('refuses a concurrency below 1', async () => {
    await expect(runPool([1], async (n) => n, {concurrency: 0})).rejects.toThrow(RangeError)
  })
})

describe('audit progress on stderr', () => {
  const result = (nodeId: string, outcome: NodeAuditResult['outcome']): NodeAuditResult => ({
    nodeId,
    target: `audit@10.0.0.1:22`,
    outcome,
    reason: outcome === 'ok' ? null : 'audit@10.0.0.1:22: connection refused (nothing listens on that port)',
    platform: outcome === 'ok' ? 'linux' : undefined,
    hostKeySha256: null,
    attempts: 1,
    startedAt: '2026-11-25T00:00:00.000Z',
    finishedAt: '2026-11-25T00:00:01.000Z',
    durationMs: 1000,
  })
  const stream = (isTTY: boolean) => {
    const written: string[] = []
    return {written, stream: {isTTY, write: (text: string) => written.push(text)} as unknown as NodeJS.WriteStream}
  }

  it('draws a bar with count, rate, elapsed and ETA on a terminal, prints failures above it, and ends it once', () => {
    const {written, stream: tty} = stream(true)
    const progress = new AuditProgress(4, tty)
    progress.onResult(result('a', 'ok'))
    progress.onResult(result('b', 'refused'))
    progress.stop()
    const text = written.join('')
    expect(text).toContain(resultLine(result('b', 'refused')))
    expect(text).not.toContain(resultLine(result('a', 'ok')))
    expect(text).toMatch(/audit \[[#.]{30}\] 2\/4 nodes \| [\d.]+ nodes\/s \| elapsed \d+s \| ETA \S+ \| failed 1/)
    const afterStop = written.length
    progress.stop()
    expect(written).toHaveLength(afterStop)
  })

  it('prints one plain line per node otherwise, and no status line after a run too short to have printed one', () => {
    const {written, stream: pipe} = stream(false)
    const progress = new AuditProgress(2, pipe)
    progress.onResult(result('a', 'ok'))
    progress.onResult(result('b', 'refused'))
    progress.stop()
    expect(written.slice(0, 2)).toEqual([
      `${resultLine(result('a', 'ok'))}\n`,
      `${resultLine(result('b', 'refused'))}\n`,
    ])
    expect(written).toHaveLength(2)
    expect(resultLine(result('a', 'ok'))).toBe('ok   a audit@10.0.0.1:22 1000ms linux')
  })
})
