import {parse} from 'csv-parse/sync'
import {copyFileSync, readFileSync, statSync, writeFileSync} from 'node:fs'
import path from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {NODE_COLUMNS} from '../../src/domain/nodes'
import {REGION_COLUMNS} from '../../src/domain/regions'
import {TENANT_COLUMNS} from '../../src/domain/tenants'
import {inventoryMessages, nodeMessages} from '../../src/messages'
import {govnet, json, tempDir} from '../helpers/cli'
import {snapshot} from '../helpers/db'
import {expectError, expectJsonError} from '../helpers/expect-error'

/**
 * Issue 13, round trips: `node|tenant|region export` in exactly the import format. A quickstart
 * inventory with hostile names added (formula triggers, quotes, commas, Unicode line breaks,
 * Chinese) is exported as CSV and as JSON, imported into an empty inventory (divisions first),
 * and the two inventories are compared entity by entity through their `list --json` outputs.
 */

/**
 * Names a spreadsheet or a CSV reader could get wrong. A real line feed is not among them: the
 * schema refuses control characters in every text field, so no stored name holds one; U+2028 and
 * U+0085 are the line breaks that the schema accepts.
 */
const HOSTILE_NAMES = [
  "=cmd|' /C calc'!A0",
  '+86 769 1234',
  '-1',
  '@SUM(A1)',
  '＝HYPERLINK("http://example.invalid")',
  "'=already quoted",
  "''=twice quoted",
  'say "hi", then go',
  'a,b;c',
  '第一行\u2028第二行\u0085第三行',
  '东莞市政务外网"测试"节点',
]

let cleanup: () => void
let dir: string
let source: string
/** An initialised inventory with the national divisions and nothing else, copied for each import. */
let divisionsOnly: string

const at =
  (db: string) =>
  (...args: string[]) =>
    govnet([...args, '--db', db])

beforeAll(() => {
  ;({dir, cleanup} = tempDir())
  source = path.join(dir, 'source.db')
  divisionsOnly = path.join(dir, 'divisions.db')
  expect(govnet(['quickstart', '--db', source]).code).toBe(0)
  expect(govnet(['init', '--db', divisionsOnly]).code).toBe(0)
  expect(govnet(['division', 'import', '--db', divisionsOnly]).code).toBe(0)

  const file = (name: string, rows: unknown[]) => {
    const target = path.join(dir, name)
    writeFileSync(target, JSON.stringify(rows))
    return target
  }
  const run = at(source)
  const regions = [
    {
      id: 'evil-region',
      name: HOSTILE_NAMES[0],
      pools: ['10.250.0.0/16', '10.251.0.0/24'],
      extranet_ranges: ['59.255.0.0/16', '10.250.0.0/16'],
      vcpu: 64,
      ram_gib: 256,
      storage_gib: 4096,
      max_level: 3,
      external_network: '-ext-net',
    },
  ]
  expect(run('region', 'import', '--file', file('regions.json', regions)).code).toBe(0)
  const nodes = HOSTILE_NAMES.map((name, i) => ({
    id: `evil-${i}`,
    name,
    division: '441900003',
    role: 'access',
    mgmt_address: `10.250.9.${i + 1}`,
    ssh_port: 2200 + i,
    platform: 'linux',
    uplink: i === 0 ? 'cnty-441900' : 'evil-0',
    status: i % 2 === 0 ? 'active' : 'planned',
    tags: i % 3 === 0 ? ['测试', 'zone:dmz', 'a=b'] : [],
  }))
  expect(run('node', 'import', '--file', file('nodes.json', nodes)).code).toBe(0)
  const tenants = HOSTILE_NAMES.map((name, i) => ({
    id: `evil-t${i}`,
    name,
    department: HOSTILE_NAMES[(i + 1) % HOSTILE_NAMES.length],
    uscc: '91430111MA4L41YT1U',
    region: 'evil-region',
    level: 2,
    exposure: 'both',
    vcpu: 1,
    ram_gib: 1,
    storage_gib: 10,
    cidr: `10.250.${i}.0/24`,
    graded_on: '2026-01-05',
  }))
  expect(run('tenant', 'import', '--file', file('tenants.json', tenants)).code).toBe(0)
}, 300_000)
afterAll(() => cleanup())

