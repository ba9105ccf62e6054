'use strict'
/**
 * Synthetic extranet nodes for `node import` benchmarks and tests: a realistic shape (one
 * aggregation node per county, then access nodes in townships uplinked to their county's node),
 * deterministic, valid against the node schema for any inventory holding the given divisions.
 * Plain CommonJS so bench/ scripts and vitest can both load it without a build.
 *
 *   const {writeNodesCsv} = require('./generate-nodes')
 *   writeNodesCsv('bench/out/nodes-100k.csv', 100_000, divisions)   // divisions: [{code, level}]
 */
const {writeFileSync} = require('node:fs')

/** The import columns, in the order of NODE_COLUMNS (src/domain/nodes.ts; a unit test keeps them equal). */
const NODE_CSV_HEADER = 'id,name,division,tier,role,mgmt_address,ssh_port,platform,uplink,bandwidth_mbps,status,tags'

const PLATFORMS = ['huawei-vrp', 'h3c-comware', 'cisco-ios', 'linux']
const STATUSES = ['active', 'active', 'active', 'planned', 'degraded']

/**
 * `count` CSV data lines (no header). Needs at least one county and one township among
 * `divisions`; ids are `${prefix}c<n>` for county nodes and `${prefix}t<n>` for township nodes,
 * so two files with different prefixes never collide.
 */
function generateNodeLines(count, divisions, options = {}) {
  const prefix = options.prefix ?? 'n'
  const counties = divisions.filter((d) => d.level === 'county').map((d) => d.code)
  const townships = divisions.filter((d) => d.level === 'township').map((d) => d.code)
  if (counties.length === 0 || townships.length === 0)
    throw new Error('generateNodeLines needs county and township divisions')
  const countyNode = new Map()
  const lines = []
  for (const code of counties) {
    if (lines.length >= count) break
    const i = lines.length
    const id = `${prefix}c${i}`
    countyNode.set(code, id)
    lines.push(
      `${id},County node ${i},${code},county,aggregation,10.${(i >> 8) & 255}.${i & 255}.1,22,${PLATFORMS[i % 2]},,10000,active,backbone`,
    )
  }
  for (let i = 0; lines.length < count; i++) {
    const code = townships[i % townships.length]
    const uplink = countyNode.get(code.slice(0, 6)) ?? ''
    const n = lines.length
    const address =
      n % 7 === 0 ? `t${n}.${prefix}.gov.example` : `10.${128 + ((n >> 16) & 127)}.${(n >> 8) & 255}.${n & 255}`
    const tags = n % 3 === 0 ? 'pilot;fiber' : n % 3 === 1 ? 'fiber' : ''
    lines.push(
      `${prefix}t${n},"Township node ${n}, ${code}",${code},township,access,${address},22,${PLATFORMS[n % PLATFORMS.length]},${uplink},${100 * (1 + (n % 10))},${STATUSES[n % STATUSES.length]},${tags}`,
    )
  }
  return lines
}

/** The whole CSV (header and `count` rows) as a string. */
function generateNodesCsv(count, divisions, options = {}) {
  return `${NODE_CSV_HEADER}\n${generateNodeLines(count, divisions, options).join('\n')}\n`
}

function writeNodesCsv(file, count, divisions, options = {}) {
  writeFileSync(file, generateNodesCsv(count, divisions, options))
  return file
}

module.exports = {NODE_CSV_HEADER, generateNodeLines, generateNodesCsv, writeNodesCsv}
