import fc from 'fast-check'
import {writeFileSync} from 'node:fs'
import path from 'node:path'

import {NODE_STATUSES, PLATFORMS, ROLES} from '../../src/domain/nodes'
import {EXPOSURES} from '../../src/domain/tenants'
import {GovnetError} from '../../src/errors'
import {DivisionImporter, fileSource} from '../../src/import/divisions'
import {ImportFormat, readImportFile} from '../../src/import/file'
import {importNodes} from '../../src/import/nodes'
import {importRegions} from '../../src/import/regions'
import {importTenants} from '../../src/import/tenants'
import {Inventory} from '../../src/inventory/db'

/**
 * Generated import files for the property tests (test/integration/import-properties.test.ts, a
 * bounded number) and the soak (test/soak/import-fuzz.test.ts, 100,000 and more): valid files of
 * every entity as CSV and JSON, then one mutation of a field (hostile JSON values, huge text, NUL,
 * SQL and spreadsheet-formula strings, wrong types, a missing or unknown column) or of the bytes
 * (random bytes, a NUL, a cut, mixed line endings, a BOM, bytes of another encoding). The import
 * functions run in process. The invariant: the import succeeds and every row is stored exactly, or it
 * is refused (exit 3, or 5 for ids that exist) with one line per problem and the inventory
 * unchanged; never anything else (exit 1, "internal error").
 */

export const ENTITIES = ['node', 'tenant', 'region', 'division'] as const
export type Entity = (typeof ENTITIES)[number]

type Row = Record<string, unknown>

/** Strings a hostile or careless file holds; stored verbatim when they are valid, never executed. */
const NASTY_TEXT = [
  "'; DROP TABLE nodes; --",
  "Robert'); DELETE FROM changes; --",
  "=cmd|' /C calc'!A0",
  '=HYPERLINK("http://example.invalid","x")',
  '+1+1',
  '-2+3',
  '@SUM(A1:A9)',
  '\t=1',
  '" OR 1=1 --',
  '${jndi:ldap://x}',
  '<script>alert(1)</script>',
  '广州市 荔湾区',
  '𠀀𠀁 surrogate pairs',
  '\u202e reversed',
  'a\u0000b',
  'line\nbreak',
  'comma, and "quotes"',
  '   padded   ',
]

const text = (max: number) =>
  fc.oneof(
    {weight: 4, arbitrary: fc.string({minLength: 1, maxLength: max, unit: 'grapheme'})},
    {weight: 2, arbitrary: fc.constantFrom(...NASTY_TEXT)},
    {weight: 1, arbitrary: fc.string({minLength: 1, maxLength: max})},
  )

const slugArb = fc.stringMatching(/^[a-z][a-z0-9-]{1,10}$/)

/** Values that are not what a field wants: wrong types, hostile objects, deep lists, huge text. */
const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom<unknown>(
    null,
    true,
    false,
    0,
    -1,
    1e308,
    1.5,
    {toString: 'boom', valueOf: 'boom'},
    {__proto__: {x: 1}},
    {constructor: 'x'},
    [],
    [[['x']]],
    ['a', {b: 1}],
    'x'.repeat(100_000),
    '\u0000',
    '4.41E+11',
    '441900101.0',
    "'441900101",
    '４４０１',
    '441900101000',
    '',
    '   ',
  ),
  fc.constantFrom(...NASTY_TEXT),
  fc.jsonValue({maxDepth: 4}),
  fc.string({maxLength: 50}),
  fc.integer().map((depth) => nest(Math.abs(depth % 3000) + 1)),
)

function nest(depth: number): unknown {
  let value: unknown = 'x'
  for (let i = 0; i < depth; i++) value = [value]
  return value
}

const nodeRow: fc.Arbitrary<Row> = fc.record(
  {
    id: slugArb,
    name: text(60),
    division: fc.constantFrom('4401', '440103', '440103001', '440104', '44'),
    role: fc.constantFrom(...ROLES),
    mgmt_address: fc.ipV4(),
    ssh_port: fc.integer({min: 1, max: 65535}),
    platform: fc.constantFrom(...PLATFORMS),
    status: fc.constantFrom(...NODE_STATUSES),
    tags: fc.array(fc.stringMatching(/^[a-z][a-z0-9]{0,8}$/), {maxLength: 4}),
  },
  {requiredKeys: ['id', 'name', 'division', 'role', 'mgmt_address', 'platform']},
)

