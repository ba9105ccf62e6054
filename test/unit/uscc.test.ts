import {describe, expect, it} from 'vitest'

import {normalizeUscc, USCC_AUTHORITIES, USCC_CHARACTERS, usccCheckCharacter, usccProblem} from '../../src/domain/uscc'
import {usccMessages as msg} from '../../src/messages'

const VALID = ['91430111MA4L41YT1U', '91350200MA2YJ1XR9G']

/** A code with the given first 17 characters and its right check character. */
const withCheck = (first17: string) => `${first17}${usccCheckCharacter(first17)}`

describe('unified social credit code (GB 32100-2015)', () => {
  it('accepts the published examples', () => {
    for (const code of VALID) expect(usccProblem(code)).toBeUndefined()
  })

  it('computes the check character from the first 17 characters', () => {
    expect(usccCheckCharacter('91430111MA4L41YT1')).toBe('U')
    expect(usccCheckCharacter('91350200MA2YJ1XR9')).toBe('G')
  })

  it('maps a remainder of 0 to check character 0 (c = 31 becomes 0)', () => {
    // Search the neighbourhood of a real code for a body whose weighted sum is a multiple of 31.
    const body = USCC_CHARACTERS.map((ch) => `1144000000693813${ch}`).find((b) => usccCheckCharacter(b) === '0')
    expect(body).toBeDefined()
    expect(usccProblem(`${body}0`)).toBeUndefined()
  })

  it('names the check character that was expected', () => {
    expect(usccProblem('91430111MA4L41YT1X')).toBe(msg.usccCheck('91430111MA4L41YT1X', 'X', 'U'))
    expect(usccProblem('91350200MA2YJ1XR9H')).toBe(msg.usccCheck('91350200MA2YJ1XR9H', 'H', 'G'))
  })

  it('catches a single changed character and a swap of neighbours', () => {
    expect(usccProblem('91430111MA4L41YT2U')).toMatch(/^check character .* expected/)
    expect(usccProblem('91430111AM4L41YT1U')).toMatch(/^check character .* expected/)
  })

  it('names the position of a character outside the alphabet', () => {
    for (const letter of ['I', 'O', 'S', 'V', 'Z']) {
      const code = `91430111MA4L41YT1${letter}`
      expect(usccProblem(code)).toBe(msg.usccCharacter(code, 18, letter))
    }
    expect(usccProblem('91430111MA4L4_YT1U')).toBe(msg.usccCharacter('91430111MA4L4_YT1U', 14, '_'))
  })

  it('requires a registration authority in character 1 (the issue’s PF7639667UB4F7C009 no longer passes)', () => {
    expect(usccProblem('PF7639667UB4F7C009')).toBe(
      msg.usccAuthority('PF7639667UB4F7C009', 'P', '1, 2, 3, 4, 5, 6, 7, 8, 9, A, N, Y'),
    )
    const zero = withCheck('01440000006938137')
    expect(usccProblem(zero)).toBe(msg.usccAuthority(zero, '0', '1, 2, 3, 4, 5, 6, 7, 8, 9, A, N, Y'))
  })

  it('requires an organisation type of that authority in character 2', () => {
    const enterpriseType9 = withCheck('99440000006938137')
    expect(usccProblem(enterpriseType9)).toBe(msg.usccOrganisationType(enterpriseType9, '9', '9 工商', '1, 2, 3'))
    const otherType2 = withCheck('Y2440000006938137')
    expect(usccProblem(otherType2)).toBe(msg.usccOrganisationType(otherType2, '2', 'Y 其他', '1'))
    for (const [authority, {types}] of Object.entries(USCC_AUTHORITIES))
      for (const type of Object.keys(types))
        expect(usccProblem(withCheck(`${authority}${type}440000006938137`)), `${authority}${type}`).toBeUndefined()
  })

  it('requires digits for the registering division code (characters 3–8), and a province in 3–4', () => {
    expect(usccProblem('9143A111MA4L41YT1U')).toBe(msg.usccDivisionDigit('9143A111MA4L41YT1U', 5, 'A', 3, 8))
    const nowhere = withCheck('91990000MA4L41YT1')
    expect(usccProblem(nowhere)).toBe(msg.usccDivision(nowhere, '990000'))
    // Bodies registered at national level (the ministries) carry 100000.
    expect(usccProblem(withCheck('11100000000013127'))).toBeUndefined()
    expect(usccProblem(withCheck('11100100000013127'))).toBe(msg.usccDivision(withCheck('11100100000013127'), '100100'))
  })

  it('requires 18 characters', () => {
    expect(usccProblem('91430111MA4L41YT1')).toBe(msg.usccLength('91430111MA4L41YT1', 17, 18))
    expect(usccProblem('91430111MA4L41YT1UU')).toBe(msg.usccLength('91430111MA4L41YT1UU', 19, 18))
  })

  it('normalises like python-stdnum: spaces and hyphens go, lower case is upper-cased, ends are trimmed', () => {
    expect(normalizeUscc(' 91430111ma4l41yt1u ')).toBe('91430111MA4L41YT1U')
    expect(normalizeUscc('9 1 430111-MA4L41YT1-U')).toBe('91430111MA4L41YT1U')
    expect(normalizeUscc('\t91430111MA4L41YT1U\n')).toBe('91430111MA4L41YT1U')
    expect(usccProblem(normalizeUscc('9143 0111 MA4L 41YT 1U'))).toBeUndefined()
    expect(usccProblem(normalizeUscc('91350200ma2yj1xr9g'))).toBeUndefined()
    expect(usccProblem('91430111ma4l41yt1u')).toBe(msg.usccCharacter('91430111ma4l41yt1u', 9, 'm'))
  })

  it('refuses a body with a character outside the alphabet when computing a check character', () => {
    expect(() => usccCheckCharacter('91430111MA4L41YO1')).toThrow(RangeError)
    expect(() => usccCheckCharacter('914301')).toThrow(RangeError)
  })
})
