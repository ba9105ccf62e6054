import {Flags} from '@oclif/core'

import {RawRecord} from '../domain/fields'
import {BaselineControl, ControlResult, LevelSummary, MLPS_LEVELS} from '../domain/mlps'
import {PreflightFinding} from '../domain/preflight'
import {DEFAULT_TENANT_STATUS, EXPOSURES, Tenant, TENANT_STATUSES} from '../domain/tenants'
import {TenantCheckResult} from '../provision/check'
import type {TenantReadiness} from '../provision/check'
import type {OverdueTenant} from '../provision/overdue'
import type {TenantDetails} from '../provision/show'
import {renderFields, renderTable} from './table'

/**
 * The tenant fields as flags for `tenant add` and `tenant set`: the import column names in
 * kebab-case. The enumerated ones take the domain's lists as their options (help shows them;
 * another value is a usage error, exit 2; --level offers every MLPS level, so that level 5 gets the
 * schema's reason); the others are plain strings (but --classified), so that the tenant schema
 * (src/domain/tenants.ts) is the one place that validates them, with the same messages as an import.
 */
export const tenantFieldFlags = {
  name: Flags.string({description: 'name of the system, e.g. 电子证照共享平台'}),
  department: Flags.string({description: 'department that owns it, e.g. 省公安厅'}),
  uscc: Flags.string({
    description:
      "department's unified social credit code (18 characters, check character verified; lower case is accepted)",
  }),
  region: Flags.string({description: 'cloud region id, e.g. gd-gz-1'}),
  level: Flags.option({
    description: 'MLPS grading level (level 5 is not hosted on a shared cloud)',
    options: MLPS_LEVELS.map(String),
  })(),
  exposure: Flags.option({description: 'where the system is reached from', options: EXPOSURES})(),
  vcpu: Flags.string({description: 'requested vCPU quota'}),
  'ram-gib': Flags.string({description: 'requested RAM quota in GiB'}),
  'storage-gib': Flags.string({description: 'requested storage quota in GiB'}),
  cidr: Flags.string({description: 'IPv4 network block, aligned (e.g. 10.20.0.0/16); empty to clear'}),
  'filing-number': Flags.string({description: 'filing (备案) number from public security; empty to clear'}),
  'assessed-on': Flags.string({description: 'date of the last grading assessment, YYYY-MM-DD; empty to clear'}),
  'graded-on': Flags.string({
    description:
      'date the system was graded (定级), YYYY-MM-DD: opens the 30-day filing window of a system already running; empty to clear',
  }),
  'live-on': Flags.string({
    description:
      'date the system went live, YYYY-MM-DD: opens the 30-day filing window (set by `tenant up` when empty); empty to clear',
  }),
  status: Flags.option({
    description: `lifecycle status (a new tenant: ${DEFAULT_TENANT_STATUS})`,
    options: TENANT_STATUSES,
  })(),
  classified: Flags.boolean({
    description: 'the system is classified (涉密): always refused, classified systems belong on the 政务内网',
  }),
}

type TenantFieldFlagValues = {[K in keyof typeof tenantFieldFlags]?: K extends 'classified' ? boolean : string}

/** The flags that were given, as raw tenant fields (import column names); flags not given are left out. */
export function tenantFieldsFromFlags(flags: TenantFieldFlagValues): RawRecord {
  const raw: RawRecord = {}
  for (const flag of Object.keys(tenantFieldFlags) as (keyof typeof tenantFieldFlags)[]) {
    const value = flags[flag]
    if (value !== undefined) raw[flag.replaceAll('-', '_')] = value
  }
  return raw
}

export function renderTenantTable(tenants: readonly Tenant[]): string {
  return renderTable<Tenant>(
    [
      {header: 'ID', value: (t) => t.id},
      {header: 'NAME', value: (t) => t.name},
      {header: 'DEPARTMENT', value: (t) => t.departmentName},
      {header: 'REGION', value: (t) => t.region},
      {header: 'LEVEL', value: (t) => t.mlpsLevel, align: 'right'},
      {header: 'EXPOSURE', value: (t) => t.exposure},
      {header: 'STATUS', value: (t) => t.status},
      {header: 'CIDR', value: (t) => t.cidr},
    ],
    tenants,
  )
}

