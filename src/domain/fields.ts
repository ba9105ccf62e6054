import {excerpt, FieldProblem, oneLine} from '../errors'
import {spreadsheetHabit} from './spreadsheet'

/**
 * A record schema: one parser per field. The same schema validates a `node add` from flags, a
 * `node set` merged over the stored record, and every row of an import, so each rule lives once.
 *
 * Raw values come from CSV (strings), JSON (any JSON value) or flags (strings). A parser gets a
 * value that is not empty (empty string, null and undefined mean "absent") and returns the typed
 * value or throws FieldError with a message that says what is wrong and what is allowed.
 */
export class FieldError extends Error {}

export interface FieldSpec<T> {
  /** Required fields must be present; optional ones become `undefined` (stored as NULL) or take `default`. */
  required: boolean
  parse: (value: unknown) => T
  default?: T
  /** The most characters the field's text may have (for a list given as text, the whole text). Default DEFAULT_MAX_LENGTH. */
  max?: number
  /** Set for a list field: the most items it may have; a JSON array is then accepted. */
  maxItems?: number
}

/** The longest text of a field whose schema names no `max`. */
export const DEFAULT_MAX_LENGTH = 200

export type RecordSchema<R> = {[K in keyof R]-?: FieldSpec<R[K]>}

export type RawRecord = Record<string, unknown>

export function isAbsent(value: unknown): boolean {
  return value === undefined || value === null || (typeof value === 'string' && value.trim() === '')
}

/** Validate one raw record against a schema. Problems name the field (and the row, when given). */
export function parseRecord<R>(
  schema: RecordSchema<R>,
  raw: RawRecord,
  row?: number,
): {record?: R; problems: FieldProblem[]} {
  const problems: FieldProblem[] = []
  const record: Partial<R> = {}
  for (const field of Object.keys(schema) as (keyof R & string)[]) {
    const spec = schema[field]
    const value = raw[field]
    if (isAbsent(value)) {
      if (spec.required) problems.push({row, field, message: 'is required'})
      else record[field] = spec.default
      continue
    }
    try {
      admit(spec, value)
      record[field] = spec.parse(typeof value === 'string' ? value.trim() : value)
    } catch (error) {
      if (!(error instanceof FieldError)) throw error
      problems.push({row, field, message: bounded(error.message)})
    }
  }
  // Every field was either parsed or reported: without problems, the record is complete.
  return problems.length > 0 ? {problems} : {record: record as R, problems}
}

/**
 * The shape and size of a raw value, before its parser sees it: text (or a JSON number or boolean)
 * within the field's length, or, for a list field, a JSON array of at most `maxItems` texts or
 * numbers. Anything else (objects, nested lists, overlong text) is a FieldError that quotes nothing
 * of the value, so a hostile value costs one short line and never reaches a parser.
 */
export function admit(spec: FieldSpec<unknown>, value: unknown): void {
  const max = spec.max ?? DEFAULT_MAX_LENGTH
  if (typeof value === 'string') {
    if (value.length > max) throw new FieldError(`is ${value.length} characters long; at most ${max} are allowed`)
    return
  }
  if (typeof value === 'number' || typeof value === 'boolean') return
  if (Array.isArray(value) && spec.maxItems !== undefined) {
    if (value.length > spec.maxItems)
      throw new FieldError(`has ${value.length} items; at most ${spec.maxItems} are allowed`)
    for (const item of value as unknown[]) {
      if (typeof item === 'string' && item.length > max)
        throw new FieldError(`has an item ${item.length} characters long; at most ${max} are allowed`)
      if (typeof item !== 'string' && typeof item !== 'number')
        throw new FieldError(`every item must be text, got ${describe(item)}`)
    }
    return
  }
  throw new FieldError(`must be ${spec.maxItems === undefined ? 'text' : 'text or a list'}, got ${describe(value)}`)
}

/** The longest problem message: a parser that quotes a long part of a value is cut here. */
export const MAX_PROBLEM_LENGTH = 400

/** A parser's message on one line (a value it quotes may hold a line break) and at most MAX_PROBLEM_LENGTH long. */
function bounded(message: string): string {
  const line = oneLine(message)
  return line.length <= MAX_PROBLEM_LENGTH ? line : `${line.slice(0, MAX_PROBLEM_LENGTH)}…`
}

