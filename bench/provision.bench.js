'use strict'
/**
 * The cost of one tenant and of a batch (issue 14), through the real Pulumi engine, against the
 * same program run by `pulumi up` itself with the same engine, in the same run:
 *   - one level-3 tenant (REPEAT tenants, medians): `govnet tenant up` creating the stack, `tenant up`
 *     with nothing to change (up to date: no engine), and `tenant up --force` with nothing to change
 *     (the engine runs); against `pulumi up --policy-pack stacks/policy` of the same program
 *     (the tenant program of stacks/tenant, built from the same plan), creating and with nothing to
 *     change, with --skip-preview (the Automation API's up) and without it (preview, then update);
 *   - a batch of MANY tenants: `govnet tenant up --region … --parallel K` (one govnet process), then
 *     its rerun (nothing to change); against MANY sequential `pulumi up --skip-preview --policy-pack`
 *     of the same program (the floor).
 * Every tenant is level 3 (the manifest, four zone subnets, quota, rule set: 9 resources in its stack,
 * 11 with the component and the stack). Peer stacks write to the same inventory (their own tenants).
 *
 * Each operation is a whole process (govnet: Node, oclif, the Automation API, the engine, its
 * language host, the dynamic-provider plugin and the policy pack; pulumi: the same without govnet).
 * CPU time is that of every process the bench waited for, from /proc/self/stat (cutime + cstime),
 * so that it stays comparable when other work loads the machine.
 *
 * The engine comes from scripts/pulumi-engine.sh (built on first use: minutes). `npm run bench --
 * provision` runs this through bench/run.js, which records the section in bench/RESULTS.md.
 */
const {execFileSync, spawn} = require('node:child_process')
const {mkdirSync, readFileSync, symlinkSync, writeFileSync} = require('node:fs')
const path = require('node:path')

const {cli, fromDist, median, repoRoot, spawnChecked, table, tempDir} = require('./lib')

/** The engine's version: package.json's @pulumi/pulumi (its one home). */
const PULUMI_VERSION = require('../package.json').dependencies['@pulumi/pulumi']
const LEVEL = 3
const REPEAT = Number(process.env.GOVNET_BENCH_REPEAT || 3)
/** Tenants in the batch and in the floor; GOVNET_BENCH_TENANTS=N for a quick run. */
const MANY = Number(process.env.GOVNET_BENCH_TENANTS || 50)
/** Stacks at once in the batch (GOVNET_BENCH_PARALLEL). */
const PARALLEL = Number(process.env.GOVNET_BENCH_PARALLEL || 2)
const POLICY_PACK = path.join(repoRoot, 'stacks', 'policy')

function engineBin() {
  const printed = execFileSync(path.join(repoRoot, 'scripts', 'pulumi-engine.sh'), [], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  return printed.trim().split('\n').pop()
}

/** CPU time (ms) of every child process this process has waited for, descendants included. */
function childrenCpuMs() {
  const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1].split(' ')
  // After "pid (comm) ": state is field 3, cutime field 16, cstime field 17.
  const ticks = Number(fields[16 - 3]) + Number(fields[17 - 3])
  return ticks * 10 // USER_HZ is 100 on Linux
}

function envFor(dir, bin) {
  const env = {...process.env, GOVNET_ACTOR: 'bench', NO_COLOR: '1', GOVNET_PULUMI_BIN: bin}
  Object.assign(env, {
    PULUMI_HOME: path.join(dir, 'pulumi-home'),
    PULUMI_SKIP_UPDATE_CHECK: 'true',
    PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: 'true',
  })
  for (const name of [
    'GOVNET_DB',
    'PULUMI_BACKEND_URL',
    'PULUMI_ACCESS_TOKEN',
    'PULUMI_CONFIG_PASSPHRASE',
    'PULUMI_CONFIG_PASSPHRASE_FILE',
  ])
    delete env[name]
  return env
}

/** An inventory made with the CLI: the sample divisions, two regions, level-3 tenants in each (`ids` by region). */
function seed(db, env, idsByRegion) {
  const govnet = (args) => spawnChecked(process.execPath, [cli, ...args, '--db', db], {env})
  govnet(['init'])
  govnet(['division', 'import', '--file', path.join(repoRoot, 'test', 'fixtures', 'divisions-sample.csv')])
  for (const [region, pool] of [
    ['gz-1', '10.20.0.0/16'],
    ['gz-2', '10.30.0.0/16'],
  ])
    addRegion(govnet, region, pool)
  addTenants(govnet, path.dirname(db), idsByRegion)
}

