import type {Inventory} from './db'

export interface InitResult {
  path: string
  schemaVersion: number
}

/** Opening already migrated the file; init only reports where it stands. */
export function initInventory(inventory: Inventory): InitResult {
  return {path: inventory.path, schemaVersion: inventory.schemaVersion}
}
