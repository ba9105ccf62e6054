import bcrypt from 'bcryptjs'
import {createHash, randomBytes} from 'node:crypto'

/** How many (user, hash, password) outcomes are remembered, as exporter-toolkit's cache. */
const CACHE_SIZE = 100

/**
 * HTTP basic authentication against the bcrypt hashes of a web config's basic_auth_users, the way
 * exporter-toolkit does it: an unknown user is checked against a hash of the same cost, so that the
 * answer takes as long as for a known one; bcrypt runs one comparison at a time (it is CPU-bound on
 * purpose), and each outcome is cached under a SHA-256 of user, hash and password (never the
 * password itself), so that a scraper every second does not pay a bcrypt per scrape. A rotated hash
 * misses the cache and is checked afresh.
 */
export class BasicAuth {
  private readonly outcomes = new Map<string, boolean>()
  private readonly decoys = new Map<number, Promise<string>>()
  private queue: Promise<unknown> = Promise.resolve()

  /** Whether `header` (an Authorization header) authenticates one of `users` (user → bcrypt hash). */
  async check(users: ReadonlyMap<string, string>, header: string | undefined): Promise<boolean> {
    const credentials = parseBasicAuthorization(header)
    if (!credentials) return false
    const known = users.get(credentials.user)
    const [someHash = ''] = users.values()
    const hash = known ?? (await this.decoy(bcrypt.getRounds(someHash)))
    const key = createHash('sha256')
      .update(credentials.user)
      .update('\0')
      .update(hash)
      .update('\0')
      .update(credentials.password)
      .digest('base64')
    let matches = this.outcomes.get(key)
    if (matches === undefined) {
      matches = await this.serially(() => bcrypt.compare(credentials.password, hash))
      this.remember(key, matches)
    }
    return known !== undefined && matches
  }

  private serially<T>(task: () => Promise<T>): Promise<T> {
    const run = this.queue.then(task, task)
    this.queue = run.catch(() => undefined)
    return run
  }

  private remember(key: string, matches: boolean): void {
    const [oldest] = this.outcomes.keys()
    if (this.outcomes.size >= CACHE_SIZE && oldest !== undefined) this.outcomes.delete(oldest)
    this.outcomes.set(key, matches)
  }

  /** A hash of a random password at `cost`, made once per cost: what an unknown user's password is checked against. */
  private decoy(cost: number): Promise<string> {
    let pending = this.decoys.get(cost)
    if (!pending) {
      pending = bcrypt.hash(randomBytes(18).toString('base64'), cost)
      this.decoys.set(cost, pending)
    }
    return pending
  }
}

/** `Basic base64(user:password)` (scheme case-insensitive, as Go's Request.BasicAuth); undefined for anything else. */
export function parseBasicAuthorization(header: string | undefined): {user: string; password: string} | undefined {
  const encoded = /^basic +([A-Za-z0-9+/]+={0,2}) *$/i.exec(header ?? '')?.[1]
  if (encoded === undefined) return undefined
  const decoded = Buffer.from(encoded, 'base64').toString('utf8')
  const colon = decoded.indexOf(':')
  if (colon < 0) return undefined
  return {user: decoded.slice(0, colon), password: decoded.slice(colon + 1)}
}
