import type {Statement} from 'better-sqlite3'

import {Inventory} from './db'

/** One finished audit of one node, as node_audits stores it. */
export interface AuditRecord {
  nodeId: string
  startedAt: string
  finishedAt: string
  /** 'ok' when the node was reached and its facts read; otherwise the SshError code. */
  outcome: string
  /** Why it failed, one line without secrets; null when ok. */
  reason: string | null
  /** The profile's facts (JSON in the table); null when the node was not reached. */
  facts: unknown
  hostKeySha256: string | null
  durationMs: number
}

export interface StoredAudit extends AuditRecord {
  id: number
}

interface AuditRow {
  id: number
  node_id: string
  started_at: string
  finished_at: string
  outcome: string
  reason: string | null
  facts: string | null
  host_key_sha256: string | null
  duration_ms: number
}

/** The named parameters of the insert and the node update: the record with its facts in JSON. */
type AuditParams = Omit<AuditRecord, 'facts'> & {facts: string | null}

const fromRow = (row: AuditRow): StoredAudit => ({
  id: row.id,
  nodeId: row.node_id,
  startedAt: row.started_at,
  finishedAt: row.finished_at,
  outcome: row.outcome,
  reason: row.reason,
  facts: row.facts === null ? null : (JSON.parse(row.facts) as unknown),
  hostKeySha256: row.host_key_sha256,
  durationMs: row.duration_ms,
})

/**
 * The node_audits table and the audit columns of nodes. Each result is written in its own small
 * transaction as soon as the node finishes, so an interrupted run keeps what it finished. Audits are
 * observations, not edits: they are not in the change log.
 */
export class AuditRepository {
  private readonly insert: Statement<[AuditParams]>
  private readonly updateNode: Statement<[AuditParams]>
  private readonly history: Statement<[string, number], AuditRow>

  constructor(private readonly inventory: Inventory) {
    const db = inventory.db
    this.insert = db.prepare<AuditParams>(
      `INSERT INTO node_audits (node_id, started_at, finished_at, outcome, reason, facts, host_key_sha256, duration_ms)
       VALUES (@nodeId, @startedAt, @finishedAt, @outcome, @reason, @facts, @hostKeySha256, @durationMs)`,
    )
    // last_seen_at only moves when the node answered: a failed audit says nothing new about when it was last seen.
    this.updateNode = db.prepare<AuditParams>(
      `UPDATE nodes SET last_audit_at = @finishedAt, last_audit_outcome = @outcome,
         last_seen_at = CASE WHEN @outcome = 'ok' THEN @finishedAt ELSE last_seen_at END
       WHERE id = @nodeId`,
    )
    this.history = db.prepare<[string, number], AuditRow>(
      'SELECT * FROM node_audits WHERE node_id = ? ORDER BY finished_at DESC, id DESC LIMIT ?',
    )
  }

  record(audit: AuditRecord): void {
    this.recordMany([audit])
  }

  /** Several finished audits in one transaction, in order (a node's last one sets its audit columns). */
  recordMany(audits: readonly AuditRecord[]): void {
    this.inventory.write(() => {
      for (const audit of audits) {
        const row: AuditParams = {
          ...audit,
          facts: audit.facts === null || audit.facts === undefined ? null : JSON.stringify(audit.facts),
        }
        this.insert.run(row)
        this.updateNode.run(row)
      }
    })
  }

  /** A node's audits, newest first. */
  forNode(nodeId: string, limit = 20): StoredAudit[] {
    return this.history.all(nodeId, limit).map(fromRow)
  }
}