function addRegion(govnet, region, pool) {
  govnet([
    'region',
    'add',
    region,
    '--name',
    `广州政务云 ${region}`,
    '--pools',
    pool,
    '--extranet-ranges',
    '59.255.0.0/16',
    '--vcpu',
    '100000',
    '--ram-gib',
    '400000',
    '--storage-gib',
    '10000000',
    '--max-level',
    '4',
  ])
}

/** One `tenant import` of every tenant (a CSV: one process, not one per tenant). */
function addTenants(govnet, dir, idsByRegion) {
  const rows = Object.entries(idsByRegion).flatMap(([region, ids]) =>
    ids.map((id) =>
      [id, `系统 ${id}`, '广州市政务服务数据管理局', '91430111MA4L41YT1U', region, LEVEL, 'extranet', 16, 64, 500].join(
        ',',
      ),
    ),
  )
  const file = path.join(dir, 'tenants.csv')
  writeFileSync(file, `id,name,department,uscc,region,level,exposure,vcpu,ram_gib,storage_gib\n${rows.join('\n')}\n`)
  govnet(['tenant', 'import', '--file', file])
}

/** One process to completion; resolves with its wall time (ms) and stdout; fails on a non-zero exit. */
function timed(file, args, options) {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint()
    const child = spawn(file, args, {stdio: ['ignore', 'pipe', 'pipe'], ...options})
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d) => (stdout += d))
    child.stderr.on('data', (d) => (stderr += d))
    child.on('error', reject)
    child.on('close', (code) => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6
      if (code !== 0)
        return reject(new Error(`${path.basename(file)} ${args.join(' ')} exited ${code}: ${stdout.trim()}\n${stderr}`))
      resolve({ms, stdout})
    })
  })
}

/** Wall and children's CPU (ms) of `task`. */
async function measured(task) {
  const cpuStart = childrenCpuMs()
  const started = process.hrtime.bigint()
  const value = await task()
  return {ms: Number(process.hrtime.bigint() - started) / 1e6, cpuMs: childrenCpuMs() - cpuStart, value}
}

/** `govnet tenant up …` with --json; checks what changed (`kinds`: the change kinds, '' when up to date). */
async function govnetUp(db, env, args, kinds) {
  return measured(async () => {
    const {stdout} = await timed(process.execPath, [cli, 'tenant', 'up', ...args, '--db', db, '--json'], {env})
    const result = JSON.parse(stdout)
    if (kinds !== undefined) {
      const got = Object.keys(result.changes).sort().join(',')
      if (got !== kinds) throw new Error(`govnet tenant up ${args.join(' ')}: changes ${got}, expected ${kinds}`)
    }
    return result
  })
}

/**
 * The peer: a plain Pulumi project whose program is the tenant program of stacks/tenant (dist), given
 * the same GovTenantArgs govnet gives it (the plan made from the same inventory), on a file backend.
 */
function peerProject(dir, db, bin) {
  const project = path.join(dir, 'peer')
  mkdirSync(path.join(project, 'args'), {recursive: true})
  symlinkSync(path.join(repoRoot, 'node_modules'), path.join(project, 'node_modules'), 'dir')
  writeFileSync(path.join(project, 'Pulumi.yaml'), 'name: govnet-peer\nruntime: nodejs\nmain: index.js\n')
  writeFileSync(
    path.join(project, 'index.js'),
    `const pulumi = require('@pulumi/pulumi')
const {tenantProgram} = require(${JSON.stringify(path.join(repoRoot, 'dist', 'stacks', 'tenant'))})
module.exports = tenantProgram(require('./args/' + pulumi.getStack() + '.json'))()
`,
  )
  writeFileSync(
    path.join(project, 'policy-config.json'),
    JSON.stringify({'extranet-only-ingress': {extranetRanges: ['59.255.0.0/16']}}),
  )
  const env = {
    ...envFor(dir, bin),
    PATH: `${bin}${path.delimiter}${process.env.PATH}`,
    PULUMI_BACKEND_URL: `file://${path.join(dir, 'peer-state')}`,
    PULUMI_CONFIG_PASSPHRASE: 'bench-only',
  }
  mkdirSync(path.join(dir, 'peer-state'))
  const {Inventory} = fromDist('src/inventory/db')
  const {TenantRepository} = fromDist('src/inventory/tenants')
  const {planInput} = fromDist('src/provision/context')
  const {planTenant} = fromDist('src/domain/tenant-plan')
  const pulumi = path.join(bin, 'pulumi')
  /** Write the tenant's args and make its stack (not timed: govnet's time includes opening its stack). */
  const prepare = (id) => {
    const inventory = Inventory.open(db, {readonly: true})
    try {
      const tenant = new TenantRepository(inventory).require(id)
      const input = planInput(inventory, tenant, 'local')
      const args = {
        tenant,
        region: input.region,
        plan: planTenant(input),
        target: 'local',
        inventoryPath: db,
        actor: 'bench',
      }
      writeFileSync(path.join(project, 'args', `${id}.json`), JSON.stringify(args))
    } finally {
      inventory.close()
    }
    execFileSync(pulumi, ['stack', 'init', id, '--non-interactive'], {cwd: project, env, stdio: 'ignore'})
  }
  /** `pulumi up --yes --policy-pack stacks/policy` of the tenant's stack, with or without the preview. */
  const up = (id, {skipPreview}) =>
    measured(() =>
      timed(
        pulumi,
        [
          'up',
          '--yes',
          '--non-interactive',
          '--color',
          'never',
          ...(skipPreview ? ['--skip-preview'] : []),
          '--policy-pack',
          POLICY_PACK,
          '--policy-pack-config',
          path.join(project, 'policy-config.json'),
          '--stack',
          id,
        ],
        {cwd: project, env},
      ),
    )
  return {prepare, up}
}

