import {Client} from 'ssh2'
import type {ClientChannel, ConnectConfig} from 'ssh2'
import type {Duplex} from 'node:stream'

import {shownPrompt} from '../domain/ssh-prompts'
import {auditMessages as msg} from '../messages'
import {AlgorithmOverrides, ALGORITHM_CATEGORIES, AlgorithmCategory, ssh2Algorithms} from '../domain/ssh-algorithms'
import {authAttempts, authMethods, Credentials} from './credentials'
import {isSshError, SshError} from '../ssh-errors'
import {HostKeyPolicy} from './known-hosts'

/** One SSH endpoint: the node itself, or the jump host in front of it. */
export interface Hop {
  host: string
  port: number
  user: string
  /** A fingerprint pinned in the inventory (node_access.host_key_sha256); wins over known_hosts. */
  pinnedHostKey?: string
}

export interface ConnectOptions {
  target: Hop
  /** The bastion the connection goes through (grading level 3: administration through a bastion). */
  jump?: Hop
  credentials: Credentials
  hostKeys: HostKeyPolicy
  /** Algorithm overrides for the target (the bastion uses the defaults). */
  algorithms?: AlgorithmOverrides
  /** TCP connect + banner + key exchange + authentication, per hop (ssh2's readyTimeout). */
  connectTimeoutMs: number
  /** Interval of SSH keepalives once connected; 0 turns them off. Three unanswered ones drop the connection. */
  keepaliveIntervalMs: number
  /** Aborting destroys the connection(s) and rejects with the signal's reason. */
  signal?: AbortSignal
  /** Share bastion connections between the nodes of a run; without it each node opens its own. */
  jumpHosts?: JumpHosts
}

/** A ready SSH connection to a node, perhaps through a jump host. `close()` ends it politely, `destroy()` at once; a shared bastion connection stays open for the other nodes. */
export interface SshConnection {
  client: Client
  hostKeySha256: string
  /** The jump host's fingerprint, when one was used. */
  jumpHostKeySha256?: string
  close(): void
  /** Drop the sockets without a goodbye: for a node abandoned at its deadline, which may not answer one. */
  destroy(): void
  /**
   * Why the connection broke after it was ready (unanswered keepalives, a reset), when it did: a more
   * precise reason than the 'closed' a command in flight sees.
   */
  dropped(): SshError | undefined
}

export const KEEPALIVE_COUNT_MAX = 3

/** `user@host:port`, with IPv6 addresses in brackets: how messages name a hop. */
export function describeHop(hop: Pick<Hop, 'host' | 'port' | 'user'>): string {
  const host = hop.host.includes(':') ? `[${hop.host}]` : hop.host
  return `${hop.user}@${host}:${hop.port}`
}

/**
 * Connect to a node, through its jump host when it has one. The host key of every hop is checked
 * before anything else is sent (ssh2's hostVerifier): a key that fails the policy aborts the key
 * exchange, so no credential is ever offered to that host. Failures are SshErrors.
 */
export async function connect(options: ConnectOptions): Promise<SshConnection> {
  options.signal?.throwIfAborted()
  if (!options.jump) {
    const direct = await connectHop(options.target, options)
    return {
      client: direct.client,
      hostKeySha256: direct.hostKeySha256,
      close: () => direct.client.end(),
      destroy: () => direct.client.destroy(),
      dropped: direct.dropped,
    }
  }
  const shared = options.jumpHosts !== undefined
  const bastion = shared
    ? await options.jumpHosts!.get(options.jump, options.signal)
    : await connectHop(options.jump, {...options, algorithms: undefined})
  // A shared bastion connection outlives this node: only a bastion opened for this node alone is closed with it.
  const endBastion = (how: 'end' | 'destroy') => {
    if (!shared) bastion.client[how]()
  }
  try {
    const channel = await openForward(bastion, options.jump, options.target, options.signal)
    const target = await connectHop(options.target, options, channel)
    return {
      client: target.client,
      hostKeySha256: target.hostKeySha256,
      jumpHostKeySha256: bastion.hostKeySha256,
      close: () => {
        target.client.end()
        endBastion('end')
      },
      destroy: () => {
        target.client.destroy()
        endBastion('destroy')
      },
      dropped: () => target.dropped() ?? bastion.dropped(),
    }
  } catch (error) {
    endBastion('end')
    throw error
  }
}

/**
 * Bastion connections shared by every node behind the same jump host during a run, as OpenSSH's
 * ControlMaster shares one: one login and one host-key check per bastion instead of one per node, and
 * no burst of unauthenticated connections for the bastion's MaxStartups to drop. A connection that
 * failed or dropped is replaced by the next node that needs it. `closeAll()` ends them.
 */
export class JumpHosts {
  private readonly connections = new Map<string, Promise<ReadyHop>>()

  constructor(
    private readonly options: Pick<
      ConnectOptions,
      'credentials' | 'hostKeys' | 'connectTimeoutMs' | 'keepaliveIntervalMs'
    >,
  ) {}

