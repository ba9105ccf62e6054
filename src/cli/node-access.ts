import {Flags} from '@oclif/core'

import {RawRecord} from '../domain/fields'

/**
 * `node access set` flags: the node_access columns in kebab-case. Plain strings, so that the access
 * schema (src/audit/access.ts) is the one place that validates them.
 */
export const nodeAccessFlags = {
  user: Flags.string({description: 'login user for this node'}),
  jump: Flags.string({description: 'jump host (bastion) as user@host[:port]'}),
  kex: Flags.string({
    description: 'key exchange algorithms, ssh_config syntax: "a,b" exact, "+a" append, "^a" first, "-a" remove',
  }),
  'host-key-algorithms': Flags.string({
    description: 'host key algorithms, same syntax (e.g. +ssh-dss for an old device)',
  }),
  ciphers: Flags.string({description: 'ciphers, same syntax (e.g. +aes128-cbc)'}),
  macs: Flags.string({description: 'MACs, same syntax (e.g. +hmac-sha1-96)'}),
  'keepalive-s': Flags.string({description: 'seconds between SSH keepalives for this node; 0 turns them off'}),
  'host-key-sha256': Flags.string({
    description: 'pin the host key: SHA256:… as `ssh-keygen -lf` prints it; checked instead of known_hosts',
  }),
}

type NodeAccessFlagValues = {[K in keyof typeof nodeAccessFlags]?: string}

export function nodeAccessFieldsFromFlags(flags: NodeAccessFlagValues): RawRecord {
  const raw: RawRecord = {}
  for (const flag of Object.keys(nodeAccessFlags) as (keyof typeof nodeAccessFlags)[]) {
    if (flags[flag] !== undefined) raw[flag.replaceAll('-', '_')] = flags[flag]
  }
  return raw
}
