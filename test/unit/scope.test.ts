import {describe, expect, it} from 'vitest'

import {
  countingRoots,
  formatScope,
  isInScope,
  isTenantInScope,
  nodeScopeProblem,
  normalizeScope,
  parseScope,
  tenantScopeProblem,
  touchesScope,
  WHOLE_COUNTRY,
} from '../../src/domain/scope'
import {usccCheckCharacter, usccDivisionCode} from '../../src/domain/uscc'
import {scopeMessages as msg} from '../../src/messages'

/** A valid government-body (11) USCC registered in the division `six` (GB/T 2260, 6 digits). */
const usccIn = (six: string) => {
  const first17 = `11${six}MB1234567`
  return `${first17}${usccCheckCharacter(first17)}`
}

describe('scope of an inventory (provincial instances)', () => {
  it('parses --scope: comma-separated, trimmed, sorted, repeats and nested codes dropped', () => {
    expect(parseScope(['44'])).toEqual({scope: ['44']})
    expect(parseScope(['65, 11,44,11'])).toEqual({scope: ['11', '44', '65']})
    expect(parseScope(['4401,44,440103'])).toEqual({scope: ['44']})
    expect(parseScope(['4403', '4401,440103'])).toEqual({scope: ['4401', '4403']})
    expect(normalizeScope(['441900', '4419', '4420'])).toEqual(['4419', '4420'])
  })

  it('refuses what is not a province, prefecture or county code, naming it', () => {
    expect(parseScope([''])).toEqual({problem: expect.stringContaining('no division code given') as string})
    expect(parseScope(['44x'])).toEqual({problem: '"44x" is not a division code: digits only'})
    expect(parseScope(['445'])).toEqual({
      problem: '"445" is not a division code: it must have 2, 4, 6, 9 or 12 digits',
    })
    expect(parseScope(['44,440103001'])).toEqual({
      problem: '"440103001" is a township: a scope is made of province, prefecture or county codes',
    })
  })

  it('puts a code in scope when it lies in one of the subtrees; everything is in the whole country', () => {
    const scope = ['4401', '46']
    expect(isInScope('4401', scope)).toBe(true)
    expect(isInScope('440103001', scope)).toBe(true)
    expect(isInScope('469001100', scope)).toBe(true)
    expect(isInScope('44', scope)).toBe(false)
    expect(isInScope('4402', scope)).toBe(false)
    expect(isInScope('11', scope)).toBe(false)
    expect(isInScope('1101', WHOLE_COUNTRY)).toBe(true)
  })

  it('reports the ancestors of the scope codes too (their lines count only the scope)', () => {
    const scope = ['440103']
    expect(touchesScope('44', scope)).toBe(true)
    expect(touchesScope('4401', scope)).toBe(true)
    expect(touchesScope('440103001', scope)).toBe(true)
    expect(touchesScope('440104', scope)).toBe(false)
    expect(touchesScope('4402', scope)).toBe(false)
    expect(touchesScope('11', scope)).toBe(false)
  })

  it('counts disjoint subtrees: the scope, the --under division, or their intersection', () => {
    expect(countingRoots(WHOLE_COUNTRY)).toEqual([''])
    expect(countingRoots(WHOLE_COUNTRY, '44')).toEqual(['44'])
    expect(countingRoots(['11', '44'])).toEqual(['11', '44'])
    expect(countingRoots(['44'], '4401')).toEqual(['4401'])
    expect(countingRoots(['4401', '4403', '46'], '44')).toEqual(['4401', '4403'])
    expect(countingRoots(['44'], '11')).toEqual([])
  })

  it('reads the registering division of a USCC in the short NBS form', () => {
    expect(usccDivisionCode(usccIn('440000'))).toBe('44')
    expect(usccDivisionCode(usccIn('440100'))).toBe('4401')
    expect(usccDivisionCode(usccIn('440103'))).toBe('440103')
    expect(usccDivisionCode(usccIn('100000'))).toBeUndefined()
    expect(usccDivisionCode('91430111MA4L41YT1U')).toBe('430111')
  })

  it('puts a tenant in scope by the division its department is registered in', () => {
    expect(isTenantInScope(usccIn('440000'), ['44'])).toBe(true)
    expect(isTenantInScope(usccIn('440103'), ['44'])).toBe(true)
    expect(isTenantInScope(usccIn('440000'), ['4401'])).toBe(false)
    expect(isTenantInScope(usccIn('110000'), ['44'])).toBe(false)
    expect(isTenantInScope(usccIn('100000'), ['44'])).toBe(false)
    expect(isTenantInScope(usccIn('100000'), WHOLE_COUNTRY)).toBe(true)
  })

  it('describes a row outside the scope with its field, row, id and the scope', () => {
    expect(nodeScopeProblem({id: 'gz-1', division: '440103001'}, ['44'], 3)).toBeUndefined()
    expect(nodeScopeProblem({id: 'bj-1', division: '110101001'}, ['44', '46'], 3)).toEqual({
      row: 3,
      field: 'division',
      message: msg.nodeOutsideScope('bj-1', '110101001', '44,46'),
    })
    expect(tenantScopeProblem({id: 'mps', uscc: usccIn('100000')}, ['44'])).toEqual({
      row: undefined,
      field: 'uscc',
      message: msg.tenantOutsideScope('mps', undefined, '44'),
    })
    expect(msg.nodeOutsideScope('bj-1', '110101001', '44,46')).toContain('scope 44,46')
    expect(msg.tenantOutsideScope('bj', '11', '44')).toContain('registered in 11, outside')
    expect(formatScope(['11', '44'])).toBe('11,44')
  })
})
