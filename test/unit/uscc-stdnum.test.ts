/**
 * govnet's GB 32100-2015 check against python-stdnum's stdnum.cn.uscc, on a generated set of codes
 * (valid ones of every registration authority and organisation type, and the usual ways a code is
 * wrong), run through python3 in one process. Both must agree, except where govnet differs on
 * purpose (documented in src/domain/uscc.ts); every difference is classified and asserted.
 *
 * Locally the comparison is skipped without python3 and stdnum; with CI=true it runs regardless and
 * fails on the missing module (CI installs it: pip install python-stdnum).
 */
import {spawnSync} from 'node:child_process'
import {describe, expect, it} from 'vitest'

import {
  NATIONAL_DIVISION_CODE,
  normalizeUscc,
  PROVINCE_PREFIXES,
  USCC_CHARACTERS,
  USCC_AUTHORITIES,
  usccCheckCharacter,
  usccProblem,
} from '../../src/domain/uscc'

const STDNUM = `
import json, sys
from stdnum.cn import uscc
codes = json.load(sys.stdin)
out = []
for code in codes:
    try:
        out.append(uscc.validate(code))
    except Exception as error:
        out.append(None)
json.dump(out, sys.stdout)
`

const stdnumAvailable = spawnSync('python3', ['-c', 'import stdnum.cn.uscc'], {encoding: 'utf8'}).status === 0
const runComparison = stdnumAvailable || Boolean(process.env.CI)

/** stdnum's answer for every code: the compact form when valid, null when not. */
function stdnumValidate(codes: readonly string[]): (string | null)[] {
  const result = spawnSync('python3', ['-c', STDNUM], {input: JSON.stringify(codes), encoding: 'utf8', timeout: 60_000})
  if (result.status !== 0) throw new Error(`python3 with stdnum failed: ${result.stderr || result.error}`)
  return JSON.parse(result.stdout) as (string | null)[]
}

/** govnet's answer in the same form: the canonical code, or null. */
const govnetValidate = (code: string) => {
  const normalized = normalizeUscc(code)
  return usccProblem(normalized) === undefined ? normalized : null
}

/** A small deterministic generator, so a failure names a code that can be run again. */
function random(seed: number) {
  let state = seed
  return (n: number) => {
    state = (state * 1_103_515_245 + 12_345) % 2_147_483_648
    return state % n
  }
}

function generate(count: number): string[] {
  const next = random(20_151_015)
  const pick = <T>(items: readonly T[]) => items[next(items.length)]!
  const digits = (n: number) => Array.from({length: n}, () => String(next(10))).join('')
  const body9 = () => Array.from({length: 9}, () => pick(USCC_CHARACTERS)).join('')
  const provinces = [...PROVINCE_PREFIXES]
  const authorities = Object.keys(USCC_AUTHORITIES)
  const codes: string[] = []
  const valid = (authority: string, type: string, division: string) => {
    const first17 = `${authority}${type}${division}${body9()}`
    return `${first17}${usccCheckCharacter(first17)}`
  }
  // Every authority and type, in provinces and at national level.
  for (const authority of authorities)
    for (const type of Object.keys(USCC_AUTHORITIES[authority]!.types)) {
      codes.push(valid(authority, type, `${pick(provinces)}${digits(4)}`))
      codes.push(valid(authority, type, NATIONAL_DIVISION_CODE))
    }
  while (codes.length < count) {
    const base = valid(pick(authorities), '1', `${pick(provinces)}${digits(4)}`)
    const at = next(18)
    const other = pick(USCC_CHARACTERS)
    switch (next(10)) {
      case 0: // any alphabet character in positions 1–2 (authorities and types that do not exist)
        codes.push(
          (() => {
            const first17 = `${pick(USCC_CHARACTERS)}${pick(USCC_CHARACTERS)}${pick(provinces)}${digits(4)}${body9()}`
            return `${first17}${usccCheckCharacter(first17)}`
          })(),
        )
        break
      case 1: // a division that names no province
        codes.push(valid('9', '1', `${pick(['00', '10', '19', '24', '39', '49', '55', '60', '70', '99'])}${digits(4)}`))
        break
      case 2: // a letter in the division code, check character recomputed
        codes.push(
          (() => {
            const first17 = `91${pick(provinces)}${pick(Array.from('ABCDEFGH'))}${digits(3)}${body9()}`
            return `${first17}${usccCheckCharacter(first17)}`
          })(),
        )
        break
      case 3: // one character changed
        codes.push(`${base.slice(0, at)}${other}${base.slice(at + 1)}`)
        break
      case 4: // spaces and hyphens, lower case
        codes.push(`${base.slice(0, 2)} ${base.slice(2, 8)}-${base.slice(8).toLowerCase()}`)
        break
      case 5: // too short or too long
        codes.push(next(2) === 0 ? base.slice(0, 17) : `${base}${other}`)
        break
      case 6: // a character outside the alphabet
        codes.push(`${base.slice(0, at)}${pick(Array.from('IOSVZ_*'))}${base.slice(at + 1)}`)
        break
      default:
        codes.push(base)
    }
  }
  return codes
}

