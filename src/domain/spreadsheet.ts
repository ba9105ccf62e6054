/**
 * What spreadsheets do to codes and numbers on their way to a CSV: the recognisers behind the
 * messages that say what happened and how to fix it. Pure; each returns a sentence, or undefined
 * when the value shows no such habit.
 */
import * as msg from '../messages/spreadsheet'
import {excerpt} from '../errors'

const FULL_WIDTH_DIGIT = /[\uff10-\uff19]/
const SCIENTIFIC = /^[+-]?\d+(?:\.\d+)?[eE][+-]?\d+$/
const TRAILING_DECIMAL_ZEROS = /^(\d+)\.0+$/

/** Full-width digits (０-９) as ASCII digits; other characters unchanged. */
export function asciiDigits(value: string): string {
  return value.replace(/[\uff10-\uff19]/g, (d) => String.fromCharCode(d.charCodeAt(0) - 0xff10 + 0x30))
}

/**
 * The spreadsheet habit a code or number shows: a leading apostrophe (a spreadsheet's "this is text"
 * mark, exported as is by some tools), full-width digits (a Chinese input method's 全角 mode), a
 * number in scientific notation (4.41E+11: the code was stored as a number and lost its digits),
 * or a decimal tail (441900101.0: stored as a number, digits intact).
 */
export function spreadsheetHabit(value: string): string | undefined {
  if (value.startsWith("'")) return msg.leadingApostrophe(excerpt(value), excerpt(value.slice(1)))
  if (FULL_WIDTH_DIGIT.test(value)) return msg.fullWidthDigits(excerpt(value), excerpt(asciiDigits(value)))
  if (SCIENTIFIC.test(value)) return msg.scientificNotation(excerpt(value))
  const decimal = TRAILING_DECIMAL_ZEROS.exec(value)
  if (decimal) return msg.decimalTail(excerpt(value), excerpt(decimal[1]!))
  return undefined
}

/**
 * A 12-digit NBS code in the village form of a township: the township's 9 digits and `000`. NBS
 * numbers villages from 001 under a township, so the form is unambiguous; the one village NBS
 * numbers 000 (350527000000 金门县) sits under township segment 000, which is left alone, as is
 * every code whose township segment is 000 (441900000000 may be a county's or a prefecture's).
 */
export function townshipOfVillageForm(code: string): string | undefined {
  if (!/^\d{12}$/.test(code) || !code.endsWith('000')) return undefined
  const township = code.slice(0, 9)
  return township.endsWith('000') ? undefined : township
}

/** The problem with a township's 12-digit village form, or undefined. */
export function longCodeProblem(code: string): string | undefined {
  const township = townshipOfVillageForm(code)
  return township ? msg.villageFormOfTownship(code, township) : undefined
}
