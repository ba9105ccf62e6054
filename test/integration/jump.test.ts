import {spawnSync} from 'node:child_process'
import {writeFileSync} from 'node:fs'
import path from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {hostKeyFingerprint} from '../../src/audit/known-hosts'
import {Inventory} from '../../src/inventory/db'
import {NodeAccessRepository} from '../../src/inventory/node-access'
import {NodeRepository} from '../../src/inventory/nodes'
import {auditMessages as msg} from '../../src/messages'
import {CliResult, json, repoRoot, tempDir} from '../helpers/cli'
import {seedDivisions} from '../helpers/seed'
import {
  addNetns,
  deleteNetns,
  freePort,
  generateKey,
  knownHostsLine,
  linkNetns,
  netnsAvailable,
  Sshd,
  sshdAvailability,
  startSshd,
} from '../helpers/sshd'

/**
 * The jump host (bastion). With root, three network namespaces the test makes:
 *
 *   client ns (govnet runs here) ── 192.0.2.0/24 ── bastion ns (sshd) ── 198.51.100.0/24 ── target ns (sshd)
 *
 * The bastion namespace does not forward packets and the client has no route to 198.51.100.0/24, so
 * the target is reachable only through the bastion's SSH forwarding. (Documentation address ranges,
 * RFC 5737, and only inside these namespaces.) Without root the same tests run on loopback, where the
 * target is also directly reachable: there the bastion's DEBUG log is the proof that the connection
 * went through it, and it is asserted in both set-ups.
 */
const sshd = sshdAvailability()
if (!sshd.available) console.warn(`skipping OpenSSH tests: ${sshd.reason}`)
const isolated = sshd.available && netnsAvailable()
if (sshd.available && !isolated)
  console.warn('jump tests: network namespaces unavailable (not root?); using loopback and the bastion log as proof')

