/**
 * MLPS 2.0 (网络安全等级保护 2.0) grading levels and baseline controls, as data types.
 * The data itself lives in inventory/baselines; evaluation rules live next to these types.
 */
import {levelNotHosted} from '../messages/tenants'
import type {TenantFields} from './tenants'

export const MLPS_LEVELS = [1, 2, 3, 4, 5] as const
export type MlpsLevel = (typeof MLPS_LEVELS)[number]

/** Who makes a control hold: the tenant record (checked by `tenant check`), the Pulumi stack (policy pack), or the operator (documented, not machine-checked). */
/** Who enforces a baseline control: the inventory record, the Pulumi stack, or an operator's procedure. */
export const ENFORCERS = ['record', 'stack', 'operator'] as const
export type EnforcedBy = (typeof ENFORCERS)[number]

export interface BaselineControlSpec {
  id: string
  title: string
  requirement: string
  /** The clause it comes from, e.g. "GB/T 22239-2019 8.1.4.3 d)". */
  source: string
  enforcedBy: EnforcedBy
  /** Levels the control applies to, each with its parameters (e.g. {"minDays": 180}). */
  levels: Partial<Record<`${MlpsLevel}`, Record<string, unknown>>>
}

export interface BaselineDocument {
  standard: string
  controls: BaselineControlSpec[]
}

/** One control as it applies at one level. */
export interface BaselineControl {
  id: string
  level: MlpsLevel
  title: string
  requirement: string
  source: string
  enforcedBy: EnforcedBy
  parameters: Record<string, unknown>
}

/** Flatten a baseline document into one row per (level, control). */
export function controlsByLevel(doc: BaselineDocument): BaselineControl[] {
  const rows: BaselineControl[] = []
  for (const spec of doc.controls) {
    for (const [levelKey, parameters] of Object.entries(spec.levels)) {
      rows.push({
        id: spec.id,
        level: Number(levelKey) as MlpsLevel,
        title: spec.title,
        requirement: spec.requirement,
        source: spec.source,
        enforcedBy: spec.enforcedBy,
        parameters: parameters ?? {},
      })
    }
  }
  return rows.sort((a, b) => a.level - b.level || a.id.localeCompare(b.id))
}

/** Whether a shared government cloud hosts systems of `level`: not when a control at that level says `hostable: false`. */
export function isHostable(level: MlpsLevel, controls: readonly BaselineControl[]): boolean {
  return !controls.some((c) => c.level === level && c.parameters.hostable === false)
}

/** One level's baseline, for `grading show`. */
export interface LevelBaseline {
  level: MlpsLevel
  hostable: boolean
  controls: BaselineControl[]
}

export function levelBaseline(level: MlpsLevel, controls: readonly BaselineControl[]): LevelBaseline {
  const atLevel = controls.filter((c) => c.level === level)
  return {level, hostable: isHostable(level, atLevel), controls: atLevel}
}

export interface LevelSummary {
  level: MlpsLevel
  hostable: boolean
  /** Number of controls at this level, in total and by who enforces them. */
  controls: number
  byEnforcement: Record<EnforcedBy, number>
}

/** One line per MLPS level, for `grading list`. Levels without controls still appear. */
export function summarizeLevels(controls: readonly BaselineControl[]): LevelSummary[] {
  return MLPS_LEVELS.map((level) => {
    const {hostable, controls: atLevel} = levelBaseline(level, controls)
    const byEnforcement: Record<EnforcedBy, number> = {record: 0, stack: 0, operator: 0}
    for (const c of atLevel) byEnforcement[c.enforcedBy]++
    return {level, hostable, controls: atLevel.length, byEnforcement}
  })
}

// ---- Evaluation of a tenant record against its level's controls (`tenant check`) ----

export type ControlStatus = 'pass' | 'fail' | 'not-applicable' | 'enforced-by-stack' | 'operator'

export interface ControlResult {
  controlId: string
  title: string
  status: ControlStatus
  /** Why, in one line: what was found, and what was due or expected. */
  reason: string
}

/** What the record checks read from a tenant; a Tenant has all of it. */
export type TenantFacts = Pick<TenantFields, 'mlpsLevel' | 'status' | 'filingNumber' | 'lastAssessedOn'>

type RecordCheck = (
  tenant: TenantFacts,
  parameters: Record<string, unknown>,
  today: string,
) => {status: 'pass' | 'fail' | 'not-applicable'; reason: string}

/** The statuses in which a system is live, so filing and periodic assessment are due. */
const LIVE: readonly TenantFacts['status'][] = ['active']

/**
 * Checks for the controls enforced by the record, keyed by control id. A control in the baseline
 * data with `enforcedBy: "record"` and no entry here fails loudly (a unit test keeps them in step).
 */
