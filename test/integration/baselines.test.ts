import {mkdirSync, readFileSync, writeFileSync} from 'node:fs'
import path from 'node:path'
import {afterEach, beforeEach, describe, expect, it} from 'vitest'

import {BaselineDocument, controlsByLevel, isHostable} from '../../src/domain/mlps'
import {readBaselineDocuments} from '../../src/baseline-files'
import {BaselineRepository, syncBaselines} from '../../src/inventory/baselines'
import {Inventory} from '../../src/inventory/db'
import {baselinesDir} from '../../src/paths'
import {tempDir} from '../helpers/cli'
import {snapshot} from '../helpers/db'

let dir: string
let cleanup: () => void
let dbPath: string
let inventory: Inventory

beforeEach(() => {
  ;({dir, cleanup} = tempDir())
  dbPath = path.join(dir, 'govnet.db')
  inventory = Inventory.open(dbPath, {create: true, actor: 'test'})
})
afterEach(() => {
  inventory.close()
  cleanup()
})

const shipped = JSON.parse(readFileSync(path.join(baselinesDir, 'mlps-2.0.json'), 'utf8')) as BaselineDocument

describe('baseline sync', () => {
  it('loads the shipped MLPS 2.0 baseline into baseline_controls on open', () => {
    const stored = new BaselineRepository(inventory).controls()
    expect(stored).toEqual(readBaselineDocuments().documents.flatMap(controlsByLevel))
    // The clauses and references come back from their columns as they were read.
    expect(stored.find((c) => c.id === 'filing' && c.level === 2)).toMatchObject({
      clauses: [{number: '6.1.9.1', heading: '定级和备案', items: ['d'], text: '6.1.9.1 定级和备案 d)'}],
      references: [expect.stringContaining('公通字[2007]43号 第十五条')],
    })
    expect(
      new BaselineRepository(inventory).controls(4).find((c) => c.id === 'assessment-interval')?.parameters,
    ).toEqual({everyMonths: 6})
    expect(isHostable(5, new BaselineRepository(inventory).controls(5))).toBe(false)
  })

  it('does nothing when the data files have not changed', () => {
    const before = snapshot(dbPath)
    syncBaselines(inventory)
    inventory.close()
    inventory = Inventory.open(dbPath, {actor: 'test'})
    expect(snapshot(dbPath)).toBe(before)
  })

  it('follows edits of the data: changed parameters, removed controls', () => {
    const custom = path.join(dir, 'baselines')
    mkdirSync(custom)
    const edited: BaselineDocument = {
      ...shipped,
      controls: shipped.controls
        .filter((c) => c.id !== 'anti-malware')
        .map((c) =>
          c.id === 'log-retention'
            ? {...c, levels: {...c.levels, '4': {...c.levels['4']!, parameters: {minMonths: 12}}}}
            : c,
        ),
    }
    writeFileSync(path.join(custom, 'mlps-2.0.json'), JSON.stringify(edited))
    syncBaselines(inventory, custom)
    const level4 = new BaselineRepository(inventory).controls(4)
    expect(level4.find((c) => c.id === 'log-retention')?.parameters).toEqual({minMonths: 12})
    expect(level4.find((c) => c.id === 'anti-malware')).toBeUndefined()
    syncBaselines(inventory)
    expect(new BaselineRepository(inventory).controls(4).find((c) => c.id === 'log-retention')?.parameters).toEqual({
      minMonths: 6,
    })
  })

  it('keeps a failed sync from changing anything: a control the schema refuses rolls the whole sync back', () => {
    const custom = path.join(dir, 'baselines')
    mkdirSync(custom)
    const broken = {
      ...shipped,
      controls: [...shipped.controls, {...shipped.controls[0]!, id: 'bogus', enforcedBy: 'nobody'}],
    }
    writeFileSync(path.join(custom, 'mlps-2.0.json'), JSON.stringify(broken))
    const before = snapshot(dbPath)
    expect(() => syncBaselines(inventory, custom)).toThrow(/CHECK constraint failed/)
    expect(snapshot(dbPath)).toBe(before)
  })
})
