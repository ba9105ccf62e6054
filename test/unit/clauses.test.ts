import {describe, expect, it} from 'vitest'

import {chapterOfLevel, Clause, clauseProblem, parseClause} from '../../src/domain/clauses'
import {BaselineDocument, controlsByLevel} from '../../src/domain/mlps'
import {readBaselineDocuments, readClauseHeadings} from '../../src/baseline-files'
import {gradingMessages} from '../../src/messages'

const headings = readClauseHeadings()
const {documents} = readBaselineDocuments()
const baseline = documents.flatMap(controlsByLevel)
const clause = (text: string): Clause => parseClause(text)!

describe('the baseline cites GB/T 22239-2019 clause by clause (structure check)', () => {
  it('cites, for every control at every level, clauses of that level’s chapter with the standard’s heading and letters', () => {
    const problems = baseline.flatMap((c) =>
      c.clauses
        .map((cl) => clauseProblem(cl, c.level, headings))
        .filter((p) => p !== undefined)
        .map((p) => `${c.id}: ${p}`),
    )
    expect(problems).toEqual([])
    expect(baseline.flatMap((c) => c.clauses).length).toBeGreaterThan(100)
  })

  it('cites GB/T 39786-2021 by sections that exist', () => {
    const sections = (headings as unknown as {'GB/T 39786-2021': {sections: Record<string, {heading: string}>}})[
      'GB/T 39786-2021'
    ].sections
    const cited = baseline.flatMap((c) => c.references.filter((r) => r.startsWith('GB/T 39786-2021 ')))
    expect(cited.length).toBeGreaterThan(0)
    for (const reference of cited) {
      const [, number, heading] = /^GB\/T 39786-2021 (\S+) (\S+)$/.exec(reference) ?? []
      expect(sections[number!]?.heading, reference).toBe(heading)
    }
  })
})

describe('the headings table (inventory/baselines/gbt-22239-2019-headings.json)', () => {
  it('gives each level its chapter: 5–8 for levels 1–4, 9 (omitted) for level 5', () => {
    expect([1, 2, 3, 4, 5].map((level) => headings.levels[level]?.chapter)).toEqual(['5', '6', '7', '8', '9'])
    expect([1, 2, 3, 4, 5].map(chapterOfLevel)).toEqual(['5', '6', '7', '8', '9'])
    expect(headings.levels[5]).toMatchObject({omitted: true, sections: {'9': {heading: '第五级安全要求'}}})
  })

  it('numbers each level without gaps, so levels 1 and 2 shift where they lack a sub-section', () => {
    const heading = (level: number, number: string) => headings.levels[level]!.sections[number]?.heading
    // Level 1 has no 安全管理中心: its management requirements start at 5.1.5.
    expect([heading(1, '5.1.5'), heading(2, '6.1.5'), heading(3, '7.1.5')]).toEqual([
      '安全管理制度',
      '安全管理中心',
      '安全管理中心',
    ])
    // Level 1 has no 网络架构, level 2 no 数据保密性.
    expect(heading(1, '5.1.2.1')).toBe('通信传输')
    expect([heading(2, '6.1.4.8'), heading(3, '7.1.4.8')]).toEqual(['数据备份恢复', '数据保密性'])
    for (const {sections} of Object.values(headings.levels)) {
      for (const number of Object.keys(sections)) {
        const parts = number.split('.')
        const last = Number(parts.at(-1))
        if (parts.length > 1 && last > 1)
          expect(sections[[...parts.slice(0, -1), last - 1].join('.')], number).toBeDefined()
        if (parts.length > 1) expect(sections[parts.slice(0, -1).join('.')], number).toBeDefined()
      }
    }
  })

  it('refuses a clause of another chapter, a missing number, another heading and a letter past the last', () => {
    expect(clauseProblem(clause('7.1.4.1 身份鉴别 a)'), 3, headings)).toBeUndefined()
    expect(clauseProblem(clause('7.1.4.1 身份鉴别 a)'), 2, headings)).toBe(
      '7.1.4.1 身份鉴别 a): level 2 requirements are in chapter 6',
    )
    expect(clauseProblem(clause('6.1.4.11 个人信息保护 a)'), 2, headings)).toBe(
      '6.1.4.11 个人信息保护 a): chapter 6 (level 2) has no 6.1.4.11',
    )
    // The old image-and-snapshot citation: 7.2.4.3 is 入侵防范.
    expect(clauseProblem(clause('7.2.4.3 镜像和快照保护 c)'), 3, headings)).toBe(
      '7.2.4.3 镜像和快照保护 c): 7.2.4.3 is 入侵防范 at level 3',
    )
    expect(clauseProblem(clause('6.1.4.1 身份鉴别 d)'), 2, headings)).toBe(
      '6.1.4.1 身份鉴别 d): 6.1.4.1 has requirements a)–c) at level 2',
    )
    expect(clauseProblem(clause('7.1.4.5 恶意代码防范 a)'), 3, headings)).toBe(
      '7.1.4.5 恶意代码防范 a): 7.1.4.5 has a single requirement, cited without a letter',
    )
    expect(clauseProblem(clause('7.1.6.1 安全策略 a)'), 3, headings)).toBe(
      '7.1.6.1 安全策略 a): the headings table does not record how many requirements 7.1.6.1 has',
    )
  })

  it('parses "number heading letters" and refuses anything else when the baseline is read', () => {
    expect(parseClause('8.1.4.7 数据完整性 a), b), c)')).toEqual({
      number: '8.1.4.7',
      heading: '数据完整性',
      items: ['a', 'b', 'c'],
      text: '8.1.4.7 数据完整性 a), b), c)',
    })
    expect(parseClause('5.2.1.1 基础设施位置')).toMatchObject({items: []})
    for (const bad of [
      '7.1.4.1',
      '7.1.4.1 身份鉴别 a)–c)',
      '7.1.4.1 身份鉴别 a) b)',
      'GB/T 22239-2019 7.1.4.1 身份鉴别',
    ])
      expect(parseClause(bad), bad).toBeUndefined()
    const doc: BaselineDocument = {
      standard: 'x',
      controls: [
        {
          id: 'c',
          title: 't',
          requirement: 'r',
          enforcedBy: 'operator',
          levels: {'3': {parameters: {}, clauses: ['7.1.4.1 a)']}},
        },
      ],
    }
    expect(() => controlsByLevel(doc)).toThrow(gradingMessages.invalidClause('c', 3, '7.1.4.1 a)'))
  })
})
