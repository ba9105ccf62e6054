import {BaselineControl, evaluateTenant, TenantFacts} from '../domain/mlps'
import {HOSTED_LEVELS} from '../domain/tenants'
import type {ControlFailureCount, OverdueAssessmentCount} from './snapshot'

/** The baseline control whose failure means a tenant's periodic grading assessment (等级测评) is overdue. */
export const ASSESSMENT_CONTROL_ID = 'assessment-interval'

export interface ComplianceCounts {
  controlFailures: ControlFailureCount[]
  overdueAssessments: OverdueAssessmentCount[]
}

/**
 * Evaluate every tenant against its level's baseline (as `tenant check` does) and count failures per
 * control and level. Every record-checked control of a hosted level gets a count, zero included, so
 * the series exist before the first failure.
 */
export function countComplianceFailures(
  tenants: Iterable<TenantFacts>,
  controls: readonly BaselineControl[],
  today: string,
): ComplianceCounts {
  const hosted = new Set<number>(HOSTED_LEVELS)
  // Only controls checked on the record can fail (stack and operator controls never do), so the
  // evaluation skips the others: a few results per tenant instead of one per control of its level.
  const checked = controls.filter((control) => control.enforcedBy === 'record' && hosted.has(control.level))
  const failures = new Map<string, ControlFailureCount>()
  const key = (control: string, level: number) => `${level}\u0000${control}`
  for (const control of checked)
    failures.set(key(control.id, control.level), {control: control.id, mlpsLevel: control.level, tenants: 0})
  const overdue = new Map<number, number>(HOSTED_LEVELS.map((level) => [level, 0]))
  for (const tenant of tenants) {
    for (const result of evaluateTenant(tenant, checked, today)) {
      if (result.status !== 'fail') continue
      const entry = failures.get(key(result.controlId, tenant.mlpsLevel))
      if (entry) entry.tenants++
      if (result.controlId === ASSESSMENT_CONTROL_ID)
        overdue.set(tenant.mlpsLevel, (overdue.get(tenant.mlpsLevel) ?? 0) + 1)
    }
  }
  return {
    controlFailures: [...failures.values()],
    overdueAssessments: [...overdue].map(([mlpsLevel, tenants]) => ({mlpsLevel, tenants})),
  }
}
