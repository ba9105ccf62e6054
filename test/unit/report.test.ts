import {createHash} from 'node:crypto'
import fc from 'fast-check'
import {describe, expect, it} from 'vitest'

import type {CoverageTree} from '../../src/coverage'
import {coverageRow, EMPTY_TALLY, KindTally, percent} from '../../src/domain/coverage'
import {formatDuration, parseDuration} from '../../src/domain/time'
import {coverageMessages} from '../../src/messages'
import {coveragePageData, PageDivision} from '../../src/report/coverage-data'
import {escapeHtml, renderCoveragePage, scriptJson} from '../../src/report/coverage-page'

const AS_OF = new Date('2026-11-25T12:00:00.000Z')

/** A line with `townships` streets of which `covered` are covered and `verified` verified. */
function line(code: string | null, name: string, level: string, townships: number, covered: number, verified = 0) {
  const tally: KindTally = {...EMPTY_TALLY, street: {townships, covered, verified}}
  return coverageRow({code, name, level: level as any}, tally)
}

function tree(
  lines: {province?: any[]; prefecture?: any[]; county?: any[]},
  total = line(null, '全国', 'nation', 10, 4, 1),
): CoverageTree {
  return {
    under: total.code,
    freshnessMs: 86_400_000,
    verifiedSince: '2026-11-24T12:00:00.000Z',
    total,
    province: lines.province ?? [],
    prefecture: lines.prefecture ?? [],
    county: lines.county ?? [],
  }
}

describe('formatDuration', () => {
  it('writes a duration in the largest exact unit, days from two days on', () => {
    expect(
      [86_400_000, 5_400_000, 604_800_000, 172_800_000, 30_000, 1500, 3_600_000].map((ms) => formatDuration(ms)),
    ).toEqual(['24h', '90m', '7d', '2d', '30s', '1500ms', '1h'])
  })

  it('is read back by parseDuration', () => {
    fc.assert(fc.property(fc.integer({min: 1, max: 999_999_999}), (ms) => parseDuration(formatDuration(ms)) === ms))
  })
})

describe('coveragePageData', () => {
  const data = coveragePageData(
    tree({
      province: [line('44', '广东省', 'province', 7, 3, 1), line('62', '甘肃省', 'province', 3, 1)],
      prefecture: [line('4401', '广州市', 'prefecture', 5, 2, 1), line('4419', '东莞市', 'prefecture', 2, 1)],
      county: [
        line('440103', '荔湾区', 'county', 5, 2, 1),
        line('441900', '东莞市', 'county', 2, 1),
        // Its prefecture (6202) is not in the inventory: it hangs under the province.
        line('620201', '嘉峪关市', 'county', 3, 1),
      ],
    }),
    AS_OF,
  )
  const codes = (division: PageDivision): unknown => [division[0], division[9].map(codes)]

  it('nests the lines province → prefecture → county, each under its nearest ancestor in the tree', () => {
    expect(codes(data.root)).toEqual([
      '',
      [
        [
          '44',
          [
            ['4401', [['440103', []]]],
            ['4419', [['441900', []]]],
          ],
        ],
        ['62', [['620201', []]]],
      ],
    ])
    expect(data.divisions).toEqual({province: 2, prefecture: 2, county: 3})
  })

  it('copies the counts and the shares as `govnet coverage` prints them; a kind without townships is 0', () => {
    const guangzhou = data.root[9][0]![9][0]!
    expect(guangzhou.slice(0, 8)).toEqual(['4401', '广州市', 0, 5, 2, 1, percent(2 / 5), percent(1 / 5)])
    expect(guangzhou[8]).toEqual([[5, 2, 1, '40.0%', '20.0%'], 0, 0, 0])
    expect(data).toMatchObject({
      asOf: '2026-11-25T12:00:00.000Z',
      verifiedSince: '2026-11-24T12:00:00.000Z',
      freshness: '24h',
      rootLevel: 'nation',
    })
    expect(data.kinds.map((k) => `${k.kind} ${k.name} ${k.label}`)).toEqual([
      'street 街道 Streets',
      'town 镇 Towns',
      'township 乡 Townships',
      'other 其他 Other units',
    ])
  })

  it('marks grouping codes', () => {
    const grouped = coveragePageData(tree({prefecture: [line('1101', '市辖区', 'prefecture', 1, 0)]}), AS_OF)
    expect(grouped.root[9][0]![2]).toBe(1)
  })
})

describe('the page', () => {
  const HOSTILE = `</script><script>alert(1)</script><!-- "'&`
  const data = coveragePageData(
    tree({province: [line('11', HOSTILE, 'province', 10, 4, 1)]}, line('11', HOSTILE, 'province', 10, 4, 1)),
    AS_OF,
  )
  const html = renderCoveragePage(data)
  const scripts = [...html.matchAll(/<script([^>]*)>([\s\S]*?)<\/script>/g)]

  it('has exactly three script elements: the data (JSON), ECharts and the page script', () => {
    expect(scripts.map((m) => m[1])).toEqual([' id="coverage-data" type="application/json"', '', ''])
    expect(html.match(/<script/g)).toHaveLength(3)
    expect(html.match(/<\/script/g)).toHaveLength(3)
  })

  it('embeds the data as JSON that parses back whole, with no markup in it', () => {
    const json = scripts[0]![2]!
    expect(json).not.toMatch(/[<>&]/)
    expect(JSON.parse(json)).toEqual(data)
  })

  it('escapes names in the HTML around the charts', () => {
    expect(html.includes(HOSTILE)).toBe(false)
    expect(html).toContain(`<title>政务外网乡镇覆盖报告 Township coverage report · ${escapeHtml(HOSTILE)}</title>`)
    expect(escapeHtml(HOSTILE)).toBe('&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;&lt;!-- &quot;&#39;&amp;')
  })

  it('allows only its own two scripts, by hash, and no connection of any kind', () => {
    const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(html)![1]!
    const hash = (text: string) => `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`
    expect(csp).toBe(
      [
        "default-src 'none'",
        `script-src ${hash(scripts[1]![2]!)} ${hash(scripts[2]![2]!)}`,
        "style-src 'unsafe-inline'",
        'img-src data:',
        "base-uri 'none'",
        "form-action 'none'",
      ].join('; '),
    )
    expect(html).not.toMatch(/(src|href)="https?:/)
  })

  it('says what to do when the inventory has no townships', () => {
    const empty = renderCoveragePage(coveragePageData(tree({}, line(null, '全国', 'nation', 0, 0)), AS_OF))
    expect(empty).toContain(`<p class="notice" id="notice">${escapeHtml(coverageMessages.noTownships())}</p>`)
    expect(html).not.toContain('id="notice"')
  })

  it('writes the line separators JavaScript once refused as escapes', () => {
    expect(scriptJson({name: 'a\u2028b\u2029<'})).toBe('{"name":"a\\u2028b\\u2029\\u003c"}')
  })
})