const tenantRow: fc.Arbitrary<Row> = fc.record(
  {
    id: slugArb,
    name: text(60),
    department: text(60),
    uscc: fc.constant('114400000069381373'),
    region: slugArb,
    level: fc.integer({min: 1, max: 4}),
    exposure: fc.constantFrom(...EXPOSURES),
    vcpu: fc.integer({min: 1, max: 1000}),
    ram_gib: fc.integer({min: 1, max: 4000}),
    storage_gib: fc.integer({min: 1, max: 100_000}),
    status: fc.constantFrom('requested', 'active', 'decommissioned'),
  },
  {requiredKeys: ['id', 'name', 'department', 'uscc', 'region', 'level', 'exposure', 'vcpu', 'ram_gib', 'storage_gib']},
)

const regionRow: fc.Arbitrary<Row> = fc.record(
  {
    id: slugArb,
    name: text(60),
    pools: fc
      .uniqueArray(fc.integer({min: 0, max: 255}), {minLength: 1, maxLength: 4})
      .map((bs) => bs.map((b) => `10.${b}.0.0/16`)),
    extranet_ranges: fc.array(
      fc.integer({min: 0, max: 255}).map((b) => `59.${b}.0.0/16`),
      {maxLength: 3},
    ),
    vcpu: fc.integer({min: 1, max: 100_000}),
    ram_gib: fc.integer({min: 1, max: 100_000}),
    storage_gib: fc.integer({min: 1, max: 1_000_000}),
    max_level: fc.integer({min: 1, max: 4}),
  },
  {requiredKeys: ['id', 'name', 'pools', 'vcpu', 'ram_gib', 'storage_gib', 'max_level']},
)

const divisionRow: fc.Arbitrary<Row> = fc.record({
  code: fc.integer({min: 100, max: 999}).map((n) => `440103${n}`),
  name: text(40),
})

const ROWS: Record<Entity, fc.Arbitrary<Row>> = {
  node: nodeRow,
  tenant: tenantRow,
  region: regionRow,
  division: divisionRow,
}

/** Columns of a CSV of this entity: the schema's, in a fixed order. */
const COLUMNS: Record<Entity, string[]> = {
  node: ['id', 'name', 'division', 'role', 'mgmt_address', 'ssh_port', 'platform', 'status', 'tags'],
  tenant: [
    'id',
    'name',
    'department',
    'uscc',
    'region',
    'level',
    'exposure',
    'vcpu',
    'ram_gib',
    'storage_gib',
    'status',
  ],
  region: ['id', 'name', 'pools', 'extranet_ranges', 'vcpu', 'ram_gib', 'storage_gib', 'max_level'],
  division: ['code', 'name'],
}

type FieldMutation =
  | {kind: 'none'}
  | {kind: 'set'; row: number; field: string; value: unknown}
  | {kind: 'delete'; row: number; field: string}
  | {kind: 'unknown-column'; name: string}

type ByteMutation =
  | {kind: 'none'}
  | {kind: 'random-bytes'; bytes: Uint8Array}
  | {kind: 'insert'; at: number; bytes: Uint8Array}
  | {kind: 'cut'; at: number}
  | {kind: 'crlf'; every: number}
  | {kind: 'lone-cr'}
  | {kind: 'bom'}

export interface FuzzCase {
  entity: Entity
  format: ImportFormat
  rows: Row[]
  field: FieldMutation
  bytes: ByteMutation
  update: boolean
  dryRun: boolean
}

const fieldMutation = (entity: Entity): fc.Arbitrary<FieldMutation> =>
  fc.oneof(
    {weight: 2, arbitrary: fc.constant<FieldMutation>({kind: 'none'})},
    {
      weight: 6,
      arbitrary: fc.record({
        kind: fc.constant('set' as const),
        row: fc.nat(),
        field: fc.constantFrom(...COLUMNS[entity]),
        value: hostileValue,
      }),
    },
    {
      weight: 1,
      arbitrary: fc.record({
        kind: fc.constant('delete' as const),
        row: fc.nat(),
        field: fc.constantFrom(...COLUMNS[entity]),
      }),
    },
    {
      weight: 1,
      arbitrary: fc.record({
        kind: fc.constant('unknown-column' as const),
        name: fc.oneof(
          fc.constantFrom('__proto__', 'constructor', 'toString', 'owner', ''),
          fc.string({maxLength: 20}),
        ),
      }),
    },
  )

