#!/usr/bin/env node
'use strict'
/**
 * `npm run bench [-- NAME …]`: runs bench/NAME.bench.js (all of them without names) against the
 * compiled code and records each one's section in bench/RESULTS.md, replacing that section's
 * previous results and keeping the others.
 *
 * A bench file exports {title, run}: `run(lib)` does the measuring (lib = bench/lib.js) and returns
 * the section body in markdown; the machine and the date are added here, and the section goes
 * between <!-- bench:NAME --> markers. A bench that keeps its own section instead exports
 * `report(results)` (results → markdown) and/or `record(markdown)` (writes RESULTS.md itself).
 */
const {existsSync, readdirSync, readFileSync, writeFileSync} = require('node:fs')
const path = require('node:path')

const lib = require('./lib')

const RESULTS = path.join(__dirname, 'RESULTS.md')
const SUFFIX = '.bench.js'
const PREAMBLE = `# Benchmarks

\`npm run bench\` runs every bench/*.bench.js; \`npm run bench -- NAME\` runs bench/NAME.bench.js only.
Each section below is replaced when its bench runs again, and says on which machine and when.
References are the same operations done by the \`sqlite3\` shell in the same run.
`

function available() {
  return readdirSync(__dirname)
    .filter((file) => file.endsWith(SUFFIX))
    .map((file) => file.slice(0, -SUFFIX.length))
    .sort()
}

function machineLine(m) {
  return `_${m.date.slice(0, 16).replace('T', ' ')} UTC · ${m.cpu} · ${m.nproc} CPUs · ${m.memoryGiB} GiB · Node ${m.node} · SQLite ${m.sqliteLibrary} (better-sqlite3), sqlite3 shell ${m.sqlite3Shell} · ${m.os} · load average (1, 5, 15 min) ${m.loadAverage}_`
}

function replaceSection(document, name, body) {
  const start = `<!-- bench:${name} -->`
  const end = `<!-- /bench:${name} -->`
  const block = `${start}\n${body.trim()}\n${end}`
  const from = document.indexOf(start)
  const to = document.indexOf(end)
  if (from >= 0 && to > from) return document.slice(0, from) + block + document.slice(to + end.length)
  return `${document.trimEnd()}\n\n${block}\n`
}

async function main(argv) {
  if (!existsSync(path.join(lib.dist, 'src')))
    throw new Error('dist/ is missing: run `npm run build` (npm run bench does)')
  const names = argv.length > 0 ? argv : available()
  const unknown = names.filter((name) => !available().includes(name))
  if (unknown.length > 0) {
    process.stderr.write(`unknown bench ${unknown.join(', ')}; available: ${available().join(', ')}\n`)
    process.exitCode = 2
    return
  }
  for (const name of names) {
    const bench = require(path.join(__dirname, `${name}${SUFFIX}`))
    process.stdout.write(`bench ${name}: ${bench.title ?? ''}\n`)
    const started = Date.now()
    const machine = lib.machine()
    const results = await bench.run(lib)
    machine.loadAverage = `${machine.loadAverage} at the start, ${lib.machine().loadAverage} at the end`
    const body = typeof bench.report === 'function' ? bench.report(results) : results
    const seconds = ((Date.now() - started) / 1000).toFixed(1)
    if (typeof bench.record === 'function') {
      process.stdout.write(`${body}\n(${seconds} s)\n\n`)
      bench.record(body)
      continue
    }
    const section = `## ${bench.title}\n\n${machineLine(machine)}\n\n${body.trim()}\n`
    process.stdout.write(`${section}\n(${seconds} s)\n\n`)
    // Re-read right before writing: other benches may have written their sections meanwhile.
    const current = existsSync(RESULTS) ? readFileSync(RESULTS, 'utf8') : PREAMBLE
    writeFileSync(RESULTS, replaceSection(current, name, section))
  }
}

main(process.argv.slice(2)).catch((error) => {
  process.stderr.write(`${error.stack}\n`)
  process.exitCode = 1
})
