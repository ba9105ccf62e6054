import {parse} from 'csv-parse/sync'
import fc from 'fast-check'
import {describe, expect, it} from 'vitest'

import {writeCsv} from '../../src/cli/csv'
import {FORMULA_TRIGGERS, isFormulaLike, neutraliseCell, restoreCell} from '../../src/domain/csv-cells'

describe('formula-safe CSV cells', () => {
  it('prefixes text that begins with = + - @ tab CR (and the full-width forms) with a single quote', () => {
    for (const trigger of ['=', '+', '-', '@', '\t', '\r', '＝', '＋', '－', '＠']) {
      expect(FORMULA_TRIGGERS.has(trigger)).toBe(true)
      expect(neutraliseCell(`${trigger}1+1`)).toBe(`'${trigger}1+1`)
    }
    for (const safe of ['', '广州', 'a=1', ' =1', "'1", '10.0.0.1', '2026-12-02']) {
      expect(isFormulaLike(safe)).toBe(false)
      expect(neutraliseCell(safe)).toBe(safe)
    }
  })

  it('restoreCell undoes neutraliseCell and leaves other cells alone', () => {
    for (const text of ["=cmd|' /C calc'!A0", '-1', '@x', '\tx', '广州', "'plain", "''=x", '']) {
      expect(restoreCell(neutraliseCell(text))).toBe(text)
    }
    expect(restoreCell("'abc")).toBe("'abc")
  })

  it('gives text that begins with quotes and then a trigger one more quote, so that restoreCell stays exact', () => {
    expect(neutraliseCell("'=1")).toBe("''=1")
    expect(restoreCell("''=1")).toBe("'=1")
    expect(restoreCell("'=1")).toBe('=1')
  })

  it('restoreCell(neutraliseCell(text)) is text for any text (property)', () => {
    const quoteHeavy = fc.stringMatching(/^['=+\-@\t\r＝a 广]{0,8}$/)
    fc.assert(
      fc.property(fc.oneof(fc.string(), quoteHeavy), (text) => {
        expect(restoreCell(neutraliseCell(text))).toBe(text)
      }),
      {numRuns: 2000},
    )
  })
})

describe('writeCsv', () => {
  it('quotes neutralised cells, keeps numbers and booleans as they are, and reads back with csv-parse', () => {
    const csv = writeCsv(
      ['name', 'n', 'flag', 'empty', 'list'],
      [
        ["=cmd|' /C calc'!A0", -3, true, null, 'a,b'],
        ['-1', 0.25, false, undefined, 'say "hi"'],
        ['line\nbreak', 12, true, '', '@home'],
      ],
    )
    expect(csv.split('\n')[0]).toBe('name,n,flag,empty,list')
    expect(csv.split('\n')[1]).toBe(`"'=cmd|' /C calc'!A0",-3,true,,"a,b"`)
    expect(csv.split('\n')[2]).toBe(`"'-1",0.25,false,,"say ""hi"""`)
    expect(csv.endsWith('\n')).toBe(false)
    expect(parse(csv)).toEqual([
      ['name', 'n', 'flag', 'empty', 'list'],
      ["'=cmd|' /C calc'!A0", '-3', 'true', '', 'a,b'],
      ["'-1", '0.25', 'false', '', 'say "hi"'],
      ['line\nbreak', '12', 'true', '', "'@home"],
    ])
  })
})