const byteMutation: fc.Arbitrary<ByteMutation> = fc.oneof(
  {weight: 6, arbitrary: fc.constant<ByteMutation>({kind: 'none'})},
  {
    weight: 1,
    arbitrary: fc.record({kind: fc.constant('random-bytes' as const), bytes: fc.uint8Array({maxLength: 300})}),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('insert' as const),
      at: fc.nat(),
      bytes: fc.oneof(
        fc.constant(new Uint8Array([0])),
        fc.constant(new Uint8Array([0xb9, 0xe3, 0xd6, 0xdd])), // 广州 in GB18030
        fc.constant(new Uint8Array([0xff, 0xfe])),
        fc.constant(new Uint8Array([0x22])),
        fc.uint8Array({minLength: 1, maxLength: 8}),
      ),
    }),
  },
  {weight: 1, arbitrary: fc.record({kind: fc.constant('cut' as const), at: fc.nat()})},
  {weight: 1, arbitrary: fc.record({kind: fc.constant('crlf' as const), every: fc.integer({min: 1, max: 3})})},
  {weight: 1, arbitrary: fc.constant<ByteMutation>({kind: 'lone-cr'})},
  {weight: 1, arbitrary: fc.constant<ByteMutation>({kind: 'bom'})},
)

export function fuzzCase(
  entities: readonly Entity[] = ENTITIES,
  formats: readonly ImportFormat[] = ['csv', 'json'],
): fc.Arbitrary<FuzzCase> {
  return fc.constantFrom(...entities).chain((entity) =>
    fc.record({
      entity: fc.constant(entity),
      format: entity === 'division' ? fc.constant<ImportFormat>('csv') : fc.constantFrom(...formats),
      rows: fc.array(ROWS[entity], {minLength: 0, maxLength: 6}),
      field: fieldMutation(entity),
      bytes: byteMutation,
      update: fc.boolean(),
      dryRun: fc.boolean(),
    }),
  )
}

function mutated(c: FuzzCase): {rows: Row[]; columns: string[]} {
  const rows = c.rows.map((row) => ({...row}))
  const columns = [...COLUMNS[c.entity]]
  const m = c.field
  if ((m.kind === 'set' || m.kind === 'delete') && rows.length > 0) {
    const row = rows[m.row % rows.length]!
    if (m.kind === 'set') row[m.field] = m.value
    else Reflect.deleteProperty(row, m.field)
  }
  if (m.kind === 'unknown-column') {
    columns.push(m.name)
    for (const row of rows)
      Object.defineProperty(row, m.name, {value: 'x', enumerable: true, writable: true, configurable: true})
  }
  return {rows, columns}
}

function csvCell(value: unknown, column = ''): string {
  const s =
    value === undefined || value === null
      ? ''
      : Array.isArray(value) && value.every((v) => typeof v === 'string')
        ? value.join(column === 'tags' ? ';' : ' ')
        : typeof value === 'string'
          ? value
          : (safeJson(value) ?? '')
  return /[",\r\n]|^\s|\s$/.test(s) ? `"${s.replaceAll('"', '""')}"` : s
}

function safeJson(value: unknown): string | undefined {
  try {
    return JSON.stringify(value)
  } catch {
    return undefined // a list nested deeper than JSON.stringify goes: written as an empty cell
  }
}

/** The file's bytes for a case, and the rows as meant (before byte mutations). */
export function fileBytes(c: FuzzCase): Buffer {
  const {rows, columns} = mutated(c)
  let text: string
  if (c.format === 'csv') {
    const lines = [
      columns.map((column) => csvCell(column)).join(','),
      ...rows.map((row) => columns.map((col) => csvCell(row[col], col)).join(',')),
    ]
    text = `${lines.join('\n')}\n`
  } else {
    text = safeJson(rows) ?? `[${rows.map(() => '{}').join(',')}]`
  }
  let bytes = Buffer.from(text)
  const b = c.bytes
  switch (b.kind) {
    case 'none':
      break
    case 'random-bytes':
      bytes = Buffer.from(b.bytes)
      break
    case 'insert': {
      const at = bytes.length === 0 ? 0 : b.at % bytes.length
      bytes = Buffer.concat([bytes.subarray(0, at), Buffer.from(b.bytes), bytes.subarray(at)])
      break
    }
    case 'cut':
      bytes = bytes.subarray(0, bytes.length === 0 ? 0 : b.at % bytes.length)
      break
    case 'crlf': {
      const lines = text.split('\n')
      bytes = Buffer.from(
        lines.map((line, i) => (i % b.every === 0 && i < lines.length - 1 ? `${line}\r` : line)).join('\n'),
      )
      break
    }
    case 'lone-cr':
      bytes = Buffer.from(text.replace(/\n(?=.)/, '\r'))
      break
    case 'bom':
      bytes = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), bytes])
      break
  }
  return bytes
}

