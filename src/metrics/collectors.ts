import {Counter, Gauge, Registry, RegistryContentType} from 'prom-client'

import {NODE_STATUSES, PLATFORMS} from '../domain/nodes'
import {formatScope} from '../domain/scope'
import {HOSTED_LEVELS, TENANT_STATUSES} from '../domain/tenants'
import {TIERS} from '../domain/tiers'
import * as m from './definitions'
import {AUDIT_OUTCOMES, AUDIT_RESULTS, auditResultOf, NEVER_AUDITED_OUTCOME} from './reachability'
import type {CoverageRow, KindCoverage} from '../domain/coverage'
import type {MetricsSnapshot} from './snapshot'

export interface RefreshStatus {
  lastSucceeded: boolean
  /** Duration of the last refresh attempt, successful or not. */
  lastDurationSeconds: number
  failures: number
}

/** What a scrape serves: the last good snapshot and how refreshing it went. */
export interface ExporterState {
  snapshot: MetricsSnapshot
  refresh: RefreshStatus
}

type StateSource = () => ExporterState

const unixSeconds = (date: Date): number => date.getTime() / 1000

type DivisionLabel = (typeof m.COVERAGE_TOWNSHIPS.labelNames)[number]

/** Division code → name, for the `parent` label: built once per snapshot from its coverage lines. */
const divisionNames = new WeakMap<MetricsSnapshot, Map<string, string>>()

function namesOf(snapshot: MetricsSnapshot): Map<string, string> {
  let names = divisionNames.get(snapshot)
  if (!names) {
    names = new Map(snapshot.coverage.flatMap((row) => (row.code === null ? [] : [[row.code, row.name]])))
    divisionNames.set(snapshot, names)
  }
  return names
}

/**
 * The national line has level "nation" and an empty code, as in `govnet coverage --format csv`.
 * `province` is the 2-digit code of the province the division is in (empty on the national line);
 * `parent` the name of the division above a prefecture or county (empty for the nation and
 * provinces), so that a legend tells apart names that repeat (市辖区, 鼓楼区).
 */
function divisionLabels(row: CoverageRow, snapshot: MetricsSnapshot): Record<DivisionLabel, string> {
  const code = row.code ?? ''
  const below = row.level === 'prefecture' || row.level === 'county'
  const parent = below ? (namesOf(snapshot).get(code.slice(0, -2)) ?? '') : ''
  return {level: row.level, code, name: row.name, province: code.slice(0, 2), parent}
}

/**
 * A gauge whose every value comes from the state at collect time: reset, then set each label set.
 * `values` yields [labels, value] pairs; label sets that must always exist are yielded with 0 first.
 */
export function stateGauge<L extends string>(
  registry: Registry<RegistryContentType>,
  definition: m.MetricDefinition<L>,
  state: StateSource,
  values: (state: ExporterState) => Iterable<[Partial<Record<L, string | number>>, number]>,
): Gauge<L> {
  return new Gauge<L>({
    name: definition.name,
    help: definition.help,
    labelNames: definition.labelNames,
    registers: [registry],
    collect() {
      this.reset()
      for (const [labels, value] of values(state())) this.set(labels, value)
    },
  })
}

function* coverageValues(
  state: ExporterState,
  value: (row: CoverageRow) => number,
): Iterable<[Record<string, string>, number]> {
  for (const row of state.snapshot.coverage) yield [divisionLabels(row, state.snapshot), value(row)]
}

/** Every kind of every line at KIND_COVERAGE_LEVELS: coverage rows carry all four kinds, zero included. */
function* kindCoverageValues(
  state: ExporterState,
  value: (kind: KindCoverage) => number,
): Iterable<[Record<string, string>, number]> {
  for (const row of state.snapshot.coverage) {
    if (!m.KIND_COVERAGE_LEVELS.includes(row.level)) continue
    for (const kind of row.byKind) yield [{...divisionLabels(row, state.snapshot), kind: kind.kind}, value(kind)]
  }
}

/**
 * Register every govnet metric on `registry`. Values are read from `state()` inside collect(), so a
 * scrape serializes the current snapshot and never touches the inventory.
 */
