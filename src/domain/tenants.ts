import {FieldProblem} from '../errors'
import * as msg from '../messages/tenants'
import {BlockSet, CidrError, formatCidr, parseCidr} from './cidr'
import {boolean, FieldError, integer, isoDate, oneOf, parseRecord, RawRecord, RecordSchema, slug, text} from './fields'
import {DECOMMISSIONED, isDecommissioned} from './lifecycle'
import {normalizeUscc, usccProblem} from './uscc'

/**
 * Government cloud tenants (政务云租户): one department's system, graded under MLPS 2.0, hosted in
 * one cloud region. The rules that need no inventory live here; `tenant check` (src/domain/mlps.ts)
 * evaluates a stored record against its level's baseline.
 */
export const EXPOSURES = ['extranet', 'internet', 'both'] as const
export type Exposure = (typeof EXPOSURES)[number]

export const TENANT_STATUSES = ['requested', 'provisioning', 'active', 'failed', DECOMMISSIONED] as const
export type TenantStatus = (typeof TENANT_STATUSES)[number]
/** A new tenant's status when none is given. */
export const DEFAULT_TENANT_STATUS: TenantStatus = 'requested'

/** MLPS levels a shared government cloud hosts. Level 5 is refused, and so is anything classified (涉密). */
export const HOSTED_LEVELS = [1, 2, 3, 4] as const
export type HostedLevel = (typeof HOSTED_LEVELS)[number]

/** Statuses in which a tenant has no resources left, so its record may be removed. */
export const REMOVABLE_STATUSES: readonly TenantStatus[] = ['requested', DECOMMISSIONED]

/** A tenant as written: everything but the timestamps the inventory keeps. */
export interface TenantFields {
  id: string
  name: string
  departmentName: string
  /** Unified social credit code of the department, canonical upper case. */
  departmentUscc: string
  region: string
  mlpsLevel: HostedLevel
  exposure: Exposure
  quotaVcpu: number
  quotaRamGib: number
  quotaStorageGib: number
  /** IPv4 network block, aligned (e.g. 10.20.0.0/16), or null when the region assigns one. */
  cidr: string | null
  /** Filing (备案) number issued by public security, required from level 2 once the tenant is live. */
  filingNumber: string | null
  /** Date (YYYY-MM-DD) of the last grading assessment (等级测评). */
  lastAssessedOn: string | null
  /** Date (YYYY-MM-DD) the system was graded (定级): opens the filing window of a system already running. */
  gradedOn: string | null
  /** Date (YYYY-MM-DD) the system went live (投入运行): opens the filing window of a new system; set by `tenant up`. */
  liveOn: string | null
  status: TenantStatus
}

export interface Tenant extends TenantFields {
  createdAt: string
  updatedAt: string
}

/**
 * A tenant as it appears in an import file (these are the column names) and as CLI flags (the
 * same names in kebab-case). `classified` is accepted only so that a classified system is
 * refused with the reason, rather than as an unknown column.
 */
export interface TenantInput {
  id: string
  name: string
  department: string
  uscc: string
  region: string
  level: HostedLevel
  exposure: Exposure
  vcpu: number
  ram_gib: number
  storage_gib: number
  cidr: string | undefined
  filing_number: string | undefined
  assessed_on: string | undefined
  graded_on: string | undefined
  live_on: string | undefined
  status: TenantStatus
  classified: false
}

function uscc(value: unknown): string {
  const code = normalizeUscc(text({max: 40})(value))
  const problem = usccProblem(code)
  if (problem) throw new FieldError(problem)
  return code
}

function hostedLevel(value: unknown): HostedLevel {
  const level = integer({min: 1, max: 5})(value)
  if (!(HOSTED_LEVELS as readonly number[]).includes(level)) throw new FieldError(msg.levelNotHosted(level))
  return level as HostedLevel
}

function cidr(value: unknown): string {
  try {
    return formatCidr(parseCidr(text()(value)))
  } catch (error) {
    if (error instanceof CidrError) throw new FieldError(error.message)
    throw error
  }
}

const FILING_NUMBER = /^[0-9A-Za-z][0-9A-Za-z-]{4,39}$/

