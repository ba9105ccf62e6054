/**
 * MLPS 2.0 (网络安全等级保护 2.0) grading levels and baseline controls, as data types.
 * The data itself lives in inventory/baselines; evaluation rules live next to these types.
 */
import * as msg from '../messages/grading'
import {levelNotHosted} from '../messages/tenants'
import {addDays, addMonths} from './calendar'
import {Clause, GBT_22239, parseClause} from './clauses'
import type {TenantFields} from './tenants'

export const MLPS_LEVELS = [1, 2, 3, 4, 5] as const
export type MlpsLevel = (typeof MLPS_LEVELS)[number]

/** Who makes a control hold: the tenant record (checked by `tenant check`), the Pulumi stack (policy pack), or the operator (documented, not machine-checked). */
/** Who enforces a baseline control: the inventory record, the Pulumi stack, or an operator's procedure. */
export const ENFORCERS = ['record', 'stack', 'operator'] as const
export type EnforcedBy = (typeof ENFORCERS)[number]

/** A control at one level: its parameters and where the requirement comes from at that level. */
export interface BaselineLevelSpec {
  /** The numbers the stack, the policy pack and the record checks read (e.g. {"minMonths": 6}). */
  parameters: Record<string, unknown>
  /** GB/T 22239-2019 clauses in the level's own chapter, "number heading letters": "7.1.4.1 身份鉴别 a), b)". */
  clauses?: string[]
  /** Other sources (laws, GB/T 39786-2021) and govnet design decisions, as text. */
  references?: string[]
}

export interface BaselineControlSpec {
  id: string
  title: string
  requirement: string
  enforcedBy: EnforcedBy
  /** Levels the control applies to. */
  levels: Partial<Record<`${MlpsLevel}`, BaselineLevelSpec>>
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
  /** Every source in one line: the GB/T 22239-2019 clauses, then the references. */
  source: string
  /** The GB/T 22239-2019 clauses of this level, with their headings. */
  clauses: Clause[]
  references: string[]
  enforcedBy: EnforcedBy
  parameters: Record<string, unknown>
}

/** "GB/T 22239-2019 7.1.3.2 访问控制 a), 7.2.3.1 访问控制 a); 网络安全法 …": the sources of one level in one line. */
export function sourceLine(clauses: readonly Clause[], references: readonly string[]): string {
  const cited = clauses.length > 0 ? [`${GBT_22239} ${clauses.map((c) => c.text).join(', ')}`] : []
  return [...cited, ...references].join('; ')
}

/**
 * Flatten a baseline document into one row per (level, control). A clause that is not of the
 * form "number heading letters" is refused with the control and level named.
 */
export function controlsByLevel(doc: BaselineDocument): BaselineControl[] {
  const rows: BaselineControl[] = []
  for (const spec of doc.controls) {
    for (const [levelKey, at] of Object.entries(spec.levels)) {
      const level = Number(levelKey) as MlpsLevel
      const clauses = (at.clauses ?? []).map((text) => {
        const clause = parseClause(text)
        if (!clause) throw msg.invalidClause(spec.id, level, text)
        return clause
      })
      const references = at.references ?? []
      rows.push({
        id: spec.id,
        level,
        title: spec.title,
        requirement: spec.requirement,
        source: sourceLine(clauses, references),
        clauses,
        references,
        enforcedBy: spec.enforcedBy,
        parameters: at.parameters,
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
export type TenantFacts = Pick<
  TenantFields,
  'mlpsLevel' | 'status' | 'filingNumber' | 'lastAssessedOn' | 'gradedOn' | 'liveOn'
>

type RecordCheck = (
  tenant: TenantFacts,
  parameters: Record<string, unknown>,
  today: string,
) => {status: 'pass' | 'fail' | 'not-applicable'; reason: string}

/** The statuses in which a system is live, so filing and periodic assessment are due. */
const LIVE: readonly TenantFacts['status'][] = ['active']

/**
 * When the filing window opens (公通字[2007]43号 art. 15): 30 days after going live for a new
 * system, 30 days after grading for one already running when graded, i.e. at the later of the two
 * dates the record has. Undefined when it has neither.
 */
export function filingWindowOpens(tenant: Pick<TenantFacts, 'gradedOn' | 'liveOn'>): string | undefined {
  const dates = [tenant.gradedOn, tenant.liveOn].filter((d): d is string => d !== null)
  return dates.length === 0 ? undefined : dates.sort().at(-1)
}

/**
 * Checks for the controls enforced by the record, keyed by control id. A control in the baseline
 * data with `enforcedBy: "record"` and no entry here fails loudly (a unit test keeps them in step).
 * Reasons come from the catalog (src/messages/grading.ts).
 */
export const RECORD_CHECKS: Readonly<Record<string, RecordCheck>> = {
  filing(tenant, parameters, today) {
    const withinDays = numberParameter(parameters, 'withinDays')
    if (tenant.filingNumber) return {status: 'pass', reason: msg.filed(tenant.filingNumber)}
    if (!LIVE.includes(tenant.status))
      return {status: 'not-applicable', reason: msg.filingNotLive(tenant.status, withinDays)}
    const opens = filingWindowOpens(tenant)
    if (opens === undefined) return {status: 'fail', reason: msg.filingNoStartDate(tenant.mlpsLevel, withinDays)}
    if (opens > today) return {status: 'fail', reason: msg.filingDateAfterToday(opens, today)}
    const due = addDays(opens, withinDays)
    return today > due
      ? {status: 'fail', reason: msg.filingOverdue(tenant.mlpsLevel, withinDays, opens, due)}
      : {status: 'pass', reason: msg.filingDue(opens, due)}
  },

  'assessment-interval'(tenant, parameters, today) {
    const everyMonths = numberParameter(parameters, 'everyMonths')
    const assessed = tenant.lastAssessedOn
    if (assessed && assessed > today) return {status: 'fail', reason: msg.assessedAfterToday(assessed, today)}
    if (!LIVE.includes(tenant.status))
      return {status: 'not-applicable', reason: msg.assessmentNotLive(tenant.status, everyMonths)}
    if (!assessed) return {status: 'fail', reason: msg.neverAssessed(tenant.mlpsLevel, everyMonths)}
    const due = addMonths(assessed, everyMonths)
    return today > due
      ? {status: 'fail', reason: msg.assessmentOverdue(assessed, due)}
      : {status: 'pass', reason: msg.assessmentDue(assessed, due)}
  },

  'shared-cloud-hosting'(tenant, parameters) {
    return parameters.hostable === false
      ? {status: 'fail', reason: levelNotHosted(tenant.mlpsLevel)}
      : {status: 'pass', reason: `level ${tenant.mlpsLevel} is hosted on the shared cloud`}
  },
}

/**
 * Evaluate a tenant record against the controls of its level (controls of other levels are
 * ignored, so callers may pass the whole baseline). Pure: `today` (YYYY-MM-DD) is the calendar
 * date deadlines are judged on. Results follow the order of `controls`.
 */
export function evaluateTenant(
  tenant: TenantFacts,
  controls: readonly BaselineControl[],
  today: string,
): ControlResult[] {
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
          ? {...base, ...check(tenant, control.parameters, today)}
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
