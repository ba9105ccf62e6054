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
 * restoreCell is the exact inverse, for a reader of such a file (the importers): a cell that
 * begins with a single quote followed by a formula trigger is read without the quote. So that it
 * stays exact for text that itself begins with quotes and then a trigger ("'=x", which a reader
 * would otherwise take for the neutralised "=x"), such text gets one more quote as well.
 */

/** First characters that make a spreadsheet evaluate a cell. */
export const FORMULA_TRIGGERS: ReadonlySet<string> = new Set(['=', '+', '-', '@', '\t', '\r', '＝', '＋', '－', '＠'])

const QUOTE = "'"

/** Whether a text cell would be taken for a formula. */
export function isFormulaLike(text: string): boolean {
  return text.length > 0 && FORMULA_TRIGGERS.has(text[0]!)
}

/** Whether neutraliseCell puts a quote in front: formula-like once any leading quotes are set aside. */
function needsQuote(text: string): boolean {
  return isFormulaLike(text.replace(/^'+/, ''))
}

/** The cell as written: prefixed with a single quote when it would be taken for a formula. */
export function neutraliseCell(text: string): string {
  return needsQuote(text) ? `${QUOTE}${text}` : text
}

/** The text a neutralised cell stands for: neutraliseCell's inverse (other cells are returned as they are). */
export function restoreCell(cell: string): string {
  return cell.startsWith(QUOTE) && needsQuote(cell.slice(1)) ? cell.slice(1) : cell
}
