import {SshError} from '../ssh-errors'
import {redactLoginName, redactUserinfo} from './redact'
import {ExitCode, GovnetError} from '../errors'

/**
 * Messages of the SSH audit. The SshError ones are a node's recorded reason (node_audits.reason) and the
 * summary's lines; none of them ever carries a credential: they take hops, users, key fingerprints and
 * algorithm names only.
 */

const seconds = (ms: number) => (ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`)

// --- transport failures (SshError) ---------------------------------------------------------------

export const connectTimeout = (hop: string, timeoutMs: number, sawBanner: boolean) =>
  new SshError(
    'timeout',
    sawBanner
      ? `${hop}: SSH handshake and authentication did not complete within ${seconds(timeoutMs)}`
      : `${hop}: no SSH banner within ${seconds(timeoutMs)} (something accepts TCP there but does not speak SSH, or is too slow)`,
    {hop},
  )

export const tcpTimeout = (hop: string) => new SshError('timeout', `${hop}: TCP connection timed out`, {hop})

export const keepaliveTimeout = (hop: string) =>
  new SshError('timeout', `${hop}: stopped answering keepalives; the connection was dropped`, {hop})

export const nodeDeadline = (hop: string, deadlineMs: number) =>
  new SshError('timeout', `${hop}: not finished within the node's deadline of ${seconds(deadlineMs)}; abandoned`, {hop})

export const connectionRefused = (hop: string) =>
  new SshError('refused', `${hop}: connection refused (nothing listens on that port)`, {hop})

export const unreachable = (hop: string, reason: string) =>
  new SshError('unreachable', `${hop}: unreachable (${reason})`, {hop})

export const closedBeforeReady = (hop: string) =>
  new SshError('closed', `${hop}: the connection was closed before SSH was ready`, {hop})

export const connectionReset = (hop: string) =>
  new SshError('closed', `${hop}: the connection was reset by the peer`, {hop})

export const authFailed = (hop: string, user: string, methods: readonly string[]) =>
  new SshError('auth', `${hop}: authentication as ${user} failed (tried ${methods.join(', ') || 'no method'})`, {hop})

const PROMPT_REFUSALS = {
  echoed: 'it is echoed, so it does not ask for a secret',
  'not-a-password': 'it does not ask for a password',
  'new-password': 'it asks for a new password (expired?): change it by hand first',
} as const

/** Keyboard-interactive asked something govnet does not answer with the password; `prompt` is already quoted. */
export const promptRefused = (hop: string, user: string, prompt: string, reason: keyof typeof PROMPT_REFUSALS) =>
  new SshError(
    'auth',
    `${hop}: authentication as ${user} stopped at the keyboard-interactive prompt ${prompt}: ${PROMPT_REFUSALS[reason]}; ` +
      'govnet answers only password prompts and sent nothing',
    {hop},
  )

export const agentFailed = (hop: string, reason: string) =>
  new SshError('auth', `${hop}: ssh-agent failed: ${reason}`, {hop})

export const algorithmMismatch = (
  hop: string,
  category: string,
  offered: Readonly<Record<string, readonly string[]>>,
) => {
  const device = offered[category]
  return new SshError(
    'algorithm-mismatch',
    `${hop}: no ${category} algorithm in common; the device offered ${device && device.length > 0 ? device.join(',') : '(nothing readable)'}` +
      ` — allow one per node with \`govnet node access set\``,
    {hop, offered},
  )
}

export const protocolError = (hop: string, reason: string) =>
  new SshError('protocol', `${hop}: SSH protocol error: ${reason}`, {hop})

export const hostKeyUnknown = (hop: string, keyType: string, sha256: string, knownHostsFile: string) =>
  new SshError(
    'host-key-unknown',
    `${hop}: host key ${keyType} ${sha256} is not known: verify it out of band, then add it to ${knownHostsFile}, ` +
      `pin it with \`govnet node access set\`, or audit once with --accept-new`,
    {hop, presentedKeySha256: sha256},
  )

export const hostKeyNotRecorded = (
  hop: string,
  keyType: string,
  sha256: string,
  knownHostsFile: string,
  reason: string,
) =>
  new SshError(
    'host-key-unknown',
    `${hop}: host key ${keyType} ${sha256} is new and could not be added to ${knownHostsFile} (${reason}); not connecting`,
    {
      hop,
      presentedKeySha256: sha256,
    },
  )

export const hostKeyChanged = (hop: string, keyType: string, sha256: string, expected: string) =>
  new SshError(
    'host-key-changed',
    `${hop}: HOST KEY CHANGED: it presented ${keyType} ${sha256}, which does not match ${expected}; not connecting ` +
      `(someone may be intercepting the connection; if the device was replaced, remove the old key and audit again)`,
    {hop, presentedKeySha256: sha256},
  )

export const hostKeyRevoked = (hop: string, keyType: string, sha256: string, knownHostsFile: string) =>
  new SshError(
    'host-key-changed',
    `${hop}: HOST KEY REVOKED: host key ${keyType} ${sha256} is marked @revoked in ${knownHostsFile}; not connecting`,
    {
      hop,
      presentedKeySha256: sha256,
    },
  )

export const jumpChannelFailed = (bastion: string, target: string, reason: string, refused: boolean) =>
  new SshError(refused ? 'refused' : 'unreachable', `jump host ${bastion} could not reach ${target}: ${reason}`, {
    hop: bastion,
  })

export const commandTimeout = (hop: string, command: string, timeoutMs: number) =>
  new SshError('command-timeout', `${hop}: \`${command}\` did not finish within ${seconds(timeoutMs)}`, {hop})

export const commandFailed = (hop: string, command: string, exit: string) =>
  new SshError('command-refused', `${hop}: \`${command}\` failed (${exit})`, {hop})

export const interruptedNode = (hop: string) =>
  new SshError('closed', `${hop}: the run was interrupted before this node finished`, {hop})

// --- bad input (GovnetError) ---------------------------------------------------------------------

export const passwordEnvUnset = (name: string) =>
  new GovnetError(`--password-env ${name}: the environment variable is not set or empty`, ExitCode.invalid)

export const credentialsFileTooOpen = (file: string, mode: number) =>
  new GovnetError(
    `--password-file ${file}: mode ${(mode & 0o777).toString(8).padStart(4, '0')} lets others read it; ` +
      `run \`chmod 600 ${file}\` (govnet refuses a group- or world-readable credentials file, as ssh does for keys)`,
    ExitCode.invalid,
  )

const octal = (mode: number) => (mode & 0o7777).toString(8).padStart(4, '0')

export const identityTooOpen = (file: string, mode: number) =>
  new GovnetError(
    `--identity ${file}: mode ${octal(mode)} lets others ${mode & 0o022 ? 'change' : 'read'} the private key; ` +
      `run \`chmod 600 ${file}\` (ssh refuses such a key too: UNPROTECTED PRIVATE KEY FILE)`,
    ExitCode.invalid,
  )

export const knownHostsTooOpen = (file: string, mode: number) =>
  new GovnetError(
    `--known-hosts ${file}: mode ${octal(mode)} lets others add host keys to it; run \`chmod 600 ${file}\` ` +
      "(govnet refuses a known_hosts that others can write, as OpenSSH's StrictModes does)",
    ExitCode.invalid,
  )

export const knownHostsFolderTooOpen = (file: string, dir: string, mode: number) =>
  new GovnetError(
    `--known-hosts ${file}: its folder ${dir} (mode ${octal(mode)}) lets others replace the file; ` +
      `run \`chmod go-w ${dir}\` or keep known_hosts in a folder of your own`,
    ExitCode.invalid,
  )

export const trustFileNotOwned = (flag: string, file: string, uid: number) =>
  new GovnetError(
    `${flag} ${file}: owned by uid ${uid}, neither you nor root; govnet trusts only a file you or root own`,
    ExitCode.invalid,
  )

export const credentialsFileEmpty = (file: string) =>
  new GovnetError(`--password-file ${file}: the first line is empty; it must hold the password`, ExitCode.invalid)

export const unreadableCredential = (flag: string, file: string, reason: string) =>
  new GovnetError(`${flag} ${file}: cannot read it (${reason})`, ExitCode.invalid)

export const identityNotAKey = (file: string, reason: string) =>
  new GovnetError(`--identity ${file}: not a usable private key (${reason})`, ExitCode.invalid)

export const passphraseEnvUnset = (name: string) =>
  new GovnetError(`--passphrase-env ${name}: the environment variable is not set or empty`, ExitCode.invalid)

export const noCredentials = () =>
  new GovnetError(
    'no SSH credentials: start ssh-agent (SSH_AUTH_SOCK), or pass --identity FILE, --password-env NAME or --password-file FILE',
    ExitCode.invalid,
  )

export const invalidDuration = (flag: string, value: string) =>
  new GovnetError(`${flag}: "${value}" is not a duration like 500ms, 10s or 2m`, ExitCode.invalid)

/** `value` is shown with any password of a `user:password` removed. */
export const invalidUser = (value: string) =>
  new GovnetError(
    `--user: "${redactLoginName(value)}" is not a login name (letters, digits, _ . @ -; up to 64; ` +
      'no password: give it with --password-env or --password-file)',
    ExitCode.invalid,
  )

/** `value` is shown with any password of a `user:password@host` removed. */
export const invalidJump = (value: string) =>
  new GovnetError(
    `--jump: "${redactUserinfo(value)}" is not user@host[:port] (host: an IPv4 or IPv6 address or a host name; ` +
      'no password: give it with --password-env or --password-file)',
    ExitCode.invalid,
  )

export const invalidAlgorithm = (field: string, name: string, supported: readonly string[]) =>
  `"${name}" is not a ${field} algorithm govnet's SSH client supports (supported: ${supported.join(', ')})`

export const invalidFingerprint = (value: string) =>
  `"${value}" is not a SHA256 host-key fingerprint (SHA256: followed by 43 base64 characters, as \`ssh-keygen -lf\` prints)`

export const nodesNotFound = (ids: readonly string[]) =>
  new GovnetError(
    `node${ids.length > 1 ? 's' : ''} not found: ${ids.join(', ')}; nothing was audited`,
    ExitCode.notFound,
  )

export const nothingToSetAccess = () =>
  new GovnetError(
    'nothing to change: pass at least one setting, e.g. --user admin or --kex +diffie-hellman-group14-sha1',
    ExitCode.invalid,
  )

export const unknownAccessField = (field: string, known: readonly string[]) =>
  new GovnetError(`--field ${field}: not an access setting; settings: ${known.join(', ')}`, ExitCode.invalid)

export const knownHostsUnreadable = (file: string, reason: string) =>
  new GovnetError(`--known-hosts ${file}: cannot read it (${reason})`, ExitCode.invalid)
