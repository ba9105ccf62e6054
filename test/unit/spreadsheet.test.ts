import {describe, expect, it} from 'vitest'

import {codeProblem} from '../../src/domain/divisions'
import {FieldError, integer, slug} from '../../src/domain/fields'
import {asciiDigits, longCodeProblem, spreadsheetHabit, townshipOfVillageForm} from '../../src/domain/spreadsheet'
import * as msg from '../../src/messages/spreadsheet'

describe('spreadsheet habits', () => {
  it.each([
    ["'441900101", msg.leadingApostrophe("'441900101", '441900101')],
    ['４４０１', msg.fullWidthDigits('４４０１', '4401')],
    ['4.41E+11', msg.scientificNotation('4.41E+11')],
    ['4.419001E11', msg.scientificNotation('4.419001E11')],
    ['441900101.0', msg.decimalTail('441900101.0', '441900101')],
    ['44.00', msg.decimalTail('44.00', '44')],
  ])('%s is recognised and named with its fix', (value, expected) => {
    expect(spreadsheetHabit(value)).toBe(expected)
    expect(codeProblem(value)).toBe(expected)
  })

  it.each(['441900101', '4401', 'gz-core', '10.0.0.1', '4.41', '1e', ''])('%s shows no habit', (value) => {
    expect(spreadsheetHabit(value)).toBeUndefined()
  })

  it('converts full-width digits only', () => {
    expect(asciiDigits('４４a０１')).toBe('44a01')
  })

  it('quotes at most a short prefix of a long value', () => {
    const long = `'${'4'.repeat(100_000)}`
    expect(spreadsheetHabit(long)!.length).toBeLessThan(400)
  })

  it('the integer and id parsers name the habit', () => {
    expect(() => integer()('64.0')).toThrow(new FieldError(msg.decimalTail('64.0', '64')))
    expect(() => integer()('６４')).toThrow(new FieldError(msg.fullWidthDigits('６４', '64')))
    expect(() => slug("'gz-core")).toThrow(new FieldError(msg.leadingApostrophe("'gz-core", 'gz-core')))
  })
})

describe("a township's 12-digit village form", () => {
  it('is recognised when the village segment is 000 and the township segment is not', () => {
    expect(townshipOfVillageForm('441900101000')).toBe('441900101')
    expect(longCodeProblem('441900101000')).toBe(msg.villageFormOfTownship('441900101000', '441900101'))
    expect(codeProblem('441900101000')).toBe(msg.villageFormOfTownship('441900101000', '441900101'))
  })

  it('leaves real villages alone, and the one NBS village numbered 000 (350527000000 金门县)', () => {
    expect(townshipOfVillageForm('441900101001')).toBeUndefined()
    expect(townshipOfVillageForm('350527000000')).toBeUndefined()
    expect(codeProblem('350527000000')).toBeUndefined()
    expect(codeProblem('110101001001')).toBeUndefined()
  })
})