function filingNumber(value: unknown): string {
  const s = text({max: 40})(value)
  if (!FILING_NUMBER.test(s)) throw new FieldError(msg.invalidFilingNumber(s))
  return s
}

function notClassified(value: unknown): false {
  if (boolean(value)) throw new FieldError(msg.classifiedRefused())
  return false
}

/** Generous upper bounds that catch unit mistakes (MiB for GiB) without limiting real tenants. */
const QUOTA_LIMITS = {vcpu: 100_000, ramGib: 1_048_576, storageGib: 104_857_600} as const

/** Field limits (characters): the README's table of limits. */
export const TENANT_SCHEMA: RecordSchema<TenantInput> = {
  id: {required: true, parse: slug, max: 63},
  name: {required: true, parse: text({max: 100}), max: 100},
  department: {required: true, parse: text({max: 100}), max: 100},
  uscc: {required: true, parse: uscc, max: 40},
  region: {required: true, parse: slug, max: 63},
  level: {required: true, parse: hostedLevel, max: 32},
  exposure: {required: true, parse: oneOf(EXPOSURES), max: 32},
  vcpu: {required: true, parse: integer({min: 1, max: QUOTA_LIMITS.vcpu}), max: 32},
  ram_gib: {required: true, parse: integer({min: 1, max: QUOTA_LIMITS.ramGib}), max: 32},
  storage_gib: {required: true, parse: integer({min: 1, max: QUOTA_LIMITS.storageGib}), max: 32},
  cidr: {required: false, parse: cidr, max: 32},
  filing_number: {required: false, parse: filingNumber, max: 40},
  assessed_on: {required: false, parse: isoDate, max: 32},
  graded_on: {required: false, parse: isoDate, max: 32},
  live_on: {required: false, parse: isoDate, max: 32},
  status: {required: false, parse: oneOf(TENANT_STATUSES), default: DEFAULT_TENANT_STATUS, max: 32},
  classified: {required: false, parse: notClassified, default: false, max: 32},
}

/** Import columns and CLI field names, in file order. */
export const TENANT_COLUMNS = Object.keys(TENANT_SCHEMA) as (keyof TenantInput)[]

function fromInput(input: TenantInput): TenantFields {
  return {
    id: input.id,
    name: input.name,
    departmentName: input.department,
    departmentUscc: input.uscc,
    region: input.region,
    mlpsLevel: input.level,
    exposure: input.exposure,
    quotaVcpu: input.vcpu,
    quotaRamGib: input.ram_gib,
    quotaStorageGib: input.storage_gib,
    cidr: input.cidr ?? null,
    filingNumber: input.filing_number ?? null,
    lastAssessedOn: input.assessed_on ?? null,
    gradedOn: input.graded_on ?? null,
    liveOn: input.live_on ?? null,
    status: input.status,
  }
}

/** The record in its input form (column names), e.g. to merge `tenant set` flags over it or to export it. */
export function toInput(tenant: TenantFields): RawRecord {
  return {
    id: tenant.id,
    name: tenant.name,
    department: tenant.departmentName,
    uscc: tenant.departmentUscc,
    region: tenant.region,
    level: tenant.mlpsLevel,
    exposure: tenant.exposure,
    vcpu: tenant.quotaVcpu,
    ram_gib: tenant.quotaRamGib,
    storage_gib: tenant.quotaStorageGib,
    cidr: tenant.cidr,
    filing_number: tenant.filingNumber,
    assessed_on: tenant.lastAssessedOn,
    graded_on: tenant.gradedOn,
    live_on: tenant.liveOn,
    status: tenant.status,
  }
}

/** The ids of the regions the inventory defines: a tenant is placed in one of them. */
export type KnownRegions = ReadonlySet<string>

/**
 * Validate one tenant (a CLI record or an import row) against its schema and the inventory's
 * regions: `tenant add`, `tenant set` and `tenant import` all validate here. Problems name the
 * field, and the row when given.
 */