/** Why govnet and stdnum may disagree on a code, or undefined when they must agree. */
function documentedDifference(code: string): 'govnet-stricter' | 'stdnum-refuses-letters' | undefined {
  const c = normalizeUscc(code)
  if (c.length !== 18 || Array.from(c).some((ch) => !USCC_CHARACTERS.includes(ch))) return undefined
  if (usccCheckCharacter(c.slice(0, 17)) !== c[17]) return undefined
  const authority = USCC_AUTHORITIES[c[0]!]
  const division = c.slice(2, 8)
  const letters = /[^0-9]/.test(c.slice(0, 8))
  const structureValid =
    authority !== undefined &&
    Object.hasOwn(authority.types, c[1]!) &&
    /^\d{6}$/.test(division) &&
    (division === NATIONAL_DIVISION_CODE || PROVINCE_PREFIXES.has(division.slice(0, 2)))
  if (structureValid && letters) return 'stdnum-refuses-letters'
  if (!structureValid && !letters) return 'govnet-stricter'
  return undefined
}

describe.runIf(runComparison)('GB 32100-2015 codes: govnet against python-stdnum stdnum.cn.uscc', () => {
  const codes = generate(3000)
  const stdnum = stdnumValidate(codes)

  it('agrees on every generated code except the documented differences', () => {
    const undocumented = codes.filter((code, i) => govnetValidate(code) !== stdnum[i] && !documentedDifference(code))
    expect(undocumented).toEqual([])
  })

  it('agrees on the canonical form of every code both accept (spaces, hyphens and case normalised alike)', () => {
    const both = codes.filter((code, i) => stdnum[i] !== null && govnetValidate(code) !== null)
    expect(both.length).toBeGreaterThan(1000)
    for (const code of both) expect(govnetValidate(code)).toBe(stdnum[codes.indexOf(code)])
    expect(codes.some((code) => code.includes(' ') && code.includes('-'))).toBe(true)
  })

  it('differs only where documented, and each difference occurs in the set', () => {
    const differences = codes
      .map((code, i) => ({code, govnet: govnetValidate(code), stdnum: stdnum[i]}))
      .filter((d) => d.govnet !== d.stdnum)
    const stricter = differences.filter((d) => documentedDifference(d.code) === 'govnet-stricter')
    const letters = differences.filter((d) => documentedDifference(d.code) === 'stdnum-refuses-letters')
    expect(stricter.length).toBeGreaterThan(0)
    expect(letters.length).toBeGreaterThan(0)
    // Stricter: stdnum accepts, govnet refuses (no registration authority, no such type, no province).
    for (const d of stricter) expect([d.govnet, d.stdnum], d.code).toEqual([null, normalizeUscc(d.code)])
    // Letters in characters 1–8 (authorities A, N, Y): govnet accepts, stdnum refuses.
    for (const d of letters) expect([d.govnet, d.stdnum], d.code).toEqual([normalizeUscc(d.code), null])
    expect(stricter.length + letters.length).toBe(differences.length)
  })

  it('agrees on the published examples and on the issue’s code', () => {
    const examples = ['91110000600037341L', '91430111MA4L41YT1U', '9 1 110000 600037341L', 'PF7639667UB4F7C009']
    expect(stdnumValidate(examples)).toEqual(['91110000600037341L', '91430111MA4L41YT1U', '91110000600037341L', null])
    expect(examples.map(govnetValidate)).toEqual([
      '91110000600037341L',
      '91430111MA4L41YT1U',
      '91110000600037341L',
      null,
    ])
  })
})