const ids = (prefix, n) => Array.from({length: n}, (_, i) => `${prefix}-${String(i + 1).padStart(2, '0')}`)

async function run() {
  const bin = engineBin()
  const {dir, cleanup} = tempDir('govnet-bench-provision-')
  try {
    const db = path.join(dir, 'govnet.db')
    const env = envFor(dir, bin)
    const single = ids('one', REPEAT)
    const peerSkip = ids('pskip', REPEAT)
    const peerFull = ids('pfull', REPEAT)
    const batch = ids('batch', MANY)
    const floor = ids('floor', MANY)
    seed(db, env, {'gz-1': [...single, ...peerSkip, ...peerFull, ...floor], 'gz-2': batch})
    const peer = peerProject(dir, db, bin)
    const results = {single: [], peerSkip: [], peerFull: []}
    for (const id of single) {
      results.single.push({
        create: await govnetUp(db, env, [id], 'create'),
        upToDate: await govnetUp(db, env, [id], ''),
        forced: await govnetUp(db, env, [id, '--force'], 'same'),
      })
    }
    for (const id of peerSkip) {
      peer.prepare(id)
      results.peerSkip.push({
        create: await peer.up(id, {skipPreview: true}),
        same: await peer.up(id, {skipPreview: true}),
      })
    }
    for (const id of peerFull) {
      peer.prepare(id)
      results.peerFull.push({
        create: await peer.up(id, {skipPreview: false}),
        same: await peer.up(id, {skipPreview: false}),
      })
    }
    const batchArgs = ['--region', 'gz-2', '--parallel', String(PARALLEL)]
    results.batch = await govnetUp(db, env, batchArgs)
    if (results.batch.value.summary.created !== MANY)
      throw new Error(`batch: ${JSON.stringify(results.batch.value.summary)}`)
    results.rerun = await govnetUp(db, env, batchArgs)
    if (results.rerun.value.summary.unchanged !== MANY)
      throw new Error(`rerun: ${JSON.stringify(results.rerun.value.summary)}`)
    for (const id of floor) peer.prepare(id)
    results.floor = await measured(async () => {
      for (const id of floor) await peer.up(id, {skipPreview: true})
    })
    return results
  } finally {
    cleanup()
  }
}

const seconds = (ms) => (ms / 1000).toFixed(1)
const medianOf = (runs, pick) => ({
  ms: median(runs.map((r) => pick(r).ms)),
  min: Math.min(...runs.map((r) => pick(r).ms)),
  max: Math.max(...runs.map((r) => pick(r).ms)),
  cpuMs: median(runs.map((r) => pick(r).cpuMs)),
})
const times = (m) => `${seconds(m.ms)} (${seconds(m.min)}–${seconds(m.max)})`
const versus = (a, b) => `${(a / b).toFixed(2)}×`

