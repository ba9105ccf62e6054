import {execFileSync} from 'node:child_process'
import {readFileSync, writeFileSync} from 'node:fs'
import {hostname} from 'node:os'
import path from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {Credentials} from '../../src/audit/credentials'
import {HostKeyPolicy, hostKeyFingerprint, KnownHosts} from '../../src/audit/known-hosts'
import {runProfile} from '../../src/audit/profiles'
import type {RunProfile} from '../../src/audit/profiles'
import {AuditRunOptions, AuditTarget, runAudit} from '../../src/audit/run'
import {AuditRepository} from '../../src/inventory/audits'
import {Inventory} from '../../src/inventory/db'
import {NodeAccessRepository} from '../../src/inventory/node-access'
import {NodeRepository} from '../../src/inventory/nodes'
import {auditMessages as msg} from '../../src/messages'
import {tempDir} from '../helpers/cli'
import {seededInventory} from '../helpers/seed'
import {
  descendants,
  generateKey,
  knownHostsLine,
  silentListener,
  Sshd,
  sshdAvailability,
  startSshd,
} from '../helpers/sshd'

const sshd = sshdAvailability()
if (!sshd.available) console.warn(`skipping OpenSSH tests: ${sshd.reason}`)

/** Signal a process that may have exited meanwhile (a previous test's session winding down). */
function signal(pid: number, name: NodeJS.Signals): boolean {
  try {
    process.kill(pid, name)
    return true
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ESRCH') return false
    throw error
  }
}

