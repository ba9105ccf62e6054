import {createHash} from 'node:crypto'
import {describe, expect, it} from 'vitest'

import {
  ChainRows,
  GENESIS,
  StoredHead,
  StoredRow,
  headMac,
  keyFingerprint,
  rowHash,
  verifyChain,
} from '../../src/domain/change-chain'

const key = Buffer.from('k'.repeat(32))

function chain(n: number): {rows: StoredRow[]; head: StoredHead} {
  const rows: StoredRow[] = []
  let prev = GENESIS
  for (let id = 1; id <= n; id++) {
    const content = {
      id,
      at: `2026-12-01T00:00:${String(id).padStart(2, '0')}.000Z`,
      actor: 'alice',
      osUser: 'govnet',
      entity: 'node',
      entityId: `n${id}`,
      action: 'create',
      before: null,
      after: `{"id":"n${id}"}`,
    }
    prev = rowHash(key, prev, content)
    rows.push({...content, hash: prev})
  }
  const head = {rows: n, lastId: n, lastHash: prev}
  return {rows, head: {...head, mac: headMac(key, head)}}
}

describe('the change-log chain', () => {
  it('hashes with SM3 (GB/T 32905 test vector "abc")', () => {
    expect(createHash('sm3').update('abc').digest('hex')).toBe(
      '66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0',
    )
  })

  it('verifies an untouched chain, and an empty log without a head', () => {
    const {rows, head} = chain(6)
    expect(verifyChain(key, rows, head, keyFingerprint(key))).toBeUndefined()
    expect(verifyChain(key, [], undefined, undefined)).toBeUndefined()
  })

  it('names the first edited, deleted, inserted and reordered row', () => {
    const {rows, head} = chain(6)
    const edited = rows.map((r) => (r.id === 3 ? {...r, actor: 'mallory'} : r))
    expect(verifyChain(key, edited, head, undefined)).toMatchObject({kind: 'edited', row: 3})
    expect(
      verifyChain(
        key,
        rows.filter((r) => r.id !== 4),
        head,
        undefined,
      ),
    ).toMatchObject({kind: 'deleted', row: 4})
    const swapped = rows.map((r) => (r.id === 2 ? {...rows[2]!, id: 2} : r.id === 3 ? {...rows[1]!, id: 3} : r))
    expect(verifyChain(key, swapped, head, undefined)).toMatchObject({kind: 'reordered', row: 2})
    const ghost = {...rows[0]!, id: 0, entityId: 'ghost', hash: 'f'.repeat(64)}
    expect(verifyChain(key, [ghost, ...rows], head, undefined)).toMatchObject({kind: 'inserted', row: 0})
  })

  it('tells a cut tail from a short log by the head, and a wrong key by its fingerprint', () => {
    const {rows, head} = chain(6)
    expect(verifyChain(key, rows.slice(0, 4), head, undefined)).toMatchObject({kind: 'truncated', row: 5})
    expect(verifyChain(key, rows, {...head, rows: 5}, undefined)).toMatchObject({kind: 'head-edited'})
    expect(verifyChain(key, rows, undefined, undefined)).toMatchObject({kind: 'head-missing'})
    const other = Buffer.from('o'.repeat(32))
    expect(verifyChain(other, rows, head, keyFingerprint(key))).toMatchObject({kind: 'key-wrong'})
    expect(verifyChain(key, rows, head, undefined, 7)).toMatchObject({kind: 'fewer-than-expected'})
  })

  it('walks a log source once, row by row, and reads on only to name a finding', () => {
    const {rows, head} = chain(6)
    const source = (log: StoredRow[]) => {
      const reads = {walks: 0, yielded: 0, after: [] as number[]}
      const walk: ChainRows = {
        *[Symbol.iterator]() {
          reads.walks++
          for (const row of log) {
            reads.yielded++
            yield row
          }
        },
        after: (row) => {
          reads.after.push(row.id)
          return log.filter((r) => r.id > row.id)
        },
      }
      return {walk, reads}
    }
    const intact = source(rows)
    expect(verifyChain(key, intact.walk, head, keyFingerprint(key))).toBeUndefined()
    expect(intact.reads).toEqual({walks: 1, yielded: 6, after: []})

    const swapped = rows.map((r) => (r.id === 2 ? {...rows[2]!, id: 2} : r.id === 3 ? {...rows[1]!, id: 3} : r))
    const moved = source(swapped)
    expect(verifyChain(key, moved.walk, head, undefined)).toMatchObject({kind: 'reordered', row: 2})
    // The walk stopped at row 2 (the source is free again) before the rows after it were read.
    expect(moved.reads).toEqual({walks: 1, yielded: 2, after: [2]})
    const edited = source(rows.map((r) => (r.id === 3 ? {...r, actor: 'mallory'} : r)))
    expect(verifyChain(key, edited.walk, head, undefined)).toMatchObject({kind: 'edited', row: 3})
  })
})
