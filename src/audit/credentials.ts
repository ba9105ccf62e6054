import {readFileSync, statSync} from 'node:fs'
import {inspect} from 'node:util'
import {utils as sshUtils} from 'ssh2'
import type {AuthenticationType} from 'ssh2'

import {judgePrompt, KeyboardInteractivePrompt, PromptVerdict} from '../domain/ssh-prompts'
import {auditMessages as msg} from '../messages'
import {checkPrivateKeyFile} from './file-modes'

/**
 * A secret value that cannot leak by accident: it prints, inspects and serialises as `[redacted]`.
 * Only `reveal()` gives the value, and only the SSH authentication handler calls it.
 */
export class Secret {
  readonly #value: string

  constructor(value: string) {
    this.#value = value
  }

  reveal(): string {
    return this.#value
  }

  toString(): string {
    return '[redacted]'
  }

  toJSON(): string {
    return '[redacted]'
  }

  [inspect.custom](): string {
    return '[redacted]'
  }
}

/** How govnet authenticates, for every node of a run. Kept in memory only: never stored, never printed. */
export interface Credentials {
  /** ssh-agent socket (SSH_AUTH_SOCK). */
  agent?: string
  /** A private key, already read and checked to parse. */
  privateKey?: {file: string; key: Buffer; passphrase?: Secret}
  /** A password for the password and keyboard-interactive methods (network devices often offer only the latter). */
  password?: Secret
}

export interface CredentialOptions {
  /** Use ssh-agent when SSH_AUTH_SOCK is set (default true). */
  agent?: boolean
  identityFile?: string
  /** Name of the environment variable that holds the identity's passphrase. */
  passphraseEnv?: string
  /** Name of the environment variable that holds the password. */
  passwordEnv?: string
  /** A file whose first line is the password; must not be readable by group or others. */
  passwordFile?: string
}

export function resolveCredentials(options: CredentialOptions, env: NodeJS.ProcessEnv = process.env): Credentials {
  const credentials: Credentials = {}
  if (options.agent !== false && env.SSH_AUTH_SOCK) credentials.agent = env.SSH_AUTH_SOCK
  if (options.identityFile) credentials.privateKey = readIdentity(options.identityFile, options.passphraseEnv, env)
  if (options.passwordEnv) {
    const value = env[options.passwordEnv]
    if (!value) throw msg.passwordEnvUnset(options.passwordEnv)
    credentials.password = new Secret(value)
  } else if (options.passwordFile) {
    credentials.password = readPasswordFile(options.passwordFile)
  }
  if (!credentials.agent && !credentials.privateKey && !credentials.password) throw msg.noCredentials()
  return credentials
}

function readIdentity(
  file: string,
  passphraseEnv: string | undefined,
  env: NodeJS.ProcessEnv,
): {file: string; key: Buffer; passphrase?: Secret} {
  let key: Buffer
  let mode: number
  try {
    mode = statSync(file).mode
    key = readFileSync(file)
  } catch (error) {
    throw msg.unreadableCredential('--identity', file, (error as NodeJS.ErrnoException).code ?? 'unreadable')
  }
  checkPrivateKeyFile(file, mode)
  let passphrase: Secret | undefined
  if (passphraseEnv) {
    const value = env[passphraseEnv]
    if (!value) throw msg.passphraseEnvUnset(passphraseEnv)
    passphrase = new Secret(value)
  }
  const parsed = sshUtils.parseKey(key, passphrase?.reveal())
  // ssh2's parse errors name the problem (encrypted without passphrase, unsupported type), never the key material.
  if (parsed instanceof Error) throw msg.identityNotAKey(file, parsed.message)
  return {file, key, passphrase}
}

function readPasswordFile(file: string): Secret {
  let mode: number
  let text: string
  try {
    mode = statSync(file).mode
    text = readFileSync(file, 'utf8')
  } catch (error) {
    throw msg.unreadableCredential('--password-file', file, (error as NodeJS.ErrnoException).code ?? 'unreadable')
  }
  if ((mode & 0o077) !== 0) throw msg.credentialsFileTooOpen(file, mode)
  const password = text.split(/\r?\n/)[0] ?? ''
  if (password === '') throw msg.credentialsFileEmpty(file)
  return new Secret(password)
}

/** The methods these credentials offer, in the order they are tried: keys before passwords, as ssh does. */
export function authMethods(credentials: Credentials): AuthenticationType[] {
  const methods: AuthenticationType[] = []
  if (credentials.privateKey) methods.push('publickey')
  if (credentials.agent) methods.push('agent')
  if (credentials.password) methods.push('password', 'keyboard-interactive')
  return methods
}

/** Called instead of answering when keyboard-interactive asks something that is not the password. */
export type RefusedPrompt = (prompt: string, reason: Exclude<PromptVerdict, {answer: true}>['reason']) => void

/**
 * ssh2 authentication attempts for `username`, one per method of `authMethods`. Keyboard-interactive
 * answers with the password only when every prompt of the round asks for it (judgePrompt); otherwise
 * nothing is answered and `refused` is told the first prompt that is not a password prompt, so that the
 * caller fails the login naming it.
 */
export function authAttempts(credentials: Credentials, username: string, refused: RefusedPrompt) {
  return authMethods(credentials).map((type) => {
    switch (type) {
      case 'publickey':
        return {
          type,
          username,
          key: credentials.privateKey!.key,
          passphrase: credentials.privateKey!.passphrase?.reveal(),
        }
      case 'agent':
        return {type, username, agent: credentials.agent!}
      case 'password':
        return {type, username, password: credentials.password!.reveal()}
      default:
        return {
          type: 'keyboard-interactive' as const,
          username,
          prompt: (
            _name: string,
            _instructions: string,
            _lang: string,
            prompts: KeyboardInteractivePrompt[],
            finish: (answers: string[]) => void,
          ) => {
            for (const prompt of prompts) {
              const verdict = judgePrompt(prompt)
              if (!verdict.answer) {
                refused(prompt.prompt, verdict.reason)
                return
              }
            }
            // Also an empty round (OpenSSH ends with one): answered with no answers.
            finish(prompts.map(() => credentials.password!.reveal()))
          },
        }
    }
  })
}
