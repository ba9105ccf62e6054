'use strict'
/**
 * Region validation with many address pools (issue 10): `parseRegion`, which every `region add`,
 * `region set` and `region import` row goes through, on 1,000, 4,000 and 20,000 pools, and
 * `region import` of a 20,000-pool region as a whole process. References in the same run: the
 * pairwise scan govnet used before (every pool against every later one, parsing both each time),
 * and Python's standard `ipaddress` module doing the same sort and neighbour sweep.
 */
const {copyFileSync, writeFileSync} = require('node:fs')
const path = require('node:path')

const title = 'Region validation: overlap of 1,000 / 4,000 / 20,000 pools (issue 10)'
const SIZES = [1_000, 4_000, 20_000]
/** The pairwise scan is quadratic: 20,000 pools took more than three minutes, so it stops here. */
const PAIRWISE_UP_TO = 4_000

/** `count` disjoint pools of mixed sizes (/24 and /26 inside 10.0.0.0/8), in a shuffled order. */
function poolsOf(count) {
  const pools = []
  for (let i = 0; pools.length < count; i++) {
    const [a, b] = [Math.floor(i / 256) % 256, i % 256]
    if (i % 3 === 0) for (const d of [0, 64, 128, 192]) pools.push(`10.${a}.${b}.${d}/26`)
    else pools.push(`10.${a}.${b}.0/24`)
  }
  pools.length = count
  let seed = 42
  for (let i = pools.length - 1; i > 0; i--) {
    seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31
    const j = seed % (i + 1)
    ;[pools[i], pools[j]] = [pools[j], pools[i]]
  }
  return pools
}

const PYTHON_SWEEP = `
import ipaddress, json, sys, time
pools = json.load(open(sys.argv[1]))
start = time.perf_counter()
nets = sorted({ipaddress.ip_network(p) for p in pools})
clash = next(((a, b) for a, b in zip(nets, nets[1:]) if a.overlaps(b)), None)
print((time.perf_counter() - start) * 1000, clash is None)
`

async function run(lib) {
  const {parseRegion} = lib.fromDist('src/domain/regions')
  const {Inventory} = lib.fromDist('src/inventory/db')
  const {overlaps, parseCidr} = lib.fromDist('src/domain/cidr')
  const {dir, cleanup} = lib.tempDir()
  const pairwise = (pools) =>
    pools.find((a, i) => pools.slice(i + 1).find((other) => overlaps(parseCidr(a), parseCidr(other))))
  const base = {id: 'bench-1', name: 'bench', vcpu: 100, ram_gib: 400, storage_gib: 10_000, max_level: 3}
  try {
    const rows = SIZES.map((count) => {
      const pools = poolsOf(count)
      const json = path.join(dir, `pools-${count}.json`)
      writeFileSync(json, JSON.stringify(pools))
      const ours = lib.measure(
        () => {
          const {region, problems} = parseRegion({...base, pools})
          if (!region) throw new Error(`refused: ${JSON.stringify(problems[0])}`)
        },
        {repeat: 5, warmup: 1},
      )
      const scan = count <= PAIRWISE_UP_TO ? lib.measure(() => pairwise(pools), {repeat: 1}) : undefined
      const sweeps = []
      const python = lib.measure(
        () => {
          const [ms, ok] = lib.spawnChecked('python3', ['-c', PYTHON_SWEEP, json]).stdout.trim().split(' ')
          if (ok !== 'True') throw new Error('python found an overlap')
          sweeps.push(Number(ms))
        },
        {repeat: 3},
      )
      return {count, ours, scan, python: {ms: lib.median(sweeps), processMs: python.ms}}
    })

    const regionFile = path.join(dir, 'region-20000.json')
    writeFileSync(regionFile, JSON.stringify([{...base, pools: poolsOf(20_000)}]))
    const emptyDb = path.join(dir, 'empty.db')
    Inventory.open(emptyDb, {create: true}).close()
    let serial = 0
    const cli = lib.measureCli((db) => ['region', 'import', '--file', regionFile, '--db', db], {
      repeat: 3,
      setup: () => {
        const db = path.join(dir, `cli-${++serial}.db`)
        copyFileSync(emptyDb, db)
        return db
      },
    })
    return report(lib, rows, cli)
  } finally {
    cleanup()
  }
}

function report(lib, rows, cli) {
  const f = lib.fmt
  const table = lib.table(
    ['pools', '`parseRegion` wall (CPU) ms', 'pairwise scan before (ms)', 'Python `ipaddress` sweep ms (process ms)'],
    rows.map(({count, ours, scan, python}) => [
      count.toLocaleString('en'),
      `${f(ours.ms)} (${f(ours.cpuMs)})`,
      scan ? f(scan.ms) : 'not run (> 3 min)',
      `${f(python.ms)} (${f(python.processMs)})`,
    ]),
  )
  const at20k = rows.find((r) => r.count === 20_000).ours
  return `${table}

\`govnet region import\` of one region with 20,000 pools, whole process (Node start-up, oclif, the
write and its change-log row included): ${f(cli.ms)} ms wall, ${f(cli.cpuMs)} ms CPU (median of 3).

Aim (20,000 pools validated in under a second): ${at20k.ms < 1000 ? 'met' : 'NOT met'} (${f(at20k.ms)} ms).
The check sorts the pools by address once and sweeps them (src/domain/cidr.ts \`findOverlap\`);
the scan before it compared every pool with every later one. Python's figure is its own sweep
time, measured inside the interpreter; median of 5 runs for govnet, 3 for Python, 1 for the scan.`
}

module.exports = {title, run}
