import chardet from 'chardet'
import {execFileSync} from 'node:child_process'
import {readFileSync, writeFileSync} from 'node:fs'
import path from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {inventoryMessages} from '../../src/messages'
import {govnet, json} from '../helpers/cli'
import {snapshot} from '../helpers/db'
import {expectError} from '../helpers/expect-error'
import {seededTempDb} from '../helpers/seed'

/**
 * Files in Chinese encodings, written by Debian's iconv (glibc), through every importer as a
 * process: refused without --encoding (naming the line, chardet's guess and the fix), imported
 * exactly with it. 𠀀 (U+20000) is outside GBK: GB18030 encodes it in four bytes.
 */
let dir: string
let db: string
let cleanup: () => void
const run = (...args: string[]) => govnet([...args, '--db', db])

beforeAll(() => {
  ;({dir, db, cleanup} = seededTempDb())
})
afterAll(() => cleanup())

/** `text` written as UTF-8, converted by the iconv command into `encoding`; the converted file's path. */
function iconvFile(name: string, text: string, encoding: string): string {
  const utf8 = path.join(dir, `${name}.utf8`)
  writeFileSync(utf8, text)
  const file = path.join(dir, name)
  writeFileSync(file, execFileSync('iconv', ['-f', 'UTF-8', '-t', encoding, utf8]))
  return file
}

function detected(file: string): string | undefined {
  return chardet.detect(readFileSync(file)) ?? undefined
}

const NAME = '广州市核心节点𠀀'

/** In this order: the tenant is placed in the region the region case imports (an unknown region is refused). */
const cases: Array<{entity: string; csv: string; show: string[]; name: (shown: any) => string}> = [
  {
    entity: 'node',
    csv: `id,name,division,role,mgmt_address,platform\ngz-gb,${NAME},4401,core,10.0.0.1,linux\n`,
    show: ['node', 'show', 'gz-gb'],
    name: (shown) => shown.name,
  },
  {
    entity: 'region',
    csv: `id,name,pools,vcpu,ram_gib,storage_gib,max_level\ngd-gb,${NAME},10.30.0.0/16,100,400,10000,3\n`,
    show: ['region', 'show', 'gd-gb'],
    name: (shown) => shown.name,
  },
  {
    entity: 'tenant',
    csv:
      'id,name,department,uscc,region,level,exposure,vcpu,ram_gib,storage_gib\n' +
      `gd-gb,${NAME},广东省政务服务数据管理局,114400000069381373,gd-gb,2,extranet,8,32,500\n`,
    show: ['tenant', 'show', 'gd-gb'],
    name: (shown) => shown.name,
  },
  {
    entity: 'division',
    csv: `code,name\n440103998,${NAME}\n`,
    show: ['division', 'show', '440103998'],
    name: (shown) => shown.name,
  },
]

describe('GB18030 through every importer', () => {
  it.each(cases)('$entity import: refused without --encoding, exact with --encoding gb18030', (c) => {
    const file = iconvFile(`${c.entity}-gb18030.csv`, c.csv, 'GB18030')
    expect(readFileSync(file).includes(Buffer.from([0x95, 0x32, 0x82, 0x36]))).toBe(true) // 𠀀 in GB18030
    const before = snapshot(db)
    expectError(run(c.entity, 'import', '--file', file), inventoryMessages.notUtf8(file, 2, detected(file)))
    expect(snapshot(db)).toBe(before)
    const imported = run(c.entity, 'import', '--file', file, '--encoding', 'gb18030', '--json')
    expect(imported.code, imported.stderr).toBe(0)
    expect(c.name(json(run(...c.show, '--json')))).toBe(NAME)
  })

  it('names the fix in the refusal', () => {
    const file = iconvFile('fix.csv', cases[0]!.csv.replace('gz-gb', 'gz-fix'), 'GB18030')
    const refused = run('node', 'import', '--file', file)
    expect(refused.code).toBe(3)
    expect(refused.stderr).toContain('--encoding gb18030')
    expect(refused.stderr).toContain('line 2 is not valid UTF-8')
  })
})

describe('GBK and UTF-16', () => {
  it('a GBK file (what older Excel saves) imports with --encoding gbk and with --encoding gb18030', () => {
    const text = `id,name,division,role,mgmt_address,platform\ngz-gbk-1,荔湾区汇聚,440103,aggregation,10.0.0.2,linux\n`
    const file = iconvFile('nodes-gbk.csv', text, 'GBK')
    expect(run('node', 'import', '--file', file).code).toBe(3)
    expect(run('node', 'import', '--file', file, '--encoding', 'gbk').code).toBe(0)
    expect(json(run('node', 'show', 'gz-gbk-1', '--json')).name).toBe('荔湾区汇聚')
    const again = iconvFile('nodes-gbk-2.csv', text.replaceAll('gz-gbk-1', 'gz-gbk-2'), 'GBK')
    expect(run('node', 'import', '--file', again, '--encoding', 'gb18030').code).toBe(0)
    expect(json(run('node', 'show', 'gz-gbk-2', '--json')).name).toBe('荔湾区汇聚')
  })

  it('UTF-16 with a byte-order mark imports with --encoding utf-16', () => {
    const text = `id,name,division,role,mgmt_address,platform\ngz-u16,越秀区${NAME},440104,aggregation,10.0.0.3,linux\n`
    const file = iconvFile('nodes-utf16.csv', text, 'UTF-16')
    expect(readFileSync(file).subarray(0, 2)).toEqual(Buffer.from([0xff, 0xfe]))
    expectError(run('node', 'import', '--file', file), inventoryMessages.notUtf8(file, 1, detected(file)))
    expect(run('node', 'import', '--file', file, '--encoding', 'utf-16').code).toBe(0)
    expect(json(run('node', 'show', 'gz-u16', '--json')).name).toBe(`越秀区${NAME}`)
  })
})
