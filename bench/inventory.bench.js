'use strict'
/**
 * The inventory against the sqlite3 shell: national division import, 100,000-node import from
 * CSV, coverage of the whole country at county level, and list queries. Each govnet figure is
 * measured in process (the library call a command makes) and as the CLI (a whole `govnet …`
 * process: Node start-up and oclif included); each reference is the sqlite3 shell doing the same
 * work: `.import` of the same CSV and the equivalent SQL, timed as a process and by `.timer`.
 */
const {copyFileSync} = require('node:fs')
const path = require('node:path')

const {writeNodesCsv} = require('./generate-nodes')

const title = 'Inventory: division import, 100k-node import, coverage, list queries'
/** GOVNET_BENCH_NODES overrides it for a quick trial run. */
const NODE_COUNT = Number(process.env.GOVNET_BENCH_NODES ?? 100_000)

const UPSERT_DIVISIONS = (level, parent, table) =>
  `INSERT INTO divisions (code, name, level, parent_code, source, imported_at)
   SELECT code, name, '${level}', ${parent}, 'sqlite3', '2026-01-01T00:00:00.000Z' FROM ${table} WHERE true
   ON CONFLICT (code) DO UPDATE SET name = excluded.name, source = excluded.source, imported_at = excluded.imported_at
   WHERE divisions.name <> excluded.name;`

const PRAGMAS = 'PRAGMA journal_mode = WAL;\nPRAGMA synchronous = NORMAL;\nPRAGMA foreign_keys = ON;'

/**
 * One change-log row per division the upsert will add or rename, as govnet writes it: the division
 * after (and, for a rename, before) as JSON. Run before the upsert, which it compares against.
 */
const LOG_DIVISIONS = (level, parent, table) =>
  `INSERT INTO changes (at, actor, entity, entity_id, action, before, after)
   SELECT '2026-01-01T00:00:00.000Z', 'bench', 'division', t.code, CASE WHEN d.code IS NULL THEN 'create' ELSE 'update' END,
          CASE WHEN d.code IS NULL THEN NULL ELSE json_object('code', t.code, 'name', d.name, 'level', '${level}', 'parentCode', ${parent}) END,
          json_object('code', t.code, 'name', t.name, 'level', '${level}', 'parentCode', ${parent}, 'source', 'sqlite3')
   FROM ${table} AS t LEFT JOIN divisions AS d ON d.code = t.code WHERE d.code IS NULL OR d.name <> t.name;`

const LEVEL_TABLES = [
  ['province', 'NULL', 'temp.p'],
  ['prefecture', 'substr(t.code, 1, 2)', 'temp.c'],
  ['county', 'substr(t.code, 1, 4)', 'temp.a'],
  ['township', 'substr(t.code, 1, 6)', 'temp.s'],
]

/**
 * The shell's division import: `.import` of the package's four CSVs, then per level an upsert.
 * With `changeLog`, it first writes what govnet's change log holds (a row per added or renamed
 * division, and one for the import), without the keyed hashes the shell cannot compute.
 */
function divisionImportScript(packageDir, {changeLog = true} = {}) {
  const csv = (file) => path.join(packageDir, file)
  const steps = LEVEL_TABLES.map(([level, parent, table]) => {
    const upsert = UPSERT_DIVISIONS(level, parent.replace('t.code', 'code'), table)
    return changeLog ? `${LOG_DIVISIONS(level, parent, table)}\n${upsert}` : upsert
  })
  // govnet's row for the import itself, written only when the import added or renamed something.
  const mark = changeLog ? 'CREATE TEMP TABLE mark AS SELECT coalesce(max(id), 0) AS id FROM changes;' : ''
  const importRow = changeLog
    ? `INSERT INTO changes (at, actor, entity, entity_id, action, before, after)
       SELECT '2026-01-01T00:00:00.000Z', 'bench', 'division', 'sqlite3', 'import', NULL, json_object('changed', count(*))
       FROM changes WHERE id > (SELECT id FROM temp.mark) HAVING count(*) > 0;`
    : ''
  return `${PRAGMAS}
.import --csv --schema temp ${csv('provinces.csv')} p
.import --csv --schema temp ${csv('cities.csv')} c
.import --csv --schema temp ${csv('areas.csv')} a
.import --csv --schema temp ${csv('streets.csv')} s
BEGIN;
${mark}
${steps.join('\n')}
${importRow}
COMMIT;`
}

