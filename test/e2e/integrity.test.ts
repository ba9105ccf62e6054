import Database from 'better-sqlite3'
import {execFileSync} from 'node:child_process'
import {chmodSync, copyFileSync, cpSync, existsSync, readFileSync, statSync, truncateSync, writeFileSync} from 'node:fs'
import path from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {integrityMessages as msg} from '../../src/messages'
import {govnet, json, repoRoot, tempDir} from '../helpers/cli'
import {snapshot} from '../helpers/db'
import {expectError} from '../helpers/expect-error'
import {seedDivisions} from '../helpers/seed'
import {readHeadRow, rewindTail, TAMPER_CASES} from '../helpers/tamper'

/**
 * The record meets its own baseline, against real files: the chain catches every tampering and names
 * the row; a damaged, empty or non-regular inventory gives exit 6 and is never written; read commands
 * work on a read-only inventory as another user; new files are 0600; backups check on their own.
 */
let dir: string
let cleanup: () => void
let base: string

const mode = (file: string) => (statSync(file).mode & 0o777).toString(8)

function addNode(db: string, id: string, actor = 'alice') {
  return govnet([
    'node',
    'add',
    id,
    '--name',
    `节点 ${id}`,
    '--division',
    '4401',
    '--role',
    'core',
    '--mgmt-address',
    `${id}.gz.gov.example`,
    '--platform',
    'huawei-vrp',
    '--db',
    db,
    '--actor',
    actor,
  ])
}

/** A copy of the base inventory with its own key directory: each case tampers with its own. */
function copyOfBase(name: string): {db: string; keyFile: string} {
  const caseDir = path.join(dir, name)
  cpSync(path.dirname(base), caseDir, {recursive: true})
  return {db: path.join(caseDir, 'govnet.db'), keyFile: path.join(caseDir, '.govnet', 'changelog-key')}
}

beforeAll(() => {
  ;({dir, cleanup} = tempDir())
  base = path.join(dir, 'base', 'govnet.db')
  seedDivisions(base)
  // Eight changes: six nodes added, one set, one removed, through the CLI as users make them.
  const nodes = path.join(dir, 'nodes.csv')
  writeFileSync(
    nodes,
    [
      'id,name,division,role,mgmt_address,platform',
      ...['a', 'b', 'c', 'd', 'e', 'f'].map((id) => `n-${id},节点${id},4401,core,${id}.gz.gov.example,huawei-vrp`),
    ].join('\n'),
  )
  expect(govnet(['node', 'import', '--file', nodes, '--db', base, '--actor', 'importer']).code).toBe(0)
  expect(govnet(['node', 'set', 'n-a', '--status', 'active', '--db', base, '--actor', 'bob']).code).toBe(0)
  expect(govnet(['node', 'remove', 'n-f', '--db', base, '--actor', 'carol']).code).toBe(0)
})

afterAll(() => cleanup())

