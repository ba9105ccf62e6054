import {describe, expect, it} from 'vitest'

import {NODE_CSV_HEADER} from '../../bench/generate-nodes'
import {parseRecord} from '../../src/domain/fields'
import {
  buildNode,
  changedFields,
  findUplinkCycles,
  NODE_COLUMNS,
  NODE_SCHEMA,
  NodeFields,
  nodeToFields,
  placeNode,
  tags,
  uplinkCycleProblem,
} from '../../src/domain/nodes'
import {tierProblem} from '../../src/domain/tiers'
import {nodeMessages} from '../../src/messages'

const raw = {
  id: 'gz-core',
  name: '广州市核心',
  division: '4401',
  role: 'core',
  mgmt_address: '10.44.1.1',
  platform: 'huawei-vrp',
}

function fieldsOf(input: Record<string, unknown>): NodeFields {
  const {record, problems} = parseRecord(NODE_SCHEMA, input)
  expect(problems).toEqual([])
  return record!
}

describe('node schema', () => {
  it('parses a minimal record with defaults', () => {
    expect(fieldsOf(raw)).toEqual({
      ...raw,
      tier: undefined,
      ssh_port: 22,
      uplink: undefined,
      bandwidth_mbps: undefined,
      status: 'planned',
      tags: [],
    })
  })

  it('takes CSV strings and JSON values alike', () => {
    const csv = fieldsOf({
      ...raw,
      ssh_port: '2222',
      bandwidth_mbps: '1000',
      tags: 'b; a;;b',
      mgmt_address: ' Core.Example ',
    })
    const json = fieldsOf({
      ...raw,
      ssh_port: 2222,
      bandwidth_mbps: 1000,
      tags: ['b', 'a'],
      mgmt_address: 'core.example',
    })
    expect(csv).toEqual(json)
    expect(json.tags).toEqual(['a', 'b'])
    expect(fieldsOf({...raw, division: 4401}).division).toBe('4401')
  })

  it('names every bad field', () => {
    const {problems} = parseRecord(
      NODE_SCHEMA,
      {
        id: 'GZ Core',
        division: '440',
        role: 'router',
        mgmt_address: '10.0.0.999',
        platform: 'junos',
        ssh_port: '0',
        bandwidth_mbps: '-5',
        status: 'up',
        tier: 'city',
        tags: ['ok', 'bad tag'],
      },
      7,
    )
    expect(problems.map((p) => [p.row, p.field])).toEqual([
      [7, 'id'],
      [7, 'name'],
      [7, 'division'],
      [7, 'tier'],
      [7, 'role'],
      [7, 'mgmt_address'],
      [7, 'ssh_port'],
      [7, 'platform'],
      [7, 'bandwidth_mbps'],
      [7, 'status'],
      [7, 'tags'],
    ])
    expect(problems.find((p) => p.field === 'name')!.message).toBe('is required')
    expect(problems.find((p) => p.field === 'tags')!.message).toBe(nodeMessages.invalidTag('bad tag'))
  })

  it('accepts tags in any script and refuses separators inside a tag', () => {
    expect(tags('试点;fiber:10g;owner=gd')).toEqual(['fiber:10g', 'owner=gd', '试点'])
    expect(() => tags(['a,b'])).toThrow(nodeMessages.invalidTag('a,b'))
    expect(() => tags([1])).toThrow(/every tag must be text/)
    expect(() => tags({a: 1})).toThrow(/list of tags/)
  })

  it('lists the import columns in schema order', () => {
    expect(NODE_COLUMNS).toEqual([
      'id',
      'name',
      'division',
      'tier',
      'role',
      'mgmt_address',
      'ssh_port',
      'platform',
      'uplink',
      'bandwidth_mbps',
      'status',
      'tags',
    ])
    expect(NODE_CSV_HEADER.split(',')).toEqual(NODE_COLUMNS)
  })
})

