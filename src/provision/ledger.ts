/**
 * The inventory as the IPAM and capacity ledger of every target: what the dynamic providers of
 * stacks/tenant/local do, run inside the engine's provider process. The provider objects
 * (stacks/tenant/local/providers.ts) are serialized by the engine; they only `require` this compiled module by
 * its absolute path, so no database handle or class is ever captured in a closure. Each call opens
 * the inventory named by the resource's `inventoryPath` input and closes it before returning.
 */
import type * as pulumi from '@pulumi/pulumi'

import type {
  InventoryInputs,
  QuotaInputs,
  RuleSetInputs,
  TenantManifestInputs,
  ZoneSubnetInputs,
  ZoneSubnetOutputs,
} from '../domain/ledger'
import {AllocationRepository} from '../inventory/allocations'
import {Inventory} from '../inventory/db'

function withInventory<T>(inputs: InventoryInputs, fn: (repository: AllocationRepository) => T): T {
  const inventory = Inventory.open(inputs.inventoryPath, {actor: inputs.actor})
  try {
    return fn(new AllocationRepository(inventory))
  } finally {
    inventory.close()
  }
}

/**
 * Properties whose change is not a change of the resource. A moved inventory (inventoryPath) is an
 * update, so that the state learns the new path before a later destroy needs it.
 */
const IGNORED = new Set(['actor', '__provider'])

function changedKeys(olds: object, news: object): string[] {
  const keys = new Set([...Object.keys(olds), ...Object.keys(news)])
  const o = olds as Record<string, unknown>
  const n = news as Record<string, unknown>
  return [...keys]
    .filter((k) => !IGNORED.has(k) && k in n && JSON.stringify(o[k] ?? null) !== JSON.stringify(n[k] ?? null))
    .sort()
}

/** A diff where any of `replaceOn` changing replaces the resource (deleting first: the inventory keys are per tenant) and the rest updates it. */
export function diffBy(olds: object, news: object, replaceOn: readonly string[]): pulumi.dynamic.DiffResult {
  const changed = changedKeys(olds, news)
  const replaces = changed.filter((k) => replaceOn.includes(k))
  return {changes: changed.length > 0, replaces, deleteBeforeReplace: replaces.length > 0}
}

// ---- Zone subnets ----

export const ZONE_SUBNET_REPLACE_ON = ['tenantId', 'regionId', 'zone', 'prefix', 'within'] as const

export function createZoneSubnet(inputs: ZoneSubnetInputs): pulumi.dynamic.CreateResult<ZoneSubnetOutputs> {
  const allocation = withInventory(inputs, (r) => r.allocateSubnet(inputs))
  return {id: `${inputs.tenantId}/${inputs.zone}`, outs: {...inputs, cidr: allocation.cidr}}
}

export function diffZoneSubnet(olds: ZoneSubnetOutputs, news: ZoneSubnetInputs): pulumi.dynamic.DiffResult {
  return diffBy(olds, news, ZONE_SUBNET_REPLACE_ON)
}

/** Only the inventory path changed (the allocation itself is replaced, never updated): nothing to write. */
export function updateZoneSubnet(
  olds: ZoneSubnetOutputs,
  news: ZoneSubnetInputs,
): pulumi.dynamic.UpdateResult<ZoneSubnetOutputs> {
  return {outs: {...news, cidr: olds.cidr}}
}

export function deleteZoneSubnet(props: ZoneSubnetOutputs): void {
  withInventory(props, (r) => r.releaseSubnet(props.tenantId, props.zone, props.cidr))
}

/** Refresh: the allocation as the inventory holds it; gone when released behind the engine's back. */
export function readZoneSubnet(id: string, props: ZoneSubnetOutputs): pulumi.dynamic.ReadResult<ZoneSubnetOutputs> {
  const held = withInventory(props, (r) => r.subnetsOf(props.tenantId).find((a) => a.zone === props.zone))
  return held ? {id, props: {...props, regionId: held.regionId, cidr: held.cidr}} : {}
}

