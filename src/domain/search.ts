/**
 * `--search TEXT` of `node list` and `tenant list`: a record matches when one of its searched
 * fields contains TEXT anywhere, ignoring the case of the Latin letters A–Z only. That is what
 * SQLite's LIKE ignores, and the query (src/inventory/sql-rules.ts searchSql) must agree with this
 * predicate; Chinese has no case, and other letters are compared as they are.
 */
export function foldLatinCase(text: string): string {
  return text.replace(/[A-Z]/g, (letter) => letter.toLowerCase())
}

/** Whether one of `fields` contains `text` (Latin letters in any case). */
export function matchesSearch(fields: ReadonlyArray<string | null>, text: string): boolean {
  const wanted = foldLatinCase(text)
  return fields.some((field) => field !== null && foldLatinCase(field).includes(wanted))
}
