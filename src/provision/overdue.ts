import {judgementDay} from '../domain/calendar'
import {evaluateTenant} from '../domain/mlps'
import type {Tenant} from '../domain/tenants'
import {BaselineRepository} from '../inventory/baselines'
import type {Inventory} from '../inventory/db'
import {TenantFilter, TenantRepository} from '../inventory/tenants'

/**
 * The baseline controls that are deadlines: filing (备案) within 30 days of going live or grading, and
 * the periodic assessment (等级测评: 12 months at level 3, 6 at level 4). Their record checks in
 * src/domain/mlps.ts, with src/domain/calendar.ts, decide what is overdue.
 */
export const DEADLINE_CONTROLS: readonly string[] = ['filing', 'assessment-interval']

export interface OverdueControl {
  controlId: string
  reason: string
}

/** A tenant of `tenant list --overdue`: the record and each deadline control it fails, with why. */
export interface OverdueTenant extends Tenant {
  overdue: OverdueControl[]
}

/**
 * `govnet tenant list --overdue`: the tenants matching `filter` that fail a deadline control on
 * `today` (YYYY-MM-DD, default the local date), as `tenant check` and the metric
 * govnet_tenants_assessment_overdue judge them. Ordered by id.
 */
export function listOverdueTenants(
  inventory: Inventory,
  filter: TenantFilter,
  options: {today?: string} = {},
): {today: string; tenants: OverdueTenant[]} {
  const today = judgementDay(options.today)
  const deadlines = new BaselineRepository(inventory)
    .controls()
    .filter((control) => DEADLINE_CONTROLS.includes(control.id))
  const tenants: OverdueTenant[] = []
  for (const tenant of new TenantRepository(inventory).list(filter)) {
    const overdue = evaluateTenant(tenant, deadlines, today)
      .filter((result) => result.status === 'fail')
      .map(({controlId, reason}) => ({controlId, reason}))
    if (overdue.length > 0) tenants.push({...tenant, overdue})
  }
  return {today, tenants}
}