/** What broke the invariant: an exception that is not a user error (exit 1), another exit code, unbounded output, a write. */
export type Violation =
  'internal error' | 'wrong exit' | 'unbounded message' | 'inventory changed' | 'not stored exactly'

export type Outcome =
  {kind: 'stored'} | {kind: 'refused'; exit: number} | {kind: 'violated'; violation: Violation; reason: string}

/** A digest of every table, through the open connection (what a refused import must leave unchanged). */
export function digest(inventory: Inventory): string {
  const tables = inventory.db
    .prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
    .pluck()
    .all() as string[]
  const parts: string[] = []
  for (const name of tables) {
    parts.push(name)
    for (const row of inventory.db.prepare(`SELECT * FROM "${name}" ORDER BY 1`).raw().iterate())
      parts.push(JSON.stringify(row))
  }
  return parts.join('\n')
}

/**
 * For the soak: the rows this connection has inserted, updated or deleted since it opened, rolled back
 * or not. A refused import or a dry run must not write a single row, so this stays the same; cheaper
 * than `digest` and stricter (it sees writes that were rolled back).
 */
export function rowsWritten(inventory: Inventory): string {
  return String(inventory.db.prepare('SELECT total_changes()').pluck().get())
}

/** Run one case against an open inventory in `dir`; the outcome, judged against the invariant. */
export function runCase(
  inventory: Inventory,
  dir: string,
  c: FuzzCase,
  serial: number,
  fingerprint: (inventory: Inventory) => string = digest,
): Outcome {
  const file = path.join(dir, `case-${serial % 8}.${c.format}`)
  writeFileSync(file, fileBytes(c))
  const before = fingerprint(inventory)
  const options = {update: c.update, dryRun: c.dryRun}
  try {
    if (c.entity === 'division') new DivisionImporter(inventory).import(fileSource(file), {dryRun: c.dryRun})
    else {
      const read = readImportFile(file, c.format)
      const importer = {node: importNodes, tenant: importTenants, region: importRegions}[c.entity]
      importer(inventory, read, options)
    }
  } catch (error) {
    if (!(error instanceof GovnetError))
      return {
        kind: 'violated',
        violation: 'internal error',
        reason: `internal error: ${String((error as Error).stack ?? error)}`,
      }
    if (error.exit !== 3 && error.exit !== 5)
      return {kind: 'violated', violation: 'wrong exit', reason: `exit ${error.exit}: ${error.message}`}
    if (error.details.length > 51)
      return {kind: 'violated', violation: 'unbounded message', reason: `${error.details.length} detail lines`}
    const long = [error.message, ...error.details].find((line) => line.length > 2000 || line.includes('\n'))
    if (long !== undefined)
      return {
        kind: 'violated',
        violation: 'unbounded message',
        reason: `an error line of ${long.length} characters or with a line break`,
      }
    if (fingerprint(inventory) !== before)
      return {
        kind: 'violated',
        violation: 'inventory changed',
        reason: `refused (exit ${error.exit}: ${error.message}) but the inventory changed`,
      }
    return {kind: 'refused', exit: error.exit}
  }
  if (c.dryRun)
    return fingerprint(inventory) === before
      ? {kind: 'stored'}
      : {kind: 'violated', violation: 'inventory changed', reason: 'a dry run changed the inventory'}
  return storedExactly(inventory, c)
}

/** After a successful import of the unmutated rows, every row's name is stored as written (trimmed). */
function storedExactly(inventory: Inventory, c: FuzzCase): Outcome {
  if (c.field.kind !== 'none' || c.bytes.kind !== 'none') return {kind: 'stored'}
  const table = {node: 'nodes', tenant: 'tenants', region: 'regions', division: 'divisions'}[c.entity]
  const key = c.entity === 'division' ? 'code' : 'id'
  const get = inventory.db.prepare(`SELECT name FROM ${table} WHERE ${key} = ?`).pluck()
  for (const row of c.rows) {
    const stored = get.get(String(row[key])) as string | undefined
    if (stored !== String(row.name).trim())
      return {
        kind: 'violated',
        violation: 'not stored exactly',
        reason: `${c.entity} ${String(row[key])}: stored name ${JSON.stringify(stored)}, file had ${JSON.stringify(row.name)}`,
      }
  }
  return {kind: 'stored'}
}
