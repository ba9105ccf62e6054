import path from 'node:path'
import {describe, expect, it} from 'vitest'

import {repoRoot} from '../helpers/cli'
import {promtool, runPrometheusTests} from '../helpers/prometheus'

const rulesDir = path.join(repoRoot, 'deploy', 'prometheus')

/** The rule files shipped in deploy/prometheus, their unit tests, and the example configs that load them. */
const RULE_FILES = [
  {what: 'alerting rules', rules: 'govnet.rules.yml', count: 7, configs: ['prometheus.yml']},
  {
    what: 'national rules (federation of provincial instances)',
    rules: 'national.rules.yml',
    count: 14,
    configs: ['provincial.yml', 'national.yml'],
  },
] as const

describe.runIf(runPrometheusTests).each(RULE_FILES)('deploy/prometheus $what', ({rules, count, configs}) => {
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
})
