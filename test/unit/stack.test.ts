/**
 * The tenant stack built with pulumi.runtime.setMocks, for every level × target: which resources
 * and with which properties (zones, rules, quotas, keys). Pulumi's runtime state is per process;
 * vitest runs each test file in its own fork, and every test here builds a tenant of its own name.
 */
import {beforeAll, describe, expect, it} from 'vitest'

import {BaselineControl} from '../../src/domain/mlps'
import {stackBaseline, StackBaseline} from '../../src/domain/stack-baseline'
import {withinRanges} from '../../src/domain/rules'
import * as tenantMsg from '../../src/messages/tenants'
import * as msg from '../../src/messages/provision'
import {baselineControls, mockedPulumi, regionFixture, tenantFixture, TenantFixture} from '../helpers/provision'

const {newTenant, registered, build: buildStack, settle} = mockedPulumi()
let controls: BaselineControl[]

beforeAll(() => {
  controls = baselineControls()
})

async function build(tenant: TenantFixture, target: 'local' | 'openstack', region = regionFixture()) {
  const {outputs, resources, subnets} = await buildStack(tenant, target, region, controls)
  const ofType = (suffix: string) => resources.filter((r) => r.type.endsWith(suffix))
  return {outputs, mine: resources, ofType, subnets}
}

function levelBaseline(level: number): StackBaseline {
  const read = stackBaseline(level, controls)
  if (!read.baseline) expect.fail(read.problems.join('; '))
  return read.baseline
}

const LEVELS = [1, 2, 3, 4] as const
const TARGETS = ['local', 'openstack'] as const

describe.each(LEVELS.flatMap((level) => TARGETS.map((target) => ({level, target}))))(
  'level $level on $target',
  ({level, target}) => {
    it('builds the zones, quota, rules and keys the baseline asks for', async () => {
      const tenant = tenantFixture(level, {id: `t-l${level}-${target}`})
      const baseline = levelBaseline(level)
      const {outputs, mine, ofType, subnets} = await build(tenant, target)

      expect(mine.find((r) => r.type === 'govnet:tenant:GovTenant')?.name).toBe(tenant.id)
      // Zones: one allocated subnet per zone of the level (service + management; web, app, data + management from 3).
      expect(
        ofType(':ZoneSubnet')
          .map((r) => r.inputs.zone)
          .sort(),
      ).toEqual([...baseline.zones].sort())
      expect(baseline.zones).toEqual(level <= 2 ? ['service', 'management'] : ['web', 'app', 'data', 'management'])
      expect(outputs.networks).toEqual(subnets)
      for (const s of ofType(':ZoneSubnet'))
        expect(s.inputs).toMatchObject({tenantId: tenant.id, regionId: 'gz-1', prefix: 24, within: null})

      // Quota reserved against the region.
      expect(ofType(':QuotaReservation')[0]!.inputs).toMatchObject({
        tenantId: tenant.id,
        regionId: 'gz-1',
        vcpu: 16,
        ramGib: 64,
        storageGib: 500,
      })
      expect(outputs.quota).toEqual({vcpu: 16, ramGib: 64, storageGib: 500})

      // Rules: default deny; management ports only from the management zone; from level 3 ingress only from extranet ranges.
      const ruleSet = ofType(':RuleSetRecord')[0]!.inputs
      expect(ruleSet.defaultAction).toBe('deny')
      expect(ruleSet.zoneSubnets).toEqual(subnets)
      expect(ruleSet.controls).toMatchObject({
        mlpsLevel: level,
        regionRating: 4,
        logRetentionDays: baseline.logRetentionDays,
        managementPorts: baseline.managementPorts,
        encryptedVolumes: level >= 3,
        tenantHeldKey: level >= 3,
        extranetOnlyIngress: level >= 3,
      })
      const management = ruleSet.rules.filter((r: any) => r.purpose === 'management')
      expect(management).toHaveLength(baseline.zones.length * baseline.managementPorts.length)
      for (const rule of management) expect(rule.peer).toEqual({zone: 'management'})
      for (const rule of ruleSet.rules.filter((r: any) => r.direction === 'ingress' && 'cidr' in r.peer)) {
        expect(baseline.managementPorts).not.toContain(rule.ports.from)
        if (level >= 3) expect(withinRanges(rule.peer.cidr, regionFixture().extranetRanges)).toBe(true)
      }
      expect(outputs.ruleSet).toEqual({
        level,
        defaultAction: 'deny',
        rules: ruleSet.rules.length,
        zones: baseline.zones,
      })

      if (target === 'local') {
        expect(mine.filter((r) => r.type.startsWith('openstack:'))).toEqual([])
        expect(outputs.keyOrderRef).toBeUndefined()
        return
      }
      const project = ofType('identity/project:Project')[0]!.inputs
      expect(project.tags).toEqual(
        expect.arrayContaining([
          `mlps-level=${level}`,
          `department=${tenant.departmentUscc}`,
          'region-rating=4',
          `log-retention-days=${baseline.logRetentionDays}`,
        ]),
      )
      expect(ofType('identity/roleAssignment:RoleAssignment')[0]!.inputs).toMatchObject({
        projectId: `${tenant.id}-id`,
        groupId: `${tenant.departmentUscc}-admins-id`,
        roleId: 'admin-id',
      })
      expect(ofType('compute/quotaSetV2:QuotaSetV2')[0]!.inputs).toMatchObject({cores: 16, ram: 64 * 1024})
      expect(ofType('blockstorage/quoteSetV3:QuoteSetV3')[0]!.inputs).toMatchObject({gigabytes: 500})
      expect(ofType('networking/quotaV2:QuotaV2')[0]!.inputs).toMatchObject({
        network: baseline.zones.length,
        subnet: baseline.zones.length,
        router: 1,
        floatingip: 0,
      })
      expect(
        ofType('networking/network:Network')
          .map((r) => r.inputs.name)
          .sort(),
      ).toEqual(baseline.zones.map((z) => `${tenant.id}-${z}`).sort())
      expect(
        ofType('networking/subnet:Subnet')
          .map((r) => `${r.inputs.name} ${r.inputs.cidr}`)
          .sort(),
      ).toEqual(subnets.map((s) => `${tenant.id}-${s.zone} ${s.cidr}`).sort())
      expect(ofType('networking/router:Router')[0]!.inputs.externalNetworkId).toBe('ext-net-extranet')
      expect(ofType('networking/routerInterface:RouterInterface')).toHaveLength(baseline.zones.length)
      expect(ofType('networking/secGroup:SecGroup').map((r) => r.inputs.deleteDefaultRules)).toEqual(
        baseline.zones.map(() => true),
      )
      const secRules = ofType('networking/secGroupRule:SecGroupRule').map((r) => r.inputs)
      expect(secRules).toHaveLength(ruleSet.rules.length)
      for (const rule of secRules.filter(
        (r) => r.direction === 'ingress' && baseline.managementPorts.includes(r.portRangeMin),
      )) {
        expect(rule.remoteIpPrefix).toBeUndefined()
        expect(rule.remoteGroupId).toBe(`${tenant.id}-management-id`)
      }
      for (const rule of secRules)
        expect(['0.0.0.0/0', '::/0']).not.toContain(
          rule.direction === 'ingress' && level >= 3 ? rule.remoteIpPrefix : undefined,
        )

      const orders = ofType('keymanager/orderV1:OrderV1')
      const volumeTypes = ofType('blockstorage/volumeTypeV3:VolumeTypeV3')
      if (level >= 3) {
        expect(orders[0]!.inputs).toMatchObject({type: 'key', meta: {algorithm: 'sm4', bitLength: 128, mode: 'xts'}})
        expect(volumeTypes[0]!.inputs).toMatchObject({
          isPublic: false,
          extraSpecs: {'govnet:encryption-provider': 'luks', 'govnet:encryption-cipher': 'sm4-xts-plain64'},
        })
        expect(ofType('blockstorage/volumeTypeAccessV3:VolumeTypeAccessV3')).toHaveLength(1)
        expect(outputs.keyOrderRef).toBe(`https://barbican.example/v1/orders/${tenant.id}-key`)
      } else {
        expect([orders, volumeTypes]).toEqual([[], []])
        expect(outputs.keyOrderRef).toBeUndefined()
      }
    })
  },
)