function report(results) {
  const govnetCreate = medianOf(results.single, (r) => r.create)
  const govnetUpToDate = medianOf(results.single, (r) => r.upToDate)
  const govnetForced = medianOf(results.single, (r) => r.forced)
  const skipCreate = medianOf(results.peerSkip, (r) => r.create)
  const skipSame = medianOf(results.peerSkip, (r) => r.same)
  const fullCreate = medianOf(results.peerFull, (r) => r.create)
  const fullSame = medianOf(results.peerFull, (r) => r.same)
  const vs = (m, peer) => `${versus(m.ms, peer.ms)} wall, ${versus(m.cpuMs, peer.cpuMs)} CPU`
  const single = table(
    [
      'operation (one level-3 tenant)',
      'wall: median (range)',
      'CPU',
      'vs `pulumi up --policy-pack` (preview + update)',
      'vs `pulumi up --skip-preview --policy-pack`',
    ],
    [
      [
        '`govnet tenant up`, create',
        times(govnetCreate),
        seconds(govnetCreate.cpuMs),
        vs(govnetCreate, fullCreate),
        vs(govnetCreate, skipCreate),
      ],
      [
        '`govnet tenant up`, up to date (no engine)',
        times(govnetUpToDate),
        seconds(govnetUpToDate.cpuMs),
        vs(govnetUpToDate, fullSame),
        vs(govnetUpToDate, skipSame),
      ],
      [
        '`govnet tenant up --force`, no change',
        times(govnetForced),
        seconds(govnetForced.cpuMs),
        vs(govnetForced, fullSame),
        vs(govnetForced, skipSame),
      ],
      ['`pulumi up --policy-pack`, create', times(fullCreate), seconds(fullCreate.cpuMs), '', ''],
      ['`pulumi up --policy-pack`, no change', times(fullSame), seconds(fullSame.cpuMs), '', ''],
      ['`pulumi up --skip-preview --policy-pack`, create', times(skipCreate), seconds(skipCreate.cpuMs), '', ''],
      ['`pulumi up --skip-preview --policy-pack`, no change', times(skipSame), seconds(skipSame.cpuMs), '', ''],
    ],
  )
  const batch = table(
    [`${MANY} level-3 tenants`, 'wall', 'CPU', 'per tenant: wall, CPU', 'vs the floor: wall, CPU'],
    [
      [
        `\`govnet tenant up --region … --parallel ${PARALLEL}\` (one process), create`,
        seconds(results.batch.ms),
        seconds(results.batch.cpuMs),
        `${seconds(results.batch.ms / MANY)}, ${seconds(results.batch.cpuMs / MANY)}`,
        `${versus(results.batch.ms, results.floor.ms)}, ${versus(results.batch.cpuMs, results.floor.cpuMs)}`,
      ],
      [
        'the same, rerun (every stack up to date)',
        seconds(results.rerun.ms),
        seconds(results.rerun.cpuMs),
        `${seconds(results.rerun.ms / MANY)}, ${seconds(results.rerun.cpuMs / MANY)}`,
        `${versus(results.rerun.ms, results.floor.ms)}, ${versus(results.rerun.cpuMs, results.floor.cpuMs)}`,
      ],
      [
        `floor: ${MANY} sequential \`pulumi up --skip-preview --policy-pack\` of the same program`,
        seconds(results.floor.ms),
        seconds(results.floor.cpuMs),
        `${seconds(results.floor.ms / MANY)}, ${seconds(results.floor.cpuMs / MANY)}`,
        '',
      ],
    ],
  )
  return `Level-${LEVEL} tenants on the local target, real Pulumi engine v${PULUMI_VERSION} built by scripts/pulumi-engine.sh
(minimal Node.js language host), file backends. The peer is the same tenant program (stacks/tenant, built
from the same plan) run by \`pulumi up\` with the same engine and the same policy pack, in the same run.
One tenant: median of ${REPEAT} tenants (range). Times in seconds; CPU is that of all processes started (user +
system), which is what to compare when the load average is high.

${single}

${batch}

Reading it: \`govnet tenant up\` is one engine run with the policy pack attached (the tenant's manifest is
registered first and checked by the pack before anything is created, so no preview is needed); an up whose
inputs did not change since its last successful up does not start the engine at all. A batch runs in one
govnet process, ${PARALLEL} stacks at a time: each stack still starts \`pulumi\`, its language host, the policy pack
and the dynamic-provider plugin; on 2 cores the parallel stacks mostly wait for each other.`
}

module.exports = {title: 'Provisioning with the real Pulumi engine (issues 6 and 14)', run, report}

if (require.main === module) {
  run().then(
    (results) => process.stdout.write(`${report(results)}\n`),
    (error) => {
      process.stderr.write(`${error.stack}\n`)
      process.exitCode = 1
    },
  )
}
