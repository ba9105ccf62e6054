/**
 * Every example govnet shows works as shown on a fresh quickstart inventory: each example of each
 * command's help (oclif.manifest.json: commands added later are covered once built) and each
 * `govnet …` line of README.md's code blocks (test/helpers/examples.ts says which lines are
 * synopses). Success is exit 0, for a server (`metrics serve`) its "serving …" line.
 *
 * How an example runs: `bash -c LINE` in a directory of its own, `govnet` on PATH (bin/run.js),
 * GOVNET_DB the quickstart inventory — a copy for a command that writes (it takes --actor), the
 * shared file for the others — and HOME the directory. What an example names is provided there:
 *   - the input files of test/fixtures/examples (nodes.csv, tenants.json, guangdong-2025.csv …);
 *   - absolute paths under /etc, /var and /tmp are taken inside the directory (parents created);
 *   - a `--db FILE` (but of `init`, which makes one) or the backup of `db restore FILE` that does not exist is a copy of the
 *     inventory, a `--key-file FILE` a copy of its change-log key, `~/.ssh/…` a new ed25519 key.
 * What cannot work here is listed in NEEDS_OUTSIDE with its reason, and the test checks that the
 * example fails for exactly that reason (exit code and message), not for another.
 */
import {ChildProcess, execFileSync, spawn} from 'node:child_process'
import {chmodSync, copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, writeFileSync} from 'node:fs'
import {readFileSync, rmSync} from 'node:fs'
import {tmpdir} from 'node:os'
import path from 'node:path'
import Database from 'better-sqlite3'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {ExitCode} from '../../src/errors'
import {findEngineBin} from '../../src/provision/engine'
import {fixtures, govnet, repoRoot} from '../helpers/cli'
import {commandIdOf, Example, helpExamples, isSynopsis, readManifest, readmeLines} from '../helpers/examples'

const manifest = readManifest()
const commandIds = new Set(Object.keys(manifest.commands))
/** Commands of the registered plugins (help, autocomplete), which the manifest of govnet's own commands does not list. */
const PLUGIN_COMMANDS = new Set(['help', 'autocomplete', 'autocomplete:script'])
const readme = readmeLines(readFileSync(path.join(repoRoot, 'README.md'), 'utf8'))
const engine = findEngineBin()

/** Every example once (the same line shown in two places runs once, naming both). */
const examples: Example[] = [...helpExamples(manifest), ...readme.filter((e) => !isSynopsis(e.line))].reduce<Example[]>(
  (all, example) => {
    const seen = all.find((e) => e.line === example.line)
    if (seen) seen.source = `${seen.source}, ${example.source}`
    else all.push({...example})
    return all
  },
  [],
)

interface Outcome {
  code: number | null
  stdout: string
  stderr: string
  dir: string
}

/**
 * Audit outcomes that mean "no SSH server answered at the node's address": no answer, no route,
 * refused, or (as this machine's gateway does for 10.0.0.0/8) closed before any SSH banner.
 */
const NOT_REACHED = new Set(['timeout', 'unreachable', 'refused', 'closed'])

/**
 * Examples that need something outside this machine, why, and the failure that reason predicts.
 * An example listed here that fails another way (or succeeds) fails the test.
 */
const NEEDS_OUTSIDE: Array<{
  applies: (id: string | undefined, line: string) => boolean
  reason: string
  check: (outcome: Outcome) => void
}> = [
  {
    applies: (id) => id === 'audit',
    reason:
      "SSH devices: the quickstart nodes' management addresses (10.0.0.0/8) are inventory data only, nothing answers there (the test gives the examples an ssh-agent with a key)",
    check: (outcome) => {
      expect(outcome.code, outcome.stderr).toBe(ExitCode.checkFailed)
      const db = new Database(path.join(outcome.dir, 'govnet.db'), {readonly: true})
      try {
        const outcomes = db.prepare('SELECT DISTINCT outcome FROM node_audits').pluck().all() as string[]
        expect(outcomes.length).toBeGreaterThan(0)
        for (const o of outcomes) expect(NOT_REACHED, `audit outcome ${o}`).toContain(o)
      } finally {
        db.close()
      }
    },
  },
  {
    applies: (id, line) => /^tenant:(preview|up)$/.test(id ?? '') && line.includes('--target openstack'),
    reason: "an OpenStack cloud: the region's external network, the openstack resource plugin and OS_* credentials",
    check: (outcome) => {
      expect([ExitCode.checkFailed, ExitCode.dependency], outcome.stderr).toContain(outcome.code)
      expect(`${outcome.stdout}${outcome.stderr}`).toMatch(/external-network|openstack/)
    },
  },
  {
    applies: (id, line) => id === 'metrics:serve' && line.includes('--web.config.file /etc/govnet/web.yml'),
    reason: "the server's own address (10.1.2.3) and its TLS certificate and key, named in /etc/govnet/web.yml",
    check: (outcome) => {
      expect(outcome.code).toBe(ExitCode.invalid)
      expect(outcome.stderr).toMatch(/web\.yml/)
    },
  },
]
if (!engine && !process.env.CI) {
  NEEDS_OUTSIDE.push({
    applies: (id) => /^tenant:(preview|up|refresh|destroy)$/.test(id ?? ''),
    reason: 'the Pulumi engine (scripts/pulumi-engine.sh), not built on this machine',
    check: (outcome) => expect(outcome.code).toBe(ExitCode.dependency),
  })
}

