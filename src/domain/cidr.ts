/**
 * IPv4 CIDR blocks: parsing, containment, overlap and carving subnets out of a pool. Tenant
 * records carry an optional block; the provisioning stack carves one subnet per zone from it.
 *
 * Addresses are unsigned 32-bit integers held in plain numbers; sizes (up to 2^32) are computed
 * with arithmetic, never with bit operators, so /0 works.
 */
export interface Ipv4Cidr {
  /** Network address as an unsigned 32-bit integer, aligned to the prefix. */
  readonly network: number
  readonly prefix: number
}

export class CidrError extends Error {}

const OCTET = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/

export function parseIpv4(text: string): number | undefined {
  const parts = text.split('.')
  if (parts.length !== 4 || !parts.every((p) => OCTET.test(p))) return undefined
  return parts.reduce((acc, p) => acc * 256 + Number(p), 0)
}

export function formatIpv4(address: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(address / 2 ** shift) % 256).join('.')
}

/** Number of addresses in a block. */
export function blockSize(prefix: number): number {
  return 2 ** (32 - prefix)
}

/**
 * Parse "a.b.c.d/n". The address must be the network address of the block: "10.20.0.1/16" is an
 * error that names the aligned form, because a host address with a prefix is usually a typo.
 */
export function parseCidr(text: string): Ipv4Cidr {
  const match = /^([^/\s]+)\/(\d{1,2})$/.exec(text.trim())
  const address = match ? parseIpv4(match[1]!) : undefined
  const prefix = match ? Number(match[2]) : Number.NaN
  if (address === undefined || !(prefix >= 0 && prefix <= 32)) {
    throw new CidrError(`"${text}" is not an IPv4 CIDR block like 10.20.0.0/16`)
  }
  const size = blockSize(prefix)
  const network = address - (address % size)
  if (network !== address) {
    throw new CidrError(`"${text}" is not a network address: the block is ${formatCidr({network, prefix})}`)
  }
  return {network, prefix}
}

export function formatCidr(block: Ipv4Cidr): string {
  return `${formatIpv4(block.network)}/${block.prefix}`
}

/** Last address of the block plus one (may be 2^32). */
function end(block: Ipv4Cidr): number {
  return block.network + blockSize(block.prefix)
}

/** Whether `inner` lies entirely inside `outer` (a block contains itself). */
export function contains(outer: Ipv4Cidr, inner: Ipv4Cidr): boolean {
  return inner.prefix >= outer.prefix && inner.network >= outer.network && end(inner) <= end(outer)
}

export function overlaps(a: Ipv4Cidr, b: Ipv4Cidr): boolean {
  return a.network < end(b) && b.network < end(a)
}

/** Blocks in address order, the wider first where two start at the same address (indexes into `blocks`). */
function addressOrder(blocks: readonly Ipv4Cidr[]): number[] {
  return blocks
    .map((_, i) => i)
    .sort((i, j) => blocks[i]!.network - blocks[j]!.network || blocks[i]!.prefix - blocks[j]!.prefix)
}

/**
 * Two of `blocks` that overlap (indexes, the earlier first), or undefined when they are all
 * disjoint. One sort and one sweep, O(n log n): walking in address order, a block overlaps an
 * earlier one exactly when it starts before the farthest end seen so far.
 */
export function findOverlap(blocks: readonly Ipv4Cidr[]): [number, number] | undefined {
  let farthest: number | undefined
  for (const i of addressOrder(blocks)) {
    if (farthest !== undefined && blocks[i]!.network < end(blocks[farthest]!)) {
      return farthest < i ? [farthest, i] : [i, farthest]
    }
    if (farthest === undefined || end(blocks[i]!) > end(blocks[farthest]!)) farthest = i
  }
  return undefined
}

/** How many addresses the blocks cover together (an address inside several blocks counts once). O(n log n). */
export function unionSize(blocks: readonly Ipv4Cidr[]): number {
  let total = 0
  let covered = 0 // everything below this address is counted
  for (const i of addressOrder(blocks)) {
    const block = blocks[i]!
    const from = Math.max(block.network, covered)
    if (end(block) > from) {
      total += end(block) - from
      covered = end(block)
    }
  }
  return total
}

