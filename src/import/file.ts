import {parse as parseCsv} from 'csv-parse/sync'
import {readFileSync} from 'node:fs'
import path from 'node:path'

import {restoreCell} from '../domain/csv-cells'
import {RawRecord} from '../domain/fields'
import {inventoryMessages as msg} from '../messages'

export type ImportFormat = 'csv' | 'json'

export interface ImportFile {
  file: string
  columns: string[]
  /** Data rows; row numbers in messages are 1-based positions in this array (CSV: the header is not counted). */
  rows: RawRecord[]
}

export function detectFormat(file: string, explicit?: ImportFormat): ImportFormat {
  if (explicit) return explicit
  const ext = path.extname(file).toLowerCase()
  if (ext === '.csv') return 'csv'
  if (ext === '.json') return 'json'
  throw msg.unknownFileFormat(file)
}

/**
 * Read a CSV (UTF-8, with or without BOM, LF or CRLF, RFC 4180 quoting) or a JSON array of
 * objects. Structural problems (unreadable file, ragged CSV rows, JSON that is not an array of
 * objects) are errors here; field validation is the caller's.
 */
export function readImportFile(file: string, explicit?: ImportFormat): ImportFile {
  const format = detectFormat(file, explicit)
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch (error) {
    throw msg.unreadableFile(
      file,
      (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message,
    )
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1)
  return format === 'csv' ? readCsv(file, text) : readJson(file, text)
}

function readCsv(file: string, text: string): ImportFile {
  let records: string[][]
  try {
    // Without `columns`, csv-parse returns each record as an array of its fields.
    const parsed: unknown = parseCsv(text, {relax_column_count: false, skip_empty_lines: true})
    records = parsed as string[][]
  } catch (error) {
    const e = error as Error & {lines?: number}
    throw msg.unreadableFile(
      file,
      `not valid CSV${e.lines ? ` at line ${e.lines}` : ''}: ${e.message.replace(/^Invalid Record Length: /, '')}`,
    )
  }
  const [header, ...data] = records
  if (!header) throw msg.unreadableFile(file, 'empty file: expected a header line')
  const columns = header.map((c) => c.trim())
  const rows = data.map((values) => {
    const row: RawRecord = {}
    // A cell govnet's CSV writer neutralised ('=…) reads back as the text it stands for (src/domain/csv-cells.ts).
    columns.forEach((c, i) => (row[c] = values[i] === undefined ? undefined : restoreCell(values[i])))
    return row
  })
  return {file, columns, rows}
}

function readJson(file: string, text: string): ImportFile {
  let data: unknown
  try {
    data = JSON.parse(text)
  } catch (error) {
    throw msg.unreadableFile(file, `not valid JSON: ${(error as Error).message}`)
  }
  if (!Array.isArray(data)) throw msg.unreadableFile(file, 'JSON must be an array of objects')
  const columns = new Set<string>()
  data.forEach((item: unknown, index) => {
    if (item === null || typeof item !== 'object' || Array.isArray(item)) {
      throw msg.unreadableFile(file, `JSON item ${index + 1} is not an object`)
    }
    for (const key of Object.keys(item)) columns.add(key)
  })
  return {file, columns: [...columns], rows: data as RawRecord[]}
}

/** What an import did (or, with dryRun, would do). */
export interface ImportResult {
  file: string
  dryRun: boolean
  created: number
  updated: number
  unchanged: number
}
