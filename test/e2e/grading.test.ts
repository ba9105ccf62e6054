import path from 'node:path'
import {afterAll, beforeAll, describe, expect, it} from 'vitest'

import {BaselineControl, LevelSummary} from '../../src/domain/mlps'
import {gradingMessages} from '../../src/messages'
import {govnet, json, tempDir} from '../helpers/cli'
import {snapshot} from '../helpers/db'
import {expectError, expectJsonError} from '../helpers/expect-error'

let dir: string
let cleanup: () => void
let db: string

beforeAll(() => {
  ;({dir, cleanup} = tempDir())
  db = path.join(dir, 'govnet.db')
  expect(govnet(['init', '--db', db]).code).toBe(0)
})
afterAll(() => cleanup())

const run = (...args: string[]) => govnet([...args, '--db', db])

describe('grading list', () => {
  it('lists levels 1–5 with control counts and whether they are hosted', () => {
    const result = run('grading', 'list', '--json')
    expect(result.code).toBe(0)
    const levels = json<LevelSummary[]>(result)
    expect(levels.map((l) => [l.level, l.hostable])).toEqual([
      [1, true],
      [2, true],
      [3, true],
      [4, true],
      [5, false],
    ])
    for (const l of levels) {
      expect(Object.keys(l).sort()).toEqual(['byEnforcement', 'controls', 'hostable', 'level'])
      expect(l.byEnforcement.record + l.byEnforcement.stack + l.byEnforcement.operator).toBe(l.controls)
    }
    expect(levels[2]!.controls).toBeGreaterThan(levels[1]!.controls)

    const table = run('grading', 'list')
    expect(table.stdout.split('\n')[0]).toMatch(/^LEVEL\s+HOSTABLE\s+CONTROLS\s+RECORD\s+STACK\s+OPERATOR$/)
    expect(table.stdout).toMatch(/^\s+5\s+no\s+1\s+1\s+0\s+0$/m)
  })
})

describe('grading show', () => {
  it('shows the controls of a level with requirement, clauses and their headings, enforcement and parameters', () => {
    const result = run('grading', 'show', '3', '--json')
    expect(result.code).toBe(0)
    const shown = json<{level: number; hostable: boolean; controls: BaselineControl[]}>(result)
    expect(Object.keys(shown).sort()).toEqual(['controls', 'hostable', 'level'])
    expect(shown).toMatchObject({level: 3, hostable: true})
    for (const c of shown.controls) {
      expect(Object.keys(c).sort()).toEqual([
        'clauses',
        'enforcedBy',
        'id',
        'level',
        'parameters',
        'references',
        'requirement',
        'source',
        'title',
      ])
    }
    expect(shown.controls.find((c) => c.id === 'assessment-interval')).toMatchObject({
      level: 3,
      enforcedBy: 'record',
      parameters: {everyMonths: 12},
      clauses: [{number: '7.1.9.9', heading: '等级测评', items: ['a'], text: '7.1.9.9 等级测评 a)'}],
      source: expect.stringMatching(/^GB\/T 22239-2019 7\.1\.9\.9 等级测评 a\); 公通字\[2007\]43号 第十四条/),
    })
    // The contract of a clause in --json: number, heading, the cited letters, and the text as cited.
    for (const c of shown.controls)
      for (const clause of c.clauses) {
        expect(Object.keys(clause).sort()).toEqual(['heading', 'items', 'number', 'text'])
        expect(clause.number.startsWith('7.'), `${c.id} ${clause.text}`).toBe(true)
      }

    const text = run('grading', 'show', '4')
    expect(text.code).toBe(0)
    expect(text.stdout).toMatch(/^control\s+log-retention — Network logs kept at least six months$/m)
    expect(text.stdout).toMatch(/^parameters\s+\{"minMonths":6\}$/m)
    expect(text.stdout).toMatch(
      /^GB\/T 22239-2019\s+8\.1\.3\.5 安全审计 c\); 8\.1\.4\.3 安全审计 c\); 8\.1\.5\.4 集中管控 d\)$/m,
    )
    const level1 = run('grading', 'show', '1')
    expect(level1.stdout).toMatch(/^GB\/T 22239-2019\s+5\.1\.3\.2 访问控制 a\), c\); 5\.2\.3\.1 访问控制$/m)
  })

  it('shows level 5 as not hosted', () => {
    const text = run('grading', 'show', '5')
    expect(text.code).toBe(0)
    expect(text.stdout.split('\n')[0]).toBe('MLPS level 5 — not hosted on a shared government cloud')
    expect(json(run('grading', 'show', '5', '--json'))).toMatchObject({
      level: 5,
      hostable: false,
      controls: [{id: 'shared-cloud-hosting'}],
    })
  })

  it('refuses a LEVEL that is not 1–5, naming the argument, and changes nothing', () => {
    const before = snapshot(db)
    expectError(run('grading', 'show', '6'), gradingMessages.invalidLevel('LEVEL', '6'))
    expectJsonError(run('grading', 'show', 'three', '--json'), gradingMessages.invalidLevel('LEVEL', 'three'))
    expect(snapshot(db)).toBe(before)
  })
})
