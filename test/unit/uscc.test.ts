import {describe, expect, it} from 'vitest'

import {normalizeUscc, USCC_ALPHABET, usccCheckCharacter, usccProblem} from '../../src/domain/uscc'

const VALID = ['91430111MA4L41YT1U', '91350200MA2YJ1XR9G']

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
    const body = [...USCC_ALPHABET].map((ch) => `1144000000693813${ch}`).find((b) => usccCheckCharacter(b) === '0')
    expect(body).toBeDefined()
    expect(usccProblem(`${body}0`)).toBeUndefined()
  })

  it('names the check character that was expected', () => {
    expect(usccProblem('91430111MA4L41YT1X')).toBe('check character of 91430111MA4L41YT1X is "X", expected "U"')
    expect(usccProblem('91350200MA2YJ1XR9H')).toBe('check character of 91350200MA2YJ1XR9H is "H", expected "G"')
  })

  it('catches a single changed character and a swap of neighbours', () => {
    expect(usccProblem('91430111MA4L41YT2U')).toMatch(/^check character .* expected/)
    expect(usccProblem('91430111AM4L41YT1U')).toMatch(/^check character .* expected/)
  })

  it('names the position of a character outside the alphabet', () => {
    for (const letter of ['I', 'O', 'S', 'V', 'Z']) {
      const code = `91430111MA4L41YT1${letter}`
      expect(usccProblem(code)).toBe(
        `character 18 "${letter}" of ${code} is not allowed: use digits and capital letters except I, O, S, V and Z`,
      )
    }
    expect(usccProblem('91430111MA4L4-YT1U')).toMatch(/^character 14 "-"/)
  })

  it('requires digits for the registering division code (characters 3–8)', () => {
    expect(usccProblem('9143A111MA4L41YT1U')).toBe(
      'character 5 "A" of 9143A111MA4L41YT1U must be a digit: characters 3–8 are the registering authority\'s division code',
    )
  })

  it('requires 18 characters', () => {
    expect(usccProblem('91430111MA4L41YT1')).toBe(
      '"91430111MA4L41YT1" has 17 characters; a unified social credit code has 18',
    )
    expect(usccProblem('91430111MA4L41YT1UU')).toMatch(/has 19 characters/)
  })

  it('upper-cases and trims lower-case input; the check runs on the canonical form', () => {
    expect(normalizeUscc(' 91430111ma4l41yt1u ')).toBe('91430111MA4L41YT1U')
    expect(usccProblem(normalizeUscc('91350200ma2yj1xr9g'))).toBeUndefined()
    expect(usccProblem('91430111ma4l41yt1u')).toMatch(/^character 9 "m"/)
  })

  it('refuses a body with a character outside the alphabet when computing a check character', () => {
    expect(() => usccCheckCharacter('91430111MA4L41YO1')).toThrow(RangeError)
    expect(() => usccCheckCharacter('914301')).toThrow(RangeError)
  })
})