// ---- Quota reservations ----

export const QUOTA_REPLACE_ON = ['tenantId'] as const

export function createQuota(inputs: QuotaInputs): pulumi.dynamic.CreateResult<QuotaInputs> {
  withInventory(inputs, (r) => r.reserveQuota(inputs))
  return {id: inputs.tenantId, outs: inputs}
}

export function diffQuota(olds: QuotaInputs, news: QuotaInputs): pulumi.dynamic.DiffResult {
  return diffBy(olds, news, QUOTA_REPLACE_ON)
}

export function updateQuota(_olds: QuotaInputs, news: QuotaInputs): pulumi.dynamic.UpdateResult<QuotaInputs> {
  withInventory(news, (r) => r.reserveQuota(news))
  return {outs: news}
}

export function deleteQuota(props: QuotaInputs): void {
  withInventory(props, (r) => r.releaseQuota(props.tenantId))
}

export function readQuota(id: string, props: QuotaInputs): pulumi.dynamic.ReadResult<QuotaInputs> {
  const held = withInventory(props, (r) => r.reservationOf(props.tenantId))
  return held
    ? {
        id,
        props: {...props, regionId: held.regionId, vcpu: held.vcpu, ramGib: held.ramGib, storageGib: held.storageGib},
      }
    : {}
}

// ---- Rule sets ----

export const RULE_SET_REPLACE_ON = ['tenantId'] as const

function recordRuleSet(inputs: RuleSetInputs): void {
  withInventory(inputs, (r) =>
    r.recordRuleSet({
      tenantId: inputs.tenantId,
      mlpsLevel: inputs.mlpsLevel,
      defaultAction: inputs.defaultAction,
      rules: inputs.rules,
      controls: {...(inputs.controls as object), zoneSubnets: inputs.zoneSubnets},
    }),
  )
}

export function createRuleSet(inputs: RuleSetInputs): pulumi.dynamic.CreateResult<RuleSetInputs> {
  recordRuleSet(inputs)
  return {id: inputs.tenantId, outs: inputs}
}

export function diffRuleSet(olds: RuleSetInputs, news: RuleSetInputs): pulumi.dynamic.DiffResult {
  return diffBy(olds, news, RULE_SET_REPLACE_ON)
}

export function updateRuleSet(_olds: RuleSetInputs, news: RuleSetInputs): pulumi.dynamic.UpdateResult<RuleSetInputs> {
  recordRuleSet(news)
  return {outs: news}
}

export function deleteRuleSet(props: RuleSetInputs): void {
  withInventory(props, (r) => r.deleteRuleSet(props.tenantId))
}

export function readRuleSet(id: string, props: RuleSetInputs): pulumi.dynamic.ReadResult<RuleSetInputs> {
  const held = withInventory(props, (r) => r.ruleSetOf(props.tenantId))
  return held ? {id, props} : {}
}

// ---- Tenant manifests (the plan, checked by the policy pack before anything is created) ----

export const MANIFEST_REPLACE_ON = ['tenantId'] as const

export function createManifest(inputs: TenantManifestInputs): pulumi.dynamic.CreateResult<TenantManifestInputs> {
  return {id: inputs.tenantId, outs: inputs}
}

export function diffManifest(olds: TenantManifestInputs, news: TenantManifestInputs): pulumi.dynamic.DiffResult {
  return diffBy(olds, news, MANIFEST_REPLACE_ON)
}

export function updateManifest(
  _olds: TenantManifestInputs,
  news: TenantManifestInputs,
): pulumi.dynamic.UpdateResult<TenantManifestInputs> {
  return {outs: news}
}

/** The manifest is state only: nothing to delete. */
export function deleteManifest(): void {}

export function readManifest(id: string, props: TenantManifestInputs): pulumi.dynamic.ReadResult<TenantManifestInputs> {
  return {id, props}
}
