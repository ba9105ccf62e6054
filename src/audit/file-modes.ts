import {statSync} from 'node:fs'
import path from 'node:path'

import {auditMessages as msg} from '../messages'

/**
 * OpenSSH's rules for the files that decide whom govnet trusts and how it logs in. A known_hosts that
 * another user can write lets them add a key for any node (sshd's StrictModes refuses such
 * authorized_keys, and its folder, for the same reason); a private key that others can read or write
 * is refused as `ssh` refuses it ("UNPROTECTED PRIVATE KEY FILE!"). Each refusal is one line naming the file.
 */

const GROUP_OR_OTHERS_WRITE = 0o022
const GROUP_OR_OTHERS_ANY = 0o077
const STICKY = 0o1000

/** Whether `uid` may own a trust file: the user running govnet, or root. */
const trustedOwner = (uid: number) => uid === 0 || uid === process.getuid?.()

/** known_hosts (when it exists): not writable by group or others, owned by the user or root, and neither is its folder (a sticky one aside, like /tmp). */
export function checkKnownHostsFile(file: string): void {
  const stat = statSync(file)
  if ((stat.mode & GROUP_OR_OTHERS_WRITE) !== 0) throw msg.knownHostsTooOpen(file, stat.mode)
  if (!trustedOwner(stat.uid)) throw msg.trustFileNotOwned('--known-hosts', file, stat.uid)
  const dir = path.dirname(path.resolve(file))
  const dirStat = statSync(dir)
  if ((dirStat.mode & GROUP_OR_OTHERS_WRITE) !== 0 && (dirStat.mode & STICKY) === 0)
    throw msg.knownHostsFolderTooOpen(file, dir, dirStat.mode)
}

/** A private key (--identity): no permission at all for group or others, as `ssh` requires of a key the user owns. */
export function checkPrivateKeyFile(file: string, mode: number): void {
  if ((mode & GROUP_OR_OTHERS_ANY) !== 0) throw msg.identityTooOpen(file, mode)
}