  /** The ready connection to `hop`; waiting for it stops when `signal` aborts, the connection attempt does not. */
  async get(hop: Hop, signal?: AbortSignal): Promise<ReadyHop> {
    const key = `${describeHop(hop)} ${hop.pinnedHostKey ?? ''}`
    let pending = this.connections.get(key)
    if (pending) {
      const ready = await pending.catch(() => undefined)
      if (!ready || !ready.isUp()) {
        if (this.connections.get(key) === pending) this.connections.delete(key)
        pending = undefined
      }
    }
    if (!pending) {
      pending = connectHop(hop, {...this.options, target: hop})
      this.connections.set(key, pending)
      const attempt = pending
      attempt.catch(() => {
        if (this.connections.get(key) === attempt) this.connections.delete(key)
      })
    }
    return signal ? abortable(pending, signal) : pending
  }

  async closeAll(): Promise<void> {
    const all = [...this.connections.values()]
    this.connections.clear()
    for (const pending of all) (await pending.catch(() => undefined))?.client.end()
  }
}

function abortable<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  signal.throwIfAborted()
  return new Promise((resolve, reject) => {
    const onAbort = () => reject(signal.reason)
    signal.addEventListener('abort', onAbort, {once: true})
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort))
  })
}

function openForward(bastion: ReadyHop, jump: Hop, target: Hop, signal?: AbortSignal): Promise<ClientChannel> {
  return new Promise((resolve, reject) => {
    if (!bastion.isUp()) return reject(bastion.dropped() ?? msg.closedBeforeReady(describeHop(jump)))
    const onAbort = () => reject(signal!.reason)
    signal?.addEventListener('abort', onAbort, {once: true})
    // The originator address is informational for the bastion's logs; OpenSSH does not check it.
    bastion.client.forwardOut('127.0.0.1', 0, target.host, target.port, (error, channel) => {
      signal?.removeEventListener('abort', onAbort)
      if (!error) return resolve(channel)
      const refused = /refused/i.test(error.message)
      reject(msg.jumpChannelFailed(describeHop(jump), `${target.host}:${target.port}`, error.message, refused))
    })
  })
}

interface HopObservations {
  sawBanner: boolean
  /** What the peer offered in its KEXINIT, per ssh2 debug category ("KEX method", "Host key format", …). */
  offered: Record<string, string[]>
  /** Set by the host verifier when it refused the key. */
  hostKeyError?: SshError
  hostKeySha256?: string
}

const REMOTE_OFFER = /^Handshake: \(remote\) (.+?): (.*)$/

/** Our categories, by the words ssh2's handshake errors and debug lines use for them. */
const OFFER_CATEGORY: Record<AlgorithmCategory, {error: RegExp; debug: string[]}> = {
  kex: {error: /key exchange/, debug: ['KEX method']},
  hostKey: {error: /host key/, debug: ['Host key format']},
  cipher: {error: /cipher/, debug: ['C->S cipher', 'S->C cipher']},
  mac: {error: /MAC|mac/, debug: ['C->S MAC', 'S->C MAC']},
}

interface ReadyHop {
  client: Client
  hostKeySha256: string
  /** Why the connection broke after it was ready, if it did. */
  dropped: () => SshError | undefined
  /** False once the connection has closed. */
  isUp: () => boolean
}

function connectHop(hop: Hop, options: ConnectOptions, sock?: Duplex): Promise<ReadyHop> {
  const name = describeHop(hop)
  const seen: HopObservations = {sawBanner: false, offered: {}}
  const client = new Client()
  // Set once the promise below exists: a prompt that is not a password prompt fails the login at once.
  let refusePrompt: (error: SshError) => void = () => {}
  const config: ConnectConfig = {
    host: hop.host,
    port: hop.port,
    username: hop.user,
    sock: sock,
    readyTimeout: options.connectTimeoutMs,
    keepaliveInterval: options.keepaliveIntervalMs,
    keepaliveCountMax: KEEPALIVE_COUNT_MAX,
    authHandler: authAttempts(options.credentials, hop.user, (prompt, reason) => {
      refusePrompt(msg.promptRefused(name, hop.user, shownPrompt(prompt), reason))
    }),
    algorithms: ssh2Algorithms(
      options.algorithms ?? {},
      options.hostKeys.preferredAlgorithms(hop.host, hop.port),
    ) as ConnectConfig['algorithms'],
    hostVerifier: (key: Buffer) => {
      try {
        seen.hostKeySha256 = options.hostKeys.verify(name, hop.host, hop.port, key, hop.pinnedHostKey)
        return true
      } catch (error) {
        // Never throw inside ssh2's packet handling: any failure of the check refuses the key.
        seen.hostKeyError = isSshError(error)
          ? error
          : msg.protocolError(name, `host key check failed: ${(error as Error).message}`)
        return false
      }
    },
    // Only the peer's identification and KEXINIT lists are kept; nothing else of the debug stream.
    debug: (line: string) => {
      if (!seen.sawBanner && line.startsWith('Remote ident:')) seen.sawBanner = true
      const offer = REMOTE_OFFER.exec(line)
      if (offer) seen.offered[offer[1]!] = offer[2] === '' ? [] : offer[2]!.split(',')
    },
  }
  return new Promise((resolve, reject) => {
    let settled = false
    let closed = false
    let dropped: SshError | undefined
    const settle = (error?: SshError) => {
      if (settled) return
      settled = true
      options.signal?.removeEventListener('abort', onAbort)
      if (error) {
        client.removeAllListeners('ready')
        client.destroy()
        reject(error)
      } else {
        resolve({client, hostKeySha256: seen.hostKeySha256!, dropped: () => dropped, isUp: () => !closed})
      }
    }
    const onAbort = () => settle(options.signal!.reason as SshError)
    options.signal?.addEventListener('abort', onAbort, {once: true})
    refusePrompt = (error) => {
      settle(error)
    }
    client
      .on('ready', () => settle())
      .on('error', (error) => {
        const classified = classifyConnectError(error, name, hop, options, seen)
        if (settled) dropped ??= classified
        else settle(classified)
      })
      .on('close', () => {
        closed = true
        settle(msg.closedBeforeReady(name))
      })
    client.connect(config)
  })
}

