import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {computeCoverage, computeCoverageAllLevels} from '../../src/coverage'
import {ScopeRepository} from '../../src/inventory/scope'
import {scopeMessages} from '../../src/messages'
import {seedNodes} from '../../src/seed'
import {thrown} from '../helpers/expect-error'
import {TempInventory, tempInventory} from '../helpers/inventory'

/**
 * A prefecture instance over a real SQLite file holding the whole fixture (650 divisions): Dongguan
 * (4419, no county level: its townships sit under the placeholder county 441900) and Jiayuguan
 * (6202, the same under 620201), scoped together.
 */
describe('an inventory scoped to prefectures', () => {
  let temp: TempInventory
  let whole: ReturnType<typeof computeCoverageAllLevels>

  beforeAll(() => {
    temp = tempInventory({divisions: true})
    seedNodes(temp.inventory, [
      {id: 'dg-1', division: '441900003'},
      {id: 'jyg-1', division: '620201100'},
    ])
    whole = computeCoverageAllLevels(temp.inventory)
    expect(new ScopeRepository(temp.inventory).set(['4419', '6202'])).toEqual({scope: ['4419', '6202'], changed: true})
  })
  afterAll(() => temp.cleanup())

  const line = (rows: ReturnType<typeof computeCoverageAllLevels>['county'], code: string) => {
    const row = rows.find((r) => r.code === code)
    if (!row) return expect.fail(`no line for ${code}`)
    return {townships: row.townships, covered: row.covered}
  }

  it('reports its provinces counting only its prefectures, and only its own prefectures and counties', () => {
    const scoped = computeCoverageAllLevels(temp.inventory)
    expect(scoped.province.map((r) => r.code)).toEqual(['44', '62'])
    expect(scoped.prefecture.map((r) => r.code)).toEqual(['4419', '6202'])
    expect(scoped.county.map((r) => r.code)).toEqual(['441900', '620201'])
    expect(line(scoped.province, '44')).toEqual(line(whole.prefecture, '4419'))
    expect(line(scoped.province, '62')).toEqual(line(whole.prefecture, '6202'))
    const dongguan = line(whole.prefecture, '4419')
    const jiayuguan = line(whole.prefecture, '6202')
    expect({townships: scoped.national.townships, covered: scoped.national.covered}).toEqual({
      townships: dongguan.townships + jiayuguan.townships,
      covered: 2,
    })
    expect(scoped.national.townships).toBeLessThan(whole.national.townships)
  })

  it('limits --under to the part of the subtree inside the scope', () => {
    expect(computeCoverage(temp.inventory, {level: 'prefecture', under: '44'}).rows.map((r) => r.code)).toEqual([
      '4419',
    ])
    expect(computeCoverage(temp.inventory, {level: 'county', under: '11'}).total.townships).toBe(0)
  })

  it('is not narrowed past its rows: the first one outside is named and nothing changes', () => {
    const scope = new ScopeRepository(temp.inventory)
    const error = thrown(() => scope.set(['4419']))
    expect(error).toEqual(scopeMessages.rowsOutsideScope('4419', scopeMessages.nodeRow('jyg-1', '620201100'), 0))
    expect(error.exit).toBe(5)
    expect(scope.get()).toEqual(['4419', '6202'])
    expect(scope.set(['6202', '4419'])).toEqual({scope: ['4419', '6202'], changed: false})
  })
})