/** A list --json output without the times an import sets anew. */
function listed(db: string, entity: string): unknown[] {
  const records = json<Array<Record<string, unknown>>>(at(db)(entity, 'list', '--json'))
  return records.map(({createdAt: _created, updatedAt: _updated, ...rest}) => rest)
}

describe.each(['csv', 'json'] as const)('export then import (%s)', (format) => {
  let target: string
  const exported: Record<string, string> = {}

  beforeAll(() => {
    target = path.join(dir, `target-${format}.db`)
    copyFileSync(divisionsOnly, target)
    // Regions before tenants (a tenant is placed in a region); nodes name their uplinks anywhere in the file.
    for (const entity of ['region', 'node', 'tenant']) {
      const out = path.join(dir, `${entity}s-${format}.${format}`)
      const result = json(at(source)(entity, 'export', '--out', out, '--json'))
      expect(result).toMatchObject({entity, format, out})
      exported[entity] = readFileSync(out, 'utf8')
      const imported = json(at(target)(entity, 'import', '--file', out, '--json'))
      expect(imported).toMatchObject({created: result.count, updated: 0, unchanged: 0})
    }
  }, 300_000)

  it.each(['node', 'tenant', 'region'])('gives the same %ss, entity by entity', (entity) => {
    const before = listed(source, entity)
    expect(before.length).toBeGreaterThan(entity === 'node' ? 10_000 : 5)
    expect(listed(target, entity)).toEqual(before)
  })

  it('exports the imported inventory to the same bytes', () => {
    for (const entity of ['region', 'node', 'tenant']) {
      expect(at(target)(entity, 'export', '--format', format).stdout).toBe(exported[entity])
    }
  })

  it('writes exactly the import columns or keys, and formula-like text neutralised in CSV only', () => {
    const columns = {node: NODE_COLUMNS, tenant: TENANT_COLUMNS, region: REGION_COLUMNS}
    for (const [entity, expected] of Object.entries(columns)) {
      const text = exported[entity]!
      if (format === 'csv') {
        expect(text.split('\n')[0]).toBe(expected.join(','))
      } else {
        for (const record of JSON.parse(text)) expect(Object.keys(record)).toEqual(expected)
      }
    }
    const evil = exported.node!.split('\n').find((line) => line.startsWith('evil-0,'))
    if (format === 'csv') {
      expect(evil).toBe(
        `evil-0,"'=cmd|' /C calc'!A0",441900003,township,access,10.250.9.1,2200,linux,cnty-441900,,active,a=b;zone:dmz;测试`,
      )
      const cells: Array<Record<string, string>> = parse(exported.node!, {columns: true})
      expect(cells.find((c) => c.id === 'evil-5')?.name).toBe("''=already quoted")
    } else {
      expect(JSON.parse(exported.node!).find((n: {id: string}) => n.id === 'evil-0').name).toBe(HOSTILE_NAMES[0])
    }
  })
})

describe('export options', () => {
  it('writes CSV to stdout by default, takes the format from --out, and creates the file 0600', () => {
    const run = at(source)
    expect(run('region', 'export').stdout.split('\n')[0]).toBe(REGION_COLUMNS.join(','))
    const out = path.join(dir, 'regions-out.json')
    const result = run('region', 'export', '--out', out)
    expect(result.code).toBe(0)
    expect(JSON.parse(readFileSync(out, 'utf8'))[0].id).toBe('bj-1')
    expect(statSync(out).mode & 0o777).toBe(0o600)
  })

  it('refuses --json without --out, an unknown extension and an unwritable file, writing nothing', () => {
    const run = at(source)
    const before = snapshot(source)
    expectJsonError(run('node', 'export', '--json'), inventoryMessages.exportJsonWithoutOut())
    const odd = path.join(dir, 'nodes.txt')
    expectError(run('node', 'export', '--out', odd), inventoryMessages.unknownFileFormat(odd))
    const nowhere = path.join(dir, 'no-such-dir', 'nodes.csv')
    const failed = run('node', 'export', '--out', nowhere)
    expect(failed.code).toBe(3)
    expect(failed.stderr).toMatch(new RegExp(`^error: cannot write ${nowhere}: ENOENT`))
    expect(snapshot(source)).toBe(before)
  })
})

