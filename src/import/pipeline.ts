import {checkColumns, FieldSpec, RawRecord} from '../domain/fields'
import {FieldProblem, GovnetError} from '../errors'
import {Inventory} from '../inventory/db'
import {inventoryMessages} from '../messages'
import type {ImportFile, ImportResult} from './file'

/**
 * The one import pipeline. A file is read as bytes, decoded and parsed (./file.ts); then, for every
 * entity alike: columns checked against the schema, every row validated (with --update, over the
 * stored record, so a column the file leaves out keeps its stored value), keys repeated in the file
 * refused, the entity's checks across rows and against the inventory run, and every problem
 * reported at once (exit 3). Keys that exist are a conflict (exit 5) unless --update. Then the plan
 * is written in one transaction, or, with --dry-run, only summarised. Validation and planning run
 * inside the write transaction, so what was checked is what is written.
 */

export interface ImportOptions {
  /** Existing keys are updated instead of refused; a column the file leaves out keeps its stored value. */
  update?: boolean
  /** Validate and plan; write nothing. */
  dryRun?: boolean
  /** A township's 12-digit village form (441900101000) is read as the township (441900101). */
  villageCodes?: boolean
  /** Reports rows checked and rows written, for a progress display. */
  progress?: ImportProgress
}

export interface ProgressMeter {
  tick(count: number): void
  stop(): void
}

/** Starts a meter for one phase of an import: rows checked, then rows written. */
export type ImportProgress = (phase: 'check' | 'write', total: number) => ProgressMeter

/** A valid row: its 1-based row number in the file and its parsed value. */
export interface Row<V> {
  row: number
  value: V
}

/** What the pipeline needs of an entity: its schema, how to read its stored records, parse, plan and write. */
export interface EntityImport<V, P, R> {
  schema: Readonly<Record<string, FieldSpec<unknown>>>
  /** The column that names a record: 'id', or 'code' for divisions. */
  key: string
  /** A rewrite of each raw row before it is read (e.g. --village-codes). */
  prepare?: (raw: RawRecord) => RawRecord
  /**
   * Which of `keys` exist in the inventory; with `records`, each with its stored record in input form
   * (column names), for --update to lay the file's columns over.
   */
  lookup(keys: readonly string[], records: boolean): Map<string, RawRecord | undefined>
  parse(raw: RawRecord, row: number): {value?: V; problems: FieldProblem[]}
  keyOf(value: V): string
  /** The problem of a row whose key an earlier row had. */
  duplicate(key: string, firstRow: number): string
  /** The conflict error for keys that exist, without --update; absent when a re-import always updates (divisions). */
  conflict?: (file: string, existing: ReadonlyArray<{row: number; id: string}>) => GovnetError
  /** Checks across rows and against the inventory, and what to write. */
  plan(
    rows: readonly Row<V>[],
    existing: ReadonlyMap<string, RawRecord | undefined>,
  ): {plan: P; problems: FieldProblem[]}
  /** Write the plan (inside the transaction). */
  apply(plan: P, meter: ProgressMeter): void
  summary(plan: P, dryRun: boolean): R
}

const PROGRESS_STEP = 1000

const silent: ProgressMeter = {tick: () => undefined, stop: () => undefined}

export function runImport<V, P, R>(
  inventory: Inventory,
  file: ImportFile,
  entity: EntityImport<V, P, R>,
  options: ImportOptions = {},
): R {
  const update = options.update ?? false
  const dryRun = options.dryRun ?? false
  // An empty JSON array has no keys to check; an empty CSV still has its header checked.
  if (file.rows.length > 0 || file.columns.length > 0) {
    const schema = update && entity.conflict ? keyOnlyRequired(entity.schema, entity.key) : entity.schema
    const columnProblems = checkColumns(file.columns, schema)
    if (columnProblems.length > 0) throw inventoryMessages.invalidImport(file.file, columnProblems)
  }
  const run = (): R => {
    const {plan, conflicts} = check(file, entity, update, options.progress)
    if (conflicts.length > 0) throw entity.conflict!(file.file, conflicts)
    if (dryRun) return entity.summary(plan, true)
    const meter = options.progress?.('write', file.rows.length) ?? silent
    try {
      entity.apply(plan, meter)
    } finally {
      meter.stop()
    }
    return entity.summary(plan, false)
  }
  return dryRun ? run() : inventory.write(run)
}