/**
 * The first block of `prefix` inside `pool` that overlaps none of `taken`, or undefined when the
 * pool has no room. Skips past each overlapping block, so the loop runs at most once per taken
 * block plus once.
 */
export function allocate(pool: Ipv4Cidr, prefix: number, taken: readonly Ipv4Cidr[]): Ipv4Cidr | undefined {
  if (!Number.isInteger(prefix) || prefix < pool.prefix || prefix > 32) return undefined
  const size = blockSize(prefix)
  const blockers = taken.filter((t) => overlaps(t, pool)).sort((a, b) => a.network - b.network)
  let candidate = pool.network
  for (const blocker of blockers) {
    if (candidate + size <= blocker.network) break
    const blockerEnd = end(blocker)
    if (blockerEnd > candidate) candidate = Math.ceil(blockerEnd / size) * size
  }
  return candidate + size <= end(pool) ? {network: candidate, prefix} : undefined
}

/**
 * Carve one subnet per requested prefix length out of `pool`, avoiding `taken`, in the order
 * given. Throws CidrError naming the first request that does not fit.
 */
export function carve(pool: Ipv4Cidr, prefixes: readonly number[], taken: readonly Ipv4Cidr[] = []): Ipv4Cidr[] {
  const used = [...taken]
  return prefixes.map((prefix) => {
    const block = allocate(pool, prefix, used)
    if (!block) throw new CidrError(`no free /${prefix} left in ${formatCidr(pool)}`)
    used.push(block)
    return block
  })
}

/** Split a block into `count` equal subnets (count a power of two), e.g. one per zone. */
export function split(block: Ipv4Cidr, count: number): Ipv4Cidr[] {
  const bits = Math.log2(count)
  if (!Number.isInteger(bits) || bits < 0 || block.prefix + bits > 32) {
    throw new CidrError(`${formatCidr(block)} cannot be split into ${count} equal subnets`)
  }
  const prefix = block.prefix + bits
  const size = blockSize(prefix)
  return Array.from({length: count}, (_, i) => ({network: block.network + i * size, prefix}))
}

/**
 * Blocks held by someone (a tenant, an allocation), answering "which held block overlaps this
 * one" in O(33 + log n) instead of a scan. Aligned blocks overlap only when one contains the
 * other, so a block is hit either by one of its (at most 33) supernets held exactly, or by a held
 * block that starts inside it.
 */
export class BlockSet<T> {
  private readonly exact = new Map<number, T>()
  /** Held blocks sorted by network address. */
  private readonly sorted: Array<{network: number; holder: T}> = []

  add(block: Ipv4Cidr, holder: T): void {
    const key = exactKey(block.network, block.prefix)
    if (!this.exact.has(key)) this.exact.set(key, holder)
    this.sorted.splice(this.firstAtOrAfter(block.network), 0, {network: block.network, holder})
  }

  /** The holder of a block that overlaps `block`, or undefined when it is free. */
  overlapping(block: Ipv4Cidr): T | undefined {
    for (let prefix = 0; prefix <= block.prefix; prefix++) {
      const size = blockSize(prefix)
      const holder = this.exact.get(exactKey(block.network - (block.network % size), prefix))
      if (holder !== undefined) return holder
    }
    const next = this.sorted[this.firstAtOrAfter(block.network)]
    return next && next.network < end(block) ? next.holder : undefined
  }

  private firstAtOrAfter(network: number): number {
    let low = 0
    let high = this.sorted.length
    while (low < high) {
      const mid = (low + high) >>> 1
      if (this.sorted[mid]!.network < network) low = mid + 1
      else high = mid
    }
    return low
  }
}

/** prefix·2^32 + network stays below 2^53, so it is an exact number key. */
function exactKey(network: number, prefix: number): number {
  return prefix * 2 ** 32 + network
}
