/**
 * What an audit learns about a node, as the output parsers of src/domain/audit-parsers produce it and
 * node_audits.facts stores it (JSON). Pure types: the SSH side (src/audit) fills them, the inventory keeps them.
 */

export interface InterfaceFact {
  name: string
  /** False when the interface is shut down by configuration; absent when the command does not say. */
  adminUp?: boolean
  operUp: boolean
  /** The configured description (Linux: the alias), when the command shows it. */
  description?: string
}

/** What an audit learns about a node. Stored as JSON in node_audits.facts. */
export interface NodeFacts {
  vendor: string
  model: string
  softwareVersion: string
  uptimeSeconds: number
  hostname?: string
  interfaces: InterfaceFact[]
  /** Interfaces operationally up. */
  interfacesUp: number
  /** Interfaces operationally down that are not shut down by configuration (administratively down ones count in neither). */
  interfacesDown: number
  uplink?: {name: string; operUp: boolean}
}

/** What one command's parser contributes to the facts; the steps' drafts are merged in order. */
export interface FactsDraft {
  vendor?: string
  model?: string
  softwareVersion?: string
  uptimeSeconds?: number
  hostname?: string
  interfaces?: InterfaceFact[]
}

export type OutputParser = (output: string) => FactsDraft

/** The outcome an audit records when it reached the node and read its facts; otherwise it records an SshError code. */
export const AUDIT_OK = 'ok' as const
