import {randomBytes} from 'node:crypto'
import {closeSync, fchmodSync, fstatSync, linkSync, openSync, readFileSync, unlinkSync, writeSync} from 'node:fs'
import path from 'node:path'

import {integrityMessages as msg} from '../messages'
import {GOVNET_DIR} from '../paths'
import {ensurePrivateDir} from './files'

export const KEY_FILE_NAME = 'changelog-key'
export const KEY_FILE_ENV = 'GOVNET_CHANGELOG_KEY_FILE'
const MIN_KEY_CHARS = 32

/**
 * Where the change log's HMAC key lives: an explicit path (--key-file), then GOVNET_CHANGELOG_KEY_FILE,
 * then <inventory dir>/.govnet/changelog-key. It is never stored in the inventory.
 */
export function keyFilePath(inventoryPath: string, explicit?: string, env: NodeJS.ProcessEnv = process.env): string {
  if (explicit) return path.resolve(explicit)
  if (env[KEY_FILE_ENV]) return path.resolve(env[KEY_FILE_ENV])
  return path.join(path.dirname(path.resolve(inventoryPath)), GOVNET_DIR, KEY_FILE_NAME)
}

/** Read the key; undefined when the file does not exist. Refuses a key that others can read or write. */
export function readKey(file: string): Buffer | undefined {
  let fd: number
  try {
    fd = openSync(file, 'r')
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    if (code === 'ENOENT') return undefined
    throw msg.keyUnreadable(file, code ?? (error as Error).message)
  }
  try {
    const stat = fstatSync(fd)
    if (!stat.isFile()) throw msg.keyUnreadable(file, 'not a regular file')
    const mode = stat.mode & 0o777
    if (mode & 0o077) throw msg.keyOpen(file, mode.toString(8))
    const text = readFileSync(fd, 'utf8').trim()
    if (text.length < MIN_KEY_CHARS) throw msg.keyTooShort(file, MIN_KEY_CHARS)
    return Buffer.from(text, 'utf8')
  } finally {
    closeSync(fd)
  }
}

/**
 * Create a new random key (0600, its directory 0700 when govnet makes it, whatever the umask): written
 * to a private temporary file, then linked into place, so parallel first writers end up with one key.
 */
export function createKey(file: string): Buffer {
  ensurePrivateDir(path.dirname(file))
  const staging = `${file}.${process.pid}.${randomBytes(4).toString('hex')}`
  const fd = openSync(staging, 'wx', 0o600)
  try {
    fchmodSync(fd, 0o600)
    writeSync(fd, `${randomBytes(32).toString('base64url')}\n`)
  } finally {
    closeSync(fd)
  }
  try {
    linkSync(staging, file)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
  } finally {
    unlinkSync(staging)
  }
  const key = readKey(file)
  if (!key) throw msg.keyMissing(file)
  return key
}

/** The key, created when absent and `mayCreate` (a log with no chained rows yet). */
export function loadKey(file: string, mayCreate: boolean): Buffer {
  const key = readKey(file)
  if (key) return key
  if (!mayCreate) throw msg.keyMissing(file)
  return createKey(file)
}
