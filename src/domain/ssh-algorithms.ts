import {auditMessages as msg} from '../messages'

/**
 * Per-node SSH algorithm overrides, written the way OpenSSH's ssh_config writes them: `a,b` is the exact
 * list, `+a,b` appends to the defaults (the usual fix for an old VRP or Comware that only speaks
 * diffie-hellman-group1-sha1 or ssh-rsa), `^a,b` puts them first, `-a,b` removes them.
 */

// ssh2 does not export its algorithm tables; this module is their only reader.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const ssh2Constants = require('ssh2/lib/protocol/constants.js') as Record<string, string[]>

export const ALGORITHM_CATEGORIES = {
  kex: {label: 'key exchange', defaults: ssh2Constants.DEFAULT_KEX!, supported: ssh2Constants.SUPPORTED_KEX!},
  hostKey: {
    label: 'host key',
    defaults: ssh2Constants.DEFAULT_SERVER_HOST_KEY!,
    supported: ssh2Constants.SUPPORTED_SERVER_HOST_KEY!,
  },
  cipher: {label: 'cipher', defaults: ssh2Constants.DEFAULT_CIPHER!, supported: ssh2Constants.SUPPORTED_CIPHER!},
  mac: {label: 'MAC', defaults: ssh2Constants.DEFAULT_MAC!, supported: ssh2Constants.SUPPORTED_MAC!},
} as const

export type AlgorithmCategory = keyof typeof ALGORITHM_CATEGORIES

export type AlgorithmOverrides = Partial<Record<AlgorithmCategory, string>>

/** The ssh2 `algorithms` config: exact lists, only for the categories that differ from ssh2's defaults. */
export interface Ssh2Algorithms {
  kex?: string[]
  serverHostKey?: string[]
  cipher?: string[]
  hmac?: string[]
}

const SSH2_KEY: Record<AlgorithmCategory, keyof Ssh2Algorithms> = {
  kex: 'kex',
  hostKey: 'serverHostKey',
  cipher: 'cipher',
  mac: 'hmac',
}

/** The problem with an override, or undefined when every name is one the client supports. */
export function algorithmOverrideProblem(category: AlgorithmCategory, text: string): string | undefined {
  const {names} = splitOverride(text)
  if (names.length === 0) return `"${text}" names no algorithm`
  const {label, supported} = ALGORITHM_CATEGORIES[category]
  const unknown = names.find((name) => !supported.includes(name))
  return unknown === undefined ? undefined : msg.invalidAlgorithm(label, unknown, supported)
}

/** The list one category resolves to, from ssh2's defaults and an (already validated) override. */
export function resolveAlgorithmList(category: AlgorithmCategory, text: string | undefined): string[] {
  const {defaults} = ALGORITHM_CATEGORIES[category]
  if (text === undefined) return [...defaults]
  const {operation, names} = splitOverride(text)
  switch (operation) {
    case '+':
      return [...defaults, ...names.filter((name) => !defaults.includes(name))]
    case '^':
      return [...names, ...defaults.filter((name) => !names.includes(name))]
    case '-':
      return defaults.filter((name) => !names.includes(name))
    default:
      return names
  }
}

/**
 * The ssh2 algorithms config for a connection. `preferredHostKeys` (the algorithms of the key types
 * known_hosts already holds for the host) move to the front of the host-key list, as OpenSSH does, so
 * that a host with several keys presents the one we can check.
 */
export function ssh2Algorithms(
  overrides: AlgorithmOverrides,
  preferredHostKeys: readonly string[] = [],
): Ssh2Algorithms | undefined {
  const config: Ssh2Algorithms = {}
  for (const category of Object.keys(ALGORITHM_CATEGORIES) as AlgorithmCategory[]) {
    const text = overrides[category]
    if (text !== undefined) config[SSH2_KEY[category]] = resolveAlgorithmList(category, text)
  }
  if (preferredHostKeys.length > 0) {
    const list = config.serverHostKey ?? resolveAlgorithmList('hostKey', undefined)
    const preferred = preferredHostKeys.filter((name) => list.includes(name))
    if (preferred.length > 0) config.serverHostKey = [...preferred, ...list.filter((name) => !preferred.includes(name))]
  }
  return Object.keys(config).length === 0 ? undefined : config
}

function splitOverride(text: string): {operation: '+' | '^' | '-' | undefined; names: string[]} {
  const trimmed = text.trim()
  const first = trimmed[0]
  const operation = first === '+' || first === '^' || first === '-' ? first : undefined
  const names = (operation ? trimmed.slice(1) : trimmed)
    .split(',')
    .map((name) => name.trim())
    .filter((name) => name !== '')
  return {operation, names}
}
