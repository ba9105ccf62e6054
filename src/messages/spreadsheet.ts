/**
 * Field problems for what spreadsheets do to codes and numbers (src/domain/spreadsheet.ts): each
 * says what happened and the fix. Values arrive already shortened by `excerpt`.
 */

export const leadingApostrophe = (value: string, without: string) =>
  `"${value}" starts with an apostrophe, a spreadsheet's mark for text that was exported with the value: remove it (${without})`

export const fullWidthDigits = (value: string, ascii: string) =>
  `"${value}" has full-width digits (全角): type them as ASCII digits (${ascii})`

export const scientificNotation = (value: string) =>
  `${value} looks like a code that a spreadsheet turned into a number, and its last digits are lost: format the column as text and enter the codes again`

export const decimalTail = (value: string, digits: string) =>
  `${value} looks like a code that a spreadsheet turned into a number: format the column as text, or drop the decimals (${digits})`

export const villageFormOfTownship = (code: string, township: string) =>
  `${code} is the 12-digit village form of township ${township}: drop the last three digits, or import with --village-codes`