/** A tenant's fields; with `provisioning` (from `tenant show`), its last provisioning operation too. */
export function renderTenant(tenant: Tenant & Partial<Pick<TenantDetails, 'provisioning' | 'state'>>): string {
  const provisioning = tenant.provisioning ?? null
  return renderFields([
    ['id', tenant.id],
    ['name', tenant.name],
    ['department', tenant.departmentName],
    ['USCC', tenant.departmentUscc],
    ['region', tenant.region],
    ['MLPS level', tenant.mlpsLevel],
    ['exposure', tenant.exposure],
    ['vCPU', tenant.quotaVcpu],
    ['RAM (GiB)', tenant.quotaRamGib],
    ['storage (GiB)', tenant.quotaStorageGib],
    ['CIDR', tenant.cidr],
    ['filing number', tenant.filingNumber],
    ['last assessed', tenant.lastAssessedOn],
    ['graded', tenant.gradedOn],
    ['live since', tenant.liveOn],
    ['status', tenant.status],
    ['created', tenant.createdAt],
    ['updated', tenant.updatedAt],
    [
      'last operation',
      provisioning &&
        `${provisioning.lastOperation} (${provisioning.target}) ${provisioning.outcome} at ${provisioning.lastOperationAt}`,
    ],
    ['failure reason', provisioning?.reason],
    ['stack outputs', provisioning && JSON.stringify(provisioning.outputs)],
    ...(tenant.state
      ? [['state outputs', `${JSON.stringify(tenant.state.outputs)} (${tenant.state.backend})`] as [string, string]]
      : []),
  ])
}

export function renderCheck(check: TenantCheckResult): string {
  const table = renderTable<ControlResult>(
    [
      {header: 'CONTROL', value: (r) => r.controlId},
      {header: 'STATUS', value: (r) => r.status},
      {header: 'WHY', value: (r) => r.reason},
    ],
    check.results,
  )
  const verdict =
    check.failed.length === 0
      ? `tenant ${check.tenant} (level ${check.level}) passes every control govnet checks on ${check.today}`
      : `tenant ${check.tenant} (level ${check.level}) fails ${check.failed.length} control(s) on ${check.today}: ${check.failed.join(', ')}`
  return `${table}\n\n${verdict}`
}

export function renderLevelTable(levels: readonly LevelSummary[]): string {
  return renderTable<LevelSummary>(
    [
      {header: 'LEVEL', value: (l) => l.level, align: 'right'},
      {header: 'HOSTABLE', value: (l) => (l.hostable ? 'yes' : 'no')},
      {header: 'CONTROLS', value: (l) => l.controls, align: 'right'},
      {header: 'RECORD', value: (l) => l.byEnforcement.record, align: 'right'},
      {header: 'STACK', value: (l) => l.byEnforcement.stack, align: 'right'},
      {header: 'OPERATOR', value: (l) => l.byEnforcement.operator, align: 'right'},
    ],
    levels,
  )
}

/** The record check, then the pre-flight findings, then one verdict line. */
export function renderReadiness(check: TenantReadiness): string {
  const records = renderCheck(check)
  const preflight = renderTable<PreflightFinding>(
    [
      {header: `PRE-FLIGHT (${check.preflight.target})`, value: (f) => f.check},
      {header: 'STATUS', value: (f) => (f.ok ? 'pass' : 'fail')},
      {header: 'WHY', value: (f) => f.message},
    ],
    check.preflight.findings,
  )
  const preflightFailures = check.preflight.findings.filter((f) => !f.ok).map((f) => f.check)
  const verdict =
    preflightFailures.length === 0
      ? `pre-flight for the ${check.preflight.target} target passes`
      : `pre-flight for the ${check.preflight.target} target fails: ${preflightFailures.join(', ')}`
  return `${records}

${preflight}

${verdict}`
}

/** One block per control: a human reader wants the requirement and its source in full. */
export function renderControls(controls: readonly BaselineControl[]): string {
  return controls
    .map((c) =>
      renderFields([
        ['control', `${c.id} — ${c.title}`],
        ['requirement', c.requirement],
        ['GB/T 22239-2019', c.clauses.length > 0 ? c.clauses.map((clause) => clause.text).join('; ') : null],
        ['references', c.references.length > 0 ? c.references.join('; ') : null],
        ['enforced by', c.enforcedBy],
        ['parameters', Object.keys(c.parameters).length > 0 ? JSON.stringify(c.parameters) : null],
      ]),
    )
    .join('\n\n')
}

/** `tenant list --overdue`: the tenant table with each failing deadline and why, one line per tenant. */
export function renderOverdueTenantTable(tenants: readonly OverdueTenant[], today: string): string {
  if (tenants.length === 0) return `no tenant is overdue for filing or assessment on ${today}`
  return renderTable<OverdueTenant>(
    [
      {header: 'ID', value: (t) => t.id},
      {header: 'REGION', value: (t) => t.region},
      {header: 'LEVEL', value: (t) => t.mlpsLevel, align: 'right'},
      {header: 'STATUS', value: (t) => t.status},
      {header: 'OVERDUE', value: (t) => t.overdue.map((o) => `${o.controlId}: ${o.reason}`).join('; ')},
    ],
    tenants,
  )
}
