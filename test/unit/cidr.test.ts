import fc from 'fast-check'
import {describe, expect, it} from 'vitest'

import {
  allocate,
  BlockSet,
  carve,
  CidrError,
  contains,
  findOverlap,
  formatCidr,
  overlaps,
  parseCidr,
  parseIpv4,
  split,
  unionSize,
} from '../../src/domain/cidr'

const c = parseCidr
const all = (blocks: {network: number; prefix: number}[]) => blocks.map(formatCidr)

describe('parseCidr', () => {
  it('parses aligned IPv4 blocks, including /0 and /32', () => {
    expect(c('10.20.0.0/16')).toEqual({network: parseIpv4('10.20.0.0'), prefix: 16})
    expect(formatCidr(c('0.0.0.0/0'))).toBe('0.0.0.0/0')
    expect(formatCidr(c('255.255.255.255/32'))).toBe('255.255.255.255/32')
    expect(formatCidr(c(' 192.168.4.0/22 '))).toBe('192.168.4.0/22')
  })

  it('names the aligned form when the address is not the network address', () => {
    expect(() => c('10.20.0.1/16')).toThrow(
      new CidrError('"10.20.0.1/16" is not a network address: the block is 10.20.0.0/16'),
    )
    expect(() => c('192.168.5.0/22')).toThrow('the block is 192.168.4.0/22')
  })

  it('refuses what is not an IPv4 CIDR block', () => {
    for (const bad of [
      '10.20.0.0',
      '10.20.0.0/33',
      '10.256.0.0/16',
      '10.20.0/16',
      '010.20.0.0/16',
      '::/0',
      '10.20.0.0/-1',
      'abc',
    ]) {
      expect(() => c(bad), bad).toThrow(`"${bad}" is not an IPv4 CIDR block like 10.20.0.0/16`)
    }
  })
})

describe('contains and overlaps', () => {
  it('knows containment, itself included', () => {
    expect(contains(c('10.0.0.0/8'), c('10.20.0.0/16'))).toBe(true)
    expect(contains(c('10.20.0.0/16'), c('10.20.0.0/16'))).toBe(true)
    expect(contains(c('10.20.0.0/16'), c('10.0.0.0/8'))).toBe(false)
    expect(contains(c('10.20.0.0/16'), c('10.21.0.0/24'))).toBe(false)
    expect(contains(c('0.0.0.0/0'), c('255.255.255.255/32'))).toBe(true)
  })

  it('knows overlap, and that adjacent blocks do not overlap', () => {
    expect(overlaps(c('10.20.0.0/16'), c('10.20.128.0/17'))).toBe(true)
    expect(overlaps(c('10.20.128.0/17'), c('10.20.0.0/16'))).toBe(true)
    expect(overlaps(c('10.20.0.0/17'), c('10.20.128.0/17'))).toBe(false)
    expect(overlaps(c('10.20.0.0/24'), c('10.20.1.0/24'))).toBe(false)
  })
})

describe('allocate and carve', () => {
  it('takes the first free aligned block', () => {
    const pool = c('10.44.0.0/16')
    expect(formatCidr(allocate(pool, 20, [])!)).toBe('10.44.0.0/20')
    expect(formatCidr(allocate(pool, 20, [c('10.44.0.0/24')])!)).toBe('10.44.16.0/20')
    expect(formatCidr(allocate(pool, 24, [c('10.44.0.0/24'), c('10.44.2.0/24')])!)).toBe('10.44.1.0/24')
  })

  it('skips a large taken block that contains smaller ones', () => {
    const taken = [c('10.44.0.0/17'), c('10.44.1.0/24'), c('10.44.128.0/24')]
    expect(formatCidr(allocate(c('10.44.0.0/16'), 24, taken)!)).toBe('10.44.129.0/24')
  })

  it('ignores taken blocks outside the pool and reports a full pool', () => {
    const pool = c('10.44.0.0/23')
    expect(formatCidr(allocate(pool, 24, [c('10.45.0.0/16')])!)).toBe('10.44.0.0/24')
    expect(allocate(pool, 24, [c('10.44.0.0/24'), c('10.44.1.0/24')])).toBeUndefined()
    expect(allocate(pool, 22, [])).toBeUndefined()
    expect(allocate(pool, 33, [])).toBeUndefined()
  })

  it('carves one subnet per zone without overlap, in the order asked', () => {
    const zones = carve(c('10.44.16.0/20'), [24, 24, 24, 26])
    expect(all(zones)).toEqual(['10.44.16.0/24', '10.44.17.0/24', '10.44.18.0/24', '10.44.19.0/26'])
    const mixed = carve(c('10.44.16.0/20'), [26, 24])
    expect(all(mixed)).toEqual(['10.44.16.0/26', '10.44.17.0/24'])
    for (const [i, a] of zones.entries()) for (const b of zones.slice(i + 1)) expect(overlaps(a, b)).toBe(false)
  })

  it('says which request does not fit', () => {
    expect(() => carve(c('10.44.16.0/23'), [24, 24, 24])).toThrow(new CidrError('no free /24 left in 10.44.16.0/23'))
    expect(() => carve(c('10.44.16.0/23'), [24], [c('10.44.16.0/23')])).toThrow(CidrError)
  })

  it('splits a block into equal parts', () => {
    expect(all(split(c('10.44.16.0/20'), 4))).toEqual([
      '10.44.16.0/22',
      '10.44.20.0/22',
      '10.44.24.0/22',
      '10.44.28.0/22',
    ])
    expect(all(split(c('10.0.0.0/8'), 1))).toEqual(['10.0.0.0/8'])
    expect(() => split(c('10.44.16.0/20'), 3)).toThrow('10.44.16.0/20 cannot be split into 3 equal subnets')
    expect(() => split(c('10.44.16.1/32'), 2)).toThrow(CidrError)
  })
})

