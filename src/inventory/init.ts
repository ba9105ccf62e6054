import type {Scope} from '../domain/scope'
import type {Inventory} from './db'
import {inventoryScope, ScopeRepository} from './scope'

export interface InitResult {
  path: string
  schemaVersion: number
  /** The division subtrees the inventory holds (`--scope`); empty for the whole country. */
  scope: Scope
  /** True when this run set or changed the scope. */
  scopeChanged: boolean
}

/** Opening already migrated the file; init reports where it stands and, with `scope`, scopes the inventory. */
export function initInventory(inventory: Inventory, options: {scope?: Scope} = {}): InitResult {
  const set = options.scope === undefined ? undefined : new ScopeRepository(inventory).set(options.scope)
  return {
    path: inventory.path,
    schemaVersion: inventory.schemaVersion,
    scope: set?.scope ?? inventoryScope(inventory),
    scopeChanged: set?.changed ?? false,
  }
}
