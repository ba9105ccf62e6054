/**
 * Formula-safe CSV cells (OWASP, "CSV Injection"). A spreadsheet takes a cell that begins with
 * `=`, `+`, `-`, `@`, a tab or a carriage return for a formula, and a division or node name such as
 * `=cmd|' /C calc'!A0` would run when a user opens govnet's CSV. Every text cell govnet writes to
 * CSV is therefore neutralised: a single quote is put in front and the cell is quoted, so that the
 * spreadsheet shows it as text. The full-width forms (＝ ＋ － ＠), which some spreadsheets fold to
 * the ASCII ones, count too.
 *
 * Numbers that govnet itself produces (a JavaScript number: counts, ratios, ports, capacities) are
 * not text and are written as they are: a negative number is a number to a spreadsheet, not a
 * formula. Text that only looks like a number ("-1" typed as a name) is text and is neutralised.
 *
 * restoreCell is the inverse, for a reader of such a file: a cell that begins with a single quote
 * followed by one of the characters above is read without the quote.
 */

/** First characters that make a spreadsheet evaluate a cell. */
export const FORMULA_TRIGGERS: ReadonlySet<string> = new Set(['=', '+', '-', '@', '\t', '\r', '＝', '＋', '－', '＠'])

const QUOTE = "'"

/** Whether a text cell would be taken for a formula. */
export function isFormulaLike(text: string): boolean {
  return text.length > 0 && FORMULA_TRIGGERS.has(text[0]!)
}

/** The cell as written: prefixed with a single quote when it would be taken for a formula. */
export function neutraliseCell(text: string): string {
  return isFormulaLike(text) ? `${QUOTE}${text}` : text
}

/** The text a neutralised cell stands for: neutraliseCell's inverse (other cells are returned as they are). */
export function restoreCell(cell: string): string {
  return cell.startsWith(QUOTE) && isFormulaLike(cell.slice(1)) ? cell.slice(1) : cell
}