export const RECORD_CHECKS: Readonly<Record<string, RecordCheck>> = {
  filing(tenant, parameters) {
    const withinDays = numberParameter(parameters, 'withinDays')
    if (tenant.filingNumber) return {status: 'pass', reason: `filed as ${tenant.filingNumber}`}
    if (!LIVE.includes(tenant.status)) {
      return {
        status: 'not-applicable',
        reason: `not live yet (${tenant.status}): file within ${withinDays} days of going live`,
      }
    }
    return {
      status: 'fail',
      reason: `no filing number: a level-${tenant.mlpsLevel} system is filed with public security within ${withinDays} days of going live`,
    }
  },

  'assessment-interval'(tenant, parameters, today) {
    const maxIntervalDays = numberParameter(parameters, 'maxIntervalDays')
    const assessed = tenant.lastAssessedOn
    if (assessed && assessed > today) {
      return {status: 'fail', reason: `last assessment ${assessed} is after today (${today}): correct the date`}
    }
    if (!LIVE.includes(tenant.status)) {
      return {
        status: 'not-applicable',
        reason: `not live (${tenant.status}): assessment at least every ${maxIntervalDays} days once active`,
      }
    }
    if (!assessed) {
      return {
        status: 'fail',
        reason: `no assessment on record: a level-${tenant.mlpsLevel} system is assessed at least every ${maxIntervalDays} days`,
      }
    }
    const due = addDays(assessed, maxIntervalDays)
    return today > due
      ? {status: 'fail', reason: `assessment overdue: last assessed ${assessed}, due by ${due}`}
      : {status: 'pass', reason: `last assessed ${assessed}, next due by ${due}`}
  },

  'shared-cloud-hosting'(tenant, parameters) {
    return parameters.hostable === false
      ? {status: 'fail', reason: levelNotHosted(tenant.mlpsLevel)}
      : {status: 'pass', reason: `level ${tenant.mlpsLevel} is hosted on the shared cloud`}
  },
}

/**
 * Evaluate a tenant record against the controls of its level (controls of other levels are
 * ignored, so callers may pass the whole baseline). Pure: `today` is passed in, and only its UTC
 * calendar date counts. Results follow the order of `controls`.
 */
export function evaluateTenant(
  tenant: TenantFacts,
  controls: readonly BaselineControl[],
  today: Date,
): ControlResult[] {
  const day = today.toISOString().slice(0, 10)
  const results: ControlResult[] = []
  for (const control of controls) {
    if (control.level !== tenant.mlpsLevel) continue
    const base = {controlId: control.id, title: control.title}
    if (control.enforcedBy === 'stack') {
      results.push({...base, status: 'enforced-by-stack', reason: stackReason(control)})
    } else if (control.enforcedBy === 'operator') {
      results.push({...base, status: 'operator', reason: 'the operator ensures this; govnet does not check it'})
    } else {
      const check = RECORD_CHECKS[control.id]
      results.push(
        check
          ? {...base, ...check(tenant, control.parameters, day)}
          : {...base, status: 'fail', reason: `govnet has no record check for control ${control.id}`},
      )
    }
  }
  return results
}

const stackReasons = new WeakMap<BaselineControl, string>()

/** The same for every tenant, so made once per control (metrics evaluate every tenant on each scrape). */
function stackReason(control: BaselineControl): string {
  let reason = stackReasons.get(control)
  if (reason === undefined) {
    const settings = Object.keys(control.parameters).length > 0 ? ` (${JSON.stringify(control.parameters)})` : ''
    reason = `enforced by the provisioning stack and its policy pack${settings}`
    stackReasons.set(control, reason)
  }
  return reason
}

export function failedControls(results: readonly ControlResult[]): ControlResult[] {
  return results.filter((r) => r.status === 'fail')
}

/** `date` (YYYY-MM-DD) plus `days` calendar days. */
export function addDays(date: string, days: number): string {
  const t = Date.parse(`${date}T00:00:00Z`) + days * 86_400_000
  return new Date(t).toISOString().slice(0, 10)
}

function numberParameter(parameters: Record<string, unknown>, name: string): number {
  const value = parameters[name]
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new TypeError(`baseline parameter ${name} must be a number, got ${JSON.stringify(value)}`)
  }
  return value
}

/** An MLPS level from text ("3"), or undefined when it is not one of 1–5. */
export function parseMlpsLevel(value: string): MlpsLevel | undefined {
  const level = Number(value.trim())
  return /^\s*\d\s*$/.test(value) && (MLPS_LEVELS as readonly number[]).includes(level)
    ? (level as MlpsLevel)
    : undefined
}
