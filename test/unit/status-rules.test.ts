import {describe, expect, it} from 'vitest'

import {
  COVERING_STATUSES,
  coversTownship,
  isCoveredTownship,
  isVerifiedTownship,
  verifiesTownship,
} from '../../src/domain/coverage'
import {DECOMMISSIONED, isDecommissioned} from '../../src/domain/lifecycle'
import {IN_SERVICE_STATUSES, isInService, NODE_STATUSES} from '../../src/domain/nodes'
import {TENANT_STATUSES} from '../../src/domain/tenants'

const SINCE = '2026-11-24T12:00:00.000Z'
const node = (status: string, lastAuditOutcome: string | null = null, lastAuditAt: string | null = null) => ({
  status,
  lastAuditOutcome,
  lastAuditAt,
})

describe('node and tenant status rules', () => {
  it('decommissioned is one status shared by nodes and tenants', () => {
    expect(NODE_STATUSES).toContain(DECOMMISSIONED)
    expect(TENANT_STATUSES).toContain(DECOMMISSIONED)
    expect(NODE_STATUSES.filter(isDecommissioned)).toEqual(['decommissioned'])
    expect(TENANT_STATUSES.filter(isDecommissioned)).toEqual(['decommissioned'])
  })

  it('in service means active or degraded; covering a township means active only', () => {
    expect(NODE_STATUSES.filter(isInService)).toEqual(['active', 'degraded'])
    expect(NODE_STATUSES.filter(coversTownship)).toEqual(['active'])
    expect([...IN_SERVICE_STATUSES]).toEqual(['active', 'degraded'])
    expect([...COVERING_STATUSES]).toEqual(['active'])
    // every covering status is in service, not the other way round
    expect(COVERING_STATUSES.every(isInService)).toBe(true)
    expect(isInService('degraded') && !coversTownship('degraded')).toBe(true)
    expect(isInService('planned') || isInService('decommissioned')).toBe(false)
  })
})

describe('covered and verified townships', () => {
  it('a node verifies its township when it covers it and its last audit succeeded inside the window', () => {
    expect(verifiesTownship(node('active', 'ok', SINCE), SINCE)).toBe(true) // at the cutoff counts
    expect(verifiesTownship(node('active', 'ok', '2026-11-25T00:00:00.000Z'), SINCE)).toBe(true)
    expect(verifiesTownship(node('active', 'ok', '2026-11-24T11:59:59.999Z'), SINCE)).toBe(false) // stale
    expect(verifiesTownship(node('active', 'auth', '2026-11-25T00:00:00.000Z'), SINCE)).toBe(false) // failed
    expect(verifiesTownship(node('active'), SINCE)).toBe(false) // never audited
    expect(verifiesTownship(node('degraded', 'ok', '2026-11-25T00:00:00.000Z'), SINCE)).toBe(false)
    expect(verifiesTownship(node('decommissioned', 'ok', '2026-11-25T00:00:00.000Z'), SINCE)).toBe(false)
  })

  it('a township is covered by any covering node and verified by any verifying one', () => {
    const fresh = '2026-11-25T00:00:00.000Z'
    expect(isCoveredTownship([])).toBe(false)
    expect(isCoveredTownship([node('planned'), node('degraded', 'ok', fresh)])).toBe(false)
    expect(isCoveredTownship([node('planned'), node('active')])).toBe(true)
    // two active nodes, one with a failed audit and one with a good one: verified
    expect(isVerifiedTownship([node('active', 'timeout', fresh), node('active', 'ok', fresh)], SINCE)).toBe(true)
    // covered but not verified: the good audit is on a degraded node
    const township = [node('active', 'timeout', fresh), node('degraded', 'ok', fresh)]
    expect(isCoveredTownship(township)).toBe(true)
    expect(isVerifiedTownship(township, SINCE)).toBe(false)
  })
})
