import {readFileSync} from 'node:fs'
import path from 'node:path'
import {describe, expect, it} from 'vitest'
import {parse} from 'yaml'

import {spawnSync} from 'node:child_process'

import {AMTOOL, runAlertmanagerTests} from '../helpers/alertmanager'
import {repoRoot} from '../helpers/cli'
import {promtool, requireBinary, runPrometheusTests} from '../helpers/prometheus'

const rulesDir = path.join(repoRoot, 'deploy', 'prometheus')

interface AlertRule {
  alert: string
  expr: string
  annotations: Record<string, string>
}

const rules = (
  parse(readFileSync(path.join(rulesDir, 'govnet.rules.yml'), 'utf8')) as {
    groups: Array<{rules: AlertRule[]}>
  }
).groups.flatMap((group) => group.rules)

/** The commands a runbook names: each `govnet …` in backquotes, with Go template actions resolved to a value. */
function runbookCommands(runbook: string): string[][] {
  const resolved = runbook
    .replace(/\{\{\s*if [^}]*\}\}/g, '')
    .replace(/\{\{\s*end\s*\}\}/g, '')
    .replace(/\{\{[^}]*\}\}/g, 'VALUE')
  return [...resolved.matchAll(/`govnet ([^`]+)`/g)].map((match) => match[1]!.split(/\s+/))
}

describe('deploy/prometheus alerting rules', () => {
  it('give every alert a runbook whose commands and flags exist in this govnet', () => {
    const manifest = JSON.parse(readFileSync(path.join(repoRoot, 'oclif.manifest.json'), 'utf8')) as {
      commands: Record<string, {flags: Record<string, unknown>}>
    }
    for (const rule of rules) {
      const commands = runbookCommands(rule.annotations.runbook ?? '')
      expect(commands.length, `${rule.alert} names no govnet command in its runbook`).toBeGreaterThan(0)
      for (const words of commands) {
        const topics = words.filter((word) => /^[a-z][a-z-]*$/.test(word))
        let id = ''
        for (let n = topics.length; n > 0 && id === ''; n--) {
          const candidate = topics.slice(0, n).join(':')
          if (manifest.commands[candidate] && words.slice(0, n).join(' ') === topics.slice(0, n).join(' '))
            id = candidate
        }
        expect(id, `${rule.alert}: no command in "govnet ${words.join(' ')}"`).not.toBe('')
        const flags = words.filter((word) => word.startsWith('--')).map((word) => word.slice(2).split('=')[0]!)
        for (const flag of flags)
          expect(Object.keys(manifest.commands[id]!.flags), `${rule.alert}: govnet ${id} has no --${flag}`).toContain(
            flag,
          )
      }
    }
  })

  it('have a promtool unit test for every alert', () => {
    const tests = parse(readFileSync(path.join(rulesDir, 'govnet.rules.test.yml'), 'utf8')) as {
      tests: Array<{alert_rule_test?: Array<{alertname: string; exp_alerts: unknown[]}>}>
    }
    const firing = new Set(
      tests.tests.flatMap((t) =>
        (t.alert_rule_test ?? []).filter((a) => a.exp_alerts.length > 0).map((a) => a.alertname),
      ),
    )
    expect(rules.map((rule) => rule.alert).filter((alert) => !firing.has(alert))).toEqual([])
  })

  it('are the eight alerts the README lists', () => {
    expect(rules).toHaveLength(8)
  })
})

/** The rule files shipped in deploy/prometheus, their unit tests, and the example configs that load them. */
const RULE_FILES = [
  {what: 'alerting rules', rules: 'govnet.rules.yml', count: 8, configs: ['prometheus.yml']},
  {
    what: 'national rules (federation of provincial instances)',
    rules: 'national.rules.yml',
    count: 14,
    configs: ['provincial.yml', 'national.yml'],
  },
] as const

describe.runIf(runPrometheusTests).each(RULE_FILES)(
  'deploy/prometheus $what with promtool',
  ({rules, count, configs}) => {
    it('pass promtool check rules', () => {
      const result = promtool(['check', 'rules', rules], undefined, rulesDir)
      expect(result.output).toContain(`SUCCESS: ${count} rules found`)
      expect(result.code).toBe(0)
    })

    it('pass their unit tests (promtool test rules)', () => {
      const result = promtool(['test', 'rules', rules.replace(/\.yml$/, '.test.yml')], undefined, rulesDir)
      expect(result.output).toContain('SUCCESS')
      expect(result.output).not.toContain('FAILED')
      expect(result.code).toBe(0)
    })

    it('come with example configs that promtool check config accepts', () => {
      for (const config of configs) {
        const result = promtool(['check', 'config', config], undefined, rulesDir)
        expect(result.output).toContain(`SUCCESS: ${config} is valid prometheus config file syntax`)
        expect(result.code).toBe(0)
      }
    })
  },
)

describe('deploy/alertmanager example', () => {
  describe.runIf(runAlertmanagerTests)('with amtool', () => {
    it('come with an example Alertmanager configuration that amtool check-config accepts', () => {
      requireBinary(AMTOOL, 'prometheus-alertmanager')
      const result = spawnSync(AMTOOL, ['check-config', 'alertmanager.yml'], {cwd: rulesDir, encoding: 'utf8'})
      expect(`${result.stdout}${result.stderr}`).toContain('SUCCESS')
      expect(result.status).toBe(0)
    })
  })
})
