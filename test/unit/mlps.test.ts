import {describe, expect, it} from 'vitest'

import {addDays, addMonths} from '../../src/domain/calendar'
import {
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
import {gradingMessages as msg, tenantMessages} from '../../src/messages'

const {documents} = readBaselineDocuments()
const baseline = documents.flatMap(controlsByLevel)
const at = (level: number) => baseline.filter((c) => c.level === level)
const control = (id: string, level: number) => baseline.find((c) => c.id === id && c.level === level)

const live: TenantFacts = {
  mlpsLevel: 3,
  status: 'active',
  filingNumber: '44000043001-23001',
  lastAssessedOn: '2025-11-25',
  gradedOn: '2025-06-01',
  liveOn: '2025-09-01',
}
const result = (tenant: TenantFacts, id: string, today = '2026-11-25') =>
  evaluateTenant(tenant, baseline, today).find((r) => r.controlId === id)

describe('baseline data (inventory/baselines/mlps-2.0.json)', () => {
  it('names its standard and a traceable source for every control at every level', () => {
    expect(documents).toHaveLength(1)
    for (const c of baseline) {
      expect(c.clauses.length + c.references.length, `${c.id} level ${c.level}`).toBeGreaterThan(0)
      expect(c.source, c.id).toMatch(/GB\/T 22239-2019|GB\/T 39786-2021|网络安全法|公通字\[2007\]43号|govnet design/)
      expect(c.requirement.length, c.id).toBeGreaterThan(20)
    }
    expect(control('admin-identity', 3)).toMatchObject({
      clauses: [{number: '7.1.4.1', heading: '身份鉴别', items: ['a', 'b'], text: '7.1.4.1 身份鉴别 a), b)'}],
      source: 'GB/T 22239-2019 7.1.4.1 身份鉴别 a), b)',
    })
  })

  it('has the controls the baseline requires, with the parameters the stack and policy pack read', () => {
    expect(control('log-retention', 1)?.parameters).toEqual({minMonths: 6})
    expect(control('management-ports', 2)?.parameters.ports).toEqual(expect.arrayContaining([22, 3389, 23]))
    expect(control('management-ports', 4)?.parameters.forbiddenSources).toEqual(['0.0.0.0/0', '::/0'])
    expect(control('filing', 1)).toBeUndefined()
    expect(control('filing', 2)?.parameters).toEqual({withinDays: 30})
    expect(control('assessment-interval', 2)).toBeUndefined()
    expect(control('assessment-interval', 3)?.parameters).toEqual({everyMonths: 12})
    expect(control('assessment-interval', 4)?.parameters).toEqual({everyMonths: 6})
    expect(control('two-factor-admin', 2)).toBeUndefined()
    expect(control('two-factor-admin', 3)?.parameters).toMatchObject({minFactors: 2})
    expect(control('commercial-cryptography', 3)?.parameters.algorithms).toEqual(['SM2', 'SM3', 'SM4'])
    expect(control('encrypted-storage', 3)?.parameters).toMatchObject({algorithm: 'SM4'})
    expect(control('offsite-backup', 2)?.parameters).toMatchObject({mode: 'scheduled'})
    expect(control('network-zoning', 3)?.parameters.zones).toEqual(['web', 'app', 'data', 'management'])
    expect(control('intrusion-detection', 3)?.parameters).toEqual({mode: 'block'})
    expect(control('hot-redundancy', 4)).toBeDefined()
    expect(control('tenant-vpc-isolation', 1)?.clauses[0]?.text).toBe('5.2.2.1 网络架构 b)')
    expect(control('platform-rating', 4)?.parameters).toEqual({minPlatformLevel: 4})
    for (const level of [1, 2, 3, 4]) {
      expect(control('default-deny-ingress', level), `level ${level}`).toBeDefined()
      // 集中管控 (the bastion) is a requirement from level 3 only; level 2 encrypts remote administration.
      expect(control('bastion-admin-access', level) !== undefined, `level ${level}`).toBe(level >= 3)
      expect(control('encrypted-remote-admin', level) !== undefined, `level ${level}`).toBe(level >= 2)
    }
  })

  it('requires what GB/T 22239-2019 requires at the level it requires it (issue 12)', () => {
    // Integrity of important data in transit and at rest is level 3 (7.1.4.7 a), b)); level 4 adds non-repudiation.
    expect(control('commercial-cryptography', 3)?.parameters).toMatchObject({integrity: true})
    expect(control('commercial-cryptography', 3)?.parameters.nonRepudiation).toBeUndefined()
    expect(control('commercial-cryptography', 4)?.parameters).toMatchObject({integrity: true, nonRepudiation: true})
    expect(control('commercial-cryptography', 3)?.source).toContain('7.1.4.7 数据完整性 a), b)')
    // Level 4's boundary exchanges data by protocol conversion or isolation.
    expect(control('protocol-isolation', 4)?.source).toContain('8.1.3.2 访问控制 e)')
    expect(control('protocol-isolation', 3)).toBeUndefined()
    // Anti-malware differs by level.
    expect([1, 2, 3, 4].map((level) => control('anti-malware', level)?.parameters.mode)).toEqual([
      'signatures',
      'signatures',
      'technical-measures-or-active-immunity',
      'active-immunity',
    ])
    // Tenant-relevant cloud-extension controls.
    expect(control('hardened-images', 3)?.source).toContain('7.2.4.4 镜像和快照保护 a), b)')
    expect(control('encrypted-storage', 3)?.source).toContain('7.2.4.4 镜像和快照保护 c)')
    expect(control('tenant-held-keys', 3)?.source).toContain('7.2.4.5 数据完整性和保密性 d)')
    expect(control('residual-data-clearing', 3)?.source).toContain('7.2.4.7 剩余信息保护 a), b)')
    expect(control('backup-location', 3)?.source).toContain('7.2.4.6 数据备份恢复 a), b), c)')
    expect(control('migration-out', 3)?.source).toContain('7.2.4.6 数据备份恢复 d)')
    expect(control('provider-action-audit', 2)?.source).toContain('6.2.3.3 安全审计 a), b)')
    // Level 2 numbering shifts: no 数据保密性, so 数据备份恢复 is 6.1.4.8.
    expect(control('offsite-backup', 2)?.source).toBe('GB/T 22239-2019 6.1.4.8 数据备份恢复 b)')
    // Level 5 is not published.
    expect(control('shared-cloud-hosting', 5)?.clauses.map((c) => c.text)).toEqual(['9 第五级安全要求'])
  })

  it('asks more of each level than of the one below, except what a higher level replaces', () => {
    // Replaced upwards: checksum integrity by commercial cryptography (level 3).
    const replaced = new Set(['transit-integrity'])
    for (const level of [2, 3, 4]) {
      const lower = new Set(at(level - 1).map((c) => c.id))
      expect(at(level).length).toBeGreaterThan(lower.size)
      for (const id of lower) if (!replaced.has(id)) expect(control(id, level), `${id} at level ${level}`).toBeDefined()
    }
    expect(control('commercial-cryptography', 3)).toBeDefined()
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
    const results = evaluateTenant(live, baseline, '2026-11-25')
    expect(results.map((r) => r.controlId)).toEqual(at(3).map((c) => c.id))
  })

  it('reports stack and operator controls as such', () => {
    expect(result(live, 'log-retention')).toEqual({
      controlId: 'log-retention',
      title: control('log-retention', 3)!.title,
      status: 'enforced-by-stack',
      reason: 'enforced by the provisioning stack and its policy pack ({"minMonths":6})',
    })
    expect(result(live, 'anti-malware')?.status).toBe('operator')
  })

  describe('assessment interval (calendar months)', () => {
    it('passes on the due date and fails the day after, naming the date it was due (level 3: 12 months)', () => {
      expect(result(live, 'assessment-interval', '2026-11-25')).toMatchObject({
        status: 'pass',
        reason: msg.assessmentDue('2025-11-25', '2026-11-25'),
      })
      expect(result(live, 'assessment-interval', '2026-11-26')).toMatchObject({
        status: 'fail',
        reason: msg.assessmentOverdue('2025-11-25', '2026-11-25'),
      })
    })

    it('allows six calendar months at level 4, to the last day of February from 31 August', () => {
      const l4: TenantFacts = {...live, mlpsLevel: 4, lastAssessedOn: '2026-08-31'}
      expect(result(l4, 'assessment-interval', '2027-02-28')?.status).toBe('pass')
      expect(result(l4, 'assessment-interval', '2027-03-01')).toMatchObject({
        status: 'fail',
        reason: msg.assessmentOverdue('2026-08-31', '2027-02-28'),
      })
      // 183 days would have allowed 2027-03-02: the half year is months, not days.
      expect(addDays('2026-08-31', 183)).toBe('2027-03-02')
      const leap: TenantFacts = {...l4, lastAssessedOn: '2027-08-31'}
      expect(result(leap, 'assessment-interval', '2028-02-29')?.status).toBe('pass')
      expect(result(leap, 'assessment-interval', '2028-03-01')?.status).toBe('fail')
    })

    it('counts a year from a leap day to 28 February', () => {
      expect(addMonths('2028-02-29', 12)).toBe('2029-02-28')
      expect(result({...live, lastAssessedOn: '2028-02-29'}, 'assessment-interval', '2029-02-28')?.status).toBe('pass')
      expect(result({...live, lastAssessedOn: '2028-02-29'}, 'assessment-interval', '2029-03-01')?.status).toBe('fail')
    })

    it('fails a live tenant that was never assessed, and a date after today', () => {
      expect(result({...live, lastAssessedOn: null}, 'assessment-interval')).toMatchObject({
        status: 'fail',
        reason: msg.neverAssessed(3, 12),
      })
      expect(result({...live, lastAssessedOn: '2026-12-01'}, 'assessment-interval')).toMatchObject({
        status: 'fail',
        reason: msg.assessedAfterToday('2026-12-01', '2026-11-25'),
      })
    })

    it('is not applicable before a tenant goes live', () => {
      expect(result({...live, status: 'requested', lastAssessedOn: null}, 'assessment-interval')).toMatchObject({
        status: 'not-applicable',
        reason: msg.assessmentNotLive('requested', 12),
      })
      expect(
        result({...live, status: 'provisioning', lastAssessedOn: '2020-01-01'}, 'assessment-interval')?.status,
      ).toBe('not-applicable')
    })

    it('does not apply at levels 1 and 2', () => {
      expect(result({...live, mlpsLevel: 2, lastAssessedOn: null}, 'assessment-interval')).toBeUndefined()
    })
  })

  describe('filing (30 days from going live or grading, 公通字[2007]43号 art. 15)', () => {
    const unfiled: TenantFacts = {
      ...live,
      mlpsLevel: 2,
      filingNumber: null,
      gradedOn: '2026-09-01',
      liveOn: '2026-11-01',
    }

    it('passes with a filing number', () => {
      expect(result(live, 'filing')).toMatchObject({status: 'pass', reason: msg.filed('44000043001-23001')})
    })

    it('gives a new system 30 days from going live: due on day 30, overdue on day 31', () => {
      expect(result(unfiled, 'filing', '2026-11-01')).toMatchObject({
        status: 'pass',
        reason: msg.filingDue('2026-11-01', '2026-12-01'),
      })
      expect(result(unfiled, 'filing', '2026-12-01')?.status).toBe('pass')
      expect(result(unfiled, 'filing', '2026-12-02')).toMatchObject({
        status: 'fail',
        reason: msg.filingOverdue(2, 30, '2026-11-01', '2026-12-01'),
      })
    })

    it('gives a system graded while already running 30 days from its grading', () => {
      const running: TenantFacts = {...unfiled, liveOn: '2024-03-01', gradedOn: '2026-11-20'}
      expect(result(running, 'filing', '2026-12-20')?.status).toBe('pass')
      expect(result(running, 'filing', '2026-12-21')).toMatchObject({
        status: 'fail',
        reason: msg.filingOverdue(2, 30, '2026-11-20', '2026-12-20'),
      })
    })

    it('fails a live tenant with neither date, naming the fields to set, and a date after today', () => {
      expect(result({...unfiled, gradedOn: null, liveOn: null}, 'filing')).toMatchObject({
        status: 'fail',
        reason: msg.filingNoStartDate(2, 30),
      })
      expect(result({...unfiled, liveOn: '2026-12-24'}, 'filing')).toMatchObject({
        status: 'fail',
        reason: msg.filingDateAfterToday('2026-12-24', '2026-11-25'),
      })
    })

    it('is not yet due for a tenant that is not live, and not required at level 1', () => {
      expect(result({...unfiled, status: 'requested'}, 'filing')).toMatchObject({
        status: 'not-applicable',
        reason: msg.filingNotLive('requested', 30),
      })
      expect(result({...unfiled, mlpsLevel: 1}, 'filing')).toBeUndefined()
    })
  })

  it('fails a record control govnet has no check for, rather than passing it', () => {
    const unknown: BaselineControl = {
      id: 'made-up',
      level: 3,
      title: 'x',
      requirement: 'x',
      source: 'x',
      clauses: [],
      references: [],
      enforcedBy: 'record',
      parameters: {},
    }
    expect(evaluateTenant(live, [unknown], '2026-11-25')).toEqual([
      {controlId: 'made-up', title: 'x', status: 'fail', reason: 'govnet has no record check for control made-up'},
    ])
  })

  it('refuses level 5 through its control', () => {
    const refusal = control('shared-cloud-hosting', 5)!
    expect(evaluateTenant({...live, mlpsLevel: 5 as 3}, [refusal], '2026-11-25')[0]).toMatchObject({
      status: 'fail',
      reason: tenantMessages.levelNotHosted(5),
    })
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