describe.skipIf(!sshd.available)(`audit through a jump host (${isolated ? 'network namespaces' : 'loopback'})`, () => {
  const tmp = tempDir('govnet-jump-')
  const db = path.join(tmp.dir, 'govnet.db')
  const knownHosts = path.join(tmp.dir, 'known_hosts')
  const ns = {client: `govnet-c-${process.pid}`, bastion: `govnet-b-${process.pid}`, target: `govnet-t-${process.pid}`}
  let bastion: Sshd
  let target: Sshd
  let clientKey: ReturnType<typeof generateKey>

  /** `govnet` run as a process, inside the client namespace when isolated. */
  const govnet = (args: string[]): CliResult => {
    const argv = [process.execPath, path.join(repoRoot, 'bin', 'run.js'), ...args]
    const command = isolated ? ['ip', 'netns', 'exec', ns.client, ...argv] : argv
    const result = spawnSync(command[0]!, command.slice(1), {
      encoding: 'utf8',
      env: {...process.env, GOVNET_DB: '', NO_COLOR: '1'},
      timeout: 60_000,
    })
    return {code: result.status ?? -1, stdout: result.stdout, stderr: result.stderr}
  }

  const auditArgs = (knownHostsFile = knownHosts) => [
    '--db',
    db,
    '--identity',
    clientKey.privateFile,
    '--no-agent',
    '--known-hosts',
    knownHostsFile,
    '--timeout',
    '3s',
    '--json',
  ]

  beforeAll(async () => {
    clientKey = generateKey(path.join(tmp.dir, 'client_key'))
    const bastionAt = isolated ? {address: '192.0.2.2', port: 22} : {address: '127.0.0.1', port: 0}
    const targetAt = isolated ? {address: '198.51.100.2', port: 22} : {address: '127.0.0.3', port: 0}
    if (isolated) {
      for (const name of Object.values(ns)) addNetns(name)
      linkNetns(
        {ns: ns.client, dev: 'to-bastion', cidr: '192.0.2.1/24'},
        {ns: ns.bastion, dev: 'to-client', cidr: '192.0.2.2/24'},
      )
      linkNetns(
        {ns: ns.bastion, dev: 'to-target', cidr: '198.51.100.1/24'},
        {ns: ns.target, dev: 'to-bastion', cidr: '198.51.100.2/24'},
      )
    }
    if (!isolated) {
      bastionAt.port = await freePort(bastionAt.address)
      targetAt.port = await freePort(targetAt.address)
    }
    bastion = await startSshd({
      dir: path.join(tmp.dir, 'bastion'),
      listen: [bastionAt],
      netns: isolated ? ns.bastion : undefined,
      authorizedKeys: [clientKey.publicLine],
      logLevel: 'DEBUG',
    })
    target = await startSshd({
      dir: path.join(tmp.dir, 'target'),
      listen: [targetAt],
      netns: isolated ? ns.target : undefined,
      authorizedKeys: [clientKey.publicLine],
    })
    writeFileSync(knownHosts, `${knownHostsLine(bastion)}\n${knownHostsLine(target)}\n`)

    seedDivisions(db)
    const inventory = Inventory.open(db, {actor: 'test'})
    const nodes = new NodeRepository(inventory)
    const add = (id: string, port: number) =>
      nodes.add({
        id,
        name: id,
        division: '441900003',
        role: 'access',
        mgmt_address: targetAt.address,
        ssh_port: port,
        platform: 'linux',
        status: 'active',
      })
    add('behind-bastion', targetAt.port)
    add('own-jump', targetAt.port)
    add('nothing-there', targetAt.port + 1)
    new NodeAccessRepository(inventory).set('own-jump', {
      jump: `${bastion.user}@${bastionAt.address}:${bastionAt.port}`,
    })
    inventory.close()
  })

  afterAll(async () => {
    await bastion?.stop()
    await target?.stop()
    if (isolated) for (const name of Object.values(ns)) deleteNetns(name)
    tmp.cleanup()
  })

  const jumpFlag = () => `${bastion.user}@${bastion.host}:${bastion.port}`

  it.skipIf(!isolated)('cannot reach the target directly: it is only behind the bastion', () => {
    const result = govnet(['audit', '--node', 'behind-bastion', '--user', target.user, ...auditArgs()])
    expect(result.code).toBe(7)
    expect(json(result).results[0]).toMatchObject({
      outcome: 'unreachable',
      reason: msg.unreachable(`${target.user}@${target.host}:${target.port}`, 'network unreachable').message,
    })
  })

  it('audits the target through --jump, checking both host keys, and the bastion forwarded the connection', () => {
    const logBefore = bastion.log().length
    const result = govnet([
      'audit',
      '--node',
      'behind-bastion',
      '--user',
      target.user,
      '--jump',
      jumpFlag(),
      ...auditArgs(),
    ])
    expect(result.code, result.stdout + result.stderr).toBe(0)
    expect(json(result).results[0]).toMatchObject({
      outcome: 'ok',
      via: `${bastion.user}@${bastion.host}:${bastion.port}`,
      hostKeySha256: hostKeyFingerprint(target.hostKey.blob),
    })
    const log = bastion.log().slice(logBefore)
    expect(log).toContain(
      `server_request_direct_tcpip: originator 127.0.0.1 port 0, target ${target.host} port ${target.port}`,
    )
  })

  it("uses the node's own jump host from node access", () => {
    const result = govnet(['audit', '--node', 'own-jump', '--user', target.user, ...auditArgs()])
    expect(result.code, result.stdout + result.stderr).toBe(0)
    expect(json(result).results[0]).toMatchObject({outcome: 'ok', via: jumpFlag()})
  })

  it('logs in to the bastion once per run and forwards every node behind it through that connection', () => {
    const logBefore = bastion.log().length
    const result = govnet([
      'audit',
      '--node',
      'behind-bastion',
      '--node',
      'own-jump',
      '--user',
      target.user,
      '--jump',
      jumpFlag(),
      ...auditArgs(),
    ])
    expect(result.code, result.stdout + result.stderr).toBe(0)
    expect(json(result).reached).toBe(2)
    const log = bastion.log().slice(logBefore)
    expect(log.match(/Accepted publickey for /g)).toHaveLength(1)
    expect(log.match(/server_request_direct_tcpip: originator/g)).toHaveLength(2)
  })

  it('refuses a bastion whose host key is unknown, and never contacts the target', () => {
    const onlyTarget = path.join(tmp.dir, 'known_hosts_target_only')
    writeFileSync(onlyTarget, `${knownHostsLine(target)}\n`)
    const targetLogBefore = target.log().length
    const result = govnet([
      'audit',
      '--node',
      'behind-bastion',
      '--user',
      target.user,
      '--jump',
      jumpFlag(),
      ...auditArgs(onlyTarget),
    ])
    expect(result.code).toBe(7)
    expect(json(result).results[0]).toMatchObject({
      outcome: 'host-key-unknown',
      reason: msg.hostKeyUnknown(jumpFlag(), bastion.hostKey.type, hostKeyFingerprint(bastion.hostKey.blob), onlyTarget)
        .message,
    })
    expect(target.log().slice(targetLogBefore)).not.toContain('Connection from')
  })

  it('reports a refused forward as refused, naming the bastion', () => {
    const result = govnet([
      'audit',
      '--node',
      'nothing-there',
      '--user',
      target.user,
      '--jump',
      jumpFlag(),
      ...auditArgs(),
    ])
    expect(result.code).toBe(7)
    const node = json(result).results[0]
    expect(node).toMatchObject({outcome: 'refused', attempts: 2})
    expect(node.reason).toContain(`jump host ${jumpFlag()} could not reach ${target.host}:${target.port + 1}`)
  })
})
