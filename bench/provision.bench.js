'use strict'
/**
 * Provisioning through the real Pulumi engine (issue 6): `govnet tenant up` (create), a second
 * `up` with nothing to change, and `destroy`, on the local target (dynamic providers writing to
 * the inventory, the MLPS policy pack attached to up), for
 *   - one tenant (REPEAT tenants, one after the other: medians);
 *   - MANY tenants in sequence, one stack after the other;
 *   - MANY tenants in parallel stacks, at most PARALLEL govnet processes at a time.
 * Every tenant is level 3 (four zone subnets, quota, rule set: 8 resources in its stack).
 *
 * Each operation is the whole `govnet tenant …` process (Node, oclif, the Automation API, the
 * engine, its language host, the dynamic-provider plugin and the policy pack). CPU time is that of
 * every process the bench waited for, read from /proc/self/stat (cutime + cstime), so that it
 * stays comparable when other work loads the machine.
 *
 * The engine comes from scripts/pulumi-engine.sh (built on first use: minutes). `npm run bench --
 * provision` runs this through bench/run.js, which records the section in bench/RESULTS.md.
 */
const {execFileSync, spawn} = require('node:child_process')
const {readFileSync} = require('node:fs')
const path = require('node:path')

const {cli, median, repoRoot, spawnChecked, table, tempDir} = require('./lib')

/** The engine's version: package.json's @pulumi/pulumi (its one home). */
const PULUMI_VERSION = require('../package.json').dependencies['@pulumi/pulumi']
const LEVEL = 3
const REPEAT = 3
/** Tenants in the sequential and the parallel runs; GOVNET_BENCH_TENANTS=N for a quick run. */
const MANY = Number(process.env.GOVNET_BENCH_TENANTS || 50)
const PARALLEL = 4
const OPERATIONS = [
  {label: '`tenant up` (create)', args: ['up']},
  {label: '`tenant up`, no change', args: ['up']},
  {label: '`tenant destroy`', args: ['destroy']},
]

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

/** An inventory made with the CLI: the sample divisions, one region, `ids` as level-3 tenants. */
function seed(db, env, ids) {
  const govnet = (args) => spawnChecked(process.execPath, [cli, ...args, '--db', db], {env})
  govnet(['init'])
  govnet(['division', 'import', '--file', path.join(repoRoot, 'test', 'fixtures', 'divisions-sample.csv')])
  govnet([
    'region',
    'add',
    'gz-1',
    '--name',
    '广州政务云一区',
    '--pools',
    '10.20.0.0/16',
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
  for (const id of ids) {
    govnet([
      'tenant',
      'add',
      id,
      '--name',
      `系统 ${id}`,
      '--department',
      '广州市政务服务数据管理局',
      '--uscc',
      '91430111MA4L41YT1U',
      '--region',
      'gz-1',
      '--level',
      String(LEVEL),
      '--exposure',
      'extranet',
      '--vcpu',
      '16',
      '--ram-gib',
      '64',
      '--storage-gib',
      '500',
    ])
  }
}

/** One `govnet tenant OP ID --json` process; resolves with its wall time, fails on a non-zero exit or an unexpected change set. */
function tenantOperation(db, env, op, id, expectChanges) {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint()
    const child = spawn(process.execPath, [cli, 'tenant', op, id, '--db', db, '--json'], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d) => (stdout += d))
    child.stderr.on('data', (d) => (stderr += d))
    child.on('error', reject)
    child.on('close', (code) => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6
      if (code !== 0) return reject(new Error(`govnet tenant ${op} ${id} exited ${code}: ${stdout.trim() || stderr}`))
      const kinds = Object.keys(JSON.parse(stdout).changes).sort().join(',')
      if (kinds !== expectChanges)
        return reject(new Error(`govnet tenant ${op} ${id}: changes ${kinds}, expected ${expectChanges}`))
      resolve(ms)
    })
  })
}

/** Run `task(id)` for every id, at most `parallelism` at a time; returns the total wall time, the children's CPU time and each task's time. */
async function phase(ids, parallelism, task) {
  const cpuStart = childrenCpuMs()
  const started = process.hrtime.bigint()
  const times = []
  const queue = [...ids]
  const worker = async () => {
    for (let id = queue.shift(); id !== undefined; id = queue.shift()) times.push(await task(id))
  }
  await Promise.all(Array.from({length: Math.min(parallelism, ids.length)}, worker))
  return {totalMs: Number(process.hrtime.bigint() - started) / 1e6, cpuMs: childrenCpuMs() - cpuStart, times}
}

