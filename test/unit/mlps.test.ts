import {describe, expect, it} from 'vitest'

import {
  addDays,
  BaselineControl,
  controlsByLevel,
  evaluateTenant,
  isHostable,
  MLPS_LEVELS,
  parseMlpsLevel,
  RECORD_CHECKS,
  summarizeLevels,
  TenantFacts,
} from '../../src/domain/mlps'
import {readBaselineDocuments} from '../../src/baseline-files'
import {tenantMessages} from '../../src/messages'

const {documents} = readBaselineDocuments()
const baseline = documents.flatMap(controlsByLevel)
const at = (level: number) => baseline.filter((c) => c.level === level)
const control = (id: string, level: number) => baseline.find((c) => c.id === id && c.level === level)

const day = (iso: string) => new Date(`${iso}T00:00:00Z`)
const live: TenantFacts = {
  mlpsLevel: 3,
  status: 'active',
  filingNumber: '44000043001-23001',
  lastAssessedOn: '2025-11-25',
}
const result = (tenant: TenantFacts, id: string, today = '2026-11-25') =>
  evaluateTenant(tenant, baseline, day(today)).find((r) => r.controlId === id)

describe('baseline data (inventory/baselines/mlps-2.0.json)', () => {
  it('names its standard and a traceable source for every control', () => {
    expect(documents).toHaveLength(1)
    for (const c of baseline) {
      expect(c.source, c.id).toMatch(/GB\/T 22239-2019|GB\/T 39786-2021|Cybersecurity Law|公通字\[2007\]43号/)
      expect(c.requirement.length, c.id).toBeGreaterThan(20)
    }
  })

  it('has the controls the baseline requires, with the parameters the stack and policy pack read', () => {
    expect(control('log-retention', 1)?.parameters).toEqual({minDays: 180})
    expect(control('management-ports', 2)?.parameters.ports).toEqual(expect.arrayContaining([22, 3389, 23]))
    expect(control('management-ports', 4)?.parameters.forbiddenSources).toEqual(['0.0.0.0/0', '::/0'])
    expect(control('filing', 1)).toBeUndefined()
    expect(control('filing', 2)?.parameters).toEqual({withinDays: 30})
    expect(control('assessment-interval', 2)).toBeUndefined()
    expect(control('assessment-interval', 3)?.parameters).toEqual({maxIntervalDays: 365})
    expect(control('assessment-interval', 4)?.parameters).toEqual({maxIntervalDays: 183})
    expect(control('two-factor-admin', 2)).toBeUndefined()
    expect(control('two-factor-admin', 3)?.parameters).toMatchObject({minFactors: 2})
    expect(control('commercial-cryptography', 3)?.parameters.algorithms).toEqual(['SM2', 'SM3', 'SM4'])
    expect(control('encrypted-storage', 3)?.parameters).toMatchObject({algorithm: 'SM4'})
    expect(control('offsite-backup', 2)?.parameters).toMatchObject({mode: 'scheduled'})
    expect(control('network-zoning', 3)?.parameters.zones).toEqual(['web', 'app', 'data', 'management'])
    expect(control('intrusion-detection', 3)?.parameters).toEqual({mode: 'block'})
    expect(control('hot-redundancy', 4)).toBeDefined()
    expect(control('tenant-vpc-isolation', 1)).toBeUndefined()
    expect(control('tenant-vpc-isolation', 2)).toBeDefined()
    expect(control('platform-rating', 4)?.parameters).toEqual({minPlatformLevel: 4})
    for (const level of [1, 2, 3, 4]) {
      expect(control('default-deny-ingress', level), `level ${level}`).toBeDefined()
      expect(control('bastion-admin-access', level) !== undefined, `level ${level}`).toBe(level >= 2)
    }
  })

  it('asks more of each level than of the one below', () => {
    for (const level of [2, 3, 4]) {
      const lower = new Set(at(level - 1).map((c) => c.id))
      expect(at(level).length).toBeGreaterThan(lower.size)
      for (const id of lower) expect(control(id, level), `${id} at level ${level}`).toBeDefined()
    }
  })

  it('has a record check for every control the record enforces', () => {
    for (const c of baseline.filter((c) => c.enforcedBy === 'record'))
      expect(RECORD_CHECKS[c.id], c.id).toBeTypeOf('function')
  })

  it('marks level 5 as not hostable, and levels 1–4 as hostable', () => {
    expect(MLPS_LEVELS.filter((level) => !isHostable(level, baseline))).toEqual([5])
    expect(summarizeLevels(baseline).map((l) => [l.level, l.hostable, l.controls])).toEqual(
      MLPS_LEVELS.map((level) => [level, level !== 5, at(level).length]),
    )
  })
})

