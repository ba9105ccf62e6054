import {ChildProcess, execFileSync, spawn} from 'node:child_process'
import {existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync} from 'node:fs'
import net from 'node:net'
import {userInfo} from 'node:os'
import path from 'node:path'

/**
 * A real OpenSSH sshd for tests: its own host key, authorized key and config in a temp directory, on
 * loopback (or inside a network namespace the test made), never the system sshd and never port 22.
 *
 * Login: the tests log in as the user running them. When that is root (CI on this machine runs as root),
 * sshd's default `PermitRootLogin` would refuse the key; the config then says
 * `PermitRootLogin prohibit-password` — key login only, so a password can never log in as root, and the
 * wrong-password test still gets a real "authentication failed" from sshd — together with
 * `AllowUsers root`. For any other user it is `PermitRootLogin no` and `AllowUsers <that user>`.
 * `SetEnv SHLVL=1` keeps the login user's ~/.bashrc out of the commands' run (see sshdConfig).
 * `StrictModes no` because the temp directory sits under the world-writable /tmp, which StrictModes rejects
 * for AuthorizedKeysFile paths outside a home directory.
 */

export const SSHD_BINARY = '/usr/sbin/sshd'

/**
 * Whether sshd tests can run. Under CI a missing sshd is a failure (the test must not pass by skipping);
 * locally the caller skips with this message.
 */
export function sshdAvailability(): {available: true} | {available: false; reason: string} {
  if (existsSync(SSHD_BINARY) && existsSync('/usr/bin/ssh-keygen')) return {available: true}
  const reason = `${SSHD_BINARY} or ssh-keygen is missing: apt-get install -y openssh-server openssh-client`
  if (process.env.CI) throw new Error(`CI is set and ${reason}`)
  return {available: false, reason}
}

export interface KeyPair {
  privateFile: string
  publicLine: string
  /** The public key blob (what an SSH server presents), for building known_hosts lines and fingerprints. */
  blob: Buffer
  type: string
}

export function generateKey(file: string, type: 'ed25519' | 'rsa' | 'ecdsa' = 'ed25519'): KeyPair {
  execFileSync('/usr/bin/ssh-keygen', [
    '-q',
    '-t',
    type,
    ...(type === 'rsa' ? ['-b', '2048'] : []),
    '-N',
    '',
    '-C',
    'govnet-test',
    '-f',
    file,
  ])
  const publicLine = readFileSync(`${file}.pub`, 'utf8').trim()
  const [keyType, base64] = publicLine.split(' ')
  return {privateFile: file, publicLine, blob: Buffer.from(base64!, 'base64'), type: keyType!}
}

export interface SshdOptions {
  dir: string
  /** Addresses to listen on; defaults to 127.0.0.1 on a free port. */
  listen?: {address: string; port: number}[]
  /** The network namespace to run in (`ip netns exec`). */
  netns?: string
  /** Keys allowed to log in; a fresh client key is made when absent. */
  authorizedKeys?: string[]
  hostKeyType?: 'ed25519' | 'rsa' | 'ecdsa'
  /** A host key to reuse (e.g. to restart "the same device" or to simulate a replaced one). */
  hostKey?: KeyPair
  /** Extra sshd_config lines (KexAlgorithms, MaxStartups, …). */
  config?: string[]
  logLevel?: 'INFO' | 'VERBOSE' | 'DEBUG'
}

export interface Sshd {
  user: string
  host: string
  port: number
  listen: {address: string; port: number}[]
  hostKey: KeyPair
  clientKey?: KeyPair
  logFile: string
  configFile: string
  /** The listening sshd; each connection is served by processes forked below it. */
  pid: number
  log(): string
  stop(): Promise<void>
}

const testUser = () => userInfo().username

