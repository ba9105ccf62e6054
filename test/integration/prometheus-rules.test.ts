import path from 'node:path'
import {describe, expect, it} from 'vitest'

import {repoRoot} from '../helpers/cli'
import {promtool, runPrometheusTests} from '../helpers/prometheus'

const rulesDir = path.join(repoRoot, 'deploy', 'prometheus')

describe.runIf(runPrometheusTests)('deploy/prometheus alerting rules', () => {
  it('pass promtool check rules', () => {
    const result = promtool(['check', 'rules', 'govnet.rules.yml'], undefined, rulesDir)
    expect(result.output).toContain('SUCCESS: 7 rules found')
    expect(result.code).toBe(0)
  })

  it('pass their unit tests (promtool test rules)', () => {
    const result = promtool(['test', 'rules', 'govnet.rules.test.yml'], undefined, rulesDir)
    expect(result.output).not.toContain('FAILED')
    expect(result.code).toBe(0)
  })

  it('come with an example scrape config that promtool check config accepts', () => {
    const result = promtool(['check', 'config', 'prometheus.yml'], undefined, rulesDir)
    expect(result.code).toBe(0)
  })
})

describe.runIf(runPrometheusTests)('deploy/prometheus national rules (federation of provincial instances)', () => {
  it('pass promtool check rules', () => {
    const result = promtool(['check', 'rules', 'national.rules.yml'], undefined, rulesDir)
    expect(result.output).toContain('SUCCESS: 14 rules found')
    expect(result.code).toBe(0)
  })

  it('pass their unit tests (promtool test rules)', () => {
    const result = promtool(['test', 'rules', 'national.rules.test.yml'], undefined, rulesDir)
    expect(result.output).toContain('SUCCESS')
    expect(result.output).not.toContain('FAILED')
    expect(result.code).toBe(0)
  })

  it('come with provincial and national example configs that promtool check config accepts', () => {
    for (const config of ['provincial.yml', 'national.yml']) {
      const result = promtool(['check', 'config', config], undefined, rulesDir)
      expect(result.output).toContain(`SUCCESS: ${config} is valid prometheus config file syntax`)
      expect(result.code).toBe(0)
    }
  })
})
