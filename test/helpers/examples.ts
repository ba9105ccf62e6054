/**
 * The examples govnet shows its users, collected for test/e2e/examples.test.ts: every example of
 * every command's help (from oclif.manifest.json, so a command added later is covered when it is
 * built) and every `govnet …` line of README.md's code blocks.
 *
 * A README line is a *synopsis*, not an example, when it shows syntax rather than a command to
 * type: optional parts in [brackets], alternatives with |, an ellipsis …, an UPPER-CASE placeholder
 * (ID, FILE, CODE, N, YYYY-MM-DD …) or a shell variable ($TENANT). Synopses are checked to name a
 * command that exists; every other line is run.
 */
import {readFileSync} from 'node:fs'
import path from 'node:path'

import {repoRoot} from './cli'

export interface Example {
  /** Where it is shown: `help of node add` or `README.md:312`. */
  source: string
  /** The shell line, with `govnet` as the command. */
  line: string
}

interface ManifestCommand {
  examples?: Array<string | {command: string; description?: string}>
  flags?: Record<string, unknown>
}

export interface Manifest {
  commands: Record<string, ManifestCommand>
}

export function readManifest(): Manifest {
  return JSON.parse(readFileSync(path.join(repoRoot, 'oclif.manifest.json'), 'utf8')) as Manifest
}

/** The command lines of one help example: `description\ncommand` strings keep only the command lines. */
function exampleLines(example: string | {command: string}, id: string): string[] {
  const text = typeof example === 'string' ? example : example.command
  return text
    .replaceAll('<%= config.bin %>', 'govnet')
    .replaceAll('<%= command.id %>', id.replaceAll(':', ' '))
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => invokesGovnet(line))
}

/** A line that runs govnet, possibly after environment assignments (`GOVNET_DB=… govnet init`). */
export function invokesGovnet(line: string): boolean {
  return /^(?:[A-Z_][A-Z0-9_]*=\S*\s+)*(?:npx\s+)?govnet(?:\s|$)/.test(line)
}

export function helpExamples(manifest: Manifest): Example[] {
  return Object.entries(manifest.commands).flatMap(([id, command]) =>
    (command.examples ?? []).flatMap((example) =>
      exampleLines(example, id).map((line) => ({source: `help of ${id.replaceAll(':', ' ')}`, line})),
    ),
  )
}

/** Whether a README line shows syntax (see the header) rather than a command to run. */
export function isSynopsis(line: string): boolean {
  if (/[[\]|…$]/.test(line)) return true
  return line.split(/\s+/).some((token) => /^[A-Z][A-Z0-9_-]*(?:\.[a-z]+)?$/.test(token) && !token.includes('='))
}

/** The `govnet …` lines of README.md's code blocks, continuation lines joined and comments cut. */
export function readmeLines(markdown: string): Example[] {
  const lines = markdown.split('\n')
  const found: Example[] = []
  let inBlock = false
  let fence = ''
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i]!
    const opening = /^\s*(```+)(\w*)/.exec(raw)
    if (opening) {
      if (!inBlock) {
        inBlock = true
        fence = opening[2]!
      } else inBlock = false
      continue
    }
    if (!inBlock || !['sh', 'bash', 'shell', ''].includes(fence)) continue
    let line = raw
    const start = i
    while (/\\\s*$/.test(line) && i + 1 < lines.length) line = `${line.replace(/\\\s*$/, ' ')}${lines[++i]!.trim()}`
    const command = withoutComment(line).trim()
    if (invokesGovnet(command)) found.push({source: `README.md:${start + 1}`, line: command})
  }
  return found
}

/** The line without a trailing `# comment` (a # that starts a word, outside quotes). */
function withoutComment(line: string): string {
  let quote: string | undefined
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!
    if (quote) {
      if (c === quote) quote = undefined
    } else if (c === '"' || c === "'") quote = c
    else if (c === '#' && (i === 0 || /\s/.test(line[i - 1]!))) return line.slice(0, i)
  }
  return line
}

/** The command an example runs: the longest command id its words start with. */
export function commandIdOf(line: string, ids: ReadonlySet<string>): string | undefined {
  const words = line
    .replace(/^(?:[A-Z_][A-Z0-9_]*=\S*\s+)*(?:npx\s+)?govnet\s*/, '')
    .split(/\s+/)
    .filter(Boolean)
  for (let n = words.length; n > 0; n--) {
    const id = words.slice(0, n).join(':')
    if (ids.has(id)) return id
  }
  return undefined
}
