import {isWithin} from './divisions'
import {usccDivisionCode} from './uscc'
import {isDecommissioned} from './lifecycle'
import {HostedLevel, Tenant, TenantStatus} from './tenants'

/**
 * Which tenants a batch (`tenant up | preview | destroy --all | --under | --level | --status | --region`)
 * works on. Filters combine: a tenant is selected when it matches all of them. Without --status,
 * decommissioned tenants are left out (their stacks are gone); `--status decommissioned` names them.
 */
export interface TenantSelection {
  all?: boolean
  /** A division code (2, 4 or 6 digits): the department's USCC division (characters 3–8) is it or lies below it. */
  under?: string
  level?: HostedLevel
  statuses?: TenantStatus[]
  region?: string
}

/** A selection that names anything at all (else the command needs a tenant id). */
export function isSelection(selection: TenantSelection): boolean {
  return (
    selection.all === true ||
    selection.under !== undefined ||
    selection.level !== undefined ||
    (selection.statuses?.length ?? 0) > 0 ||
    selection.region !== undefined
  )
}

/** --under takes codes a USCC division can lie below: province, prefecture or county. */
export const isUnderCode = (code: string) => /^(\d{2}|\d{4}|\d{6})$/.test(code)

/** A department registered nationally (no division) is under no division. */
const isUnder = (division: string | undefined, under: string) => division !== undefined && isWithin(division, under)

export function selects(selection: TenantSelection, tenant: Tenant): boolean {
  if (selection.under !== undefined && !isUnder(usccDivisionCode(tenant.departmentUscc), selection.under)) return false
  if (selection.level !== undefined && tenant.mlpsLevel !== selection.level) return false
  if (selection.region !== undefined && tenant.region !== selection.region) return false
  const statuses = selection.statuses ?? []
  return statuses.length > 0 ? statuses.includes(tenant.status) : !isDecommissioned(tenant.status)
}

/** How one tenant of a batch ended. */
export const BATCH_OUTCOMES = [
  'created',
  'updated',
  'unchanged',
  'destroyed',
  'failed',
  'cancelled',
  'not-started',
] as const
export type BatchOutcome = (typeof BATCH_OUTCOMES)[number]

/**
 * What an operation's resource changes amount to. preview reports what up would do, with the same words.
 * A stack whose resources were all created is `created`; any create, update, replace or delete
 * otherwise is `updated` (for destroy, any delete is `destroyed`); only `same` is `unchanged`.
 */
export function outcomeOf(operation: string, changes: Record<string, number>): BatchOutcome {
  const changed = Object.entries(changes).filter(([kind, n]) => kind !== 'same' && n > 0)
  if (changed.length === 0) return 'unchanged'
  if (operation === 'destroy') return 'destroyed'
  return (changes.create ?? 0) > 0 && !((changes.same ?? 0) > 0) && changed.length === 1 ? 'created' : 'updated'
}
