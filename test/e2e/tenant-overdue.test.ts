import path from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {invalidToday} from '../../src/messages/tenants'
import type {OverdueTenant} from '../../src/provision/overdue'
import {govnet, json, tempDir} from '../helpers/cli'
import {expectError} from '../helpers/expect-error'
import {seedMetricsInventory} from '../helpers/metrics-seed'

/**
 * `govnet tenant list --overdue` over the metrics seed (test/helpers/metrics-seed.ts): the runbook
 * command of the GovnetTenantAssessmentOverdue alert, so it must list the tenants the metric counts.
 */
describe('govnet tenant list --overdue', () => {
  const tmp = tempDir('govnet-overdue-')
  const dbPath = path.join(tmp.dir, 'govnet.db')

  beforeAll(() => {
    seedMetricsInventory(dbPath)
  })

  afterAll(() => {
    tmp.cleanup()
  })

  it('lists the tenants whose filing or assessment is overdue on --today, with the deadline each missed', () => {
    const tenants = json<OverdueTenant[]>(
      govnet(['tenant', 'list', '--overdue', '--today', '2026-11-25', '--json', '--db', dbPath]),
    )
    expect(tenants.map((t) => [t.id, t.overdue.map((o) => o.controlId)])).toEqual([
      ['health-l3-unfiled', ['filing']],
      ['police-l4-overdue', ['assessment-interval']],
      ['tax-l3-overdue', ['assessment-interval']],
    ])
    expect(tenants[2]!.overdue[0]!.reason).toBe('assessment overdue: last assessed 2024-06-01, due by 2025-06-01')
    expect(tenants[2]).toMatchObject({id: 'tax-l3-overdue', mlpsLevel: 3, status: 'active', region: 'cn-test-1'})
  })

  it('combines with the other filters and judges another day with --today', () => {
    const level4 = json<OverdueTenant[]>(
      govnet(['tenant', 'list', '--overdue', '--level', '4', '--today', '2026-11-25', '--json', '--db', dbPath]),
    )
    expect(level4.map((t) => t.id)).toEqual(['police-l4-overdue'])
    // On 2026-08-31 the level-4 assessment of 2026-03-01 is still within its six months.
    const earlier = json<OverdueTenant[]>(
      govnet(['tenant', 'list', '--overdue', '--today', '2026-08-31', '--json', '--db', dbPath]),
    )
    expect(earlier.map((t) => t.id)).toEqual(['health-l3-unfiled', 'tax-l3-overdue'])
  })

  it('prints a table naming each deadline, or one line when nothing is overdue', () => {
    const table = govnet(['tenant', 'list', '--overdue', '--today', '2026-11-25', '--db', dbPath])
    expect(table.code).toBe(0)
    const lines = table.stdout.trimEnd().split('\n')
    expect(lines[0]).toMatch(/^ID\s+REGION\s+LEVEL\s+STATUS\s+OVERDUE$/)
    expect(lines.find((line) => line.startsWith('tax-l3-overdue'))).toContain(
      'assessment-interval: assessment overdue: last assessed 2024-06-01, due by 2025-06-01',
    )
    const none = govnet(['tenant', 'list', '--overdue', '--level', '1', '--today', '2026-11-25', '--db', dbPath])
    expect(none.stdout).toBe('no tenant is overdue for filing or assessment on 2026-11-25\n')
  })

  it('refuses a --today that is not a date with the catalog message (exit 3)', () => {
    expectError(
      govnet(['tenant', 'list', '--overdue', '--today', '2026-02-30', '--db', dbPath]),
      invalidToday('2026-02-30'),
    )
  })
})
