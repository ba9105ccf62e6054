import {createHash} from 'node:crypto'
import {readFileSync} from 'node:fs'
import path from 'node:path'

import {Target} from '../domain/preflight'
import {RegionFields} from '../domain/regions'
import {TenantPlan} from '../domain/tenant-plan'
import {Tenant} from '../domain/tenants'
import {packageRoot} from '../paths'
import {PULUMI_VERSION} from './engine'

/**
 * "Up to date": a successful `tenant up` stores, as the stack output `inputHash`, a SHA-256 of
 * everything the tenant program is built from — the tenant's record (status and dates aside), its
 * region, the plan of its level's baseline (zones, rules, control settings), the target, the
 * inventory path the ledger providers write to, the state backend (without its password), and the
 * versions of govnet and of the engine. A later up whose hash is the same, whose last operation was
 * that successful up and whose state is present has nothing to change: govnet does not start the
 * engine. What changes behind the engine's back (drift) is not in the hash: `tenant refresh` finds
 * it, and after a refresh the next up runs the engine again (`--force` runs it at once).
 */
export interface StackInputs {
  tenant: Tenant
  region: RegionFields
  plan: TenantPlan
  target: Target
  inventoryPath: string
  backend: string
}

let govnetVersion: string | undefined

function ownVersion(): string {
  govnetVersion ??= String(
    (JSON.parse(readFileSync(path.join(packageRoot, 'package.json'), 'utf8')) as {version?: unknown}).version,
  )
  return govnetVersion
}

/** JSON with object keys in order, so that the same inputs always hash the same. */
function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical)
  if (value !== null && typeof value === 'object')
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((key) => [key, canonical((value as Record<string, unknown>)[key])]),
    )
  return value
}

export function stackInputHash(inputs: StackInputs): string {
  const {status: _status, createdAt: _created, updatedAt: _updated, liveOn: _live, ...tenant} = inputs.tenant
  const {
    createdAt: _c,
    updatedAt: _u,
    ...region
  } = inputs.region as RegionFields & {
    createdAt?: string
    updatedAt?: string
  }
  const document = canonical({
    ...inputs,
    tenant,
    region,
    versions: {govnet: ownVersion(), pulumi: PULUMI_VERSION},
  })
  return createHash('sha256').update(JSON.stringify(document)).digest('hex')
}
