import {describe, expect, it} from 'vitest'

import {SSH_ERROR_CODES} from '../../src/ssh-errors'
import {BaselineControl, controlsByLevel, RECORD_CHECKS} from '../../src/domain/mlps'
import {readBaselineDocuments} from '../../src/baseline-files'
import {metricsMessages as msg} from '../../src/messages'
import {ASSESSMENT_CONTROL_ID, countComplianceFailures} from '../../src/metrics/compliance'
import {negotiateFormat} from '../../src/metrics/exposition'
import {DEFAULT_METRICS_PORT, parseListenAddress} from '../../src/metrics/options'
import {auditResultOf} from '../../src/metrics/reachability'
import {summarizeNodes} from '../../src/metrics/snapshot'

describe('parseListenAddress', () => {
  it.each([
    ['127.0.0.1:10360', {host: '127.0.0.1', port: 10360}],
    ['localhost:0', {host: 'localhost', port: 0}],
    ['[::1]:9999', {host: '::1', port: 9999}],
    [':10360', {port: 10360}],
  ])('reads %s', (value, expected) => {
    expect(parseListenAddress(value)).toEqual(expected)
  })

  it.each(['10360', '127.0.0.1', '127.0.0.1:70000', '[not-ipv6]:80', '::1:80', '127.0.0.1:http', ''])(
    'refuses %j with the catalog message',
    (value) => {
      expect(() => parseListenAddress(value)).toThrow(msg.invalidListen(value).message)
    },
  )

  it('keeps the default port out of the Prometheus allocation range (9090-9999)', () => {
    expect(DEFAULT_METRICS_PORT < 9090 || DEFAULT_METRICS_PORT > 9999).toBe(true)
  })
})

describe('auditResultOf', () => {
  it('classifies success, network failures, host-key mismatch and never-audited nodes', () => {
    expect(auditResultOf('ok')).toBe('reachable')
    expect(auditResultOf(null)).toBe('never_audited')
    for (const code of ['timeout', 'refused', 'unreachable']) expect(auditResultOf(code)).toBe('unreachable')
    expect(auditResultOf('host-key-changed')).toBe('host_key_mismatch')
    for (const code of [
      'auth',
      'host-key-unknown',
      'protocol',
      'algorithm-mismatch',
      'command-timeout',
      'closed',
      'command-refused',
    ]) {
      expect(auditResultOf(code)).toBe('audit_failed')
    }
  })

  it('places every SshError code, and counts an unknown outcome as a failed audit', () => {
    for (const code of SSH_ERROR_CODES) expect(auditResultOf(code)).not.toBe('never_audited')
    expect(auditResultOf('some-future-code')).toBe('audit_failed')
  })
})

describe('negotiateFormat', () => {
  it('serves OpenMetrics when the scraper prefers it, as Prometheus 2.x does', () => {
    const prometheus2 =
      'application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1'
    expect(negotiateFormat(prometheus2)).toBe('openmetrics')
    expect(negotiateFormat('application/openmetrics-text; version=1.0.0')).toBe('openmetrics')
  })

  it('serves the Prometheus text format otherwise', () => {
    expect(negotiateFormat(undefined)).toBe('prometheus')
    expect(negotiateFormat('*/*')).toBe('prometheus')
    expect(negotiateFormat('text/plain;version=0.0.4')).toBe('prometheus')
    expect(negotiateFormat('text/plain;version=0.0.4,application/openmetrics-text;q=0.3')).toBe('prometheus')
    expect(negotiateFormat('application/openmetrics-text;q=0')).toBe('prometheus')
  })
})

