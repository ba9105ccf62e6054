'use strict'
/**
 * SSH audit fan-out (issue 4): `govnet audit` of NODES node records spread over several real OpenSSH
 * sshd processes, each listening on several 127.0.0.x addresses, compared in the same run with
 * parallel-ssh (Debian `pssh`) running the linux profile's commands on the same targets at the same
 * parallelism.
 *
 * What each side does per node:
 *   - govnet: TCP + SSH handshake (ssh2 in one Node process), strict host-key check against known_hosts,
 *     public-key login, the linux profile's four read-only commands (batched in one exec channel with
 *     exit-status markers), parsing, and one SQLite transaction writing the node's result.
 *   - parallel-ssh: one `ssh` process per node (BatchMode, StrictHostKeyChecking=yes, same key and
 *     known_hosts), the same four commands joined by `;` in one session, stdout saved per host (-o).
 * Wall time is the whole process (start-up included). Peak memory is the peak of the summed resident
 * set size of the process and all its descendants (pssh forks one ssh per node), polled from /proc
 * every 20 ms; sshd's memory is the targets' and counted on neither side.
 *
 * Everything listens on 127.0.0.0/8; every process started here is stopped here.
 * Needs: openssh-server, openssh-client, pssh (`apt-get install -y openssh-server pssh`), a build.
 */
const {execFileSync, spawn, spawnSync} = require('node:child_process')
const {existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync} = require('node:fs')
const net = require('node:net')
const os = require('node:os')
const path = require('node:path')

const NODES = 500
const SSHD_PROCESSES = 4
const ADDRESSES_PER_SSHD = 5
const CONCURRENCY = [32, 100]
const REPEAT = 3
const SSHD = '/usr/sbin/sshd'
const PSSH = '/usr/bin/parallel-ssh'
/** The linux profile's commands (src/audit/profiles/linux.ts), first variant of each step. */
const COMMANDS = ['cat /etc/os-release', 'uname -snrm', 'cat /proc/uptime', 'ip -o link show']

const title = `SSH audit: ${NODES} nodes over ${SSHD_PROCESSES * ADDRESSES_PER_SSHD} sshd listeners, govnet vs parallel-ssh`

function freePort(address) {
  return new Promise((resolve, reject) => {
    const server = net.createServer()
    server.once('error', reject)
    server.listen(0, address, () => {
      const {port} = server.address()
      server.close(() => resolve(port))
    })
  })
}