/** A raw value as a message quotes it: text shortened by `excerpt`, numbers as written, anything else by its kind. */
export function shown(value: unknown): string {
  if (typeof value === 'string') return excerpt(value)
  if (typeof value === 'number' || typeof value === 'boolean') return String(value)
  return describe(value)
}

/** Columns of an import file checked against a schema: unknown and missing required columns are errors. */
export function checkColumns(
  columns: readonly string[],
  schema: Readonly<Record<string, FieldSpec<unknown>>>,
  extra: readonly string[] = [],
): FieldProblem[] {
  const known = new Set([...Object.keys(schema), ...extra])
  const problems: FieldProblem[] = []
  const seen = new Set<string>()
  for (const column of columns) {
    if (!known.has(column))
      problems.push({field: excerpt(column), message: `unknown column; expected columns: ${[...known].join(', ')}`})
    if (seen.has(column)) problems.push({field: excerpt(column), message: 'column appears twice'})
    seen.add(column)
  }
  for (const [field, spec] of Object.entries(schema)) {
    if (spec.required && !seen.has(field)) problems.push({field, message: 'required column is missing'})
  }
  return problems
}

// ---- Parsers shared by the record schemas ----

export function text(options: {max?: number} = {}): (value: unknown) => string {
  const max = options.max ?? 200
  return (value) => {
    if (typeof value !== 'string' && typeof value !== 'number')
      throw new FieldError(`must be text, got ${describe(value)}`)
    const s = String(value).trim()
    if (s.length > max) throw new FieldError(`is ${s.length} characters long; at most ${max} are allowed`)
    if (/[\u0000-\u001f\u007f]/.test(s)) throw new FieldError('contains control characters')
    return s
  }
}

export function oneOf<T extends string>(allowed: readonly T[]): (value: unknown) => T {
  return (value) => {
    const s = typeof value === 'string' ? value.trim() : value
    if (typeof s === 'string' && (allowed as readonly string[]).includes(s)) return s as T
    throw new FieldError(`"${shown(value)}" is not one of ${allowed.join(', ')}`)
  }
}

export function integer(options: {min?: number; max?: number} = {}): (value: unknown) => number {
  const {min = Number.MIN_SAFE_INTEGER, max = Number.MAX_SAFE_INTEGER} = options
  return (value) => {
    const n =
      typeof value === 'number'
        ? value
        : typeof value === 'string' && /^[+-]?\d+$/.test(value.trim())
          ? Number(value)
          : Number.NaN
    if (!Number.isSafeInteger(n)) {
      const habit = typeof value === 'string' ? spreadsheetHabit(value.trim()) : undefined
      throw new FieldError(habit ?? `"${shown(value)}" is not a whole number`)
    }
    if (n < min || n > max) throw new FieldError(`${n} is out of range ${min}..${max}`)
    return n
  }
}

const SLUG = /^[a-z0-9][a-z0-9._-]{0,62}$/

/** Stable ids: lower-case letters, digits, '.', '_' and '-', starting with a letter or digit, at most 63 characters. */
export function slug(value: unknown): string {
  const s = typeof value === 'string' ? value.trim() : ''
  if (!SLUG.test(s))
    throw new FieldError(
      (s.startsWith("'") ? spreadsheetHabit(s) : undefined) ??
        `"${shown(value)}" is not a valid id: use lower-case letters, digits, '.', '_' and '-', at most 63 characters, starting with a letter or digit`,
    )
  return s
}

/** ISO calendar date YYYY-MM-DD that exists. */
export function isoDate(value: unknown): string {
  const s = typeof value === 'string' ? value.trim() : ''
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s)
  const d = m ? new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]))) : undefined
  if (!m || !d || d.toISOString().slice(0, 10) !== s)
    throw new FieldError(`"${shown(value)}" is not a date in the form YYYY-MM-DD`)
  return s
}

export function boolean(value: unknown): boolean {
  if (typeof value === 'boolean') return value
  const s = typeof value === 'string' || typeof value === 'number' ? String(value).trim().toLowerCase() : ''
  if (['true', 'yes', '1', 'y'].includes(s)) return true
  if (['false', 'no', '0', 'n'].includes(s)) return false
  throw new FieldError(`"${shown(value)}" is not true or false`)
}

export function describe(value: unknown): string {
  if (Array.isArray(value)) return 'a list'
  if (value === null) return 'null'
  return typeof value === 'object' ? 'an object' : typeof value
}
