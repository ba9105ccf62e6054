import {readFileSync, writeFileSync} from 'node:fs'
import path from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'
import {parse, stringify} from 'yaml'

import {
  AlertmanagerServer,
  runAlertmanagerTests,
  startAlertmanager,
  startWebhookReceiver,
  WebhookAlert,
  WebhookReceiver,
} from '../helpers/alertmanager'
import {govnet, repoRoot, tempDir} from '../helpers/cli'
import {seedMetricsInventory} from '../helpers/metrics-seed'
import {ServeProcess, startServe} from '../helpers/metrics-serve'
import {poll, PrometheusServer, startPrometheus} from '../helpers/prometheus'

interface RulesFile {
  groups: Array<{name: string; rules: Array<{alert: string; expr: string; for?: string}>}>
}

const SHIPPED_RULES = path.join(repoRoot, 'deploy', 'prometheus', 'govnet.rules.yml')

/**
 * The shipped rules with every `for:` shortened to 1 s, so that an alert fires seconds after its
 * condition holds; the expressions, labels and annotations are the shipped ones.
 */
function quickRules(): RulesFile {
  const rules = parse(readFileSync(SHIPPED_RULES, 'utf8')) as RulesFile
  for (const group of rules.groups) for (const rule of group.rules) if (rule.for !== undefined) rule.for = '1s'
  return rules
}

/**
 * End to end: `govnet metrics serve` over the metrics seed, a real Prometheus evaluating the shipped
 * alerting rules, a real Alertmanager (Debian's prometheus-alertmanager) and a webhook receiver in
 * this test. When a township node is decommissioned, the coverage-drop alert reaches the webhook.
 */
describe.runIf(runAlertmanagerTests)('alerts through a real Alertmanager', () => {
  const tmp = tempDir('govnet-alerts-')
  const dbPath = path.join(tmp.dir, 'govnet.db')
  const rulesFile = path.join(tmp.dir, 'govnet.rules.yml')
  let serve: ServeProcess
  let webhook: WebhookReceiver
  let alertmanager: AlertmanagerServer
  let prometheus: PrometheusServer

  const received = (alertname: string, labels: Record<string, string> = {}): WebhookAlert[] =>
    webhook.notifications
      .flatMap((n) => n.alerts)
      .filter(
        (a) =>
          a.labels.alertname === alertname && Object.entries(labels).every(([name, value]) => a.labels[name] === value),
      )
  const logs = () => `prometheus: ${prometheus.log()}\nalertmanager: ${alertmanager.log()}`

  beforeAll(async () => {
    seedMetricsInventory(dbPath)
    writeFileSync(rulesFile, stringify(quickRules()))
    serve = await startServe(dbPath, ['--refresh', '1s'])
    webhook = await startWebhookReceiver()
    alertmanager = await startAlertmanager(tmp.dir, webhook.url)
    prometheus = await startPrometheus(tmp.dir, [serve.target], {
      ruleFiles: [rulesFile],
      alertmanagers: [alertmanager.target],
    })
  }, 240_000)

  afterAll(async () => {
    await prometheus?.stop()
    await alertmanager?.stop()
    await webhook?.close()
    await serve?.stop()
    tmp.cleanup()
  }, 60_000)

  it('evaluates the shipped expressions, with only the for: durations shortened', () => {
    const shipped = parse(readFileSync(SHIPPED_RULES, 'utf8')) as RulesFile
    const used = parse(readFileSync(rulesFile, 'utf8')) as RulesFile
    const exprs = (rules: RulesFile) => rules.groups.flatMap((g) => g.rules.map((r) => [r.alert, r.expr]))
    expect(exprs(used)).toEqual(exprs(shipped))
    expect(used.groups.flatMap((g) => g.rules.map((r) => r.for ?? '1s'))).toSatisfy((all: string[]) =>
      all.every((d) => d === '1s'),
    )
  })

  it('delivers the coverage-drop alert to the webhook, with its labels, once a township node is decommissioned', async () => {
    // The pipeline works before the change: the seed's overdue level-3 tenant reaches the webhook ...
    await poll(
      async () => (received('GovnetTenantAssessmentOverdue', {mlps_level: '3'}).length > 0 ? true : undefined),
      {attempts: 180, intervalMs: 500},
      () => `the overdue-assessment alert at the webhook (${logs()})`,
    )
    // ... and coverage has not dropped: no such alert in Prometheus or at the webhook.
    expect(await prometheus.query('ALERTS{alertname="GovnetTownshipCoverageDropped"}')).toEqual([])
    expect(received('GovnetTownshipCoverageDropped')).toEqual([])

    const decommission = govnet(['node', 'set', 'bj-t0', '--status', 'decommissioned', '--db', dbPath])
    expect(decommission.stderr).toBe('')
    expect(decommission.code).toBe(0)

    const [beijing] = await poll(
      async () => {
        const alerts = received('GovnetTownshipCoverageDropped', {level: 'province', code: '11'})
        return alerts.length > 0 ? alerts : undefined
      },
      {attempts: 180, intervalMs: 500},
      () => `the coverage-drop alert of Beijing at the webhook (${logs()})`,
    )
    expect(beijing!.status).toBe('firing')
    expect(beijing!.labels).toEqual({
      alertname: 'GovnetTownshipCoverageDropped',
      severity: 'warning',
      level: 'province',
      code: '11',
      name: '北京市',
      province: '11',
      job: 'govnet',
      instance: serve.target,
    })
    expect(beijing!.annotations).toEqual({
      summary: 'Township coverage dropped in 北京市',
      description: '北京市 (province 11) has 6 covered townships, fewer than in the past day.',
      runbook:
        '`govnet changes list --entity node --since 1d` shows the node changes of the past day; `govnet coverage --level county --under 11` shows where coverage fell.',
    })
    // The national line dropped with it; Guangdong, which lost nothing, did not.
    await poll(
      async () => (received('GovnetTownshipCoverageDropped', {level: 'nation'}).length > 0 ? true : undefined),
      {attempts: 60, intervalMs: 500},
      () => `the national coverage-drop alert at the webhook (${logs()})`,
    )
    expect(received('GovnetTownshipCoverageDropped', {code: '44'})).toEqual([])
  }, 240_000)

  it('delivers the stale-audit alert: the audits of the seed finished days before the clock of this run', async () => {
    const [township] = await poll(
      async () => {
        const alerts = received('GovnetAuditStale', {tier: 'township'})
        return alerts.length > 0 ? alerts : undefined
      },
      {attempts: 60, intervalMs: 500},
      () => `the stale-audit alert at the webhook (${logs()})`,
    )
    expect(township!.labels).toEqual({
      alertname: 'GovnetAuditStale',
      severity: 'warning',
      tier: 'township',
      job: 'govnet',
      instance: serve.target,
    })
    expect(township!.annotations.runbook).toBe(
      '`govnet audit --tier township` runs the audit now; then check the timer or cron job that runs it.',
    )
  }, 60_000)
})