function nodeImportScript(csv) {
  return `${PRAGMAS}
.import --csv --schema temp ${csv} n
BEGIN;
PRAGMA defer_foreign_keys = ON;
INSERT INTO nodes (id, name, division_code, tier, role, mgmt_address, ssh_port, platform, uplink_id, bandwidth_mbps, status, created_at, updated_at)
SELECT id, name, division, tier, role, mgmt_address, CAST(ssh_port AS INTEGER), platform, nullif(uplink, ''),
       CAST(nullif(bandwidth_mbps, '') AS INTEGER), status, '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z' FROM temp.n;
INSERT INTO node_tags (node_id, tag)
SELECT n.id, j.value FROM temp.n AS n, json_each('["' || replace(n.tags, ';', '","') || '"]') AS j WHERE n.tags <> '';
INSERT INTO changes (at, actor, entity, entity_id, action, before, after)
SELECT '2026-01-01T00:00:00.000Z', 'bench', 'node', id, 'create', NULL,
       json_object('id', id, 'name', name, 'divisionCode', division, 'tier', tier, 'role', role, 'mgmtAddress', mgmt_address,
         'sshPort', CAST(ssh_port AS INTEGER), 'platform', platform, 'uplinkId', nullif(uplink, ''),
         'bandwidthMbps', CAST(nullif(bandwidth_mbps, '') AS INTEGER), 'status', status,
         'tags', json(CASE WHEN tags = '' THEN '[]' ELSE '["' || replace(tags, ';', '","') || '"]' END))
FROM temp.n;
COMMIT;`
}

/** What computeCoverage runs at county level: the grouped county query with its parameters written in, and the county names. */
function coverageScript(countySql, verifiedSince) {
  const sql = countySql
    .replaceAll('@verifiedSince', `'${verifiedSince}'`)
    .replaceAll('@low', "''")
    .replaceAll('@high', "':'")
  return `${sql};\nSELECT code, name, level, parent_code FROM divisions WHERE level = 'county' AND code >= '' AND code < ':' ORDER BY code;`
}

