/**
 * Dynamic providers that keep a tenant's allocations in the inventory, and their resources.
 *
 * The engine serializes each provider object (with its methods' closures) and runs it in a
 * separate process. So the methods capture nothing but OPERATIONS, the absolute path of the
 * compiled ledger module, and `require` it when called: no database handle, no class, no ESM.
 */
/* eslint-disable @typescript-eslint/no-require-imports, @typescript-eslint/no-unsafe-call, @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-return, @typescript-eslint/require-await --
   The provider methods are serialized by the engine: each must `require` the ledger by path at call
   time (untyped by nature), and return a promise, as the ResourceProvider interface declares. */
import * as pulumi from '@pulumi/pulumi'

import type {
  QuotaInputs,
  RuleSetInputs,
  TenantManifestInputs,
  ZoneSubnetInputs,
  ZoneSubnetOutputs,
} from '../../../src/domain/ledger'

/** The ledger's compiled module (src/provision/ledger.ts), required by path inside the provider process. */
const OPERATIONS: string = require.resolve('../../../src/provision/ledger')

/** Module of the dynamic resources' type tokens: `pulumi-nodejs:dynamic/govnet:<Type>`. */
export const DYNAMIC_MODULE = 'govnet'
export const ZONE_SUBNET_TYPE = `pulumi-nodejs:dynamic/${DYNAMIC_MODULE}:ZoneSubnet`
export const QUOTA_RESERVATION_TYPE = `pulumi-nodejs:dynamic/${DYNAMIC_MODULE}:QuotaReservation`
export const RULE_SET_TYPE = `pulumi-nodejs:dynamic/${DYNAMIC_MODULE}:RuleSetRecord`
export const TENANT_MANIFEST_TYPE = `pulumi-nodejs:dynamic/${DYNAMIC_MODULE}:TenantManifest`

/**
 * A provider whose methods call `<method><kind>` in the operations module (createZoneSubnet,
 * diffZoneSubnet, …). The closures capture only `kind` and OPERATIONS, both strings.
 */
function inventoryProvider<I, O>(
  kind: 'ZoneSubnet' | 'Quota' | 'RuleSet' | 'Manifest',
): pulumi.dynamic.ResourceProvider<I, O> {
  return {
    async create(inputs) {
      return require(OPERATIONS)[`create${kind}`](inputs)
    },
    async diff(_id, olds, news) {
      return require(OPERATIONS)[`diff${kind}`](olds, news)
    },
    async update(_id, olds, news) {
      return require(OPERATIONS)[`update${kind}`](olds, news)
    },
    async delete(_id, props) {
      require(OPERATIONS)[`delete${kind}`](props)
    },
    async read(id, props) {
      return require(OPERATIONS)[`read${kind}`](id, props)
    },
  }
}

export const zoneSubnetProvider = inventoryProvider<ZoneSubnetInputs, ZoneSubnetOutputs>('ZoneSubnet')
export const quotaProvider = inventoryProvider<QuotaInputs, QuotaInputs>('Quota')
export const ruleSetProvider = inventoryProvider<RuleSetInputs, RuleSetInputs>('RuleSet')
export const manifestProvider = inventoryProvider<TenantManifestInputs, TenantManifestInputs>('Manifest')

type Inputs<T> = {[K in keyof T]: pulumi.Input<T[K]>}

/** One zone's subnet, carved from the region's pools (or the tenant's block) and held in the inventory. */
export class ZoneSubnet extends pulumi.dynamic.Resource {
  declare readonly zone: pulumi.Output<string>
  declare readonly cidr: pulumi.Output<string>

  constructor(name: string, args: Inputs<ZoneSubnetInputs>, opts?: pulumi.CustomResourceOptions) {
    super(zoneSubnetProvider, name, {...args, cidr: undefined}, opts, DYNAMIC_MODULE, 'ZoneSubnet')
  }
}

/** The tenant's quota, reserved against the region's capacity. */
export class QuotaReservation extends pulumi.dynamic.Resource {
  declare readonly vcpu: pulumi.Output<number>
  declare readonly ramGib: pulumi.Output<number>
  declare readonly storageGib: pulumi.Output<number>

  constructor(name: string, args: Inputs<QuotaInputs>, opts?: pulumi.CustomResourceOptions) {
    super(quotaProvider, name, args, opts, DYNAMIC_MODULE, 'QuotaReservation')
  }
}

/** The rendered security rules and control settings, recorded for audit. */
export class RuleSetRecord extends pulumi.dynamic.Resource {
  declare readonly mlpsLevel: pulumi.Output<number>
  declare readonly rules: pulumi.Output<unknown[]>

  constructor(name: string, args: Inputs<RuleSetInputs>, opts?: pulumi.CustomResourceOptions) {
    super(ruleSetProvider, name, args, opts, DYNAMIC_MODULE, 'RuleSetRecord')
  }
}

/**
 * The tenant's plan (src/domain/ledger.ts TenantManifestInputs), registered first: the policy pack
 * refuses a non-compliant plan here, before any other resource of the stack is registered.
 */
export class TenantManifest extends pulumi.dynamic.Resource {
  declare readonly mlpsLevel: pulumi.Output<number>

  constructor(name: string, args: Inputs<TenantManifestInputs>, opts?: pulumi.CustomResourceOptions) {
    super(manifestProvider, name, args, opts, DYNAMIC_MODULE, 'TenantManifest')
  }
}