describe('changes verify', () => {
  it('passes on an untouched log, in text and JSON', () => {
    const result = govnet(['changes', 'verify', '--db', base, '--json'])
    expect(result.code).toBe(0)
    expect(json(result)).toMatchObject({ok: true, rows: 8, head: {rows: 8, lastId: 8}, finding: null})
    expect(govnet(['changes', 'verify', '--db', base]).stdout).toBe(`change log of ${base}: 8 rows, chain intact\n`)
  })

  for (const tamper of TAMPER_CASES) {
    it(`finds ${tamper.name} and names the row (exit 7)`, () => {
      const {db, keyFile} = copyOfBase(`case-${TAMPER_CASES.indexOf(tamper)}`)
      tamper.tamper(db, keyFile)
      const result = govnet(['changes', 'verify', '--db', db, '--json', ...(tamper.verifyArgs ?? [])])
      expect(result.code).toBe(7)
      const finding = json(result).finding
      expect(finding.kind).toBe(tamper.kind)
      if (tamper.row !== undefined) expect(finding.row).toBe(tamper.row)
      // Text: one line naming the file and the finding.
      const text = govnet(['changes', 'verify', '--db', db])
      expectError(text, msg.chainFinding(db, finding.message))
      // And db check reports it too.
      expect(govnet(['db', 'check', '--db', db]).code).toBe(7)
    })
  }

  it('finds a cut tail whose head was rewound to a saved copy, with the row count kept outside (--min-rows)', () => {
    const {db} = copyOfBase('replay')
    const saved = readHeadRow(db)
    expect(addNode(db, 'n-later').code).toBe(0)
    expect(addNode(db, 'n-later2').code).toBe(0)
    rewindTail(db, saved)
    expect(govnet(['changes', 'verify', '--db', db]).code).toBe(0) // the file alone cannot tell a replay
    const result = govnet(['changes', 'verify', '--db', db, '--min-rows', '10', '--json'])
    expect(result.code).toBe(7)
    expect(json(result).finding.kind).toBe('fewer-than-expected')
  })

  it('refuses to extend a log whose tail was cut, and one with the wrong key', () => {
    const cut = copyOfBase('cut-then-write')
    TAMPER_CASES.find((c) => c.kind === 'truncated')!.tamper(cut.db, cut.keyFile)
    let before = snapshot(cut.db)
    expectError(addNode(cut.db, 'n-x'), msg.chainHeadMismatch(cut.db))
    expect(snapshot(cut.db)).toBe(before)
    const wrong = copyOfBase('wrong-key-write')
    TAMPER_CASES.find((c) => c.kind === 'key-wrong')!.tamper(wrong.db, wrong.keyFile)
    before = snapshot(wrong.db)
    expectError(addNode(wrong.db, 'n-x'), msg.keyWrongForWrite(wrong.db, wrong.keyFile))
    expect(snapshot(wrong.db)).toBe(before)
    const missing = copyOfBase('missing-key-write')
    TAMPER_CASES.find((c) => c.kind === 'key-missing')!.tamper(missing.db, missing.keyFile)
    expectError(addNode(missing.db, 'n-x'), msg.keyMissing(missing.keyFile))
    expect(existsSync(missing.keyFile)).toBe(false) // never silently replaced by a new key
  })

  it('records the OS user beside --actor on every row', () => {
    const db = new Database(base, {readonly: true})
    const rows = db.prepare('SELECT actor, os_user FROM changes ORDER BY id').all() as Array<{
      actor: string
      os_user: string
    }>
    db.close()
    const me = execFileSync('id', ['-un'], {encoding: 'utf8'}).trim()
    expect(rows.map((r) => r.os_user)).toEqual(Array(8).fill(me))
    expect(rows.map((r) => r.actor)).toEqual([...Array(6).fill('importer'), 'bob', 'carol'])
  })
})

describe('damaged inventories', () => {
  it('a file with flipped bytes: exit 6 naming the file and the way out, nothing written', () => {
    const {db} = copyOfBase('flipped')
    const pristine = readFileSync(db)
    const pageSize = 4096
    // 200 flipped bytes at the start of a b-tree page (its header and cell pointers), from the middle of
    // the file on, until SQLite's integrity_check reports the damage (a flip inside a text value it cannot see).
    let page = Math.floor(pristine.length / pageSize / 2)
    for (; ; page++) {
      expect(page * pageSize).toBeLessThan(pristine.length)
      const bytes = Buffer.from(pristine)
      for (let i = 0; i < 200; i++) bytes[page * pageSize + i]! ^= 0xff
      writeFileSync(db, bytes)
      const probe = new Database(db, {readonly: true})
      const verdict = probe.pragma('integrity_check(1)', {simple: true})
      probe.close()
      if (verdict !== 'ok') break
    }
    const before = readFileSync(db)
    const result = addNode(db, 'n-x')
    expect(result.code).toBe(6)
    expect(result.stderr).toMatch(
      /^error: inventory .* is damaged \(.*\): nothing was written; run `govnet db check --db .*`, then restore from a backup/,
    )
    expect(result.stderr.trim().split('\n')).toHaveLength(1)
    expect(readFileSync(db).equals(before)).toBe(true)
    expect(govnet(['db', 'check', '--db', db]).code).toBe(7)
  })

  it('a truncated file: exit 6 on write and on read', () => {
    const {db} = copyOfBase('truncated')
    truncateSync(db, Math.floor(statSync(db).size / 3))
    const before = readFileSync(db)
    expect(addNode(db, 'n-x').code).toBe(6)
    expect(readFileSync(db).equals(before)).toBe(true)
    const list = govnet(['node', 'list', '--db', db])
    expect(list.code).toBe(6)
    expect(list.stderr).toMatch(/is damaged/)
  })

  it('a file that is not SQLite: exit 6 as damaged', () => {
    const file = path.join(dir, 'text.db')
    writeFileSync(file, 'id,name\n'.repeat(200))
    expectError(addNode(file, 'n-x'), msg.inventoryDamaged(file, 'not an SQLite database'))
  })

  it('a 0-byte file is refused for a write and made an inventory only by init', () => {
    const file = path.join(dir, 'empty.db')
    writeFileSync(file, '')
    expectError(addNode(file, 'n-x'), msg.emptyInventoryFile(file))
    expect(statSync(file).size).toBe(0)
    expect(govnet(['init', '--db', file]).code).toBe(0)
    expect(mode(file)).toBe('600')
  })

  it('a non-regular --db (/dev/null, a directory) is refused', () => {
    expectError(addNode('/dev/null', 'n-x'), msg.notARegularFile('/dev/null'))
    expectError(govnet(['init', '--db', dir]), msg.notARegularFile(dir))
  })
})