/** sshd_config for a test server: key and password authentication for the test user only, nothing else. */
export function sshdConfig(options: {
  listen: {address: string; port: number}[]
  hostKeyFile: string
  authorizedKeysFile: string
  pidFile: string
  logLevel: string
  extra: string[]
}): string {
  const root = process.getuid?.() === 0
  return (
    [
      ...options.listen.map((l) => `ListenAddress ${l.address.includes(':') ? `[${l.address}]` : l.address}:${l.port}`),
      `HostKey ${options.hostKeyFile}`,
      `PidFile ${options.pidFile}`,
      `AuthorizedKeysFile ${options.authorizedKeysFile}`,
      `AllowUsers ${testUser()}`,
      `PermitRootLogin ${root ? 'prohibit-password' : 'no'}`,
      'StrictModes no',
      'UsePAM no',
      'PubkeyAuthentication yes',
      'PasswordAuthentication yes',
      'KbdInteractiveAuthentication no',
      'PermitEmptyPasswords no',
      'AllowTcpForwarding yes',
      'X11Forwarding no',
      'PrintMotd no',
      'PrintLastLog no',
      `LogLevel ${options.logLevel}`,
      // bash sources ~/.bashrc for a command run by sshd unless SHLVL says it is nested; a developer's
      // .bashrc (pyenv, nvm…) would otherwise cost ~200 ms per command and print into the output.
      'SetEnv SHLVL=1',
      ...options.extra,
    ].join('\n') + '\n'
  )
}

/** Ask the kernel for a free loopback port (there is a small race until sshd binds it; good enough for tests). */
export async function freePort(address = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer()
    server.once('error', reject)
    server.listen(0, address, () => {
      const {port} = server.address() as net.AddressInfo
      server.close(() => resolve(port))
    })
  })
}

export async function startSshd(options: SshdOptions): Promise<Sshd> {
  mkdirSync(options.dir, {recursive: true})
  // sshd started as root needs its privilege-separation directory; the openssh-server package only creates it at boot.
  if (process.getuid?.() === 0) mkdirSync('/run/sshd', {recursive: true, mode: 0o755})
  const hostKey = options.hostKey ?? generateKey(path.join(options.dir, 'host_key'), options.hostKeyType ?? 'ed25519')
  let clientKey: KeyPair | undefined
  let authorized = options.authorizedKeys
  if (!authorized) {
    clientKey = generateKey(path.join(options.dir, 'client_key'))
    authorized = [clientKey.publicLine]
  }
  const authorizedKeysFile = path.join(options.dir, 'authorized_keys')
  writeFileSync(authorizedKeysFile, authorized.join('\n') + '\n', {mode: 0o600})
  const listen = options.listen ?? [{address: '127.0.0.1', port: await freePort()}]
  const configFile = path.join(options.dir, 'sshd_config')
  const logFile = path.join(options.dir, 'sshd.log')
  writeFileSync(
    configFile,
    sshdConfig({
      listen,
      hostKeyFile: hostKey.privateFile,
      authorizedKeysFile,
      pidFile: path.join(options.dir, 'sshd.pid'),
      logLevel: options.logLevel ?? 'VERBOSE',
      extra: options.config ?? [],
    }),
  )
  writeFileSync(logFile, '')
  const argv = [SSHD_BINARY, '-D', '-f', configFile, '-E', logFile]
  const child = options.netns
    ? spawn('ip', ['netns', 'exec', options.netns, ...argv], {stdio: 'ignore'})
    : spawn(argv[0]!, argv.slice(1), {stdio: 'ignore'})
  await waitForListening(child, logFile, listen.length)
  const log = () => readFileSync(logFile, 'utf8')
  return {
    user: testUser(),
    host: listen[0]!.address,
    port: listen[0]!.port,
    listen,
    hostKey,
    clientKey,
    logFile,
    configFile,
    pid: child.pid!,
    log,
    stop: () => stopChild(child),
  }
}

