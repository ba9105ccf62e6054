import {stringify} from 'csv-stringify/sync'

import {neutraliseCell} from '../domain/csv-cells'

/** A CSV cell: text (neutralised when formula-like), a number or boolean govnet computed, or empty. */
export type CsvCell = string | number | boolean | null | undefined

/**
 * The one CSV writer of govnet (RFC 4180 through csv-stringify): a header line, then one line per
 * row, `\n` between lines, no line end after the last (the caller prints it). A cell is quoted
 * when it holds a comma, a quote or a line break; a text cell that a spreadsheet would take for a
 * formula is prefixed with a single quote and quoted (src/domain/csv-cells.ts). Numbers and
 * booleans are written as they are (true/false), null and undefined as an empty cell.
 */
export function writeCsv(header: readonly string[], rows: ReadonlyArray<readonly CsvCell[]>): string {
  return stringify([header, ...rows], {
    eof: false,
    cast: {
      string: (value) => {
        const cell = neutraliseCell(value)
        return cell === value ? value : {value: cell, quoted: true}
      },
      boolean: (value) => String(value),
    },
  })
}