describe('evaluateTenant', () => {
  it('returns one result per control of the tenant level, in the order given', () => {
    const results = evaluateTenant(live, baseline, day('2026-11-25'))
    expect(results.map((r) => r.controlId)).toEqual(at(3).map((c) => c.id))
  })

  it('reports stack and operator controls as such', () => {
    expect(result(live, 'log-retention')).toEqual({
      controlId: 'log-retention',
      title: control('log-retention', 3)!.title,
      status: 'enforced-by-stack',
      reason: 'enforced by the provisioning stack and its policy pack ({"minDays":180})',
    })
    expect(result(live, 'anti-malware')?.status).toBe('operator')
  })

  describe('assessment interval', () => {
    it('passes on the due date and fails the day after, naming the date it was due (level 3: 365 days)', () => {
      expect(result(live, 'assessment-interval', '2026-11-25')).toMatchObject({
        status: 'pass',
        reason: 'last assessed 2025-11-25, next due by 2026-11-25',
      })
      expect(result(live, 'assessment-interval', '2026-11-26')).toMatchObject({
        status: 'fail',
        reason: 'assessment overdue: last assessed 2025-11-25, due by 2026-11-25',
      })
    })

    it('allows 183 days at level 4, across a month end', () => {
      const l4: TenantFacts = {...live, mlpsLevel: 4, lastAssessedOn: '2026-05-31'}
      expect(addDays('2026-05-31', 183)).toBe('2026-11-30')
      expect(result(l4, 'assessment-interval', '2026-11-30')?.status).toBe('pass')
      expect(result(l4, 'assessment-interval', '2026-12-01')).toMatchObject({
        status: 'fail',
        reason: 'assessment overdue: last assessed 2026-05-31, due by 2026-11-30',
      })
    })

    it('counts a leap day', () => {
      expect(addDays('2027-03-01', 365)).toBe('2028-02-29')
      expect(result({...live, lastAssessedOn: '2027-03-01'}, 'assessment-interval', '2028-03-01')?.status).toBe('fail')
    })

    it('fails a live tenant that was never assessed, and a date after today', () => {
      expect(result({...live, lastAssessedOn: null}, 'assessment-interval')).toMatchObject({
        status: 'fail',
        reason: 'no assessment on record: a level-3 system is assessed at least every 365 days',
      })
      expect(result({...live, lastAssessedOn: '2026-12-01'}, 'assessment-interval')).toMatchObject({
        status: 'fail',
        reason: 'last assessment 2026-12-01 is after today (2026-11-25): correct the date',
      })
    })

    it('is not applicable before a tenant goes live', () => {
      expect(result({...live, status: 'requested', lastAssessedOn: null}, 'assessment-interval')?.status).toBe(
        'not-applicable',
      )
      expect(
        result({...live, status: 'provisioning', lastAssessedOn: '2020-01-01'}, 'assessment-interval')?.status,
      ).toBe('not-applicable')
    })

    it('does not apply at levels 1 and 2', () => {
      expect(result({...live, mlpsLevel: 2, lastAssessedOn: null}, 'assessment-interval')).toBeUndefined()
    })
  })

  describe('filing', () => {
    it('passes with a filing number', () => {
      expect(result(live, 'filing')).toMatchObject({status: 'pass', reason: 'filed as 44000043001-23001'})
    })

    it('fails an active tenant without one, from level 2', () => {
      expect(result({...live, mlpsLevel: 2, filingNumber: null}, 'filing')).toMatchObject({
        status: 'fail',
        reason: 'no filing number: a level-2 system is filed with public security within 30 days of going live',
      })
    })

    it('is not yet due for a tenant that is not live, and not required at level 1', () => {
      expect(result({...live, status: 'requested', filingNumber: null}, 'filing')).toMatchObject({
        status: 'not-applicable',
        reason: 'not live yet (requested): file within 30 days of going live',
      })
      expect(result({...live, mlpsLevel: 1, filingNumber: null}, 'filing')).toBeUndefined()
    })
  })

  it('fails a record control govnet has no check for, rather than passing it', () => {
    const unknown: BaselineControl = {
      id: 'made-up',
      level: 3,
      title: 'x',
      requirement: 'x',
      source: 'x',
      enforcedBy: 'record',
      parameters: {},
    }
    expect(evaluateTenant(live, [unknown], day('2026-11-25'))).toEqual([
      {controlId: 'made-up', title: 'x', status: 'fail', reason: 'govnet has no record check for control made-up'},
    ])
  })

  it('refuses level 5 through its control', () => {
    const refusal = control('shared-cloud-hosting', 5)!
    expect(evaluateTenant({...live, mlpsLevel: 5 as 3}, [refusal], day('2026-11-25'))[0]).toMatchObject({
      status: 'fail',
      reason: tenantMessages.levelNotHosted(5),
    })
  })

  it('uses only the calendar date of today', () => {
    expect(evaluateTenant(live, baseline, new Date('2026-11-25T23:59:59Z'))).toEqual(
      evaluateTenant(live, baseline, day('2026-11-25')),
    )
  })
})

describe('parseMlpsLevel', () => {
  it('reads 1–5 and nothing else', () => {
    expect(['1', '5', ' 3 '].map(parseMlpsLevel)).toEqual([1, 5, 3])
    expect(['0', '6', '3.0', 'three', '', '03'].map(parseMlpsLevel)).toEqual([
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
    ])
  })
})
