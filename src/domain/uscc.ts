/**
 * Unified social credit code (统一社会信用代码), GB 32100-2015: 18 characters — registering
 * department (1), organisation type (1), the registering authority's division code (6 digits),
 * the organisation code (9) and a check character computed from the first 17.
 *
 * govnet accepts lower-case input and stores the canonical upper-case form: the alphabet has no
 * letter that differs from another only by case, so upper-casing never changes which code is meant.
 */
export const USCC_ALPHABET = '0123456789ABCDEFGHJKLMNPQRTUWXY'
export const USCC_LENGTH = 18

const WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28] as const
const MODULUS = USCC_ALPHABET.length
/** Positions (1-based) 3–8 hold the registering authority's six-digit division code. */
const DIVISION_CODE_POSITIONS = {first: 3, last: 8} as const

/** Government bodies (机关) register with the organisation-establishment authority: code 1, type 1. */
export const GOVERNMENT_BODY_PREFIX = '11'

/** Upper-cases and trims; the canonical form stored in the inventory. */
export function normalizeUscc(code: string): string {
  return code.trim().toUpperCase()
}

/** The check character for the first 17 characters of a code (which must all be in the alphabet). */
export function usccCheckCharacter(first17: string): string {
  if (first17.length !== USCC_LENGTH - 1)
    throw new RangeError(`expected ${USCC_LENGTH - 1} characters, got ${first17.length}`)
  let sum = 0
  for (let i = 0; i < WEIGHTS.length; i++) {
    const value = USCC_ALPHABET.indexOf(first17[i]!)
    if (value < 0) throw new RangeError(`"${first17[i]}" is not in the USCC alphabet`)
    sum += value * WEIGHTS[i]!
  }
  return USCC_ALPHABET[(MODULUS - (sum % MODULUS)) % MODULUS]!
}

/**
 * What is wrong with a code (already normalized), or undefined when it is valid. The message
 * names the offending position and character, or the check character that was expected.
 */
export function usccProblem(code: string): string | undefined {
  if (code.length !== USCC_LENGTH)
    return `"${code}" has ${code.length} characters; a unified social credit code has ${USCC_LENGTH}`
  for (let i = 0; i < code.length; i++) {
    const ch = code[i]!
    if (!USCC_ALPHABET.includes(ch)) {
      return `character ${i + 1} "${ch}" of ${code} is not allowed: use digits and capital letters except I, O, S, V and Z`
    }
  }
  for (let i = DIVISION_CODE_POSITIONS.first - 1; i < DIVISION_CODE_POSITIONS.last; i++) {
    const ch = code[i]!
    if (ch < '0' || ch > '9') {
      return `character ${i + 1} "${ch}" of ${code} must be a digit: characters ${DIVISION_CODE_POSITIONS.first}–${DIVISION_CODE_POSITIONS.last} are the registering authority's division code`
    }
  }
  const expected = usccCheckCharacter(code.slice(0, USCC_LENGTH - 1))
  const found = code[USCC_LENGTH - 1]!
  return found === expected ? undefined : `check character of ${code} is "${found}", expected "${expected}"`
}
