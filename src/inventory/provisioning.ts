import type {Statement} from 'better-sqlite3'

import {Target} from '../domain/preflight'
import type {Operation, OperationOutcome} from '../domain/provisioning'
import {ChangeLog} from './changes'
import {Inventory} from './db'

export const PROVISIONING_ENTITY = 'tenant_provisioning'

/** The last provisioning operation of a tenant's stack, as written back by src/provision. Never secrets. */
export interface ProvisioningRecord {
  tenantId: string
  target: Target
  stack: string
  lastOperation: Operation
  lastOperationAt: string
  outcome: OperationOutcome
  /** Why it failed (the engine's error or the policy violations), null when it succeeded. */
  reason: string | null
  /** Stack outputs: networks, quota, rule-set summary, cloud ids. */
  outputs: Record<string, unknown>
}

interface Row {
  tenant_id: string
  target: Target
  stack: string
  last_operation: Operation
  last_operation_at: string
  outcome: OperationOutcome
  reason: string | null
  outputs: string
}

const fromRow = (row: Row): ProvisioningRecord => ({
  tenantId: row.tenant_id,
  target: row.target,
  stack: row.stack,
  lastOperation: row.last_operation,
  lastOperationAt: row.last_operation_at,
  outcome: row.outcome,
  reason: row.reason,
  outputs: JSON.parse(row.outputs) as Record<string, unknown>,
})

/** The upsert's named parameters: the record with its outputs in JSON. */
type Params = Omit<ProvisioningRecord, 'outputs'> & {outputs: string}

export class ProvisioningRepository {
  private readonly byTenant: Statement<[string], Row>
  private readonly upsert: Statement<[Params]>
  private readonly changes: ChangeLog

  constructor(private readonly inventory: Inventory) {
    this.byTenant = inventory.db.prepare<[string], Row>('SELECT * FROM tenant_provisioning WHERE tenant_id = ?')
    this.upsert = inventory.db.prepare<Params>(
      `INSERT INTO tenant_provisioning (tenant_id, target, stack, last_operation, last_operation_at, outcome, reason, outputs)
       VALUES (@tenantId, @target, @stack, @lastOperation, @lastOperationAt, @outcome, @reason, @outputs)
       ON CONFLICT (tenant_id) DO UPDATE SET target = excluded.target, stack = excluded.stack, last_operation = excluded.last_operation,
         last_operation_at = excluded.last_operation_at, outcome = excluded.outcome, reason = excluded.reason, outputs = excluded.outputs`,
    )
    this.changes = new ChangeLog(inventory)
  }

  get(tenantId: string): ProvisioningRecord | undefined {
    const row = this.byTenant.get(tenantId)
    return row ? fromRow(row) : undefined
  }

  /** Record an operation's outcome (one transaction with its change-log entry). */
  record(record: ProvisioningRecord): ProvisioningRecord {
    return this.inventory.write(() => {
      const before = this.get(record.tenantId)
      this.upsert.run({...record, outputs: JSON.stringify(record.outputs)})
      this.changes.record(
        PROVISIONING_ENTITY,
        record.tenantId,
        before ? 'update' : 'create',
        before ?? null,
        record,
        record.lastOperationAt,
      )
      return record
    })
  }
}
