import {chmodSync, chownSync, mkdirSync, writeFileSync} from 'node:fs'
import path from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {resolveCredentials} from '../../src/audit/credentials'
import {KnownHosts} from '../../src/audit/known-hosts'
import {auditMessages as msg} from '../../src/messages'
import {tempDir} from '../helpers/cli'
import {generateKey, knownHostsLine, sshdAvailability} from '../helpers/sshd'

/**
 * OpenSSH's permission rules on real files (chmod/chown on a temporary folder): a known_hosts that others
 * can write, or that sits in a folder they can write, and a private key that others can read or write,
 * are refused with one line naming the file. ssh-keygen makes the keys.
 */
const sshd = sshdAvailability()
if (!sshd.available && !process.env.CI) console.warn(`skipping file mode tests: ${sshd.reason}`)

describe.skipIf(!sshd.available && !process.env.CI)('known_hosts and key file permissions', () => {
  const tmp = tempDir('govnet-ssh-modes-')
  let key: ReturnType<typeof generateKey>
  let line: string

  beforeAll(() => {
    key = generateKey(path.join(tmp.dir, 'id_ed25519'))
    line = knownHostsLine({host: '127.0.0.1', port: 22, hostKey: key})
  })

  afterAll(() => {
    tmp.cleanup()
  })

  function knownHostsIn(folder: string, fileMode: number, folderMode = 0o700): string {
    const dir = path.join(tmp.dir, folder)
    mkdirSync(dir, {recursive: true})
    chmodSync(dir, folderMode)
    const file = path.join(dir, 'known_hosts')
    writeFileSync(file, `${line}\n`)
    chmodSync(file, fileMode)
    return file
  }

  it('reads a known_hosts that only its owner can write (0600, 0644)', () => {
    for (const mode of [0o600, 0o644]) {
      const file = knownHostsIn(`ok-${mode.toString(8)}`, mode)
      expect(KnownHosts.load(file).knownKeyTypes('127.0.0.1', 22)).toEqual(['ssh-ed25519'])
    }
  })

  it('refuses a known_hosts writable by group or others, naming the file and its mode', () => {
    for (const mode of [0o666, 0o620, 0o602]) {
      const file = knownHostsIn(`open-${mode.toString(8)}`, mode)
      expect(() => KnownHosts.load(file)).toThrow(msg.knownHostsTooOpen(file, mode).message)
    }
  })

  it('refuses a known_hosts in a folder others can write, but not in a sticky one such as /tmp', () => {
    const file = knownHostsIn('open-folder', 0o600, 0o777)
    expect(() => KnownHosts.load(file)).toThrow(msg.knownHostsFolderTooOpen(file, path.dirname(file), 0o777).message)
    const sticky = knownHostsIn('sticky-folder', 0o600, 0o1777)
    expect(KnownHosts.load(sticky).knownKeyTypes('127.0.0.1', 22)).toEqual(['ssh-ed25519'])
  })

  it.runIf(process.getuid?.() === 0)('refuses a known_hosts owned by another user (run as root to chown)', () => {
    const file = knownHostsIn('other-owner', 0o644)
    chownSync(file, 4242, 4242)
    expect(() => KnownHosts.load(file)).toThrow(msg.trustFileNotOwned('--known-hosts', file, 4242).message)
  })

  it('refuses a private key that group or others can read or write, as ssh does', () => {
    for (const mode of [0o644, 0o640, 0o604, 0o620]) {
      chmodSync(key.privateFile, mode)
      expect(() => resolveCredentials({agent: false, identityFile: key.privateFile}), mode.toString(8)).toThrow(
        msg.identityTooOpen(key.privateFile, mode).message,
      )
    }
    chmodSync(key.privateFile, 0o600)
    expect(resolveCredentials({agent: false, identityFile: key.privateFile}).privateKey?.file).toBe(key.privateFile)
    chmodSync(key.privateFile, 0o400)
    expect(resolveCredentials({agent: false, identityFile: key.privateFile}).privateKey?.file).toBe(key.privateFile)
  })
})
