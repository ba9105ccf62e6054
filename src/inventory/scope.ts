import type {Statement} from 'better-sqlite3'

import {formatScope, isInScope, isTenantInScope, normalizeScope, Scope} from '../domain/scope'
import {scopeMessages as msg} from '../messages'
import {ChangeLog} from './changes'
import {Inventory, nowIso} from './db'

/** The change log's entity and id for the scope: the inventory itself. */
const SCOPE_ENTITY = 'scope'
const SCOPE_ENTITY_ID = 'inventory'

export interface ScopeSetResult {
  scope: Scope
  /** False when the inventory had this scope already (nothing written or logged). */
  changed: boolean
}

/** The `inventory_scope` table: the division subtrees a provincial instance holds (none: the whole country). */
export class ScopeRepository {
  private readonly codes: Statement<[], string>
  private readonly clear: Statement<[]>
  private readonly insert: Statement<[string, string]>
  private readonly nodeDivisions: Statement<[], [string, string]>
  private readonly tenantCodes: Statement<[], [string, string]>

  constructor(private readonly inventory: Inventory) {
    const db = inventory.db
    this.codes = db.prepare<[], string>('SELECT code FROM inventory_scope ORDER BY code').pluck()
    this.clear = db.prepare<[]>('DELETE FROM inventory_scope')
    this.insert = db.prepare<[string, string]>('INSERT INTO inventory_scope (code, set_at) VALUES (?, ?)')
    this.nodeDivisions = db.prepare<[], [string, string]>('SELECT id, division_code FROM nodes ORDER BY id').raw()
    this.tenantCodes = db.prepare<[], [string, string]>('SELECT id, department_uscc FROM tenants ORDER BY id').raw()
  }

  /** The stored scope, in code order; empty for the whole country. */
  get(): Scope {
    return this.codes.all()
  }

  /**
   * Scope the inventory to `codes` (normalized: sorted, nested codes dropped): a first scope, a wider
   * one, or another one where the rows allow. Refused with exit 5, writing nothing, while a node or
   * tenant lies outside the new scope; the first one is named.
   */
  set(codes: Scope): ScopeSetResult {
    const scope = normalizeScope(codes)
    return this.inventory.write(() => {
      const before = this.get()
      if (formatScope(before) === formatScope(scope)) return {scope: before, changed: false}
      const outside = this.rowsOutside(scope)
      if (outside.length > 0) throw msg.rowsOutsideScope(formatScope(scope), outside[0]!, outside.length - 1)
      const at = nowIso()
      this.clear.run()
      for (const code of scope) this.insert.run(code, at)
      new ChangeLog(this.inventory).record(
        SCOPE_ENTITY,
        SCOPE_ENTITY_ID,
        before.length === 0 ? 'create' : 'update',
        before.length === 0 ? null : {scope: before},
        {scope},
        at,
      )
      return {scope, changed: true}
    })
  }

  /** Nodes and tenants that would lie outside `scope`, described for the message, nodes first. */
  private rowsOutside(scope: Scope): string[] {
    const nodes = this.nodeDivisions
      .all()
      .filter(([, division]) => !isInScope(division, scope))
      .map(([id, division]) => msg.nodeRow(id, division))
    const tenants = this.tenantCodes
      .all()
      .filter(([, uscc]) => !isTenantInScope(uscc, scope))
      .map(([id, uscc]) => msg.tenantRow(id, uscc))
    return [...nodes, ...tenants]
  }
}

const repositories = new WeakMap<Inventory, ScopeRepository>()

/** The scope of an open inventory, its statements prepared once per connection (coverage reads it on every metrics refresh). */
export function inventoryScope(inventory: Inventory): Scope {
  let repository = repositories.get(inventory)
  if (!repository) {
    repository = new ScopeRepository(inventory)
    repositories.set(inventory, repository)
  }
  return repository.get()
}