/** Every row validated and the plan made; throws the problems of all rows at once. */
function check<V, P, R>(
  file: ImportFile,
  entity: EntityImport<V, P, R>,
  update: boolean,
  progress: ImportProgress | undefined,
): {plan: P; conflicts: Array<{row: number; id: string}>} {
  const raws = entity.prepare ? file.rows.map(entity.prepare) : file.rows
  const keys = raws.map((raw) => keyText(raw[entity.key]))
  const existing = entity.lookup(
    keys.filter((key): key is string => key !== undefined),
    update,
  )
  const problems: FieldProblem[] = []
  const conflicts: Array<{row: number; id: string}> = []
  const valid: Row<V>[] = []
  const firstRowOf = new Map<string, number>()
  const meter = progress?.('check', raws.length) ?? silent
  try {
    for (let index = 0; index < raws.length; index++) {
      if (index > 0 && index % PROGRESS_STEP === 0) meter.tick(PROGRESS_STEP)
      const row = index + 1
      const key = keys[index]
      const stored = update && key !== undefined ? existing.get(key) : undefined
      const raw = raws[index]!
      const {value, problems: rowProblems} = entity.parse(stored ? {...stored, ...raw} : raw, row)
      for (const problem of rowProblems) problems.push(problem)
      if (key !== undefined) {
        const first = firstRowOf.get(key)
        if (first === undefined) firstRowOf.set(key, row)
        else if (value !== undefined) {
          problems.push({row, field: entity.key, message: entity.duplicate(key, first)})
          continue
        }
      }
      if (value === undefined) continue
      if (key !== undefined && existing.has(key) && !update && entity.conflict) conflicts.push({row, id: key})
      valid.push({row, value})
    }
    if (raws.length > 0) meter.tick(raws.length - Math.floor((raws.length - 1) / PROGRESS_STEP) * PROGRESS_STEP)
  } finally {
    meter.stop()
  }
  const {plan, problems: planProblems} = entity.plan(valid, existing)
  for (const problem of planProblems) problems.push(problem)
  if (problems.length > 0)
    throw inventoryMessages.invalidImport(
      file.file,
      problems.sort((a, b) => (a.row ?? 0) - (b.row ?? 0)),
    )
  return {plan, conflicts}
}

/** The key as the inventory stores it, or undefined when the row has none a lookup could match. */
function keyText(value: unknown): string | undefined {
  if (typeof value === 'string') return value.trim() === '' ? undefined : value.trim()
  return typeof value === 'number' ? String(value) : undefined
}

/** With --update, only the key column is required: a column the file leaves out keeps its stored value. */
function keyOnlyRequired(
  schema: Readonly<Record<string, FieldSpec<unknown>>>,
  key: string,
): Record<string, FieldSpec<unknown>> {
  return Object.fromEntries(Object.entries(schema).map(([name, spec]) => [name, {...spec, required: name === key}]))
}

/**
 * An entity's `lookup` for records read one at a time by key; each stored record found is kept in
 * `stored` for the plan.
 */
export function lookupEach<T>(
  get: (key: string) => T | undefined,
  toInput: (record: T) => RawRecord,
  stored: Map<string, T>,
): EntityImport<unknown, unknown, unknown>['lookup'] {
  return (keys, records) => {
    const found = new Map<string, RawRecord | undefined>()
    for (const key of keys) {
      const record = get(key)
      if (record === undefined) continue
      stored.set(key, record)
      found.set(key, records ? toInput(record) : undefined)
    }
    return found
  }
}

/** The result of a plan of creates, updates and unchanged rows. */
export function countedResult(
  file: string,
  plan: {creates: readonly unknown[]; updates: readonly unknown[]; unchanged: number},
  dryRun: boolean,
): ImportResult {
  return {file, dryRun, created: plan.creates.length, updated: plan.updates.length, unchanged: plan.unchanged}
}
