import {readFileSync} from 'node:fs'
import path from 'node:path'
import YAML from 'yaml'

import {readImportFile} from '../../src/import/file'
import {isInScope, Scope} from '../../src/domain/scope'
import type {SeedAudit, SeedNode} from '../../src/seed'
import {repoRoot} from './cli'
import {sampleDivisions} from './seed'

/** Where the shipped Prometheus configs and rules are. */
export const deployDir = path.join(repoRoot, 'deploy', 'prometheus')

/** One inventory's worth of extranet nodes and audits over the fixture divisions, to split between scoped instances. */
export interface FederationData {
  nodes: SeedNode[]
  audits: SeedAudit[]
}

const hoursBefore = (now: Date, hours: number) => new Date(now.getTime() - hours * 3_600_000).toISOString()

/**
 * Nodes over every township of the fixture (Beijing 11, Guangdong 44, Hainan 46, Gansu 62), in a
 * pattern that exercises every coverage rule: active, degraded and planned nodes, a second active
 * node in some townships, audits that verify (ok within 24 h), do not (ok 30 h ago, timeout) or
 * never happened, and a provincial core node per province.
 */
export function federationData(now: Date): FederationData {
  const townships = readImportFile(sampleDivisions, 'csv')
    .rows.map((row) => String(row.code))
    .filter((code) => code.length === 9)
    .sort()
  const provinces = [...new Set(townships.map((code) => code.slice(0, 2)))]
  const nodes: SeedNode[] = provinces.map((code) => ({id: `core-${code}`, division: code, role: 'core'}))
  const audits: SeedAudit[] = provinces.map((code) => ({
    nodeId: `core-${code}`,
    outcome: 'ok',
    finishedAt: hoursBefore(now, 1),
  }))
  townships.forEach((code, i) => {
    if (i % 3 === 0) {
      const id = `t${code}-a`
      nodes.push({id, division: code})
      const pattern = (i / 3) % 4
      if (pattern === 0) audits.push({nodeId: id, outcome: 'ok', finishedAt: hoursBefore(now, 1)})
      if (pattern === 1) audits.push({nodeId: id, outcome: 'ok', finishedAt: hoursBefore(now, 30)})
      if (pattern === 2) audits.push({nodeId: id, outcome: 'timeout', finishedAt: hoursBefore(now, 1)})
    } else if (i % 2 === 0) {
      nodes.push({id: `t${code}-d`, division: code, status: 'degraded'})
    }
    if (i % 5 === 2) nodes.push({id: `t${code}-p`, division: code, status: 'planned'})
    if (i % 7 === 0) {
      nodes.push({id: `t${code}-b`, division: code})
      audits.push({nodeId: `t${code}-b`, outcome: 'ok', finishedAt: hoursBefore(now, 2)})
    }
  })
  return {nodes, audits}
}

/** The part of the data a scoped instance holds. */
export function partOf(data: FederationData, scope: Scope): FederationData {
  const nodes = data.nodes.filter((node) => isInScope(node.division, scope))
  const ids = new Set(nodes.map((node) => node.id))
  return {nodes, audits: data.audits.filter((audit) => ids.has(audit.nodeId))}
}

/** Nodes as a `govnet node import` CSV (the columns a user writes; tier follows from the division). */
export function nodesCsv(nodes: readonly SeedNode[]): string {
  const lines = nodes.map((node) =>
    [node.id, node.id, node.division, node.role ?? 'access', '127.0.0.1', 'linux', node.status ?? 'active'].join(','),
  )
  return ['id,name,division,role,mgmt_address,platform,status', ...lines, ''].join('\n')
}

type Config = Record<string, any>

/**
 * A shipped example config (deploy/prometheus/NAME) made runnable on loopback: every interval 1 s,
 * rule files by absolute path to the shipped files, the scrape targets replaced, and the given
 * external labels. Everything else (job names, honor_labels, /federate and its match[]) is as shipped.
 */
export function shippedConfig(
  name: string,
  options: {targets: readonly string[]; externalLabels?: Record<string, string>},
): string {
  const config = YAML.parse(readFileSync(path.join(deployDir, name), 'utf8')) as Config
  config.global = {
    ...config.global,
    scrape_interval: '1s',
    scrape_timeout: '1s',
    evaluation_interval: '1s',
    ...(options.externalLabels ? {external_labels: options.externalLabels} : {}),
  }
  config.rule_files = (config.rule_files as string[] | undefined)?.map((file) => path.join(deployDir, file))
  const jobs = config.scrape_configs as Config[]
  if (jobs.length !== 1) throw new Error(`${name}: expected one scrape job, found ${jobs.length}`)
  jobs[0] = {
    ...jobs[0],
    scrape_interval: '1s',
    scrape_timeout: '1s',
    static_configs: [{targets: [...options.targets]}],
  }
  return YAML.stringify(config)
}
