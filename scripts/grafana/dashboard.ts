/**
 * govnet's Grafana dashboard, written as code with Grafana's foundation SDK: `npm run dashboard`
 * writes deploy/grafana/govnet.json (`-- --stdout` prints it instead). Every metric name comes from
 * src/metrics/definitions.ts, so a renamed metric changes the dashboard with it;
 * test/integration/grafana-dashboard.test.ts requires the committed file to equal this output and
 * runs every panel's query against a real Prometheus scraping `govnet metrics serve`.
 */
import {writeFileSync} from 'node:fs'
import path from 'node:path'

import * as common from '@grafana/grafana-foundation-sdk/common'
import {PanelBuilder as BarGaugeBuilder} from '@grafana/grafana-foundation-sdk/bargauge'
import {
  DashboardBuilder,
  DashboardCursorSync,
  DatasourceVariableBuilder,
  QueryVariableBuilder,
  RowBuilder,
  VariableRefresh,
  VariableSort,
} from '@grafana/grafana-foundation-sdk/dashboard'
import {DataqueryBuilder} from '@grafana/grafana-foundation-sdk/prometheus'
import {PanelBuilder as StatBuilder} from '@grafana/grafana-foundation-sdk/stat'
import {PanelBuilder as TableBuilder} from '@grafana/grafana-foundation-sdk/table'
import {PanelBuilder as TimeseriesBuilder} from '@grafana/grafana-foundation-sdk/timeseries'

import * as m from '../../src/metrics/definitions'
import {packageRoot} from '../../src/paths'

/** The dashboard's uid: provisioning and links find it by this. */
export const DASHBOARD_UID = 'govnet'
const DATASOURCE = {type: 'prometheus', uid: '${datasource}'}
/** The province filter of the per-province panels (2-digit codes; All is every province). */
const PROVINCE = 'province=~"$province"'

/** `name{matchers}` for a govnet metric definition. */
const sel = (metric: m.MetricDefinition, matchers = ''): string => `${metric.name}{${matchers}}`

interface Query {
  expr: string
  /** Grafana legend: {{label}} names a label every answer carries. */
  legend: string
  /** An instant query (tables, stats, bar gauges), else a range. */
  instant?: boolean
}

function target(query: Query, index: number): DataqueryBuilder {
  const builder = new DataqueryBuilder()
    .datasource(DATASOURCE)
    .refId(String.fromCharCode(65 + index))
    .expr(query.expr)
    .legendFormat(query.legend)
  return query.instant ? builder.instant() : builder.range()
}

/** Builders that take Prometheus targets and a datasource: every panel kind used here. */
interface QueryPanel {
  id(id: number): this
  datasource(ref: common.DataSourceRef): this
  withTarget(target: DataqueryBuilder): this
}

/** Panel ids, unique in the dashboard: counted from 1 by each buildDashboard(). */
let lastId = 0
const nextId = () => ++lastId

function row(title: string): RowBuilder {
  return new RowBuilder(title).id(nextId())
}

function withQueries<P extends QueryPanel>(panel: P, queries: readonly Query[]): P {
  panel.id(nextId())
  panel.datasource(DATASOURCE)
  queries.forEach((query, i) => panel.withTarget(target(query, i)))
  return panel
}

const lastValue = () => new common.ReduceDataOptionsBuilder().calcs(['lastNotNull'])

function stat(title: string, description: string, unit: string, queries: readonly Query[]): StatBuilder {
  return withQueries(
    new StatBuilder()
      .title(title)
      .description(description)
      .unit(unit)
      .span(6)
      .height(5)
      .reduceOptions(lastValue())
      .graphMode(common.BigValueGraphMode.Area),
    queries,
  )
}

function timeseries(title: string, description: string, unit: string, queries: readonly Query[]): TimeseriesBuilder {
  return withQueries(
    new TimeseriesBuilder().title(title).description(description).unit(unit).span(12).height(8),
    queries,
  )
}

function bars(title: string, description: string, unit: string, queries: readonly Query[]): BarGaugeBuilder {
  return withQueries(
    new BarGaugeBuilder()
      .title(title)
      .description(description)
      .unit(unit)
      .span(12)
      .height(10)
      .min(0)
      .orientation(common.VizOrientation.Horizontal)
      .displayMode(common.BarGaugeDisplayMode.Basic)
      .reduceOptions(lastValue()),
    queries,
  )
}

