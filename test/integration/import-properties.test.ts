import fc from 'fast-check'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {DIVISION_LEVELS} from '../../src/domain/divisions'
import {parseRecord, RecordSchema} from '../../src/domain/fields'
import {NODE_SCHEMA} from '../../src/domain/nodes'
import {REGION_SCHEMA} from '../../src/domain/regions'
import {TENANT_SCHEMA} from '../../src/domain/tenants'
import {Inventory} from '../../src/inventory/db'
import {ENTITIES, fuzzCase, runCase} from '../helpers/import-fuzz'
import {tempInventory} from '../helpers/inventory'

/**
 * Property-based tests of every importer (CSV and JSON) and every record schema: a bounded number of
 * generated cases here (GOVNET_PROPERTY_RUNS, default 60 per entity and format); `npm run soak` runs
 * 100,000 and more (test/soak/import-fuzz.test.ts). See test/helpers/import-fuzz.ts for the invariant.
 */
const RUNS = Number(process.env.GOVNET_PROPERTY_RUNS ?? 60)

let dir: string
let inventory: Inventory
let cleanup: () => void
let serial = 0

beforeAll(() => {
  ;({dir, inventory, cleanup} = tempInventory({divisions: true}))
})
afterAll(() => cleanup())

describe('every importer keeps the invariant: stored exactly, or refused with the inventory unchanged', () => {
  const combos = ENTITIES.flatMap((entity) =>
    (entity === 'division' ? (['csv'] as const) : (['csv', 'json'] as const)).map((format) => ({entity, format})),
  )
  it.each(combos)('$entity from $format', ({entity, format}) => {
    fc.assert(
      fc.property(fuzzCase([entity], [format]), (c) => {
        const outcome = runCase(inventory, dir, c, serial++)
        if (outcome.kind === 'violated') throw new Error(outcome.reason)
      }),
      {numRuns: RUNS},
    )
  })
})

describe('every record schema turns any JSON value into a value or field problems, never a throw', () => {
  const schemas: Array<[string, RecordSchema<Record<string, unknown>>]> = [
    ['node', NODE_SCHEMA],
    ['tenant', TENANT_SCHEMA],
    ['region', REGION_SCHEMA],
  ]
  it.each(schemas)('%s', (_, schema) => {
    const fields = Object.keys(schema)
    const value = fc.oneof(
      fc.jsonValue({maxDepth: 5}),
      fc.string({maxLength: 300}),
      fc.constantFrom<unknown>(
        {toString: 'x'},
        [[[[]]]],
        'x'.repeat(5000),
        '\u0000',
        '=1+1',
        "'; DROP TABLE nodes; --",
      ),
    )
    fc.assert(
      fc.property(fc.dictionary(fc.constantFrom(...fields), value), (raw) => {
        const {record, problems} = parseRecord(schema, raw, 1)
        expect(record === undefined).toBe(problems.length > 0)
        for (const problem of problems) {
          expect(fields).toContain(problem.field)
          expect(problem.message.length).toBeLessThanOrEqual(401)
        }
      }),
      {numRuns: RUNS * 5},
    )
  })

  it('division codes: any text gives a level or a problem', async () => {
    const {codeProblem, levelOf} = await import('../../src/domain/divisions')
    fc.assert(
      fc.property(fc.oneof(fc.string({maxLength: 20}), fc.stringMatching(/^[0-9０-９.E+']{1,14}$/)), (code) => {
        const problem = codeProblem(code)
        if (problem === undefined) expect(DIVISION_LEVELS).toContain(levelOf(code))
        else expect(problem.length).toBeLessThan(400)
      }),
      {numRuns: RUNS * 10},
    )
  })
})