describe('countComplianceFailures', () => {
  const control = (id: string, level: 1 | 2 | 3 | 4 | 5, parameters: Record<string, unknown>): BaselineControl => ({
    id,
    level,
    title: id,
    requirement: id,
    source: 'test',
    clauses: [],
    references: [],
    enforcedBy: 'record',
    parameters,
  })
  const controls: BaselineControl[] = [
    control('filing', 3, {withinDays: 30}),
    control(ASSESSMENT_CONTROL_ID, 3, {everyMonths: 12}),
    control(ASSESSMENT_CONTROL_ID, 4, {everyMonths: 6}),
    control('shared-cloud-hosting', 5, {hostable: false}),
    {...control('bastion', 3, {}), enforcedBy: 'stack'},
  ]
  const today = '2026-11-25'
  const dates = {gradedOn: null, liveOn: '2026-01-01'}

  it('counts each failing control per level and the overdue assessments, zero for the rest', () => {
    const counts = countComplianceFailures(
      [
        {mlpsLevel: 3, status: 'active', filingNumber: null, lastAssessedOn: '2024-01-01', ...dates},
        {mlpsLevel: 3, status: 'active', filingNumber: 'F-1', lastAssessedOn: '2026-01-01', ...dates},
        {mlpsLevel: 4, status: 'active', filingNumber: 'F-2', lastAssessedOn: '2026-01-01', ...dates},
        {mlpsLevel: 3, status: 'requested', filingNumber: null, lastAssessedOn: null, ...dates},
        // Live for 10 days, not filed yet: inside the 30-day window, so not a failure.
        {
          mlpsLevel: 3,
          status: 'active',
          filingNumber: null,
          lastAssessedOn: '2026-11-15',
          gradedOn: null,
          liveOn: '2026-11-15',
        },
      ],
      controls,
      today,
    )
    expect(counts.controlFailures).toEqual([
      {control: 'filing', mlpsLevel: 3, tenants: 1},
      {control: ASSESSMENT_CONTROL_ID, mlpsLevel: 3, tenants: 1},
      {control: ASSESSMENT_CONTROL_ID, mlpsLevel: 4, tenants: 1},
    ])
    expect(counts.overdueAssessments).toEqual([
      {mlpsLevel: 1, tenants: 0},
      {mlpsLevel: 2, tenants: 0},
      {mlpsLevel: 3, tenants: 1},
      {mlpsLevel: 4, tenants: 1},
    ])
  })

  it('names a control that govnet checks on the record and that the baseline data defines', () => {
    expect(Object.keys(RECORD_CHECKS)).toContain(ASSESSMENT_CONTROL_ID)
    const {documents} = readBaselineDocuments()
    expect(
      documents
        .flatMap(controlsByLevel)
        .filter((c) => c.id === ASSESSMENT_CONTROL_ID)
        .map((c) => c.level),
    ).toEqual([3, 4])
  })

  it('has a zero series for every record control of a hosted level when nothing fails', () => {
    const counts = countComplianceFailures([], controls, today)
    expect(counts.controlFailures.map((c) => [c.control, c.mlpsLevel, c.tenants])).toEqual([
      ['filing', 3, 0],
      [ASSESSMENT_CONTROL_ID, 3, 0],
      [ASSESSMENT_CONTROL_ID, 4, 0],
    ])
  })
})

describe('summarizeNodes', () => {
  const group = (
    tier: string,
    status: string,
    platform: string,
    outcome: string | null,
    nodes: number,
    lastAuditAt: string | null,
  ) => ({
    tier,
    status,
    platform,
    outcome,
    nodes,
    lastAuditAt,
  })

  it('adds up node counts over outcomes, counts outcomes of nodes in service only, and keeps the latest audit per tier', () => {
    const summary = summarizeNodes([
      group('township', 'active', 'linux', 'ok', 5, '2026-11-25T10:00:00.000Z'),
      group('township', 'active', 'linux', null, 2, null),
      group('township', 'degraded', 'linux', 'ok', 1, '2026-11-25T11:00:00.000Z'),
      group('township', 'decommissioned', 'linux', 'timeout', 4, '2026-11-25T11:30:00.000Z'),
      group('township', 'planned', 'cisco-ios', null, 3, null),
      group('county', 'active', 'huawei-vrp', 'refused', 1, '2026-11-20T00:00:00.000Z'),
      group('national', 'planned', 'linux', null, 1, null),
    ])
    expect(summary.nodes).toEqual([
      {tier: 'township', status: 'active', platform: 'linux', nodes: 7},
      {tier: 'township', status: 'degraded', platform: 'linux', nodes: 1},
      {tier: 'township', status: 'decommissioned', platform: 'linux', nodes: 4},
      {tier: 'township', status: 'planned', platform: 'cisco-ios', nodes: 3},
      {tier: 'county', status: 'active', platform: 'huawei-vrp', nodes: 1},
      {tier: 'national', status: 'planned', platform: 'linux', nodes: 1},
    ])
    expect(summary.auditOutcomes).toEqual([
      {tier: 'township', outcome: 'ok', nodes: 6},
      {tier: 'township', outcome: null, nodes: 2},
      {tier: 'county', outcome: 'refused', nodes: 1},
    ])
    expect(summary.lastAudits).toEqual([
      {tier: 'township', lastAuditAt: '2026-11-25T11:30:00.000Z'},
      {tier: 'county', lastAuditAt: '2026-11-20T00:00:00.000Z'},
    ])
  })
})