describe.skipIf(!sshd.available)('audit run: pool, retries, deadlines and write-back against a real sshd', () => {
  const tmp = tempDir('govnet-audit-run-')
  let server: Sshd
  let silent: Awaited<ReturnType<typeof silentListener>>
  let inventory: Inventory
  let nodes: NodeRepository
  let audits: AuditRepository
  let credentials: Credentials
  let knownHostsFile: string

  const addNode = (id: string, port: number, platform = 'linux') =>
    nodes.add({
      id,
      name: id,
      division: '441900003',
      role: 'access',
      mgmt_address: '127.0.0.1',
      ssh_port: port,
      platform,
      status: 'active',
    })

  const targets = (ids: string[]): AuditTarget[] => {
    const access = new NodeAccessRepository(inventory).forNodes(ids)
    return nodes.list({ids}).map((node) => ({node, access: access.get(node.id)}))
  }

  const options = (overrides: Partial<AuditRunOptions> = {}): AuditRunOptions => ({
    credentials,
    hostKeys: new HostKeyPolicy(KnownHosts.load(knownHostsFile), false),
    user: server.user,
    concurrency: 4,
    connectTimeoutMs: 1500,
    commandTimeoutMs: 10_000,
    keepaliveIntervalMs: 5000,
    retryBackoffMs: 100,
    record: (audit) => audits.record(audit),
    ...overrides,
  })

  beforeAll(async () => {
    server = await startSshd({dir: path.join(tmp.dir, 'sshd')})
    silent = await silentListener()
    knownHostsFile = path.join(tmp.dir, 'known_hosts')
    writeFileSync(knownHostsFile, `${knownHostsLine(server)}\n`)
    credentials = {privateKey: {file: server.clientKey!.privateFile, key: readFileSync(server.clientKey!.privateFile)}}
    inventory = seededInventory(path.join(tmp.dir, 'govnet.db'))
    nodes = new NodeRepository(inventory)
    audits = new AuditRepository(inventory)
    addNode('reachable', server.port)
    addNode('closed-port', 1)
    addNode('no-banner', silent.port)
    addNode('pinned-wrong', server.port)
    addNode('wrong-user', server.port)
    const access = new NodeAccessRepository(inventory)
    access.set('pinned-wrong', {host_key_sha256: hostKeyFingerprint(generateKey(path.join(tmp.dir, 'other')).blob)})
    access.set('wrong-user', {user: 'nobody'})
  })

  afterAll(async () => {
    inventory?.close()
    await server?.stop()
    await silent?.close()
    tmp.cleanup()
  })

  it('reaches the linux node with real facts and records every outcome as it completes', async () => {
    const recordedOrder: string[] = []
    const summary = await runAudit(targets(['reachable', 'closed-port', 'no-banner', 'pinned-wrong', 'wrong-user']), {
      ...options(),
      onResult: (result) => recordedOrder.push(result.nodeId),
    })

    expect(summary).toMatchObject({selected: 5, audited: 5, reached: 1, failed: 4, interrupted: false, notAudited: []})
    expect(summary.failedByReason).toEqual({refused: 1, timeout: 1, 'host-key-changed': 1, auth: 1})
    expect(summary.hostKeyProblems.map((p) => p.nodeId)).toEqual(['pinned-wrong'])
    expect(recordedOrder.sort()).toEqual(['closed-port', 'no-banner', 'pinned-wrong', 'reachable', 'wrong-user'])

    const byId = new Map(summary.results.map((result) => [result.nodeId, result]))
    const reachable = byId.get('reachable')!
    expect(reachable.outcome).toBe('ok')
    expect(reachable.platform).toBe('linux')
    // The facts are this machine's, read over SSH: compare with what it says locally.
    const osName = /^NAME="?([^"\n]+)"?$/m.exec(readFileSync('/etc/os-release', 'utf8'))![1]
    expect(reachable.facts).toMatchObject({
      vendor: osName,
      model: execFileSync('uname', ['-m'], {encoding: 'utf8'}).trim(),
      hostname: hostname(),
    })
    expect(reachable.facts!.uptimeSeconds).toBeGreaterThan(0)
    expect(reachable.facts!.uptimeSeconds).toBeLessThanOrEqual(
      Number(readFileSync('/proc/uptime', 'utf8').split(' ')[0]),
    )
    expect(reachable.facts?.interfaces.some((i) => i.name === 'lo')).toBe(true)
    expect(reachable.hostKeySha256).toBe(hostKeyFingerprint(server.hostKey.blob))
    // Refused and timeout are retried once after the backoff; the others are not.
    expect(byId.get('closed-port')).toMatchObject({outcome: 'refused', attempts: 2})
    expect(byId.get('no-banner')).toMatchObject({outcome: 'timeout', attempts: 2})
    expect(byId.get('pinned-wrong')).toMatchObject({
      outcome: 'host-key-changed',
      attempts: 1,
      hostKeySha256: hostKeyFingerprint(server.hostKey.blob),
    })
    expect(byId.get('wrong-user')).toMatchObject({outcome: 'auth', attempts: 1})

    const stored = audits.forNode('reachable')[0]!
    expect(stored).toMatchObject({outcome: 'ok', reason: null, hostKeySha256: hostKeyFingerprint(server.hostKey.blob)})
    expect(stored.facts).toEqual(reachable.facts)
    expect(audits.forNode('no-banner')[0]).toMatchObject({
      outcome: 'timeout',
      reason: msg.connectTimeout(`${server.user}@127.0.0.1:${silent.port}`, 1500, false).message,
      facts: null,
    })

    expect(nodes.get('reachable')).toMatchObject({
      lastAuditOutcome: 'ok',
      lastAuditAt: stored.finishedAt,
      lastSeenAt: stored.finishedAt,
    })
    expect(nodes.get('closed-port')).toMatchObject({lastAuditOutcome: 'refused', lastSeenAt: null})
    // Coverage's contract: verified = last_audit_outcome 'ok' within the freshness window.
    const verified = inventory.db
      .prepare("SELECT id FROM nodes WHERE last_audit_outcome = 'ok' AND last_audit_at >= ? ORDER BY id")
      .pluck()
      .all(new Date(Date.now() - 24 * 3600_000).toISOString())
    expect(verified).toEqual(['reachable'])
  })

  it('a failed audit leaves last_seen_at at the last time the node answered', async () => {
    const seenBefore = nodes.get('reachable')!.lastSeenAt
    expect(seenBefore).not.toBeNull()
    new NodeAccessRepository(inventory).set('reachable', {user: 'nobody'})
    try {
      await runAudit(targets(['reachable']), options())
      expect(nodes.get('reachable')).toMatchObject({lastAuditOutcome: 'auth', lastSeenAt: seenBefore})
    } finally {
      new NodeAccessRepository(inventory).clear('reachable', ['user'])
    }
  })

  it('reports a node that stops answering keepalives as timeout, not as a closed connection', async () => {
    const frozen = new Set<number>()
    // Once logged in, freeze the sshd processes serving the connection: the TCP connection stays open, nothing answers.
    const freezeThenRun: RunProfile = async (client, platform, profileOptions) => {
      for (const pid of descendants(server.pid)) {
        if (signal(pid, 'SIGSTOP')) frozen.add(pid)
      }
      return runProfile(client, platform, profileOptions)
    }
    try {
      const summary = await runAudit(
        targets(['reachable']),
        options({keepaliveIntervalMs: 200, runProfile: freezeThenRun}),
      )
      expect(summary.results[0]).toMatchObject({
        outcome: 'timeout',
        reason: msg.keepaliveTimeout(`${server.user}@127.0.0.1:${server.port}`).message,
      })
    } finally {
      for (const pid of frozen) signal(pid, 'SIGCONT')
    }
  })

  it('abandons a node at its deadline so it cannot stall the run', async () => {
    const summary = await runAudit(targets(['no-banner']), options({connectTimeoutMs: 60_000, nodeDeadlineMs: 400}))
    expect(summary.results[0]).toMatchObject({
      outcome: 'timeout',
      attempts: 1,
      reason: msg.nodeDeadline(`${server.user}@127.0.0.1:${silent.port}`, 400).message,
    })
  })

  it('stops launching nodes when stopped, keeps what finished and lists the rest as not audited', async () => {
    const stop = new AbortController()
    const before = audits.forNode('closed-port').length
    const summary = await runAudit(targets(['reachable', 'closed-port', 'wrong-user']), {
      ...options({concurrency: 1, stop: stop.signal}),
      onResult: () => stop.abort(),
    })
    expect(summary).toMatchObject({selected: 3, audited: 1, interrupted: true, notAudited: ['reachable', 'wrong-user']})
    expect(summary.results.map((r) => r.nodeId)).toEqual(['closed-port'])
    expect(audits.forNode('closed-port').length).toBe(before + 1)
  })

  it('abandons nodes in flight when aborted and records nothing for them', async () => {
    const abort = new AbortController()
    const before = audits.forNode('no-banner').length
    setTimeout(() => abort.abort(msg.interruptedNode('no-banner')), 200)
    const summary = await runAudit(targets(['no-banner']), options({connectTimeoutMs: 30_000, abort: abort.signal}))
    expect(summary).toMatchObject({audited: 0, interrupted: true, notAudited: ['no-banner']})
    expect(audits.forNode('no-banner').length).toBe(before)
  })
})