describe('placement', () => {
  it('defaults the tier from the division level', () => {
    expect(placeNode(fieldsOf(raw), 'prefecture')).toEqual({tier: 'prefecture', problems: []})
    expect(placeNode(fieldsOf({...raw, division: '44'}), 'province')).toEqual({tier: 'provincial', problems: []})
    expect(placeNode(fieldsOf({...raw, division: '11', tier: 'national'}), 'province')).toEqual({
      tier: 'national',
      problems: [],
    })
  })

  it('refuses an unknown division, a tier that does not match, and a level without tiers', () => {
    expect(placeNode(fieldsOf(raw), undefined, 3).problems).toEqual([
      {row: 3, field: 'division', message: nodeMessages.unknownDivision('4401')},
    ])
    expect(placeNode(fieldsOf({...raw, tier: 'county'}), 'prefecture', 4).problems).toEqual([
      {row: 4, field: 'tier', message: nodeMessages.tierMismatch(tierProblem('county', 'prefecture')!, '4401')},
    ])
    expect(placeNode(fieldsOf({...raw, division: '110101001001'}), 'village').problems).toEqual([
      {row: undefined, field: 'tier', message: nodeMessages.tierOmittedForDivision('110101001001', 'village')},
    ])
  })
})

describe('uplink cycles', () => {
  const graph = (edges: Record<string, string | null>) => (id: string) => edges[id]

  it('finds none in a tree, a forest or with dangling uplinks', () => {
    const uplinkOf = graph({a: null, b: 'a', c: 'b', d: 'b', e: 'missing', f: null})
    expect(findUplinkCycles(['c', 'd', 'e', 'f', 'a'], uplinkOf)).toEqual([])
  })

  it('finds a node that is its own uplink', () => {
    expect(findUplinkCycles(['a'], graph({a: 'a'}))).toEqual([['a', 'a']])
    expect(uplinkCycleProblem(['a', 'a'], 2)).toEqual({row: 2, field: 'uplink', message: nodeMessages.ownUplink('a')})
  })

  it('reports each cycle once, in uplink order, also when entered from a branch', () => {
    const uplinkOf = graph({a: 'b', b: 'c', c: 'a', x: 'a', y: 'z', z: 'y', root: null})
    expect(findUplinkCycles(['x', 'a', 'b', 'y', 'z', 'root'], uplinkOf)).toEqual([
      ['a', 'b', 'c', 'a'],
      ['y', 'z', 'y'],
    ])
    expect(uplinkCycleProblem(['a', 'b', 'c', 'a']).message).toBe(nodeMessages.uplinkCycle(['a', 'b', 'c', 'a']))
  })

  it('walks a long chain once, without recursion', () => {
    const n = 200_000
    let visits = 0
    const uplinkOf = (id: string) => {
      visits++
      const i = Number(id)
      return i === 0 ? null : String(i - 1)
    }
    const starts = Array.from({length: n}, (_, i) => String(n - 1 - i))
    expect(findUplinkCycles(starts, uplinkOf)).toEqual([])
    expect(visits).toBe(n)
  })
})

describe('records', () => {
  it('builds the public record and round-trips it to fields', () => {
    const fields = fieldsOf({...raw, tags: 'x;y', uplink: 'gd-core', bandwidth_mbps: 10000})
    const node = buildNode(fields, 'prefecture', '2026-11-25T00:00:00.000Z')
    expect(node).toMatchObject({
      divisionCode: '4401',
      mgmtAddress: '10.44.1.1',
      uplinkId: 'gd-core',
      bandwidthMbps: 10000,
      createdAt: '2026-11-25T00:00:00.000Z',
      lastAuditAt: null,
    })
    expect(fieldsOf(nodeToFields(node))).toEqual({...fields, tier: 'prefecture'})
  })

  it('keeps audit fields and creation time across an update and reports what changed', () => {
    const before = {
      ...buildNode(fieldsOf(raw), 'prefecture', '2026-01-01T00:00:00.000Z'),
      lastAuditAt: '2026-11-24T00:00:00.000Z',
      lastAuditOutcome: 'ok',
    }
    const same = buildNode(fieldsOf(raw), 'prefecture', '2026-11-25T00:00:00.000Z', before)
    expect(changedFields(before, same)).toEqual([])
    expect(same).toMatchObject({
      createdAt: '2026-01-01T00:00:00.000Z',
      updatedAt: '2026-11-25T00:00:00.000Z',
      lastAuditOutcome: 'ok',
    })
    const moved = buildNode(
      fieldsOf({...raw, status: 'active', tags: 'a'}),
      'prefecture',
      '2026-11-25T00:00:00.000Z',
      before,
    )
    expect(changedFields(before, moved)).toEqual(['status', 'tags'])
  })
})