let root: string
let base: string
let bin: string
/** An ssh-agent holding a key, for the audit examples that rely on one (SSH_AUTH_SOCK). */
let agent: ChildProcess | undefined
let agentSocket: string

beforeAll(() => {
  root = mkdtempSync(path.join(tmpdir(), 'govnet-examples-'))
  base = path.join(root, 'quickstart')
  mkdirSync(base)
  const quickstart = govnet(['quickstart'], {cwd: base})
  expect(quickstart.code, quickstart.stderr).toBe(0)
  bin = path.join(root, 'bin')
  mkdirSync(bin)
  writeFileSync(
    path.join(bin, 'govnet'),
    `#!/bin/sh\nexec "${process.execPath}" "${path.join(repoRoot, 'bin', 'run.js')}" "$@"\n`,
    {mode: 0o755},
  )
  agentSocket = path.join(root, 'agent.sock')
  agent = spawn('ssh-agent', ['-D', '-a', agentSocket], {stdio: 'ignore'})
  const key = path.join(root, 'agent_ed25519')
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', key])
  for (let i = 0; i < 100 && !existsSync(agentSocket); i++) execFileSync('sleep', ['0.1'])
  execFileSync('ssh-add', ['-q', key], {env: {...process.env, SSH_AUTH_SOCK: agentSocket}})
}, 600_000)
afterAll(() => {
  if (agent?.pid) process.kill(agent.pid)
  rmSync(root, {recursive: true, force: true})
})

/** The quickstart inventory (and its .govnet directory with the change-log key) copied into `dir`. */
function copyInventory(dir: string, file = path.join(dir, 'govnet.db')): void {
  mkdirSync(path.dirname(file), {recursive: true, mode: 0o700})
  copyFileSync(path.join(base, 'govnet.db'), file)
  chmodSync(file, 0o600)
  cpSync(path.join(base, '.govnet'), path.join(path.dirname(file), '.govnet'), {recursive: true})
}

/** The line with /etc, /var and /tmp paths moved into `dir`, whose parents exist. */
function rooted(line: string, dir: string): string {
  return line.replace(/(^|[\s=])\/(etc|var|tmp)\/(\S*)/g, (_all, before: string, top: string, rest: string) => {
    const moved = path.join(dir, top, rest)
    mkdirSync(path.dirname(moved), {recursive: true})
    return `${before}${moved}`
  })
}

/** The files the line names that must exist, made from the quickstart inventory (see the header). */
function provide(line: string, id: string | undefined, dir: string): void {
  // `init --db FILE` shows making a new inventory: its file is not provided.
  if (id !== 'init')
    for (const [, file] of line.matchAll(/--db\s+(\S+)/g)) {
      const target = path.resolve(dir, file!)
      if (!existsSync(target)) copyInventory(dir, target)
    }
  for (const [, file] of line.matchAll(/--key-file\s+(\S+)/g)) {
    const target = path.resolve(dir, file!)
    if (!existsSync(target)) {
      mkdirSync(path.dirname(target), {recursive: true, mode: 0o700})
      copyFileSync(path.join(base, '.govnet', 'changelog-key'), target)
      chmodSync(target, 0o600)
    }
  }
  const restored = id === 'db:restore' ? /db restore\s+(\S+)/.exec(line)?.[1] : undefined
  if (restored && !existsSync(path.resolve(dir, restored))) copyInventory(dir, path.resolve(dir, restored))
  for (const [, key] of line.matchAll(/~\/\.ssh\/(\S+)/g)) {
    mkdirSync(path.join(dir, '.ssh'), {recursive: true, mode: 0o700})
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', path.join(dir, '.ssh', key!)])
  }
}

