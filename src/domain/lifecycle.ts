/**
 * The end of a record's life, shared by extranet nodes and cloud tenants: both have a
 * `decommissioned` status, and both keep their row (and its history) once they reach it.
 * A decommissioned node is not audited and covers nothing; a decommissioned tenant holds no
 * network block, no quota and no MLPS obligations. The SQL form of this rule is built from these
 * names in src/inventory/sql-rules.ts.
 */
export const DECOMMISSIONED = 'decommissioned' as const

/** True for a node or tenant status that means the record is decommissioned. */
export function isDecommissioned(status: string): boolean {
  return status === DECOMMISSIONED
}
