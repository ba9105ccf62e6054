/**
 * The fast path of CSV reading: the records of a well-formed RFC 4180 text, as csv-parse reads it
 * with the options of ./file.ts (comma-separated, `"` quoting with `""` inside, records ending CRLF
 * or LF, empty lines skipped, every record as wide as the first). It reads a 100,000-row node file
 * in a fraction of csv-parse's time, and vouches only for what it is sure of: at the first thing
 * out of the ordinary (a quote inside an unquoted field or after a closing quote, a lone CR outside
 * quotes, a line of only blanks, a record of another width, a quote left open, a byte-order mark)
 * it returns undefined, and the caller lets csv-parse read the text and name the problem. A
 * property test (test/unit/csv-records.test.ts) holds both readers to the same result.
 */
export function plainCsvRecords(text: string): string[][] | undefined {
  if (text.charCodeAt(0) === 0xfeff) return undefined
  const length = text.length
  const records: string[][] = []
  let width = -1
  let at = 0
  while (at < length) {
    // An empty line (LF or CRLF on its own) is skipped, as csv-parse's skip_empty_lines does.
    const first = text.charCodeAt(at)
    if (first === LF) {
      at += 1
      continue
    }
    if (first === CR && text.charCodeAt(at + 1) === LF) {
      at += 2
      continue
    }
    const record: string[] = []
    let quoted = false
    for (;;) {
      let value: string
      if (text.charCodeAt(at) === QUOTE) {
        quoted = true
        let parts = ''
        let from = at + 1
        for (;;) {
          const quote = text.indexOf('"', from)
          if (quote < 0) return undefined // a quote left open
          parts += text.slice(from, quote)
          if (text.charCodeAt(quote + 1) !== QUOTE) {
            at = quote + 1
            break
          }
          parts += '"'
          from = quote + 2
        }
        value = parts
      } else {
        UNQUOTED.lastIndex = at
        UNQUOTED.test(text)
        value = text.slice(at, UNQUOTED.lastIndex)
        at = UNQUOTED.lastIndex
      }
      record.push(value)
      const c = text.charCodeAt(at)
      if (c === COMMA) {
        at += 1
        continue
      }
      // The field ends the record (LF, CRLF or the end of the text), or something is out of the
      // ordinary: a quote inside an unquoted field or after a closing one, a lone CR.
      if (c === LF || at >= length) at += 1
      else if (c === CR && text.charCodeAt(at + 1) === LF) at += 2
      else return undefined
      break
    }
    // A line of only spaces or tabs: csv-parse's treatment of it is left to csv-parse.
    if (record.length === 1 && !quoted && BLANK.test(record[0]!)) return undefined
    if (width < 0) width = record.length
    else if (record.length !== width) return undefined
    records.push(record)
  }
  return records
}

/** An unquoted field: up to the next comma, line end or quote (sticky: matched from lastIndex). */
const UNQUOTED = /[^,\r\n"]*/y
const BLANK = /^[ \t]*$/
const LF = 0x0a
const CR = 0x0d
const QUOTE = 0x22
const COMMA = 0x2c