/**
 * Commands that only read the inventory, by their name (list, show, check, verify, coverage, the
 * metrics, a backup): they share the quickstart file. Every other command gets a copy, so a command
 * added later is safe by default.
 */
function readsOnly(id: string | undefined): boolean {
  if (id === undefined) return false
  return /(^|:)(list|show|check|verify|backup|coverage|serve)$/.test(id) || id === 'metrics:write'
}

/** Run one example as a user would; a server is stopped once it says it is serving. */
function runExample(example: Example): Promise<Outcome> {
  const dir = mkdtempSync(path.join(root, 'example-'))
  for (const file of readdirSync(path.join(fixtures, 'examples')))
    copyFileSync(path.join(fixtures, 'examples', file), path.join(dir, file))
  const id = commandIdOf(example.line, new Set([...commandIds, ...PLUGIN_COMMANDS]))
  if (!readsOnly(id)) copyInventory(dir)
  const line = rooted(example.line.replace(/^npx\s+govnet/, 'govnet'), dir)
  provide(line, id, dir)
  const server = id === 'metrics:serve'
  const env = {
    ...process.env,
    PATH: `${bin}${path.delimiter}${process.env.PATH ?? ''}`,
    HOME: dir,
    GOVNET_DB: readsOnly(id) ? path.join(base, 'govnet.db') : path.join(dir, 'govnet.db'),
    SSH_AUTH_SOCK: agentSocket,
    GOVNET_ACTOR: 'examples',
    NO_COLOR: '1',
    PULUMI_HOME: path.join(dir, '.pulumi'),
    ...(engine ? {GOVNET_PULUMI_BIN: engine} : {}),
  }
  return new Promise((resolve, reject) => {
    const child: ChildProcess = spawn('bash', ['-c', line], {
      cwd: dir,
      env,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let stdout = ''
    let stderr = ''
    let stopped = false
    const stop = () => {
      if (!stopped && child.pid) process.kill(-child.pid, 'SIGTERM')
      stopped = true
    }
    const timer = setTimeout(() => {
      stop()
      reject(new Error(`${example.line}: no end after 10 minutes\n${stdout}\n${stderr}`))
    }, 600_000)
    child.stdout!.on('data', (chunk: Buffer) => {
      stdout += chunk.toString()
      if (server && /^serving https?:\/\//m.test(stdout)) stop()
    })
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
    child.on('error', reject)
    child.on('close', (code) => {
      clearTimeout(timer)
      // A server stopped after it served exits on our SIGTERM: that is its success.
      resolve({code: server && /^serving /m.test(stdout) ? 0 : code, stdout, stderr, dir})
    })
  })
}

describe('every example in the help and the README works on a fresh quickstart inventory', () => {
  it('finds the examples: every command has at least one, and the README has runnable lines', () => {
    for (const [id, command] of Object.entries(manifest.commands))
      expect(command.examples?.length ?? 0, `examples of ${id}`).toBeGreaterThan(0)
    expect(readme.filter((e) => !isSynopsis(e.line)).length).toBeGreaterThan(10)
  })

  it('every README synopsis names a command that exists', () => {
    for (const synopsis of readme.filter((e) => isSynopsis(e.line)))
      expect(commandIdOf(synopsis.line, new Set([...commandIds, ...PLUGIN_COMMANDS])), synopsis.source).toBeDefined()
  })

  // The servers share their default port: one after the other.
  const servers = examples.filter((e) => commandIdOf(e.line, commandIds) === 'metrics:serve')
  const others = examples.filter((e) => !servers.includes(e))
  const check = async (example: Example) => {
    const id = commandIdOf(example.line, new Set([...commandIds, ...PLUGIN_COMMANDS]))
    const outside = NEEDS_OUTSIDE.find((entry) => entry.applies(id, example.line))
    const outcome = await runExample(example)
    try {
      if (outside) outside.check(outcome)
      else expect(outcome.code, `${example.line}\n${outcome.stdout.slice(0, 2000)}\n${outcome.stderr}`).toBe(0)
    } finally {
      rmSync(outcome.dir, {recursive: true, force: true})
    }
  }
  for (const example of others)
    it.concurrent(`${example.line}  (${example.source})`, {timeout: 900_000}, () => check(example))
  for (const example of servers) it(`${example.line}  (${example.source})`, {timeout: 300_000}, () => check(example))
})
