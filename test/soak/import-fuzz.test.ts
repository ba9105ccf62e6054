import fc from 'fast-check'
import {expect, it} from 'vitest'

import {ENTITIES, fuzzCase, rowsWritten, runCase} from '../helpers/import-fuzz'
import {tempInventory} from '../helpers/inventory'

/**
 * The import fuzz (`npm run soak`): GOVNET_SOAK_FUZZ generated inputs (default 100,000) through
 * every importer in process, bounded by GOVNET_SOAK_SECONDS. Counts every outcome and every
 * violation of the invariant (test/helpers/import-fuzz.ts), prints them, and fails on any violation.
 * A fresh inventory every 2,000 cases keeps each case's cost flat.
 */
const CASES = Number(process.env.GOVNET_SOAK_FUZZ ?? 100_000)
const SECONDS = Number(process.env.GOVNET_SOAK_SECONDS ?? 1500)
const BATCH = 2000
const SEED = Number(process.env.GOVNET_SOAK_SEED ?? Date.now() % 2_147_483_647)

it(`import fuzz: ${CASES} generated inputs, no internal error`, () => {
  const started = Date.now()
  const counts = {cases: 0, stored: 0, refused3: 0, refused5: 0, violations: 0}
  const violations: string[] = []
  const byViolation = new Map<string, number>()
  const byEntity = Object.fromEntries(ENTITIES.map((entity) => [entity, 0]))
  let batch = 0
  while (counts.cases < CASES && Date.now() - started < SECONDS * 1000) {
    const {dir, inventory, cleanup} = tempInventory({divisions: true, prefix: 'govnet-fuzz-'})
    try {
      const size = Math.min(BATCH, CASES - counts.cases)
      for (const c of fc.sample(fuzzCase(), {numRuns: size, seed: SEED + batch++})) {
        const outcome = runCase(inventory, dir, c, counts.cases++, rowsWritten)
        byEntity[c.entity]!++
        if (outcome.kind === 'stored') counts.stored++
        else if (outcome.kind === 'refused') counts[outcome.exit === 3 ? 'refused3' : 'refused5']++
        else {
          counts.violations++
          byViolation.set(outcome.violation, (byViolation.get(outcome.violation) ?? 0) + 1)
          if (violations.length < 20)
            violations.push(`${c.entity} ${c.format}: ${outcome.reason.split('\n').slice(0, 3).join(' | ')}`)
        }
        if (counts.cases % 10_000 === 0)
          console.log(
            `import fuzz: ${counts.cases} inputs, ${counts.violations} violations, ${((Date.now() - started) / 1000).toFixed(0)} s`,
          )
        if (Date.now() - started >= SECONDS * 1000) break
      }
    } finally {
      cleanup()
    }
  }
  const seconds = (Date.now() - started) / 1000
  console.log(
    `import fuzz (seed ${SEED}): ${counts.cases} inputs in ${seconds.toFixed(0)} s ` +
      `(${ENTITIES.map((e) => `${e} ${byEntity[e]}`).join(', ')}): ${counts.stored} stored, ` +
      `${counts.refused3} refused (exit 3), ${counts.refused5} refused (exit 5), internal errors and other violations: ${counts.violations}`,
  )
  console.log(`violations by kind: ${[...byViolation].map(([kind, n]) => `${kind} ${n}`).join(', ') || 'none'}`)
  for (const line of violations) console.log(`  ${line}`)
  expect(violations).toEqual([])
})
