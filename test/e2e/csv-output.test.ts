import {parse} from 'csv-parse/sync'
import {writeFileSync} from 'node:fs'
import path from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {fixtures, govnet, json, tempDir} from '../helpers/cli'

/** Division names a spreadsheet would run as formulas (OWASP's examples, and the full-width forms). */
const HOSTILE = {
  '6202': "=cmd|' /C calc'!A0",
  '4420': '@SUM(1+1)*cmd|"/C calc"!A0',
  '4419': '-2+3+cmd|" /C calc"!A0',
  '4401': '+广州',
  '4403': '＝HYPERLINK("http://127.0.0.1/x")',
} as const

describe('formula-safe CSV output', () => {
  let cleanup: () => void
  let db: string

  beforeAll(() => {
    const temp = tempDir()
    cleanup = temp.cleanup
    db = path.join(temp.dir, 'govnet.db')
    expect(govnet(['init', '--db', db]).code).toBe(0)
    expect(govnet(['division', 'import', '--db', db, '--file', path.join(fixtures, 'divisions-sample.csv')]).code).toBe(
      0,
    )
    const renames = path.join(temp.dir, 'renames.csv')
    const quote = (text: string) => `"${text.replaceAll('"', '""')}"`
    writeFileSync(renames, ['code,name', ...Object.entries(HOSTILE).map(([c, n]) => `${c},${quote(n)}`), ''].join('\n'))
    const renamed = govnet(['division', 'import', '--db', db, '--file', renames])
    expect(renamed.stderr).toBe('')
    expect(renamed.code).toBe(0)
  })
  afterAll(() => cleanup())

  it('coverage --format csv neutralises formula-like names, and --json returns them as stored', () => {
    const result = govnet(['coverage', '--db', db, '--level', 'prefecture', '--format', 'csv'])
    expect(result.code).toBe(0)
    const records: string[][] = parse(result.stdout)
    const nameOf = new Map(records.slice(1).map((r) => [r[0], r[1]]))
    for (const [code, name] of Object.entries(HOSTILE)) expect(nameOf.get(code)).toBe(`'${name}`)
    // The raw line: the neutralised cell is quoted, and nothing in the file begins a cell with a trigger.
    expect(result.stdout).toContain(`6202,"'=cmd|' /C calc'!A0",prefecture,`)
    for (const record of records) for (const cell of record) expect(cell).not.toMatch(/^[=+\-@\t\r＝＋－＠]/)
    // Counts and ratios stay numbers, and an ordinary name is not touched.
    expect(nameOf.get('4201')).toBeUndefined()
    const gansu = records.find((r) => r[0] === '6202')!
    expect(gansu.slice(3, 9)).toEqual(['5', '0', '0', '0', '0', 'false'])

    const report = json(govnet(['coverage', '--db', db, '--level', 'prefecture', '--json']))
    const jsonNames = new Map(report.rows.map((r: {code: string; name: string}) => [r.code, r.name]))
    for (const [code, name] of Object.entries(HOSTILE)) expect(jsonNames.get(code)).toBe(name)
    const formatJson = json(govnet(['coverage', '--db', db, '--level', 'prefecture', '--format', 'json']))
    expect({...formatJson, verifiedSince: ''}).toEqual({...report, verifiedSince: ''})
  })
})