function table(title: string, description: string, queries: readonly Query[]): TableBuilder {
  return withQueries(new TableBuilder().title(title).description(description).span(12).height(10), queries)
}

const NATION = 'level="nation"'
const PROVINCES = `level="province",${PROVINCE}`
const unreachableTownshipRatio =
  `sum(${sel(m.AUDIT_NODES, 'tier="township",result="unreachable"')})` +
  ` / sum(${sel(m.AUDIT_NODES, 'tier="township",result!="never_audited"')})`
const staleTownships = (level: string) =>
  `${sel(m.COVERAGE_COVERED_TOWNSHIPS, level)} - ${sel(m.COVERAGE_VERIFIED_TOWNSHIPS, level)}`
const inService = 'status!="decommissioned"'

/*
 * The classic dashboard model (schemaVersion 42), not the SDK's dashboardv2: Grafana's file
 * provisioning and Grafana 10–11 read the classic JSON; v2 needs Grafana 12 with its new-layouts
 * feature flag. Hence the two deprecation exceptions below.
 */
// eslint-disable-next-line @typescript-eslint/no-deprecated
export function buildDashboard(): ReturnType<DashboardBuilder['build']> {
  lastId = 0
  // eslint-disable-next-line @typescript-eslint/no-deprecated
  const builder = new DashboardBuilder('govnet: extranet coverage, nodes, tenants and regions')
    .uid(DASHBOARD_UID)
    .description(
      'Generated by scripts/grafana/dashboard.ts (npm run dashboard) from the metric names in src/metrics/definitions.ts: do not edit by hand.',
    )
    .tags(['govnet', 'generated'])
    .editable()
    .tooltip(DashboardCursorSync.Crosshair)
    .refresh('1m')
    .time({from: 'now-7d', to: 'now'})
    .timezone('browser')
    .withVariable(new DatasourceVariableBuilder('datasource').label('Prometheus').type('prometheus'))
    .withVariable(
      new QueryVariableBuilder('province')
        .label('Province')
        .description('2-digit NBS code of the provinces the per-province panels show')
        .datasource(DATASOURCE)
        .query(`label_values(${sel(m.COVERAGE_TOWNSHIPS, 'level="province"')}, province)`)
        .refresh(VariableRefresh.OnDashboardLoad)
        .sort(VariableSort.AlphabeticalAsc)
        .multi(true)
        .includeAll(true)
        .allValue('.+'),
    )

  builder
    .withRow(row('Coverage of townships (乡镇/街道)'))
    .withPanel(
      stat(
        'National coverage',
        'Townships with an active node, and those whose node passed a fresh audit',
        'percentunit',
        [
          {expr: sel(m.COVERAGE_RATIO, NATION), legend: 'covered', instant: true},
          {expr: sel(m.COVERAGE_VERIFIED_RATIO, NATION), legend: 'verified', instant: true},
        ],
      ),
    )
    .withPanel(
      stat('Townships', 'Townships in the country, covered and verified', 'short', [
        {expr: sel(m.COVERAGE_TOWNSHIPS, NATION), legend: 'townships', instant: true},
        {expr: sel(m.COVERAGE_COVERED_TOWNSHIPS, NATION), legend: 'covered', instant: true},
        {expr: sel(m.COVERAGE_VERIFIED_TOWNSHIPS, NATION), legend: 'verified', instant: true},
      ]),
    )
    .withPanel(
      stat(
        'Stale townships',
        'Covered townships whose active node has no successful audit within the freshness window',
        'short',
        [{expr: staleTownships(NATION), legend: 'covered, not verified', instant: true}],
      ),
    )
    .withPanel(
      stat(
        'Unreachable township nodes',
        'Share of the audited township nodes in service that their latest audit could not reach (never-audited nodes left out, as in GovnetTownshipNodesUnreachable)',
        'percentunit',
        [{expr: unreachableTownshipRatio, legend: 'unreachable', instant: true}],
      ),
    )
    .withPanel(
      timeseries('Coverage over time', 'National covered and verified share of townships', 'percentunit', [
        {expr: sel(m.COVERAGE_RATIO, NATION), legend: 'covered'},
        {expr: sel(m.COVERAGE_VERIFIED_RATIO, NATION), legend: 'verified'},
      ]),
    )
    .withPanel(
      timeseries('Coverage over time by province', 'Covered share of each selected province', 'percentunit', [
        {expr: sel(m.COVERAGE_RATIO, PROVINCES), legend: '{{name}}'},
      ]),
    )
    .withPanel(
      bars('Coverage by province', 'Covered share of townships per province', 'percentunit', [
        {expr: sel(m.COVERAGE_RATIO, PROVINCES), legend: '{{name}}', instant: true},
      ]),
    )
    .withPanel(
      bars('Verified coverage by province', 'Verified share of townships per province', 'percentunit', [
        {expr: sel(m.COVERAGE_VERIFIED_RATIO, PROVINCES), legend: '{{name}}', instant: true},
      ]),
    )
    .withPanel(
      table(
        'Prefectures of the selected provinces',
        'Covered and verified share per prefecture; the province names the ones that repeat (市辖区)',
        [
          {
            expr: sel(m.COVERAGE_RATIO, `level="prefecture",${PROVINCE}`),
            legend: '{{parent}} {{name}}',
            instant: true,
          },
        ],
      ),
    )
    .withPanel(
      table(
        'Least covered counties of the selected provinces',
        'The 20 counties with the lowest covered share; the prefecture names the ones that repeat (鼓楼区)',
        [
          {
            expr: `bottomk(20, ${sel(m.COVERAGE_RATIO, `level="county",${PROVINCE}`)})`,
            legend: '{{parent}} {{name}}',
            instant: true,
          },
        ],
      ),
    )
    .withPanel(
      bars('Stale townships by province', 'Covered townships without a fresh successful audit, per province', 'short', [
        {expr: staleTownships(PROVINCES), legend: '{{name}}', instant: true},
      ]),
    )
    .withPanel(
      bars(
        'Coverage by township kind',
        'Covered share of streets (街道), towns (镇), townships (乡) and others',
        'percentunit',
        [
          {
            expr: `${sel(m.COVERAGE_KIND_COVERED_TOWNSHIPS, NATION)} / ${sel(m.COVERAGE_KIND_TOWNSHIPS, NATION)}`,
            legend: '{{kind}}',
            instant: true,
          },
        ],
      ),
    )

  builder
    .withRow(row('Extranet nodes and audits'))
    .withPanel(
      timeseries('Nodes by status', 'Extranet nodes in the inventory by tier and status', 'short', [
        {expr: `sum by (tier, status) (${sel(m.NODES)})`, legend: '{{tier}} {{status}}'},
      ]),
    )
    .withPanel(
      timeseries(
        'Latest audit results',
        'Active and degraded nodes by tier and by what their latest audit found',
        'short',
        [{expr: `sum by (tier, result) (${sel(m.AUDIT_NODES, 'result!="reachable"')})`, legend: '{{tier}} {{result}}'}],
      ),
    )
    .withPanel(
      bars(
        'Audit problems by province',
        'Nodes in service whose latest audit did not reach them or failed, per province',
        'short',
        [
          {
            expr: `sum by (province, result) (${sel(m.PROVINCE_AUDIT_NODES, `${PROVINCE},result!="reachable"`)})`,
            legend: '{{province}} {{result}}',
            instant: true,
          },
        ],
      ),
    )
    .withPanel(
      timeseries(
        'Time since the last audit',
        'Per tier: how long ago its most recent SSH audit finished (GovnetAuditStale at 1 day)',
        's',
        [{expr: `time() - ${sel(m.AUDIT_LAST_TIMESTAMP)}`, legend: '{{tier}}'}],
      ),
    )

  builder
    .withRow(row('Cloud tenants'))
    .withPanel(
      bars('Tenants by level', 'Tenants that are not decommissioned, by MLPS grading level', 'short', [
        {expr: `sum by (mlps_level) (${sel(m.TENANTS, inService)})`, legend: 'level {{mlps_level}}', instant: true},
      ]),
    )
    .withPanel(
      table('Failing controls', 'Tenants failing a record-checked baseline control (tenant check)', [
        {
          expr: `sum by (control, mlps_level) (${sel(m.TENANTS_FAILING_CONTROL)})`,
          legend: '{{control}} level {{mlps_level}}',
          instant: true,
        },
      ]),
    )
    .withPanel(
      timeseries(
        'Overdue assessments',
        'Tenants whose periodic grading assessment is overdue: govnet tenant list --overdue names them',
        'short',
        [{expr: `sum by (mlps_level) (${sel(m.TENANTS_ASSESSMENT_OVERDUE)})`, legend: 'level {{mlps_level}}'}],
      ),
    )
    .withPanel(
      bars(
        'Tenants by region',
        'Tenants that are not decommissioned, by the cloud region they are placed in',
        'short',
        [{expr: `sum by (region) (${sel(m.REGION_TENANTS, inService)})`, legend: '{{region}}', instant: true}],
      ),
    )

  builder
    .withRow(row('Cloud regions'))
    .withPanel(
      bars('vCPU reserved', 'Share of each region’s vCPUs reserved by tenant quotas', 'percentunit', [
        {
          expr: `${sel(m.REGION_RESERVED_VCPUS)} / ${sel(m.REGION_CAPACITY_VCPUS)}`,
          legend: '{{region}}',
          instant: true,
        },
      ]),
    )
    .withPanel(
      bars(
        'RAM and storage reserved',
        'Share of each region’s RAM and storage reserved by tenant quotas',
        'percentunit',
        [
          {
            expr: `${sel(m.REGION_RESERVED_RAM_BYTES)} / ${sel(m.REGION_CAPACITY_RAM_BYTES)}`,
            legend: '{{region}} RAM',
            instant: true,
          },
          {
            expr: `${sel(m.REGION_RESERVED_STORAGE_BYTES)} / ${sel(m.REGION_CAPACITY_STORAGE_BYTES)}`,
            legend: '{{region}} storage',
            instant: true,
          },
        ],
      ),
    )
    .withPanel(
      timeseries('Free vCPUs', 'vCPUs of each region not reserved by any tenant quota', 'short', [
        {expr: sel(m.REGION_FREE_VCPUS), legend: '{{region}}'},
      ]),
    )
    .withPanel(
      timeseries('Free RAM and storage', 'RAM and storage of each region not reserved by any tenant quota', 'bytes', [
        {expr: sel(m.REGION_FREE_RAM_BYTES), legend: '{{region}} RAM'},
        {expr: sel(m.REGION_FREE_STORAGE_BYTES), legend: '{{region}} storage'},
      ]),
    )

  builder
    .withRow(row('Exporter'))
    .withPanel(
      stat(
        'Refresh health',
        'Whether the last refresh from the inventory succeeded, and how old the served values are',
        'short',
        [
          {expr: sel(m.REFRESH_SUCCESS), legend: '{{instance}} ok', instant: true},
          {expr: `time() - ${sel(m.REFRESH_LAST_SUCCESS_TIMESTAMP)}`, legend: '{{instance}} age (s)', instant: true},
        ],
      ).span(12),
    )
    .withPanel(
      timeseries(
        'Refresh duration and failures',
        'Time the refresh takes, and failed refreshes in the past hour',
        's',
        [
          {expr: sel(m.REFRESH_DURATION), legend: '{{instance}} duration'},
          {expr: `increase(${sel(m.REFRESH_FAILURES)}[1h])`, legend: '{{instance}} failures'},
        ],
      ),
    )
    .withPanel(
      table('Build', 'The govnet and Node.js versions serving the metrics', [
        {expr: sel(m.BUILD_INFO), legend: '{{instance}} {{version}} {{nodejs}}', instant: true},
      ]),
    )
    .withPanel(
      timeseries('Exporter memory', 'Resident memory of `govnet metrics serve`', 'bytes', [
        {expr: 'process_resident_memory_bytes{job="govnet"}', legend: '{{instance}}'},
      ]),
    )

  return builder.build()
}

/** The dashboard as the committed file holds it: 2-space JSON and a final newline. */
export function dashboardJson(): string {
  return `${JSON.stringify(buildDashboard(), null, 2)}\n`
}

export const DASHBOARD_FILE = path.join(packageRoot, 'deploy', 'grafana', 'govnet.json')

if (require.main === module) {
  if (process.argv.includes('--stdout')) process.stdout.write(dashboardJson())
  else writeFileSync(DASHBOARD_FILE, dashboardJson())
}