describe('file modes', () => {
  it('new inventories, WALs, key files and backups are 0600 (directories 0700) whatever the umask', () => {
    const target = path.join(dir, 'fresh', 'deeper', 'govnet.db')
    // umask 000: what the process would otherwise give every file.
    const result = execFileSync(
      'sh',
      ['-c', `umask 000; node ${path.join(repoRoot, 'bin', 'run.js')} init --db ${target}`],
      {
        encoding: 'utf8',
      },
    )
    expect(result).toContain('schema version')
    expect(mode(target)).toBe('600')
    expect(mode(path.dirname(target))).toBe('700')
    expect(mode(path.join(path.dirname(target), '.govnet'))).toBe('700')
    expect(mode(path.join(path.dirname(target), '.govnet', 'changelog-key'))).toBe('600')
    // A writer's WAL and index take the file's mode.
    const db = new Database(target)
    db.pragma('journal_mode = WAL')
    db.prepare("INSERT INTO meta (key, value) VALUES ('probe', '1')").run()
    expect(mode(`${target}-wal`)).toBe('600')
    expect(mode(`${target}-shm`)).toBe('600')
    db.close()
    const backup = path.join(dir, 'backups', 'b.db')
    const made = execFileSync(
      'sh',
      ['-c', `umask 000; node ${path.join(repoRoot, 'bin', 'run.js')} db backup ${backup} --db ${base}`],
      {
        encoding: 'utf8',
      },
    )
    expect(made).toContain('change log 8 rows chained')
    expect(mode(backup)).toBe('600')
  })

  it('warns when an existing inventory is readable by others', () => {
    const {db} = copyOfBase('open-mode')
    chmodSync(db, 0o644)
    const result = govnet(['node', 'list', '--db', db])
    expect(result.code).toBe(0)
    expect(result.stderr).toBe(`${msg.inventoryReadableByOthers(db, '0644')}\n`)
  })

  it('a key file others can read is refused', () => {
    const {db, keyFile} = copyOfBase('open-key')
    chmodSync(keyFile, 0o644)
    expectError(addNode(db, 'n-x'), msg.keyOpen(keyFile, '644'))
  })
})

/** Run govnet as a user who cannot write the inventory's directory: `nobody` when we are root (root ignores modes). */
function asOtherUser(args: string[]) {
  const run = path.join(repoRoot, 'bin', 'run.js')
  const argv =
    process.getuid?.() === 0
      ? [
          'setpriv',
          '--reuid=nobody',
          '--regid=nogroup',
          '--clear-groups',
          'env',
          'HOME=/tmp',
          process.execPath,
          run,
          ...args,
        ]
      : [process.execPath, run, ...args]
  try {
    const stdout = execFileSync(argv[0]!, argv.slice(1), {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {...process.env, GOVNET_DB: ''},
    })
    return {code: 0, stdout, stderr: ''}
  } catch (error) {
    const e = error as {status: number; stdout: string; stderr: string}
    return {code: e.status, stdout: e.stdout, stderr: e.stderr}
  }
}