describe('node list --search and tenant list --search', () => {
  const ids = (entity: string, ...args: string[]) =>
    json<Array<{id: string}>>(at(source)(entity, 'list', ...args, '--json')).map((r) => r.id)

  it('searches id, name and management address, any case of A–Z, combined with the other filters', () => {
    expect(ids('node', '--search', 'CNTY-4419')).toEqual(['cnty-441900'])
    expect(ids('node', '--search', '10.44.19.1')).toEqual(['cnty-441900', 'pref-4419'])
    expect(ids('node', '--search', '东莞市东城')).toEqual(['twn-441900003'])
    const evil = ids('node', '--search', 'calc')
    expect(evil).toEqual(['evil-0'])
    expect(ids('node', '--search', '10.250.9.', '--status', 'planned')).toEqual(
      ['evil-1', 'evil-3', 'evil-5', 'evil-7', 'evil-9'].sort(),
    )
    expect(ids('node', '--search', '东莞', '--tier', 'prefecture')).toEqual(['pref-4419'])
  })

  it('takes % and _ literally', () => {
    expect(ids('node', '--search', '%')).toEqual([])
    expect(ids('node', '--search', 'cnty_441900')).toEqual([])
    expect(ids('node', '--search', '"hi", then')).toEqual(['evil-7'])
  })

  it('searches tenants by id, name and department', () => {
    expect(ids('tenant', '--search', 'GD-GAT')).toEqual(['gd-gat-jingwu', 'gd-gat-zhengzhao'])
    expect(ids('tenant', '--search', '广东省公安厅', '--level', '4')).toEqual(['gd-gat-jingwu'])
    expect(ids('tenant', '--search', 'calc')).toEqual(['evil-t0', 'evil-t10'])
  })
})

describe('a management address used by two nodes', () => {
  it('is flagged in node list and node show, and listed by --shared-address; decommissioned nodes do not count', () => {
    const db = path.join(dir, 'shared.db')
    copyFileSync(divisionsOnly, db)
    const run = at(db)
    const add = (id: string, address: string, status: string, port = '22') =>
      expect(
        run(
          'node',
          'add',
          id,
          '--name',
          id,
          '--division',
          '441900003',
          '--role',
          'access',
          '--mgmt-address',
          address,
          '--ssh-port',
          port,
          '--platform',
          'linux',
          '--status',
          status,
        ).code,
      ).toBe(0)
    add('dg-a', '10.44.19.3', 'active')
    add('dg-b', '10.44.19.3', 'planned', '2222')
    add('dg-c', '10.44.19.4', 'active')
    add('dg-old', '10.44.19.4', 'decommissioned')
    const ids = json<Array<{id: string}>>(run('node', 'list', '--shared-address', '--json')).map((n) => n.id)
    expect(ids).toEqual(['dg-a', 'dg-b'])
    const table = run('node', 'list')
    expect(table.stdout).toMatch(/^dg-a .* 10\.44\.19\.3 \(shared\)$/m)
    expect(table.stdout).toMatch(/^dg-c .* 10\.44\.19\.4$/m)
    expect(table.stdout).toContain(nodeMessages.sharedAddressesListed(2))
    expect(run('node', 'show', 'dg-a').stdout).toMatch(
      new RegExp(`^address shared with  ${escape(nodeMessages.sharedAddressWith(['dg-b'])!)}$`, 'm'),
    )
    expect(run('node', 'show', 'dg-c').stdout).toMatch(/^address shared with {2}-$/m)
    expect(run('node', 'show', 'dg-old').stdout).toMatch(/^address shared with {2}-$/m)
  })
})

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}