export function registerGovnetMetrics(registry: Registry<RegistryContentType>, state: StateSource): void {
  stateGauge(registry, m.COVERAGE_TOWNSHIPS, state, (s) => coverageValues(s, (row) => row.townships))
  stateGauge(registry, m.COVERAGE_COVERED_TOWNSHIPS, state, (s) => coverageValues(s, (row) => row.covered))
  stateGauge(registry, m.COVERAGE_VERIFIED_TOWNSHIPS, state, (s) => coverageValues(s, (row) => row.verified))
  stateGauge(registry, m.COVERAGE_RATIO, state, (s) => coverageValues(s, (row) => row.ratio))
  stateGauge(registry, m.COVERAGE_VERIFIED_RATIO, state, (s) => coverageValues(s, (row) => row.verifiedRatio))

  stateGauge(registry, m.COVERAGE_KIND_TOWNSHIPS, state, (s) => kindCoverageValues(s, (k) => k.townships))
  stateGauge(registry, m.COVERAGE_KIND_COVERED_TOWNSHIPS, state, (s) => kindCoverageValues(s, (k) => k.covered))
  stateGauge(registry, m.COVERAGE_KIND_VERIFIED_TOWNSHIPS, state, (s) => kindCoverageValues(s, (k) => k.verified))
  stateGauge(registry, m.DIVISION_GROUPING_INFO, state, function* (s) {
    for (const row of s.snapshot.coverage) if (row.grouping) yield [divisionLabels(row, s.snapshot), 1]
  })

  stateGauge(registry, m.SCOPE_INFO, state, function* (s) {
    yield [{scope: formatScope(s.snapshot.scope)}, 1]
  })

  stateGauge(registry, m.NODES, state, function* (s) {
    for (const tier of TIERS)
      for (const status of NODE_STATUSES) for (const platform of PLATFORMS) yield [{tier, status, platform}, 0]
    for (const row of s.snapshot.nodes) yield [{tier: row.tier, status: row.status, platform: row.platform}, row.nodes]
  })

  stateGauge(registry, m.AUDIT_NODES, state, function* (s) {
    const byKey = new Map<string, number>()
    for (const row of s.snapshot.auditOutcomes) {
      const key = `${row.tier}\u0000${auditResultOf(row.outcome)}`
      byKey.set(key, (byKey.get(key) ?? 0) + row.nodes)
    }
    for (const tier of TIERS)
      for (const result of AUDIT_RESULTS) yield [{tier, result}, byKey.get(`${tier}\u0000${result}`) ?? 0]
  })

  stateGauge(registry, m.AUDIT_OUTCOME_NODES, state, function* (s) {
    for (const tier of TIERS)
      for (const outcome of [...AUDIT_OUTCOMES, NEVER_AUDITED_OUTCOME]) yield [{tier, outcome}, 0]
    for (const row of s.snapshot.auditOutcomes)
      yield [{tier: row.tier, outcome: row.outcome ?? NEVER_AUDITED_OUTCOME}, row.nodes]
  })

  stateGauge(registry, m.AUDIT_LAST_TIMESTAMP, state, function* (s) {
    for (const row of s.snapshot.lastAudits) yield [{tier: row.tier}, unixSeconds(new Date(row.lastAuditAt))]
  })

  stateGauge(registry, m.TENANTS, state, function* (s) {
    for (const level of HOSTED_LEVELS) for (const status of TENANT_STATUSES) yield [{mlps_level: level, status}, 0]
    for (const row of s.snapshot.tenants) yield [{mlps_level: row.mlpsLevel, status: row.status}, row.tenants]
  })

  stateGauge(registry, m.TENANTS_FAILING_CONTROL, state, function* (s) {
    for (const row of s.snapshot.controlFailures) yield [{control: row.control, mlps_level: row.mlpsLevel}, row.tenants]
  })

  stateGauge(registry, m.TENANTS_ASSESSMENT_OVERDUE, state, function* (s) {
    for (const level of HOSTED_LEVELS) yield [{mlps_level: level}, 0]
    for (const row of s.snapshot.overdueAssessments) yield [{mlps_level: row.mlpsLevel}, row.tenants]
  })

  stateGauge(registry, m.INVENTORY_LAST_CHANGE_TIMESTAMP, state, function* (s) {
    yield [{}, s.snapshot.lastChangeAt ? unixSeconds(s.snapshot.lastChangeAt) : 0]
  })

  stateGauge(registry, m.CHANGELOG_ROWS, state, function* (s) {
    yield [{}, s.snapshot.changeLog.rows]
  })
  stateGauge(registry, m.CHANGELOG_CHAIN_OK, state, function* (s) {
    if (s.snapshot.changeLog.verified !== null) yield [{}, s.snapshot.changeLog.verified ? 1 : 0]
  })
  stateGauge(registry, m.CHANGELOG_LAST_VERIFIED_TIMESTAMP, state, function* (s) {
    const at = s.snapshot.changeLog.lastVerifiedAt
    yield [{}, at ? unixSeconds(at) : 0]
  })

  stateGauge(registry, m.REFRESH_DURATION, state, function* (s) {
    yield [{}, s.refresh.lastDurationSeconds]
  })
  stateGauge(registry, m.REFRESH_LAST_SUCCESS_TIMESTAMP, state, function* (s) {
    yield [{}, unixSeconds(s.snapshot.takenAt)]
  })
  stateGauge(registry, m.REFRESH_SUCCESS, state, function* (s) {
    yield [{}, s.refresh.lastSucceeded ? 1 : 0]
  })

  new Counter({
    name: m.REFRESH_FAILURES.name,
    help: m.REFRESH_FAILURES.help,
    registers: [registry],
    collect() {
      this.reset()
      this.inc(state().refresh.failures)
    },
  })
}
