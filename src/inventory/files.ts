import {closeSync, existsSync, fchmodSync, mkdirSync, openSync, statSync} from 'node:fs'
import path from 'node:path'

/**
 * Files that hold the record are private: 0600 files and 0700 directories when govnet creates them,
 * whatever the umask (the mode is set again after creation, since the umask only removes bits).
 */
export const PRIVATE_FILE_MODE = 0o600
export const PRIVATE_DIR_MODE = 0o700

/** Make the directory (and missing parents) 0700; an existing directory is left as it is. */
export function ensurePrivateDir(dir: string): void {
  if (existsSync(dir)) return
  ensurePrivateDir(path.dirname(dir))
  try {
    mkdirSync(dir, {mode: PRIVATE_DIR_MODE})
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
    return
  }
  // chmod through the path would follow a swapped-in link; mkdir made it ours a moment ago.
  const fd = openSync(dir, 'r')
  try {
    fchmodSync(fd, PRIVATE_DIR_MODE)
  } finally {
    closeSync(fd)
  }
}

/** Create an empty 0600 file; false when it existed already. */
export function createPrivateFile(file: string): boolean {
  ensurePrivateDir(path.dirname(file))
  let fd: number
  try {
    fd = openSync(file, 'wx', PRIVATE_FILE_MODE)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false
    throw error
  }
  try {
    fchmodSync(fd, PRIVATE_FILE_MODE)
  } finally {
    closeSync(fd)
  }
  return true
}

/** Permission bits of a file, or undefined when it does not exist. */
export function modeOf(file: string): number | undefined {
  try {
    return statSync(file).mode & 0o777
  } catch {
    return undefined
  }
}
