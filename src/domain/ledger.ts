/**
 * The inputs and outputs of the ledger resources (zone subnets, quota reservations, rule sets) that every
 * tenant stack declares and src/provision/ledger.ts keeps in the inventory. Types only: the stack, which
 * runs in the engine's processes, and the ledger share them without the stack reading the inventory.
 */
import type {ZoneName} from './zones'

/** Inputs every inventory resource carries. `actor` goes to the change log and never causes a diff. */
export interface InventoryInputs {
  inventoryPath: string
  actor: string
  tenantId: string
}

export interface ZoneSubnetInputs extends InventoryInputs {
  regionId: string
  zone: ZoneName
  prefix: number
  /** The tenant's own block, or null to carve from the region's pools. */
  within: string | null
}

export interface ZoneSubnetOutputs extends ZoneSubnetInputs {
  cidr: string
}

export interface QuotaInputs extends InventoryInputs {
  regionId: string
  vcpu: number
  ramGib: number
  storageGib: number
}

export interface RuleSetInputs<Rule = unknown, Controls = unknown> extends InventoryInputs {
  mlpsLevel: number
  defaultAction: 'deny'
  rules: Rule[]
  controls: Controls
  /** Zone subnets as allocated, so the record names the addresses the rules apply to. */
  zoneSubnets: Array<{zone: string; cidr: string}>
}

/**
 * The tenant's plan as one resource, registered before any other of the stack (they wait for it): the
 * policy pack checks it at registration, so a plan the pack refuses stops the update before anything
 * is created, in the one engine run of `tenant up`. It holds what the plan decided, nothing allocated.
 */
export interface TenantManifestInputs<Rule = unknown, Controls = unknown> {
  tenantId: string
  mlpsLevel: number
  regionId: string
  target: string
  /** The zones the stack creates a subnet for, and their sizes. */
  zones: Array<{zone: string; prefix: number}>
  defaultAction: 'deny'
  rules: Rule[]
  controls: Controls
}