describe('a tenant that cannot be compliant is refused before anything is registered', () => {
  const attempt =
    (tenant: TenantFixture, region = regionFixture(), target: 'local' | 'openstack' = 'local') =>
    () =>
      newTenant(tenant, region, controls, target)

  const refusal = (tenant: string, problem: string) => msg.preflightFailed(tenant, [problem]).message

  it('a level the region cannot host', async () => {
    const tenant = tenantFixture(4, {id: 'refused-rating'})
    expect(attempt(tenant, regionFixture({maxMlpsLevel: 3}))).toThrow(
      refusal(tenant.id, `region-rating: ${msg.levelAboveRating(4, 'gz-1', 3)}`),
    )
    await settle()
    expect(registered.filter((r) => r.name.startsWith('refused-'))).toEqual([])
  })

  it('a pool with no room', () => {
    const tenant = tenantFixture(3, {id: 'refused-pool'})
    expect(attempt(tenant, regionFixture({pools: ['10.20.0.0/23']}))).toThrow(
      refusal(tenant.id, `networks: ${msg.poolExhausted('gz-1', 'data', 24, ['10.20.0.0/23'])}`),
    )
  })

  it('quota over capacity', () => {
    const tenant = tenantFixture(2, {id: 'refused-quota', quotaVcpu: 1001})
    expect(attempt(tenant)).toThrow(refusal(tenant.id, `quota: ${msg.quotaOverCapacity('gz-1', 'vCPU', 1001, 1000)}`))
  })

  it('a classified tenant', () => {
    const tenant = tenantFixture(3, {id: 'refused-classified', classified: true})
    expect(attempt(tenant)).toThrow(refusal(tenant.id, `hosted: ${tenantMsg.classifiedRefused()}`))
  })

  it('level 5', () => {
    const tenant = tenantFixture(5, {id: 'refused-level5'})
    expect(attempt(tenant)).toThrow(refusal(tenant.id, `hosted: ${tenantMsg.levelNotHosted(5)}`))
  })

  it('openstack without an external network for the router', () => {
    const tenant = tenantFixture(2, {id: 'refused-extnet'})
    expect(attempt(tenant, regionFixture({externalNetwork: null}), 'openstack')).toThrow(
      refusal(tenant.id, `external-network: ${msg.noExternalNetwork('gz-1')}`),
    )
  })

  it('nothing was registered for any refused tenant', async () => {
    await settle()
    expect(registered.filter((r) => r.name.startsWith('refused-'))).toEqual([])
  })
})
