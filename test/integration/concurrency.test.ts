import {spawn} from 'node:child_process'
import path from 'node:path'
import {afterEach, beforeEach, describe, expect, it} from 'vitest'

import {writeNodesCsv} from '../../bench/generate-nodes'
import {DivisionLevel} from '../../src/domain/divisions'
import {Inventory} from '../../src/inventory/db'
import {repoRoot} from '../helpers/cli'
import {seededTempDb} from '../helpers/seed'

interface Exit {
  code: number | null
  stdout: string
  stderr: string
}

/** Start the CLI without waiting for it (unlike test/helpers/cli.ts), so that several run at once. */
function start(args: string[]): Promise<Exit> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(repoRoot, 'bin', 'run.js'), ...args], {
      cwd: repoRoot,
      env: {...process.env, GOVNET_DB: '', GOVNET_ACTOR: 'test', NO_COLOR: '1'},
    })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (chunk) => (stdout += chunk))
    child.stderr.on('data', (chunk) => (stderr += chunk))
    child.on('error', reject)
    child.on('close', (code) => resolve({code, stdout, stderr}))
  })
}

describe('two govnet processes writing at once', () => {
  let dir: string
  let cleanup: () => void
  let db: string

  beforeEach(() => {
    ;({dir, db, cleanup} = seededTempDb())
  })
  afterEach(() => cleanup())

  it('both imports succeed and every row of both files is there', async () => {
    const inventory = Inventory.open(db, {readonly: true})
    const divisions = inventory.db.prepare('SELECT code, level FROM divisions').all() as {
      code: string
      level: DivisionLevel
    }[]
    inventory.close()
    const perFile = 20_000
    const fileA = writeNodesCsv(path.join(dir, 'a.csv'), perFile, divisions, {prefix: 'a'})
    const fileB = writeNodesCsv(path.join(dir, 'b.csv'), perFile, divisions, {prefix: 'b'})

    const results = await Promise.all([
      start(['node', 'import', '--file', fileA, '--db', db, '--json']),
      start(['node', 'import', '--file', fileB, '--db', db, '--json']),
      start(['node', 'set', 'no-such-node', '--status', 'active', '--db', db]), // a third writer, failing cleanly
    ])

    expect(results.map((r) => [r.code, r.stderr])).toEqual([
      [0, ''],
      [0, ''],
      [4, 'error: node no-such-node not found\n'],
    ])
    expect(JSON.parse(results[0].stdout)).toMatchObject({created: perFile})
    expect(JSON.parse(results[1].stdout)).toMatchObject({created: perFile})
    const after = Inventory.open(db, {readonly: true})
    try {
      const count = (sql: string) => after.db.prepare(sql).pluck().get()
      expect(count("SELECT count(*) FROM nodes WHERE id LIKE 'a%'")).toBe(perFile)
      expect(count("SELECT count(*) FROM nodes WHERE id LIKE 'b%'")).toBe(perFile)
      expect(count("SELECT count(*) FROM changes WHERE entity = 'node' AND action = 'create'")).toBe(2 * perFile)
      expect(after.db.pragma('integrity_check', {simple: true})).toBe('ok')
      expect(after.db.pragma('foreign_key_check')).toEqual([])
    } finally {
      after.close()
    }
  })
})