const EXPECTED_CHANGES = ['create', 'same', 'delete']

/** The three operations over `ids`, each phase finished before the next starts. */
async function lifecycle(db, env, ids, parallelism) {
  const phases = []
  for (const [index, operation] of OPERATIONS.entries()) {
    phases.push(
      await phase(ids, parallelism, (id) => tenantOperation(db, env, operation.args[0], id, EXPECTED_CHANGES[index])),
    )
  }
  return phases
}

async function run() {
  const bin = engineBin()
  const {dir, cleanup} = tempDir('govnet-bench-provision-')
  try {
    const db = path.join(dir, 'govnet.db')
    const env = envFor(dir, bin)
    const single = Array.from({length: REPEAT}, (_, i) => `one-${i + 1}`)
    const sequential = Array.from({length: MANY}, (_, i) => `seq-${String(i + 1).padStart(2, '0')}`)
    const parallel = Array.from({length: MANY}, (_, i) => `par-${String(i + 1).padStart(2, '0')}`)
    seed(db, env, [...single, ...sequential, ...parallel])
    const results = {single: [], sequential: undefined, parallel: undefined}
    for (const id of single) results.single.push(await lifecycle(db, env, [id], 1))
    results.sequential = await lifecycle(db, env, sequential, 1)
    results.parallel = await lifecycle(db, env, parallel, PARALLEL)
    return results
  } finally {
    cleanup()
  }
}

const seconds = (ms) => (ms / 1000).toFixed(1)

function report(results) {
  const rows = []
  OPERATIONS.forEach((operation, index) => {
    const single = results.single.map((phases) => phases[index])
    rows.push([
      operation.label,
      '1',
      '1',
      `${seconds(median(single.map((p) => p.totalMs)))} (${seconds(Math.min(...single.map((p) => p.totalMs)))}–${seconds(Math.max(...single.map((p) => p.totalMs)))})`,
      '',
      seconds(median(single.map((p) => p.cpuMs))),
    ])
  })
  for (const [name, parallelism] of [
    ['sequential', 1],
    ['parallel', PARALLEL],
  ]) {
    OPERATIONS.forEach((operation, index) => {
      const p = results[name][index]
      rows.push([
        operation.label,
        String(MANY),
        String(parallelism),
        seconds(p.totalMs),
        `${seconds(median(p.times))} (${seconds(Math.max(...p.times))})`,
        `${seconds(p.cpuMs)} (${seconds(p.cpuMs / MANY)} per tenant)`,
      ])
    })
  }
  return `Level-${LEVEL} tenants on the local target (8 resources per stack), real Pulumi engine v${PULUMI_VERSION} built by
scripts/pulumi-engine.sh (minimal Node.js language host), local file backend next to the inventory, MLPS
policy pack attached to \`up\`. Every operation is a whole \`govnet tenant … --json\` process. One tenant:
median of ${REPEAT} tenants (range). ${MANY} tenants: ${MANY} stacks one after the other, or ${PARALLEL} govnet
processes at a time. Times in seconds; CPU is that of all processes the bench started (user + system),
which is what to compare when the load average is high.

${table(['operation', 'tenants', 'parallel stacks', 'wall, total', 'wall per operation: median (max)', 'CPU'], rows)}

Reading it: \`tenant up\` runs a preview with the policy pack, then the update (so that a refused stack
creates nothing); the engine's own work on 8 resources is about 1 s of each (the \`Duration\` it prints).
The rest is starting processes: Node with oclif and the Automation API, \`pulumi\` (a 156 MB Go binary),
the language host, the policy pack and the dynamic-provider plugin (more Node processes), twice for an
up. That is CPU work: on an otherwise idle machine an operation's wall time is close to its CPU time,
so ${PARALLEL} stacks at a time (they share only the inventory: SQLite, IMMEDIATE transactions) gain little
on 2 cores: each operation waits its turn. When other work loads the machine, wall times stretch (see
the load average and the max column); compare CPU.`
}

module.exports = {title: 'Provisioning with the real Pulumi engine (issue 6)', run, report}

if (require.main === module) {
  run().then(
    (results) => process.stdout.write(`${report(results)}\n`),
    (error) => {
      process.stderr.write(`${error.stack}\n`)
      process.exitCode = 1
    },
  )
}
