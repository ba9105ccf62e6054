import {Flags} from '@oclif/core'

import {RawRecord} from '../domain/fields'
import {DEFAULT_NODE_STATUS, ExtranetNode, NODE_STATUSES, PLATFORMS, ROLES} from '../domain/nodes'
import {TIERS} from '../domain/tiers'
import {isDecommissioned} from '../domain/lifecycle'
import {sharedAddressWith} from '../messages/nodes'
import {renderFields, renderTable} from './table'

/**
 * The node fields as flags for `node add` and `node set`: the import column names in kebab-case.
 * The enumerated ones take the domain's lists as their options (help shows them; another value is a
 * usage error, exit 2); the others are plain strings, so that the node schema (src/domain/nodes.ts)
 * is the one place that validates them, with the same messages as an import.
 */
export const nodeFieldFlags = {
  name: Flags.string({description: 'display name, e.g. 广州市天河区汇聚节点'}),
  division: Flags.string({description: 'division code the node sits in (must be in the inventory)'}),
  tier: Flags.option({
    description: "must match the division's level (default: from the level, province → provincial)",
    options: TIERS,
  })(),
  role: Flags.option({description: "the node's place in the network", options: ROLES})(),
  'mgmt-address': Flags.string({description: 'management address: IPv4 or IPv6 literal, or a host name'}),
  'ssh-port': Flags.string({description: 'SSH port for audits (default 22)'}),
  platform: Flags.option({description: 'device platform, for the SSH audit', options: PLATFORMS})(),
  uplink: Flags.string({description: 'id of the node this one connects up to (must exist; no cycles); empty to clear'}),
  'bandwidth-mbps': Flags.string({description: 'uplink bandwidth in Mbit/s; empty to clear'}),
  status: Flags.option({
    description: `lifecycle status (a new node: ${DEFAULT_NODE_STATUS})`,
    options: NODE_STATUSES,
  })(),
  tag: Flags.string({
    description: 'free tag, repeatable; on `set` the tags given replace all tags (--tag "" clears them)',
    multiple: true,
  }),
}

type NodeFieldFlagValues = {[K in keyof typeof nodeFieldFlags]?: K extends 'tag' ? string[] : string}

/** The flags that were given, as raw node fields (snake_case keys); flags not given are left out. */
export function nodeFieldsFromFlags(flags: NodeFieldFlagValues): RawRecord {
  const raw: RawRecord = {}
  for (const flag of Object.keys(nodeFieldFlags) as (keyof typeof nodeFieldFlags)[]) {
    const value = flags[flag]
    if (value === undefined) continue
    raw[flag === 'tag' ? 'tags' : flag.replaceAll('-', '_')] = value
  }
  return raw
}

/** The table of `node list`; an address in `shared` (used by several nodes not decommissioned) is marked on those nodes. */
export function renderNodeTable(nodes: readonly ExtranetNode[], shared: ReadonlySet<string> = new Set()): string {
  return renderTable<ExtranetNode>(
    [
      {header: 'ID', value: (n) => n.id},
      {header: 'NAME', value: (n) => n.name},
      {header: 'DIVISION', value: (n) => n.divisionCode},
      {header: 'TIER', value: (n) => n.tier},
      {header: 'ROLE', value: (n) => n.role},
      {header: 'STATUS', value: (n) => n.status},
      {header: 'PLATFORM', value: (n) => n.platform},
      {
        header: 'ADDRESS',
        value: (n) => (isSharedAddress(n, shared) ? `${n.mgmtAddress} (shared)` : n.mgmtAddress),
      },
    ],
    nodes,
  )
}

/** Whether `node list` marks the node's address as shared: the address is in `shared` and the node is not decommissioned. */
export function isSharedAddress(node: ExtranetNode, shared: ReadonlySet<string>): boolean {
  return !isDecommissioned(node.status) && shared.has(node.mgmtAddress)
}

/** Every field of one node; `sharingAddressWith` are the other nodes (not decommissioned) on its management address. */
export function renderNode(node: ExtranetNode, sharingAddressWith: readonly string[] = []): string {
  return renderFields([
    ['id', node.id],
    ['name', node.name],
    ['division', node.divisionCode],
    ['tier', node.tier],
    ['role', node.role],
    ['mgmt address', node.mgmtAddress],
    ['address shared with', sharedAddressWith(sharingAddressWith)],
    ['ssh port', node.sshPort],
    ['platform', node.platform],
    ['uplink', node.uplinkId],
    ['bandwidth (Mbit/s)', node.bandwidthMbps],
    ['status', node.status],
    ['tags', node.tags.join(', ')],
    ['last audit', node.lastAuditAt],
    ['last audit outcome', node.lastAuditOutcome],
    ['last seen', node.lastSeenAt],
    ['created', node.createdAt],
    ['updated', node.updatedAt],
  ])
}
