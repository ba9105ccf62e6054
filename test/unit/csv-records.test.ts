import fc from 'fast-check'
import {describe, expect, it} from 'vitest'

import {plainCsvRecords} from '../../src/import/csv-records'
import {csvParseRecords} from '../../src/import/file'

/**
 * The fast CSV path against csv-parse, the reader it stands in for: on every text it either returns
 * exactly csv-parse's records or declines (undefined), and it declines every text csv-parse refuses.
 * GOVNET_PROPERTY_RUNS scales the generated cases (default 60 → 3,000 texts per property here).
 */
const RUNS = Number(process.env.GOVNET_PROPERTY_RUNS ?? 60) * 50

/** csv-parse's records, or 'refused' when it refuses the text. */
function reference(text: string): string[][] | 'refused' {
  try {
    return csvParseRecords('test.csv', text)
  } catch {
    return 'refused'
  }
}

/** Checks one text; true when the fast path read it (rather than declining). */
function agrees(text: string): boolean {
  const fast = plainCsvRecords(text)
  const expected = reference(text)
  if (expected === 'refused') expect(fast).toBeUndefined()
  else if (fast !== undefined) expect(fast).toEqual(expected)
  return fast !== undefined
}

/** Characters that matter to CSV, and some that do not. */
const csvChar = fc.constantFrom('a', 'b', '中', ',', '"', '\n', '\r', ' ', '\t', '\uFEFF', '=', "'")

describe('plainCsvRecords, the fast CSV path', () => {
  it('reads plain, quoted and CRLF files as csv-parse does', () => {
    const cases = [
      'id,name\nn1,a\nn2,b\n',
      'id,name\r\nn1,a\r\nn2,b',
      'id,name\r\nn1,a\nn2,b\r\n',
      'id,name\n"n1","a, ""quoted""\nline"\n',
      'id,name\n\n\nn1,a\n\r\n',
      'id,name,tags\nn1,,\n',
      'a\n""\n',
      '广州,深圳\n"越秀",天河\n',
    ]
    for (const text of cases) {
      const fast = plainCsvRecords(text)
      expect(fast, JSON.stringify(text)).toBeDefined()
      expect(fast).toEqual(reference(text))
    }
  })

  it('declines what it does not vouch for, and csv-parse then names the problem', () => {
    const declined = [
      'id,name\nn1,a"b\n', // a quote inside an unquoted field
      'id,name\n"n1"x,a\n', // text after a closing quote
      'id,name\n"n1,a\n', // a quote left open
      'id,name\rn1,a\r', // CR line ends
      'id,name\nn1\n', // a record narrower than the header
      'id,name\nn1,a,b\n', // a wider one
      'id,name\n  \nn1,a\n', // a line of blanks
      '\uFEFFid,name\nn1,a\n', // a byte-order mark
    ]
    for (const text of declined) expect(plainCsvRecords(text), JSON.stringify(text)).toBeUndefined()
  })

  it('agrees with csv-parse on random texts of CSV characters', () => {
    fc.assert(
      fc.property(fc.array(csvChar, {maxLength: 40}), (chars) => {
        agrees(chars.join(''))
      }),
      {numRuns: RUNS},
    )
  })

  it('agrees with csv-parse on generated files of quoted and unquoted fields, with either line end', () => {
    const field = fc.oneof(
      fc.stringMatching(/^[a-z0-9 中=']{0,6}$/),
      fc.array(csvChar, {maxLength: 6}).map((chars) => `"${chars.join('').replaceAll('"', '""')}"`),
    )
    const file = fc.record({
      width: fc.integer({min: 1, max: 4}),
      rows: fc.array(fc.array(field, {minLength: 1, maxLength: 5}), {minLength: 1, maxLength: 6}),
      ends: fc.array(fc.constantFrom('\n', '\r\n', '\n\n', ''), {minLength: 6, maxLength: 6}),
    })
    let read = 0
    let texts = 0
    fc.assert(
      fc.property(file, ({width, rows, ends}) => {
        // Mostly rows of the header's width, sometimes not.
        const lines = rows.map((row, i) =>
          (i % 3 === 2 ? row : row.slice(0, width).concat(Array(Math.max(0, width - row.length)).fill(''))).join(','),
        )
        texts++
        if (agrees(lines.map((line, i) => line + (ends[i] || '\n')).join(''))) read++
      }),
      {numRuns: RUNS},
    )
    // Not a vacuous agreement: the fast path reads a good share of the files, not only declines them.
    expect(read / texts).toBeGreaterThan(0.2)
  })
})