async function waitForListening(child: ChildProcess, logFile: string, listeners: number): Promise<void> {
  let exited: number | null = null
  child.once('exit', (code) => (exited = code ?? -1))
  for (let attempt = 0; attempt < 200; attempt++) {
    const log = readFileSync(logFile, 'utf8')
    if ((log.match(/Server listening on/g) ?? []).length >= listeners) return
    if (exited !== null) throw new Error(`sshd exited with ${exited} before listening:\n${log}`)
    await new Promise((resolve) => setTimeout(resolve, 25))
  }
  child.kill('SIGTERM')
  throw new Error(`sshd did not start listening within 5s:\n${readFileSync(logFile, 'utf8')}`)
}

export function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve()
  return new Promise((resolve) => {
    child.once('exit', () => resolve())
    child.kill('SIGTERM')
  })
}

/** The processes below `pid` (an sshd's per-connection monitors and sessions), from /proc. */
export function descendants(pid: number): number[] {
  const parentOf = new Map<number, number>()
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue
    try {
      parentOf.set(Number(entry), Number(/^PPid:\s+(\d+)/m.exec(readFileSync(`/proc/${entry}/status`, 'utf8'))![1]))
    } catch {
      // Gone meanwhile.
    }
  }
  const isBelow = (p: number | undefined, depth = 0): boolean =>
    p !== undefined && p > 1 && depth < 64 && (parentOf.get(p) === pid || isBelow(parentOf.get(p), depth + 1))
  return [...parentOf.keys()].filter((p) => isBelow(p))
}

/** A known_hosts line for an sshd, in the `[host]:port` form OpenSSH uses for ports other than 22. */
export function knownHostsLine(sshd: Pick<Sshd, 'host' | 'port' | 'hostKey'>): string {
  const name = sshd.port === 22 ? sshd.host : `[${sshd.host}]:${sshd.port}`
  return `${name} ${sshd.hostKey.type} ${sshd.hostKey.blob.toString('base64')}`
}

/** A listener that accepts TCP connections and never says a word: the "no banner" case. */
export async function silentListener(): Promise<{host: string; port: number; close: () => Promise<void>}> {
  const sockets = new Set<net.Socket>()
  const server = net.createServer((socket) => {
    sockets.add(socket)
    socket.on('error', () => {})
    socket.on('close', () => sockets.delete(socket))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const {port} = server.address() as net.AddressInfo
  return {
    host: '127.0.0.1',
    port,
    close: () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.destroy()
        server.close(() => resolve())
      }),
  }
}

/**
 * Network namespaces for the jump-host tests: made and removed by the test itself (needs root). Every
 * address lives inside these namespaces; the host's own network is never touched.
 */
export function netnsAvailable(): boolean {
  if (process.getuid?.() !== 0) return false
  const probe = `govnet-probe-${process.pid}`
  try {
    execFileSync('ip', ['netns', 'add', probe], {stdio: 'ignore'})
    execFileSync('ip', ['netns', 'del', probe], {stdio: 'ignore'})
    return true
  } catch {
    return false
  }
}

export function ip(...args: string[]): void {
  execFileSync('ip', args, {stdio: ['ignore', 'ignore', 'pipe']})
}

/** A namespace with its loopback up. */
export function addNetns(name: string): void {
  ip('netns', 'add', name)
  ip('-n', name, 'link', 'set', 'lo', 'up')
}

/** A veth pair between two namespaces, one address on each end; made inside the namespaces, never in the host's. */
export function linkNetns(
  a: {ns: string; dev: string; cidr: string},
  b: {ns: string; dev: string; cidr: string},
): void {
  ip('-n', a.ns, 'link', 'add', a.dev, 'type', 'veth', 'peer', 'name', b.dev, 'netns', b.ns)
  for (const end of [a, b]) {
    ip('-n', end.ns, 'addr', 'add', end.cidr, 'dev', end.dev)
    ip('-n', end.ns, 'link', 'set', end.dev, 'up')
  }
}

export function deleteNetns(name: string): void {
  try {
    ip('netns', 'del', name)
  } catch {
    // Already gone.
  }
}