function keygen(file) {
  execFileSync('/usr/bin/ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'govnet-bench', '-f', file])
  return readFileSync(`${file}.pub`, 'utf8').trim()
}

/** sshd processes for the bench: key login for the current user only, enough MaxStartups for the fan-out. */
async function startListeners(dir, clientPublicKey) {
  if (process.getuid() === 0) mkdirSync('/run/sshd', {recursive: true, mode: 0o755})
  const hostKeyPublic = keygen(path.join(dir, 'host_key'))
  writeFileSync(path.join(dir, 'authorized_keys'), `${clientPublicKey}\n`, {mode: 0o600})
  const user = os.userInfo().username
  const listeners = []
  const children = []
  for (let s = 0; s < SSHD_PROCESSES; s++) {
    const listen = []
    for (let a = 0; a < ADDRESSES_PER_SSHD; a++) {
      const address = `127.0.1.${s * ADDRESSES_PER_SSHD + a + 1}`
      listen.push({address, port: await freePort(address)})
    }
    const config = path.join(dir, `sshd_${s}.conf`)
    const log = path.join(dir, `sshd_${s}.log`)
    writeFileSync(
      config,
      [
        ...listen.map((l) => `ListenAddress ${l.address}:${l.port}`),
        `HostKey ${path.join(dir, 'host_key')}`,
        `PidFile ${path.join(dir, `sshd_${s}.pid`)}`,
        `AuthorizedKeysFile ${path.join(dir, 'authorized_keys')}`,
        `AllowUsers ${user}`,
        `PermitRootLogin ${process.getuid() === 0 ? 'prohibit-password' : 'no'}`,
        'StrictModes no',
        'UsePAM no',
        'PasswordAuthentication no',
        'KbdInteractiveAuthentication no',
        'PrintMotd no',
        'MaxStartups 1000:30:2000',
        'MaxSessions 20',
        'LogLevel INFO',
        // bash sources ~/.bashrc for commands run by sshd when SHLVL < 2; this machine's root .bashrc runs
        // `pyenv init` (~200 ms per command). Skipped for both tools alike: the bench measures the fan-out.
        'SetEnv SHLVL=1',
      ].join('\n') + '\n',
    )
    writeFileSync(log, '')
    const child = spawn(SSHD, ['-D', '-f', config, '-E', log], {stdio: 'ignore'})
    children.push(child)
    for (
      let i = 0;
      i < 200 && (readFileSync(log, 'utf8').match(/Server listening on/g) ?? []).length < listen.length;
      i++
    ) {
      await new Promise((resolve) => setTimeout(resolve, 25))
    }
    if ((readFileSync(log, 'utf8').match(/Server listening on/g) ?? []).length < listen.length)
      throw new Error(`sshd ${s} did not start:\n${readFileSync(log, 'utf8')}`)
    listeners.push(...listen)
  }
  const [keyType, keyBase64] = hostKeyPublic.split(' ')
  writeFileSync(
    path.join(dir, 'known_hosts'),
    listeners.map((l) => `[${l.address}]:${l.port} ${keyType} ${keyBase64}`).join('\n') + '\n',
  )
  const stop = () =>
    Promise.all(
      children.map((child) =>
        child.exitCode === null
          ? new Promise((resolve) => (child.once('exit', resolve), child.kill('SIGTERM')))
          : undefined,
      ),
    )
  return {listeners, user, stop}
}

/** An inventory with NODES linux nodes, round-robin over the listeners, seeded through the repositories (dist/src/seed). */
function buildInventory(lib, dbPath, listeners) {
  const {Inventory} = lib.fromDist('src/inventory/db')
  const {seedDivisions, seedNodes} = lib.fromDist('src/seed')
  const inventory = Inventory.open(dbPath, {create: true, actor: 'bench'})
  try {
    seedDivisions(
      inventory,
      ['44', '4419', '441900', '441900003'].map((code) => ({code, name: code})),
      {source: 'bench'},
    )
    seedNodes(
      inventory,
      Array.from({length: NODES}, (_, i) => {
        const target = listeners[i % listeners.length]
        return {
          id: `bench-${String(i).padStart(4, '0')}`,
          name: `bench ${i}`,
          division: '441900003',
          tier: 'township',
          mgmtAddress: target.address,
          sshPort: target.port,
        }
      }),
    )
  } finally {
    inventory.close()
  }
  return Array.from({length: NODES}, (_, i) => listeners[i % listeners.length])
}

/** Run a command to completion, polling the summed RSS of its process tree. */
function runMeasured(command, args, options = {}) {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint()
    const child = spawn(command, args, {stdio: ['ignore', 'pipe', 'pipe'], ...options})
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (chunk) => (stdout += chunk))
    child.stderr.on('data', (chunk) => (stderr += chunk))
    let peakKiB = 0
    const poll = setInterval(() => (peakKiB = Math.max(peakKiB, treeRssKiB(child.pid))), 20)
    child.once('error', reject)
    child.once('exit', (code) => {
      clearInterval(poll)
      resolve({code, stdout, stderr, ms: Number(process.hrtime.bigint() - started) / 1e6, peakMiB: peakKiB / 1024})
    })
  })
}

function treeRssKiB(rootPid) {
  const parents = new Map()
  const rss = new Map()
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue
    try {
      const status = readFileSync(`/proc/${entry}/status`, 'utf8')
      parents.set(Number(entry), Number(/^PPid:\s+(\d+)/m.exec(status)[1]))
      const match = /^VmRSS:\s+(\d+) kB/m.exec(status)
      rss.set(Number(entry), match ? Number(match[1]) : 0)
    } catch {
      // The process ended while we looked.
    }
  }
  let total = 0
  for (const [pid, kib] of rss) {
    for (let p = pid, hops = 0; p > 1 && hops < 64; p = parents.get(p), hops++) {
      if (p === rootPid) {
        total += kib
        break
      }
    }
  }
  return total
}

