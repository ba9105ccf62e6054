import {parse as parseCsv} from 'csv-parse/sync'
import {readFileSync} from 'node:fs'
import path from 'node:path'

import {restoreCell} from '../domain/csv-cells'
import {RawRecord} from '../domain/fields'
import {excerpt} from '../errors'
import {inventoryMessages as msg} from '../messages'
import {plainCsvRecords} from './csv-records'
import {decodeBytes, Encoding} from './decode'

export type ImportFormat = 'csv' | 'json'

export interface ImportFile {
  file: string
  columns: string[]
  /** Data rows; row numbers in messages are 1-based positions in this array (CSV: the header is not counted). */
  rows: RawRecord[]
}

export interface ReadOptions {
  /** Default: from the file's extension. */
  format?: ImportFormat
  /** Default: UTF-8. */
  encoding?: Encoding
}

export function detectFormat(file: string, explicit?: ImportFormat): ImportFormat {
  if (explicit) return explicit
  const ext = path.extname(file).toLowerCase()
  if (ext === '.csv') return 'csv'
  if (ext === '.json') return 'json'
  throw msg.unknownFileFormat(file)
}

/**
 * Read an import file: its bytes, decoded (UTF-8 by default; see decodeBytes), then parsed as a CSV
 * (RFC 4180 quoting, LF, CRLF or both in one file) or a JSON array of objects. Structural problems
 * (unreadable file, bytes not in the encoding, ragged CSV rows, JSON that is not an array of
 * objects) are errors here, naming the line; field validation is the pipeline's.
 */
export function readImportFile(file: string, options: ImportFormat | ReadOptions = {}): ImportFile {
  const {format: explicit, encoding} = typeof options === 'string' ? {format: options, encoding: undefined} : options
  const format = detectFormat(file, explicit)
  let bytes: Buffer
  try {
    bytes = readFileSync(file)
  } catch (error) {
    throw msg.unreadableFile(
      file,
      (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message,
    )
  }
  return parseImportText(file, decodeBytes(file, bytes, encoding), format)
}

/** Text already decoded, as rows. */
export function parseImportText(file: string, text: string, format: ImportFormat): ImportFile {
  return format === 'csv' ? readCsv(file, text) : readJson(file, text)
}

function readCsv(file: string, text: string): ImportFile {
  const records = plainCsvRecords(text) ?? csvParseRecords(file, text)
  const [header, ...data] = records
  if (!header) throw msg.unreadableFile(file, 'empty file: expected a header line')
  const columns = header.map((c) => c.trim())
  const width = columns.length
  const rows = data.map((values) => {
    // A plain object (fast properties). A column named __proto__ sets nothing (its values are strings)
    // and, like every unknown column, is refused by the column check.
    const row: RawRecord = {}
    // A cell govnet's CSV writer neutralised ('=…) reads back as the text it stands for (src/domain/csv-cells.ts).
    for (let i = 0; i < width; i++) {
      const value = values[i]
      row[columns[i]!] = value === undefined ? undefined : restoreCell(value)
    }
    return row
  })
  return {file, columns, rows}
}

/**
 * The records as csv-parse reads them: the reader of any text the fast path does not vouch for, and
 * the one that names what is wrong with it.
 */
export function csvParseRecords(file: string, text: string): string[][] {
  try {
    // Without `columns`, csv-parse returns each record as an array of its fields. Both line ends are
    // record ends, so a file whose lines end CRLF and LF by turns (edited in two editors) reads whole.
    const records: string[][] = parseCsv(text, {
      relax_column_count: false,
      skip_empty_lines: true,
      record_delimiter: ['\r\n', '\n'],
    })
    return records
  } catch (error) {
    throw msg.unreadableFile(file, csvProblem(error as Error & {code?: string; lines?: number}, text))
  }
}

function csvProblem(error: Error & {code?: string; lines?: number}, text: string): string {
  const line = error.lines
  switch (error.code) {
    case 'CSV_RECORD_INCONSISTENT_FIELDS_LENGTH': {
      const [, expected, got] = /expect (\d+), got (\d+)/.exec(error.message) ?? []
      return msg.csvFieldCount(line ?? 0, Number(got), Number(expected), /\r(?!\n)/.test(text))
    }
    case 'CSV_QUOTE_NOT_CLOSED':
      return msg.csvQuoteNotClosed(line ?? 0)
    case 'CSV_INVALID_CLOSING_QUOTE':
      return msg.csvBadClosingQuote(line ?? 0)
    default:
      return msg.csvOther(line, excerpt(error.message, 200))
  }
}

function readJson(file: string, text: string): ImportFile {
  let data: unknown
  try {
    data = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text)
  } catch (error) {
    throw msg.unreadableFile(file, `not valid JSON: ${excerpt((error as Error).message, 200)}`)
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