describe('BlockSet', () => {
  it('finds held blocks that contain, equal or lie inside a block, and nothing for free space', () => {
    const held = new BlockSet<string>()
    for (const [block, holder] of [
      ['10.44.16.0/20', 'a'],
      ['10.44.64.0/24', 'b'],
      ['10.44.66.0/23', 'c'],
      ['192.168.0.0/16', 'd'],
    ] as const) {
      held.add(c(block), holder)
    }
    expect(held.overlapping(c('10.44.17.0/24'))).toBe('a')
    expect(held.overlapping(c('10.44.16.0/20'))).toBe('a')
    expect(held.overlapping(c('10.44.64.0/18'))).toBe('b')
    expect(held.overlapping(c('10.44.67.128/25'))).toBe('c')
    expect(held.overlapping(c('0.0.0.0/0'))).toBe('a')
    expect(held.overlapping(c('10.44.65.0/24'))).toBeUndefined()
    expect(held.overlapping(c('10.44.0.0/20'))).toBeUndefined()
    expect(held.overlapping(c('10.44.32.0/19'))).toBeUndefined()
    expect(held.overlapping(c('255.255.255.255/32'))).toBeUndefined()
  })

  it('agrees with a scan over every pair of a few hundred random blocks', () => {
    let seed = 7
    const random = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31
    const blocks = Array.from({length: 300}, () => {
      const prefix = 8 + Math.floor(random() * 17)
      const size = 2 ** (32 - prefix)
      return {network: 10 * 2 ** 24 + Math.floor((random() * 2 ** 24) / size) * size, prefix}
    })
    const held = new BlockSet<number>()
    const kept: typeof blocks = []
    for (const block of blocks) {
      const scanned = kept.some((k) => overlaps(k, block))
      expect(held.overlapping(block) !== undefined, formatCidr(block)).toBe(scanned)
      if (!scanned) {
        held.add(block, kept.length)
        kept.push(block)
      }
    }
    expect(kept.length).toBeGreaterThan(10)
  })
})

describe('findOverlap and unionSize (sort and sweep)', () => {
  /** Blocks inside 10.0.0.0/16 (prefixes /16 to /32), so that a bitmap of 65,536 addresses can check the union. */
  const BASE = 10 * 2 ** 24
  const smallBlock = fc
    .tuple(fc.integer({min: 16, max: 32}), fc.integer({min: 0, max: 2 ** 16 - 1}))
    .map(([prefix, offset]) => {
      const size = 2 ** (32 - prefix)
      return {network: BASE + offset - (offset % size), prefix}
    })
  const naiveOverlap = (blocks: {network: number; prefix: number}[]) =>
    blocks.some((a, i) => blocks.slice(i + 1).some((b) => overlaps(a, b)))

  it('finds an overlap exactly when the pairwise check does, and the pair it names overlaps (property)', () => {
    fc.assert(
      fc.property(fc.array(smallBlock, {maxLength: 60}), (blocks) => {
        const pair = findOverlap(blocks)
        expect(pair !== undefined).toBe(naiveOverlap(blocks))
        if (pair) {
          expect(pair[0]).toBeLessThan(pair[1])
          expect(overlaps(blocks[pair[0]]!, blocks[pair[1]]!)).toBe(true)
        }
      }),
      {numRuns: 1000},
    )
  })

  it('names the two blocks in the order given', () => {
    expect(findOverlap([c('10.1.0.0/16'), c('192.168.0.0/24'), c('10.0.0.0/8')])).toEqual([0, 2])
    expect(findOverlap([c('10.0.0.0/8'), c('10.20.0.0/16')])).toEqual([0, 1])
    expect(findOverlap([c('10.0.0.0/24'), c('10.0.1.0/24'), c('10.0.0.0/24')])).toEqual([0, 2])
    expect(findOverlap([c('10.0.0.0/24'), c('10.0.1.0/24')])).toBeUndefined()
    expect(findOverlap([])).toBeUndefined()
  })

  it('counts every address of the union once (property, against a bitmap)', () => {
    fc.assert(
      fc.property(fc.array(smallBlock, {maxLength: 40}), (blocks) => {
        const bitmap = new Uint8Array(2 ** 16)
        for (const block of blocks)
          bitmap.fill(1, block.network - BASE, block.network - BASE + 2 ** (32 - block.prefix))
        expect(unionSize(blocks)).toBe(bitmap.reduce((sum, bit) => sum + bit, 0))
      }),
      {numRuns: 300},
    )
  })

  it('counts the 256 /8s as all of IPv4, and /0 as 2^32', () => {
    const all8 = Array.from({length: 256}, (_, i) => c(`${i}.0.0.0/8`))
    expect(unionSize(all8)).toBe(2 ** 32)
    expect(unionSize([c('0.0.0.0/0'), c('10.0.0.0/8')])).toBe(2 ** 32)
    expect(unionSize([c('10.0.0.0/8'), c('10.20.0.0/16'), c('59.255.0.0/16')])).toBe(2 ** 24 + 2 ** 16)
    expect(unionSize([])).toBe(0)
  })
})