async function run(lib) {
  for (const binary of [SSHD, PSSH]) {
    if (!existsSync(binary))
      throw new Error(`${binary} is missing: apt-get install -y openssh-server openssh-client pssh`)
  }
  const tmp = lib.tempDir('govnet-bench-audit-')
  const clientKey = path.join(tmp.dir, 'client_key')
  const clientPublicKey = keygen(clientKey)
  const servers = await startListeners(tmp.dir, clientPublicKey)
  try {
    const db = path.join(tmp.dir, 'govnet.db')
    const targets = buildInventory(lib, db, servers.listeners)
    const hostsFile = path.join(tmp.dir, 'hosts')
    writeFileSync(hostsFile, targets.map((t) => `${servers.user}@${t.address}:${t.port}`).join('\n') + '\n')
    const knownHosts = path.join(tmp.dir, 'known_hosts')

    const govnet = (concurrency) =>
      runMeasured(
        process.execPath,
        [
          lib.cli,
          'audit',
          '--db',
          db,
          '--identity',
          clientKey,
          '--no-agent',
          '--known-hosts',
          knownHosts,
          '--user',
          servers.user,
          '--concurrency',
          String(concurrency),
          '--json',
        ],
        {
          env: {...process.env, GOVNET_DB: '', NO_COLOR: '1'},
        },
      ).then((result) => {
        const summary = JSON.parse(result.stdout)
        if (result.code !== 0 || summary.reached !== NODES)
          throw new Error(
            `govnet audit reached ${summary.reached}/${NODES} (exit ${result.code}): ${JSON.stringify(summary.failedByReason)}`,
          )
        return result
      })
    const pssh = (concurrency, round) =>
      runMeasured(
        PSSH,
        [
          '-h',
          hostsFile,
          '-p',
          String(concurrency),
          '-t',
          '60',
          '-o',
          path.join(tmp.dir, `pssh-out-${concurrency}-${round}`),
          '-O',
          `IdentityFile=${clientKey}`,
          '-O',
          'IdentitiesOnly=yes',
          '-O',
          `UserKnownHostsFile=${knownHosts}`,
          '-O',
          'StrictHostKeyChecking=yes',
          '-O',
          'BatchMode=yes',
          '-O',
          'GlobalKnownHostsFile=/dev/null',
          COMMANDS.join('; '),
        ],
        {env: {...process.env, SSH_AUTH_SOCK: ''}},
      ).then((result) => {
        const ok = (result.stdout.match(/\[SUCCESS\]/g) ?? []).length
        if (result.code !== 0 || ok !== NODES)
          throw new Error(
            `parallel-ssh succeeded on ${ok}/${NODES} (exit ${result.code}): ${result.stdout.split('\n').find((l) => l.includes('FAILURE')) ?? result.stderr}`,
          )
        return result
      })

    const rows = []
    for (const concurrency of CONCURRENCY) {
      const ours = []
      const theirs = []
      // Alternate the two so that neither profits from a warmer machine.
      for (let round = 0; round < REPEAT; round++) {
        ours.push(await govnet(concurrency))
        theirs.push(await pssh(concurrency, round))
      }
      const wall = (runs) => lib.median(runs.map((r) => r.ms))
      const memory = (runs) => lib.median(runs.map((r) => r.peakMiB))
      rows.push([
        String(concurrency),
        `${lib.fmt(wall(ours))} ms`,
        `${lib.fmt(wall(theirs))} ms`,
        lib.ratio(wall(ours), wall(theirs)),
        `${memory(ours).toFixed(0)} MiB`,
        `${memory(theirs).toFixed(0)} MiB`,
      ])
    }
    const version = execFileSync(PSSH, ['--version'], {encoding: 'utf8'}).trim()
    const ssh = spawnSync('ssh', ['-V'], {encoding: 'utf8'}).stderr.trim() || 'ssh'
    return [
      `${NODES} node records over ${SSHD_PROCESSES} sshd processes × ${ADDRESSES_PER_SSHD} addresses (127.0.1.1–127.0.1.${SSHD_PROCESSES * ADDRESSES_PER_SSHD}),`,
      `ed25519 host and client keys, strict host-key checking on both sides; median of ${REPEAT} alternating runs each.`,
      `govnet runs the linux profile (its ${COMMANDS.length} commands in one exec channel with exit-status markers, parsed, one SQLite write per node);`,
      `parallel-ssh ${version} (${ssh.split(',')[0]}) runs the same ${COMMANDS.length} commands in one session per node and saves stdout.`,
      'Peak memory: summed RSS of the process tree (parallel-ssh forks one ssh per node in flight).',
      'bash on the targets skips ~/.bashrc for both (sshd `SetEnv SHLVL=1`): the bench measures the fan-out, not the shell start-up.',
      '',
      lib.table(
        ['parallelism', 'govnet audit', 'parallel-ssh', 'govnet / pssh', 'govnet peak RSS', 'pssh peak RSS (tree)'],
        rows,
      ),
    ].join('\n')
  } finally {
    await servers.stop()
    tmp.cleanup()
  }
}

module.exports = {title, run}

if (require.main === module) {
  run(require('./lib')).then(
    (body) => process.stdout.write(`## ${title}\n\n${body}\n`),
    (error) => {
      process.stderr.write(`${error.stack}\n`)
      process.exitCode = 1
    },
  )
}