export function parseTenant(
  raw: RawRecord,
  regions: KnownRegions,
  row?: number,
): {tenant?: TenantFields; problems: FieldProblem[]} {
  const {record, problems} = parseRecord(TENANT_SCHEMA, raw, row)
  const region = problems.some((p) => p.field === 'region') ? undefined : regionProblem(raw, regions, row)
  if (region) return {problems: [...problems, region]}
  return record ? {tenant: fromInput(record), problems} : {problems}
}

/**
 * A tenant is placed in a region the inventory defines, so that a typo is refused when it is made
 * and not at `tenant check` or `up`. A decommissioned tenant holds nothing in its region, which
 * may have been removed since.
 */
function regionProblem(raw: RawRecord, regions: KnownRegions, row?: number): FieldProblem | undefined {
  const text = (value: unknown) => (typeof value === 'string' ? value.trim() : '')
  const region = text(raw.region)
  if (region === '' || regions.has(region) || isDecommissioned(text(raw.status))) return undefined
  return {row, field: 'region', message: msg.unknownRegion(region)}
}

/**
 * Apply changes (input field names; an empty string clears an optional field) to a stored tenant
 * and validate the result as a whole. The id is not a changeable field.
 */
export function mergeTenant(
  current: TenantFields,
  changes: RawRecord,
  regions: KnownRegions,
): {tenant?: TenantFields; problems: FieldProblem[]} {
  return parseTenant({...toInput(current), ...changes, id: current.id}, regions)
}

const FIELDS: readonly (keyof TenantFields)[] = [
  'id',
  'name',
  'departmentName',
  'departmentUscc',
  'region',
  'mlpsLevel',
  'exposure',
  'quotaVcpu',
  'quotaRamGib',
  'quotaStorageGib',
  'cidr',
  'filingNumber',
  'lastAssessedOn',
  'gradedOn',
  'liveOn',
  'status',
]

/** The fields whose values differ between two records (timestamps aside), in field order. */
export function changedFields(before: TenantFields, after: TenantFields): (keyof TenantFields)[] {
  return FIELDS.filter((field) => before[field] !== after[field])
}

/** Whether two records hold the same values: an unchanged re-import writes and logs nothing. */
export function sameTenant(a: TenantFields, b: TenantFields): boolean {
  return changedFields(a, b).length === 0
}

/** The writable fields of a tenant, without its timestamps (what the change log records). */
export function tenantFields(tenant: TenantFields): TenantFields {
  const fields: Partial<Record<keyof TenantFields, unknown>> = {}
  for (const field of FIELDS) fields[field] = tenant[field]
  return fields as TenantFields
}

/** What a tenant's network block claims: in its region, until it is decommissioned. */
export type NetworkClaim = Pick<TenantFields, 'id' | 'region' | 'cidr' | 'status'>

/**
 * The network blocks tenants hold, per region, for finding overlaps without a scan. Decommissioned
 * tenants and tenants without a block claim nothing. Callers leave out the tenant being checked.
 */
export class NetworkClaims {
  private readonly byRegion = new Map<string, BlockSet<NetworkClaim>>()

  constructor(claims: Iterable<NetworkClaim> = []) {
    for (const claim of claims) this.add(claim)
  }

  add(claim: NetworkClaim): void {
    if (!claim.cidr || isDecommissioned(claim.status)) return
    let blocks = this.byRegion.get(claim.region)
    if (!blocks) this.byRegion.set(claim.region, (blocks = new BlockSet()))
    blocks.add(parseCidr(claim.cidr), claim)
  }

  /** The claim in the tenant's region whose block overlaps the tenant's, or undefined. */
  overlapping(tenant: NetworkClaim): NetworkClaim | undefined {
    if (!tenant.cidr || isDecommissioned(tenant.status)) return undefined
    return this.byRegion.get(tenant.region)?.overlapping(parseCidr(tenant.cidr))
  }

  /** The overlap as a field problem of `cidr`, or undefined. */
  problem(tenant: NetworkClaim, row?: number): FieldProblem | undefined {
    const other = this.overlapping(tenant)
    return other && {row, field: 'cidr', message: msg.cidrOverlaps(tenant.cidr!, other.id, other.cidr!, other.region)}
  }
}
