import {spawn} from 'node:child_process'
import {chmodSync, copyFileSync, readdirSync, readFileSync, writeFileSync} from 'node:fs'
import path from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {hostKeyFingerprint} from '../../src/audit/known-hosts'
import {EXIT_INTERRUPTED} from '../../commands/audit'
import {Inventory} from '../../src/inventory/db'
import {NodeRepository} from '../../src/inventory/nodes'
import {auditMessages as msg, nodeMessages} from '../../src/messages'
import {govnet, json, repoRoot, tempDir} from '../helpers/cli'
import {snapshot} from '../helpers/db'
import {expectError} from '../helpers/expect-error'
import {seedDivisions} from '../helpers/seed'
import {generateKey, knownHostsLine, silentListener, Sshd, sshdAvailability, startSshd} from '../helpers/sshd'

const sshd = sshdAvailability()
if (!sshd.available) console.warn(`skipping OpenSSH tests: ${sshd.reason}`)

describe.skipIf(!sshd.available)('govnet audit (the CLI as a process, against a real sshd)', () => {
  const tmp = tempDir('govnet-e2e-audit-')
  const db = path.join(tmp.dir, 'govnet.db')
  const knownHosts = path.join(tmp.dir, 'known_hosts')
  let server: Sshd
  let silent: Awaited<ReturnType<typeof silentListener>>
  let sshArgs: string[]

  beforeAll(async () => {
    server = await startSshd({dir: path.join(tmp.dir, 'sshd')})
    silent = await silentListener()
    writeFileSync(knownHosts, `${knownHostsLine(server)}\n`)
    seedDivisions(db)
    const inventory = Inventory.open(db, {actor: 'test'})
    const nodes = new NodeRepository(inventory)
    const add = (id: string, port: number, status = 'active', division = '441900003') =>
      nodes.add({
        id,
        name: id,
        division,
        role: 'access',
        mgmt_address: '127.0.0.1',
        ssh_port: port,
        platform: 'linux',
        status,
      })
    add('dg-up', server.port)
    add('dg-up-2', server.port)
    add('dg-old', server.port, 'decommissioned')
    add('zs-closed', 1, 'active', '442000001')
    inventory.close()
    sshArgs = [
      '--db',
      db,
      '--identity',
      server.clientKey!.privateFile,
      '--known-hosts',
      knownHosts,
      '--no-agent',
      '--user',
      server.user,
    ]
  })

  afterAll(async () => {
    await server?.stop()
    await silent?.close()
    tmp.cleanup()
  })

  it('audits the nodes under a division, skips decommissioned ones and prints the summary as JSON (exit 0)', () => {
    const result = govnet(['audit', '--under', '4419', ...sshArgs, '--json'])
    expect(result.code, result.stderr).toBe(0)
    const summary = json(result)
    expect(Object.keys(summary).sort()).toEqual(
      [
        'audited',
        'failed',
        'failedByReason',
        'hostKeyProblems',
        'interrupted',
        'notAudited',
        'reached',
        'results',
        'selected',
        'skipped',
      ].sort(),
    )
    expect(summary).toMatchObject({
      selected: 2,
      audited: 2,
      reached: 2,
      failed: 0,
      failedByReason: {},
      hostKeyProblems: [],
      interrupted: false,
      notAudited: [],
    })
    expect(summary.skipped).toEqual([{nodeId: 'dg-old', status: 'decommissioned'}])
    const first = summary.results.find((r: {nodeId: string}) => r.nodeId === 'dg-up')
    expect(Object.keys(first).sort()).toEqual(
      [
        'attempts',
        'durationMs',
        'facts',
        'finishedAt',
        'hostKeySha256',
        'nodeId',
        'outcome',
        'platform',
        'reason',
        'startedAt',
        'target',
      ].sort(),
    )
    expect(first).toMatchObject({
      outcome: 'ok',
      platform: 'linux',
      reason: null,
      attempts: 1,
      hostKeySha256: hostKeyFingerprint(server.hostKey.blob),
    })
    expect(first.facts.interfaces.length).toBeGreaterThan(0)

    const show = json(govnet(['node', 'show', 'dg-up', '--db', db, '--json']))
    expect(show).toMatchObject({lastAuditOutcome: 'ok'})
    expect(show.lastSeenAt).toBe(show.lastAuditAt)
    expect(json(govnet(['node', 'show', 'dg-old', '--db', db, '--json'])).lastAuditAt).toBeNull()
  })

  it('--platform auto detects the platform of every selected node', () => {
    const result = govnet(['audit', '--node', 'dg-up', '--platform', 'auto', ...sshArgs, '--json'])
    expect(result.code, result.stderr).toBe(0)
    expect(json(result).results[0]).toMatchObject({nodeId: 'dg-up', outcome: 'ok', platform: 'linux'})
  })

  it('exits 7 when a node fails, with one plain line per node on stderr and the failures in the summary', () => {
    const result = govnet(['audit', '--node', 'zs-closed', '--node', 'dg-up', ...sshArgs, '--timeout', '2s'])
    expect(result.code).toBe(7)
    const lines = result.stderr.trim().split('\n').sort()
    expect(lines).toHaveLength(2)
    expect(lines[0]).toMatch(/^FAIL zs-closed \S+@127\.0\.0\.1:1 \d+ms refused: /)
    expect(lines[1]).toMatch(/^ok {3}dg-up \S+@127\.0\.0\.1:\d+ \d+ms linux$/)
    expect(result.stdout).toContain('refused 1')
    expect(result.stdout).toContain(msg.connectionRefused(`${server.user}@127.0.0.1:1`).message)
  })

  it('never lets a wrong password reach the output or the inventory', () => {
    const password = 'NotTheRightOne-9c2e77'
    const result = govnet(
      [
        'audit',
        '--node',
        'dg-up',
        '--db',
        db,
        '--known-hosts',
        knownHosts,
        '--no-agent',
        '--user',
        server.user,
        '--password-env',
        'GOVNET_TEST_PW',
        '--json',
      ],
      {
        env: {GOVNET_TEST_PW: password},
      },
    )
    expect(result.code).toBe(7)
    expect(json(result).results[0]).toMatchObject({outcome: 'auth'})
    expect(result.stdout + result.stderr).not.toContain(password)
    for (const file of readdirSync(tmp.dir).filter((f) => f.startsWith('govnet.db'))) {
      expect(readFileSync(path.join(tmp.dir, file)).includes(Buffer.from(password))).toBe(false)
    }
  })

  it('refuses a group-readable password file and changes nothing', () => {
    const file = path.join(tmp.dir, 'password')
    writeFileSync(file, 'secret\n')
    chmodSync(file, 0o640)
    const before = snapshot(db)
    expectError(
      govnet(['audit', '--db', db, '--no-agent', '--password-file', file]),
      msg.credentialsFileTooOpen(file, 0o640),
    )
    expect(snapshot(db)).toBe(before)
  })

  it('rejects bad input before touching any node', () => {
    const before = snapshot(db)
    expectError(govnet(['audit', ...sshArgs, '--timeout', 'soon']), msg.invalidDuration('--timeout', 'soon'))
    expectError(govnet(['audit', ...sshArgs, '--jump', 'bastion']), msg.invalidJump('bastion'))
    expect(snapshot(db)).toBe(before)
  })

  it('refuses a known_hosts that others can write before touching any node (exit 3)', () => {
    const before = snapshot(db)
    const open = path.join(tmp.dir, 'known_hosts_open')
    copyFileSync(knownHosts, open)
    chmodSync(open, 0o666)
    const args = sshArgs.map((arg) => (arg === knownHosts ? open : arg))
    expectError(govnet(['audit', ...args]), msg.knownHostsTooOpen(open, 0o666))
    expect(snapshot(db)).toBe(before)
  })

  it('never echoes a password given inside --jump or --user, in the audit or in node access set', () => {
    const before = snapshot(db)
    const secret = 'Hunter2-in-flag'
    const jump = govnet(['audit', ...sshArgs, '--jump', `ops:${secret}@bastion.example:2222:x`])
    expectError(jump, msg.invalidJump(`ops:${secret}@bastion.example:2222:x`))
    expect(jump.stderr).toContain('"ops:***@bastion.example:2222:x"')
    const user = govnet(['audit', ...sshArgs.slice(0, -2), '--user', `ops:${secret}`])
    expectError(user, msg.invalidUser(`ops:${secret}`))
    const access = govnet(['node', 'access', 'set', 'dg-up-2', '--db', db, '--jump', `ssh://ops:${secret}@bastion`])
    expect(access.code).toBe(3)
    expect(access.stderr).toContain('"ssh://ops:***@bastion" is not user@host[:port]')
    for (const result of [jump, user, access]) expect(`${result.stdout}${result.stderr}`).not.toContain(secret)
    expectError(govnet(['audit', ...sshArgs, '--node', 'nope', '--node', 'dg-up']), msg.nodesNotFound(['nope']))
    expectError(govnet(['audit', '--db', db, '--no-agent']), msg.noCredentials())
    expect(snapshot(db)).toBe(before)
  })

  it('refuses a changed host key, reports it apart, and --accept-new does not record it', () => {
    const stale = path.join(tmp.dir, 'known_hosts_stale')
    const line = knownHostsLine({...server, hostKey: generateKey(path.join(tmp.dir, 'replaced_host_key'))})
    writeFileSync(stale, `${line}\n`)
    const args = [
      '--db',
      db,
      '--identity',
      server.clientKey!.privateFile,
      '--no-agent',
      '--user',
      server.user,
      '--known-hosts',
      stale,
    ]
    const result = govnet(['audit', '--node', 'dg-up', ...args, '--accept-new', '--json'])
    expect(result.code, result.stdout + result.stderr).toBe(7)
    const summary = json(result)
    expect(summary.hostKeyProblems).toEqual([
      {nodeId: 'dg-up', outcome: 'host-key-changed', reason: expect.stringContaining('HOST KEY CHANGED')},
    ])
    expect(readFileSync(stale, 'utf8')).toBe(`${line}\n`)
  })

  it('node access set/show/clear: validated, logged, and used by the audit', () => {
    const before = snapshot(db)
    const bad = govnet(['node', 'access', 'set', 'dg-up-2', '--db', db, '--kex', '+diffie-hellman-group2-md5'])
    expect(bad.code).toBe(3)
    expect(bad.stderr).toContain('"diffie-hellman-group2-md5" is not a key exchange algorithm')
    expectError(govnet(['node', 'access', 'set', 'nope', '--db', db, '--user', 'x']), nodeMessages.nodeNotFound('nope'))
    expect(snapshot(db)).toBe(before)

    const set = json(
      govnet(['node', 'access', 'set', 'dg-up-2', '--db', db, '--user', 'nobody', '--keepalive-s', '5', '--json']),
    )
    expect(set).toMatchObject({
      changed: ['user', 'keepalive_s'],
      access: {nodeId: 'dg-up-2', user: 'nobody', keepaliveSeconds: 5, jump: null},
    })
    expect(json(govnet(['node', 'access', 'show', 'dg-up-2', '--db', db, '--json']))).toEqual({
      nodeId: 'dg-up-2',
      access: set.access,
    })
    // The per-node user overrides --user: sshd only allows the test user, so this login fails.
    const audit = govnet(['audit', '--node', 'dg-up-2', ...sshArgs, '--json'])
    expect(json(audit).results[0]).toMatchObject({outcome: 'auth', target: `nobody@127.0.0.1:${server.port}`})

    const cleared = json(govnet(['node', 'access', 'clear', 'dg-up-2', '--db', db, '--json']))
    expect(cleared).toEqual({changed: ['user', 'keepalive_s'], access: null})
    expect(json(govnet(['node', 'access', 'show', 'dg-up-2', '--db', db, '--json']))).toEqual({
      nodeId: 'dg-up-2',
      access: null,
    })
    const log = json<{entity: string; entityId: string; action: string}[]>(
      govnet(['changes', 'list', '--db', db, '--json']),
    )
    const entries = log.filter((c) => c.entity === 'node_access' && c.entityId === 'dg-up-2').map((c) => c.action)
    expect(entries.sort()).toEqual(['create', 'delete'])
  })

  it('on Ctrl-C starts no more nodes, keeps what finished and exits 130 with the summary', async () => {
    const slowDb = path.join(tmp.dir, 'slow.db')
    seedDivisions(slowDb)
    const inventory = Inventory.open(slowDb, {actor: 'test'})
    const nodes = new NodeRepository(inventory)
    nodes.add({
      id: 'a-fast',
      name: 'a',
      division: '441900003',
      role: 'access',
      mgmt_address: '127.0.0.1',
      ssh_port: 1,
      platform: 'linux',
      status: 'active',
    })
    for (const id of ['b-silent', 'c-silent', 'd-silent']) {
      nodes.add({
        id,
        name: id,
        division: '441900003',
        role: 'access',
        mgmt_address: '127.0.0.1',
        ssh_port: silent.port,
        platform: 'linux',
        status: 'active',
      })
    }
    inventory.close()
    const child = spawn(
      process.execPath,
      [
        path.join(repoRoot, 'bin', 'run.js'),
        'audit',
        '--db',
        slowDb,
        '--identity',
        server.clientKey!.privateFile,
        '--no-agent',
        '--known-hosts',
        knownHosts,
        '--concurrency',
        '1',
        '--timeout',
        '1s',
      ],
      {
        env: {...process.env, GOVNET_DB: '', NO_COLOR: '1'},
      },
    )
    let stdout = ''
    let stderr = ''
    let interrupted = false
    child.stdout.on('data', (chunk) => (stdout += chunk))
    child.stderr.on('data', (chunk) => {
      stderr += chunk
      // The first node finished: interrupt once, while the second one waits for a banner.
      if (!interrupted && stderr.includes('a-fast')) {
        interrupted = true
        child.kill('SIGINT')
      }
    })
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve))
    expect(code).toBe(EXIT_INTERRUPTED)
    expect(stderr).toContain('interrupted: starting no more nodes')
    expect(stdout).toMatch(/not audited \(interrupted\)\s+2/)
    const listed = json<{id: string; lastAuditOutcome: string | null}[]>(
      govnet(['node', 'list', '--db', slowDb, '--json']),
    )
    const byId = new Map(listed.map((n) => [n.id, n.lastAuditOutcome]))
    expect(byId.get('a-fast')).toBe('refused')
    expect(byId.get('b-silent')).toBe('timeout')
    expect(byId.get('c-silent')).toBeNull()
    expect(byId.get('d-silent')).toBeNull()
  })
})