describe('read-only inventories', () => {
  it('node list, coverage and metrics write work on a 0444 file in a directory the user cannot write', () => {
    const {db} = copyOfBase('readonly')
    const roDir = path.dirname(db)
    const out = path.join(dir, 'metrics-out')
    execFileSync('mkdir', ['-p', out])
    chmodSync(out, 0o777)
    chmodSync(dir, 0o755)
    chmodSync(db, 0o444)
    chmodSync(roDir, 0o555)
    try {
      const list = asOtherUser(['node', 'list', '--db', db, '--json'])
      expect(list.code).toBe(0)
      expect(JSON.parse(list.stdout).map((n: {id: string}) => n.id)).toEqual(['n-a', 'n-b', 'n-c', 'n-d', 'n-e'])
      expect(asOtherUser(['coverage', '--db', db, '--json']).code).toBe(0)
      expect(asOtherUser(['metrics', 'write', path.join(out, 'govnet.prom'), '--db', db]).code).toBe(0)
      expect(readFileSync(path.join(out, 'govnet.prom'), 'utf8')).toContain('govnet_nodes')
      // A write says the file is read-only for this user.
      expect(asOtherUser(['node', 'remove', 'n-a', '--db', db]).code).toBe(6)
    } finally {
      chmodSync(roDir, 0o700)
    }
  })

  it('says when a WAL with changes keeps this user from reading', () => {
    const {db} = copyOfBase('wal-blocks')
    const roDir = path.dirname(db)
    // A writer that has committed but not checkpointed: the WAL holds a change the file lacks.
    const writer = new Database(db)
    writer.pragma('journal_mode = WAL')
    writer.pragma('wal_autocheckpoint = 0')
    writer.prepare("INSERT INTO meta (key, value) VALUES ('pending', '1')").run()
    // Keep the WAL, drop the index, as after a writer killed on another machine's mount.
    copyFileSync(`${db}-wal`, `${db}-wal.keep`)
    writer.close()
    copyFileSync(`${db}-wal.keep`, `${db}-wal`)
    execFileSync('rm', ['-f', `${db}-shm`, `${db}-wal.keep`])
    for (const f of [db, `${db}-wal`]) chmodSync(f, 0o444)
    chmodSync(roDir, 0o555)
    try {
      const result = asOtherUser(['node', 'list', '--db', db])
      expect(result.code).toBe(6)
      expect(result.stderr).toBe(`error: ${msg.walBlocksReadOnly(db, roDir).message}\n`)
    } finally {
      chmodSync(roDir, 0o700)
    }
  })
})

describe('db check, backup, restore', () => {
  it('db check is clean on a good inventory (JSON contract)', () => {
    const result = govnet(['db', 'check', '--db', base, '--json'])
    expect(result.code).toBe(0)
    expect(json(result)).toMatchObject({
      ok: true,
      schemaVersion: 6,
      latestSchemaVersion: 6,
      integrity: [],
      foreignKeys: [],
      changeLog: {ok: true, rows: 8},
      findings: [],
    })
  })

  it('a backup verifies on its own with the same key, and never overwrites', () => {
    const backup = path.join(dir, 'elsewhere', 'copy.db')
    expect(govnet(['db', 'backup', backup, '--db', base]).code).toBe(0)
    const keyFile = path.join(path.dirname(base), '.govnet', 'changelog-key')
    const verify = govnet(['changes', 'verify', '--db', backup, '--key-file', keyFile, '--json'])
    expect(json(verify)).toMatchObject({ok: true, rows: 8})
    // Without the key beside it, the copy cannot be checked: a finding, not a pass.
    expect(json(govnet(['changes', 'verify', '--db', backup, '--json'])).finding.kind).toBe('key-missing')
    expectError(govnet(['db', 'backup', backup, '--db', base]), msg.backupTargetExists(backup))
  })

  it('restore replaces a damaged inventory with a checked backup, and refuses a tampered backup', () => {
    const {db} = copyOfBase('restore')
    const backup = path.join(path.dirname(db), 'backup.db')
    expect(govnet(['db', 'backup', backup, '--db', db]).code).toBe(0)
    const good = snapshot(db)
    truncateSync(db, Math.floor(statSync(db).size / 3))
    expect(govnet(['node', 'list', '--db', db]).code).toBe(6)
    const restored = govnet(['db', 'restore', backup, '--db', db])
    expect(restored.code).toBe(0)
    expect(snapshot(db)).toBe(good)
    expect(govnet(['db', 'check', '--db', db]).code).toBe(0)
    expect(addNode(db, 'n-after-restore').code).toBe(0)
    // A tampered backup is not restored.
    TAMPER_CASES[0]!.tamper(backup, '')
    const before = snapshot(db)
    expect(govnet(['db', 'restore', backup, '--db', db]).code).toBe(7)
    expect(snapshot(db)).toBe(before)
  })
})