type Ssh2Error = Error & {level?: string; code?: string | number}

/** Name what went wrong from ssh2's error level and the socket error code, never from guesswork. */
export function classifyConnectError(
  error: Ssh2Error,
  name: string,
  hop: Hop,
  options: ConnectOptions,
  seen: HopObservations,
): SshError {
  if (seen.hostKeyError) return seen.hostKeyError
  switch (error.level) {
    case 'client-timeout':
      return /keepalive/i.test(error.message)
        ? msg.keepaliveTimeout(name)
        : msg.connectTimeout(name, options.connectTimeoutMs, seen.sawBanner)
    case 'client-authentication':
      return msg.authFailed(name, hop.user, authMethods(options.credentials))
    case 'agent':
      return msg.agentFailed(name, error.message)
    case 'client-dns':
      return msg.unreachable(name, 'the host name does not resolve')
    case 'client-socket':
      return classifySocketError(error, name)
    case 'handshake':
      return classifyHandshakeError(error, name, seen)
  }
  // The peer accepted TCP and hung up before its banner (sshd over MaxStartups, a TCP wrapper, a port forward with nothing behind it).
  if (/Connection lost before handshake/.test(error.message)) return msg.closedBeforeReady(name)
  // A DISCONNECT from the server carries its reason code and text.
  if (typeof error.code === 'number') {
    if (/authentication/i.test(error.message)) return msg.authFailed(name, hop.user, authMethods(options.credentials))
    return msg.protocolError(name, `disconnected by the server: ${error.message}`)
  }
  return msg.protocolError(name, error.message)
}

function classifySocketError(error: Ssh2Error, name: string): SshError {
  switch (error.code) {
    case 'ECONNREFUSED':
      return msg.connectionRefused(name)
    case 'ECONNRESET':
    case 'EPIPE':
      return msg.connectionReset(name)
    case 'ETIMEDOUT':
      return msg.tcpTimeout(name)
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return msg.unreachable(name, 'the host name does not resolve')
    case 'EHOSTUNREACH':
      return msg.unreachable(name, 'no route to host')
    case 'ENETUNREACH':
      return msg.unreachable(name, 'network unreachable')
    case 'EHOSTDOWN':
      return msg.unreachable(name, 'host is down')
    case 'EADDRNOTAVAIL':
      return msg.unreachable(name, 'address not available')
    default:
      return msg.unreachable(name, `${error.code ?? 'socket error'}: ${error.message}`)
  }
}

function classifyHandshakeError(error: Ssh2Error, name: string, seen: HopObservations): SshError {
  if (/no matching/i.test(error.message)) {
    const offered = offeredByCategory(seen.offered)
    const category =
      (Object.keys(OFFER_CATEGORY) as AlgorithmCategory[]).find((c) => OFFER_CATEGORY[c].error.test(error.message)) ??
      'kex'
    return msg.algorithmMismatch(name, ALGORITHM_CATEGORIES[category].label, labelled(offered))
  }
  return msg.protocolError(name, error.message)
}

/** The peer's KEXINIT lists, keyed by our category names. */
function offeredByCategory(debugLists: Record<string, string[]>): Partial<Record<AlgorithmCategory, string[]>> {
  const offered: Partial<Record<AlgorithmCategory, string[]>> = {}
  for (const category of Object.keys(OFFER_CATEGORY) as AlgorithmCategory[]) {
    const lists = OFFER_CATEGORY[category].debug.map((key) => debugLists[key]).filter((list) => list !== undefined)
    if (lists.length > 0) offered[category] = [...new Set(lists.flat())]
  }
  return offered
}

function labelled(offered: Partial<Record<AlgorithmCategory, string[]>>): Record<string, string[]> {
  const result: Record<string, string[]> = {}
  for (const [category, list] of Object.entries(offered))
    result[ALGORITHM_CATEGORIES[category as AlgorithmCategory].label] = list!
  return result
}
