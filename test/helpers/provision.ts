/**
 * Fixtures for the provisioning tests: the real baseline data, a region and tenants per level, and
 * the compiled stack modules. Pulumi code is loaded from dist/ with Node's own require, never
 * through vitest's transform, so dynamic-provider closures serialize as the engine will see them.
 */
import {createRequire} from 'node:module'
import path from 'node:path'

import {BaselineControl, controlsByLevel} from '../../src/domain/mlps'
import {RegionFields} from '../../src/domain/regions'
import {readBaselineDocuments} from '../../src/baseline-files'
import {repoRoot} from './cli'

/** Node's require rooted at dist/ (build first: `npx tsc -p .`). */
export const requireDist = createRequire(path.join(repoRoot, 'dist', 'index.js'))

export function baselineControls(): BaselineControl[] {
  return readBaselineDocuments().documents.flatMap(controlsByLevel)
}

export function regionFixture(overrides: Partial<RegionFields> = {}): RegionFields {
  return {
    id: 'gz-1',
    name: '广州政务云一区',
    pools: ['10.20.0.0/20'],
    extranetRanges: ['59.255.0.0/16', '10.100.0.0/16'],
    capacityVcpu: 1000,
    capacityRamGib: 4096,
    capacityStorageGib: 100_000,
    maxMlpsLevel: 4,
    externalNetwork: 'ext-net-extranet',
    ...overrides,
  }
}

export interface TenantFixture {
  id: string
  name: string
  departmentName: string
  departmentUscc: string
  region: string
  mlpsLevel: number
  exposure: 'extranet' | 'internet' | 'both'
  quotaVcpu: number
  quotaRamGib: number
  quotaStorageGib: number
  cidr: string | null
  classified?: boolean
}

export function tenantFixture(level: number, overrides: Partial<TenantFixture> = {}): TenantFixture {
  return {
    id: `t-l${level}`,
    name: `系统 L${level}`,
    departmentName: '广州市政务服务数据管理局',
    departmentUscc: '91430111MA4L41YT1U',
    region: 'gz-1',
    mlpsLevel: level,
    exposure: 'extranet',
    quotaVcpu: 16,
    quotaRamGib: 64,
    quotaStorageGib: 500,
    cidr: null,
    ...overrides,
  }
}

export interface RegisteredResource {
  type: string
  name: string
  urn: string
  inputs: Record<string, any>
}

/**
 * Pulumi mocks for this test process (set once): resources are recorded as registered, zone
 * subnets get the cidr the pre-flight plans, Barbican orders an order reference, and invokes
 * (role and group look-ups) return `<name>-id`.
 */
export function mockedPulumi() {
  const pulumi = requireDist('@pulumi/pulumi')
  const settings = requireDist('@pulumi/pulumi/runtime/settings')
  const {GovTenant} = requireDist('./stacks/tenant')
  const {preflight} = requireDist('./src/domain/preflight')
  const {planTenant} = requireDist('./src/domain/tenant-plan')
  const registered: RegisteredResource[] = []
  const plannedCidrs = new Map<string, string>()
  const ready = pulumi.runtime.setMocks(
    {
      newResource(args: {type: string; name: string; inputs: Record<string, any>}) {
        const urn = `urn:pulumi:test::govnet::${args.type}::${args.name}`
        registered.push({type: args.type, name: args.name, urn, inputs: args.inputs})
        const state = {...args.inputs}
        if (args.type.endsWith(':ZoneSubnet'))
          state.cidr = plannedCidrs.get(`${args.inputs.tenantId}/${args.inputs.zone}`)
        if (args.type === 'openstack:keymanager/orderV1:OrderV1')
          state.orderRef = `https://barbican.example/v1/orders/${args.name}`
        return {id: `${args.name}-id`, state}
      },
      call(args: {token: string; inputs: Record<string, any>}) {
        return {id: `${args.inputs.name}-id`, name: args.inputs.name}
      },
    },
    'govnet',
    'test',
    false,
  )
  const output = <T>(o: any): Promise<T> => new Promise((resolve) => o.apply(resolve))

  /**
   * The component as the driver makes it: the plan (the one pre-flight) first, which throws for a
   * tenant that cannot be compliant, so nothing is registered for it.
   */
  function newTenant(
    tenant: TenantFixture,
    region: RegionFields,
    controls: BaselineControl[],
    target: 'local' | 'openstack' = 'local',
  ) {
    const plan = planTenant({tenant, region, controls, target})
    return new GovTenant(tenant.id, {
      tenant,
      region,
      plan,
      target,
      inventoryPath: '/nonexistent/govnet.db',
      actor: 'test',
    })
  }

  /** Build one tenant's stack; returns its component's outputs and every resource registered for it. */
  async function build(
    tenant: TenantFixture,
    target: 'local' | 'openstack',
    region: RegionFields,
    controls: BaselineControl[],
  ) {
    await ready
    const plan = preflight(tenant, region, controls, {target})
    for (const s of plan.subnets ?? []) plannedCidrs.set(`${tenant.id}/${s.zone}`, s.cidr)
    const component = newTenant(tenant, region, controls, target)
    const outputs = {
      networks: await output<Array<{zone: string; cidr: string}>>(component.networks),
      quota: await output<{vcpu: number; ramGib: number; storageGib: number}>(component.quota),
      ruleSet: await output<{level: number; defaultAction: string; rules: number; zones: string[]}>(component.ruleSet),
      keyOrderRef: await output<string | undefined>(component.keyOrderRef),
    }
    await settings.waitForRPCs()
    const resources = registered.filter((r) => r.name === tenant.id || r.name.startsWith(`${tenant.id}-`))
    return {outputs, resources, subnets: plan.subnets as Array<{zone: string; cidr: string}>}
  }

  async function settle(): Promise<void> {
    await ready
    await settings.waitForRPCs()
  }

  return {GovTenant, newTenant, registered, build, settle}
}