async function run(lib) {
  const {Inventory} = lib.fromDist('src/inventory/db')
  const {DivisionImporter, bundledPackage, packageSource} = lib.fromDist('src/import/divisions')
  const {countyCoverageSql, listDivisions} = lib.fromDist('src/inventory/divisions')
  const {computeCoverage, computeCoverageAllLevels} = lib.fromDist('src/coverage')
  const {NodeRepository} = lib.fromDist('src/inventory/nodes')
  const {importNodes} = lib.fromDist('src/import/nodes')
  const {readImportFile} = lib.fromDist('src/import/file')
  const {levelOf} = lib.fromDist('src/domain/divisions')
  const {seedAudits} = lib.fromDist('src/seed')
  const {GENESIS, rowHash} = lib.fromDist('src/domain/change-chain')

  /**
   * CPU spent on the keyed SM3 chain alone: the HMAC-SM3 of every `entity` row of `db`'s change
   * log, recomputed in id order exactly as govnet computes them when it writes them.
   */
  const chainHashing = (db, entity) =>
    withInventory(
      db,
      (inventory) => {
        const key = inventory.changeKey()
        const rows = inventory.db
          .prepare('SELECT * FROM changes WHERE entity = ? ORDER BY id')
          .all(entity)
          .map((r) => ({...r, osUser: r.os_user, entityId: r.entity_id}))
        const hashing = lib.measure(
          () => {
            let prev = GENESIS
            for (const row of rows) prev = rowHash(key, prev, row)
            return prev
          },
          {repeat: 5, warmup: 1},
        )
        return {...hashing, rows: rows.length}
      },
      {readonly: true},
    )

  const sqlite3 = lib.sqlite3Version()
  if (!sqlite3) throw new Error('the sqlite3 shell is not installed: apt-get update && apt-get install -y sqlite3')
  const {dir, cleanup} = lib.tempDir()
  const file = (name) => path.join(dir, name)
  let serial = 0
  /** A fresh copy of a template inventory (closed, so its WAL is checkpointed into the file). */
  const copyOf = (template) => {
    const target = file(`run-${++serial}.db`)
    copyFileSync(template, target)
    return target
  }
  const withInventory = (db, fn, options) => {
    const inventory = Inventory.open(db, options)
    try {
      return fn(inventory)
    } finally {
      inventory.close()
    }
  }

  try {
    const emptyDb = file('empty.db')
    withInventory(emptyDb, () => undefined, {create: true})
    const packageDir = bundledPackage().dir

    // ---- National division import: govnet and the shell by turns ----
    const importDivisions = (db) =>
      withInventory(db, (inventory) => new DivisionImporter(inventory).import(packageSource()), {actor: 'bench'})
    importDivisions(copyOf(emptyDb)) // warm-up: modules loaded, package files in the page cache
    let referenceDb
    const [inProcess, sqliteImport, sqliteDivisionsOnly] = lib.alternate(5, [
      () => lib.measure(importDivisions, {repeat: 1, setup: () => copyOf(emptyDb)}),
      () => lib.measureSqlite3(() => (referenceDb = copyOf(emptyDb)), divisionImportScript(packageDir), {repeat: 1}),
      () =>
        lib.measureSqlite3(() => copyOf(emptyDb), divisionImportScript(packageDir, {changeLog: false}), {repeat: 1}),
    ])
    const nationalDb = file('national.db')
    copyFileSync(emptyDb, nationalDb)
    importDivisions(nationalDb)
    const [reimport, sqliteReimport] = lib.alternate(5, [
      () => lib.measure(importDivisions, {repeat: 1, setup: () => copyOf(nationalDb)}),
      () => lib.measureSqlite3(() => referenceDb, divisionImportScript(packageDir), {repeat: 1}),
    ])
    const divisionCli = lib.measureCli((db) => ['division', 'import', '--db', db], {
      repeat: 3,
      setup: () => copyOf(emptyDb),
    })
    const divisionChain = chainHashing(nationalDb, 'division')

    // ---- 100,000 nodes from CSV ----
    const divisions = packageSource().rows.map((row) => ({code: row.code, level: levelOf(row.code)}))
    const csv = writeNodesCsv(file('nodes-100k.csv'), NODE_COUNT, divisions, {prefix: 'b'})
    let lastNodesDb
    const [nodeImport, sqliteNodes] = lib.alternate(5, [
      () =>
        lib.measure(
          (db) => {
            lastNodesDb = db
            return withInventory(db, (inventory) => importNodes(inventory, readImportFile(csv)), {actor: 'bench'})
          },
          {repeat: 1, setup: () => copyOf(nationalDb)},
        ),
      () => lib.measureSqlite3(() => copyOf(nationalDb), nodeImportScript(csv), {repeat: 1}),
    ])
    const nodeCli = lib.measureCli((db) => ['node', 'import', '--file', csv, '--db', db], {
      repeat: 2,
      setup: () => copyOf(nationalDb),
    })
    const nodeChain = chainHashing(lastNodesDb, 'node')

    // ---- Coverage of the whole country at county level (100k nodes, half of them audited recently) ----
    const coverageDb = lastNodesDb
    withInventory(coverageDb, (inventory) => {
      const finishedAt = new Date().toISOString()
      // Nodes whose id ends in an even digit were audited just now; one in five of those failed.
      const code = (id, fromEnd) => id.charCodeAt(id.length - fromEnd)
      const audited = [...new NodeRepository(inventory).uplinks().keys()].filter((id) => code(id, 1) % 2 === 0)
      seedAudits(
        inventory,
        audited.map((nodeId) => ({nodeId, outcome: code(nodeId, 2) % 5 === 0 ? 'timeout' : 'ok', finishedAt})),
      )
    })
    const reader = Inventory.open(coverageDb, {readonly: true})
    const county = lib.measure(() => computeCoverage(reader, {level: 'county'}), {repeat: 20, warmup: 2})
    const province = lib.measure(() => computeCoverage(reader, {level: 'province'}), {repeat: 20, warmup: 2})
    const allLevels = lib.measure(() => computeCoverageAllLevels(reader), {repeat: 20, warmup: 2})
    const coldCounty = lib.measure(
      () => withInventory(coverageDb, (inventory) => computeCoverage(inventory, {level: 'county'}), {readonly: true}),
      {repeat: 5},
    )
    const coverageCli = lib.measureCli(['coverage', '--level', 'county', '--format', 'json', '--db', coverageDb], {
      repeat: 3,
    })
    const sqliteCoverage = lib.measureSqlite3(
      () => coverageDb,
      coverageScript(countyCoverageSql({ofKind: false}), county.result.verifiedSince),
      {repeat: 5},
    )
    const coverageRows = county.result.rows.length
    const nodesInDb = reader.db.prepare('SELECT count(*) FROM nodes').pluck().get()

    // ---- List queries ----
    const nodes = new NodeRepository(reader)
    const lists = [
      {
        name: '`division list --parent 44 --level township` (1,757 rows)',
        ours: () => listDivisions(reader, {parent: '44', level: 'township'}),
        sql: "SELECT code, name, level, parent_code FROM divisions WHERE level = 'township' AND code >= '44' AND code < '44:' ORDER BY code;",
        cli: ['division', 'list', '--parent', '44', '--level', 'township', '--json'],
      },
      {
        name: '`division list --level county` (2,978 rows)',
        ours: () => listDivisions(reader, {level: 'county'}),
        sql: "SELECT code, name, level, parent_code FROM divisions WHERE level = 'county' ORDER BY code;",
        cli: ['division', 'list', '--level', 'county', '--json'],
      },
      {
        name: '`node list --under 44` (with tags)',
        ours: () => nodes.list({under: '44'}),
        sql: `SELECT n.*, (SELECT json_group_array(tag) FROM (SELECT tag FROM node_tags WHERE node_id = n.id ORDER BY tag)) AS tags
              FROM nodes n WHERE n.division_code >= '44' AND n.division_code < '44:' ORDER BY n.id;`,
        cli: ['node', 'list', '--under', '44', '--json'],
      },
      {
        name: '`node list --tier township --status active --tag pilot`',
        ours: () => nodes.list({tier: 'township', status: 'active', tag: 'pilot'}),
        sql: `SELECT n.*, (SELECT json_group_array(tag) FROM (SELECT tag FROM node_tags WHERE node_id = n.id ORDER BY tag)) AS tags
              FROM nodes n WHERE n.tier = 'township' AND n.status = 'active'
              AND EXISTS (SELECT 1 FROM node_tags t WHERE t.node_id = n.id AND t.tag = 'pilot') ORDER BY n.id;`,
        cli: ['node', 'list', '--tier', 'township', '--status', 'active', '--tag', 'pilot', '--json'],
      },
    ].map((list) => {
      const ours = lib.measure(list.ours, {repeat: 10, warmup: 1})
      const reference = lib.measureSqlite3(() => coverageDb, list.sql, {repeat: 5})
      const cli = lib.measureCli([...list.cli, '--db', coverageDb], {repeat: 3})
      return {...list, ours, reference, cli, rows: ours.result.length}
    })
    reader.close()

    // ---- Quickstart: a fresh inventory, then the second (idempotent) run ----
    let quickstartDb
    const quickstartFresh = lib.measureCli((db) => ['quickstart', '--db', db, '--json'], {
      repeat: 2,
      setup: () => (quickstartDb = file(`quickstart-${++serial}.db`)),
    })
    const quickstartAgain = lib.measureCli(() => ['quickstart', '--db', quickstartDb, '--json'], {repeat: 3})

    const f = lib.fmt
    const verdict = (met) => (met ? 'met' : 'NOT met')
    const aim = (what, byWall, byCpu) => `- ${what}: ${verdict(byWall)} by wall time, ${verdict(byCpu)} by CPU time.`
    /** "wall ms (cpu ms)" */
    const cell = (m, wall = m.ms, cpu = m.cpuMs) => `${f(wall)} (${f(cpu)})`
    const ratios = (ours, reference) =>
      `${lib.ratio(ours.ms, reference.ms)} / ${lib.ratio(ours.cpuMs, reference.cpuMs)}`
    const line = (operation, ours, cli, reference) => [
      operation,
      cell(ours),
      cli ? cell(cli) : '',
      reference ? cell(reference, reference.statementsMs, reference.statementsCpuMs) : '',
      reference ? cell(reference) : '',
      reference ? ratios(ours, reference) : '',
    ]
    const rows = [
      line('national division import, empty inventory (44,703 rows)', inProcess, divisionCli, sqliteImport),
      line('national division re-import, nothing changed', reimport, undefined, sqliteReimport),
      line(
        `node import, ${NODE_COUNT.toLocaleString('en')} rows from CSV (\`importNodes\`)`,
        nodeImport,
        nodeCli,
        sqliteNodes,
      ),
      line(
        `coverage, whole country at county level (${coverageRows.toLocaleString('en')} rows, ${nodesInDb.toLocaleString('en')} nodes)`,
        county,
        coverageCli,
        sqliteCoverage,
      ),
      line('coverage at county level, first call on a new connection', coldCounty),
      line('coverage at province level', province),
      line('coverage at every level at once (for metrics)', allLevels),
      ...lists.map((list) =>
        line(`${list.name}: ${list.rows.toLocaleString('en')} rows`, list.ours, list.cli, list.reference),
      ),
      [
        '`govnet quickstart`, new inventory (divisions, ~13,900 sample nodes, tenants)',
        '',
        cell(quickstartFresh),
        '',
        '',
        '',
      ],
      ['`govnet quickstart`, second run (nothing to write)', '', cell(quickstartAgain), '', '', ''],
    ]
    return [
      'Medians, in ms: wall time (CPU time in brackets; compare CPU time when the load average is high).',
      '_govnet_: the library call the command makes, in this process (CSV reading, validation and the',
      'transaction included). _govnet CLI_: the whole `govnet …` process, Node and oclif start-up included.',
      "_sqlite3 SQL_: the shell's `.timer` over the statements (it does not time `.import`).",
      '_sqlite3 process_: the shell process doing `.import` plus the equivalent SQL, start to exit.',
      '_ratio_: govnet ÷ sqlite3 process, wall / CPU.',
      'The two imports were measured by turns, govnet then the shell, so that a drift in the speed of the',
      "machine's shared CPUs during the run slows both sides alike.",
      '',
      lib.table(['operation', 'govnet', 'govnet CLI', 'sqlite3 SQL', 'sqlite3 process', 'ratio'], rows),
      '',
      'The sqlite3 reference validates nothing: govnet checks every code, name, parent, address, tier,',
      'uplink and cycle before it writes, and counts created, renamed/updated and unchanged rows. Both import',
      'references write what govnet writes: the divisions, or the nodes and their tags, and the change log',
      'govnet keeps (a row per added or renamed division, a row per node, each with the record as JSON), but',
      'not the HMAC-SM3 chain hash of each row, which the shell cannot compute.',
      'The coverage reference runs the same grouped query (src/inventory/divisions.ts) and the county names query.',
      '',
      'The keyed chain (issue 11) is work the shell does not do. Recomputed alone over the rows each import',
      'wrote, in the same run:',
      '',
      lib.table(
        ['import', 'change rows', 'HMAC-SM3 chain, CPU', 'govnet CPU without it', 'ratio without it'],
        [
          ['national divisions, empty inventory', divisionChain, inProcess, sqliteImport],
          [`${NODE_COUNT.toLocaleString('en')} nodes`, nodeChain, nodeImport, sqliteNodes],
        ].map(([name, chain, ours, reference]) => [
          name,
          chain.rows.toLocaleString('en'),
          f(chain.cpuMs),
          f(ours.cpuMs - chain.cpuMs),
          lib.ratio(ours.cpuMs - chain.cpuMs, reference.cpuMs),
        ]),
      ),
      '',
      `The division reference without the change log (the divisions only, as before issue 11): ${cell(sqliteDivisionsOnly)};`,
      `govnet's division import is ${lib.ratio(inProcess.cpuMs, sqliteDivisionsOnly.cpuMs)} its CPU time.`,
      '',
      'Aims (issues 2 and 10):',
      aim(
        'division import within 1.2× of the sqlite3 shell',
        inProcess.ms / sqliteImport.ms <= 1.2,
        inProcess.cpuMs / sqliteImport.cpuMs <= 1.2,
      ),
      aim(
        `${NODE_COUNT.toLocaleString('en')}-node import within 1.5× of the sqlite3 shell`,
        nodeImport.ms / sqliteNodes.ms <= 1.5,
        nodeImport.cpuMs / sqliteNodes.cpuMs <= 1.5,
      ),
      aim('coverage of the whole country at county level under 200 ms', county.ms < 200, county.cpuMs < 200),
      aim('quickstart well under a minute', quickstartFresh.ms < 30_000, quickstartFresh.cpuMs < 30_000),
    ].join('\n')
  } finally {
    cleanup()
  }
}

module.exports = {title, run, coverageScript, divisionImportScript, nodeImportScript}
