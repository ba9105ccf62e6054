/**
 * The policy pack: each policy is called with resources built by the real stack (under mocks) —
 * the happy path passes for every level × target — then one property is changed per case and the
 * exact violation text from the catalog is expected.
 */
import {beforeAll, describe, expect, it} from 'vitest'

import {BaselineControl} from '../../src/domain/mlps'
import * as msg from '../../src/messages/provision'
import {
  baselineControls,
  mockedPulumi,
  RegisteredResource,
  regionFixture,
  requireDist,
  tenantFixture,
} from '../helpers/provision'

const policies = requireDist('./stacks/policy/policies')
const {build} = mockedPulumi()
const region = regionFixture()
let controls: BaselineControl[]

interface Resource {
  type: string
  name: string
  urn: string
  props: Record<string, any>
}

const asPolicyResources = (registered: RegisteredResource[]): Resource[] =>
  registered.map((r) => ({type: r.type, name: r.name, urn: r.urn, props: structuredClone(r.inputs)}))

const stacks = new Map<string, Resource[]>()

/** Resources of a freshly built stack (a deep copy, so a case may change them). */
async function stack(level: number, target: 'local' | 'openstack'): Promise<Resource[]> {
  const key = `${level}-${target}`
  if (!stacks.has(key)) {
    const {resources} = await build(tenantFixture(level, {id: `p-l${level}-${target}`}), target, region, controls)
    stacks.set(key, asPolicyResources(resources))
  }
  return structuredClone(stacks.get(key)!)
}

/** Every violation the policy reports for these resources (resource policies once per resource). */
function violations(policy: any, resources: Resource[], config: Record<string, unknown> = {}): string[] {
  const reported: string[] = []
  const report = (message: string) => reported.push(message)
  const defaults = Object.fromEntries(
    Object.entries(policy.configSchema?.properties ?? {}).map(([k, v]: [string, any]) => [k, v.default]),
  )
  const getConfig = () => ({...defaults, ...config})
  const notApplicable = () => {
    throw new Error('not applicable')
  }
  if (policy.validateStack) policy.validateStack({resources, getConfig, stackTags: new Map(), notApplicable}, report)
  else for (const r of resources) policy.validateResource({...r, opts: {}, getConfig, notApplicable}, report)
  return reported
}

const ofType = (resources: Resource[], suffix: string) => resources.filter((r) => r.type.endsWith(suffix))
const ruleSetOf = (resources: Resource[]) => ofType(resources, ':RuleSetRecord')[0]!.props
const projectOf = (resources: Resource[]) => ofType(resources, 'identity/project:Project')[0]!.props
const setTag = (props: Record<string, any>, key: string, value: string) => {
  props.tags = [...props.tags.filter((t: string) => !t.startsWith(`${key}=`)), `${key}=${value}`]
}

beforeAll(() => {
  controls = baselineControls()
})

describe('the stack as built passes every policy', () => {
  it.each([1, 2, 3, 4].flatMap((level) => ['local', 'openstack'].map((target) => [level, target] as const)))(
    'level %i on %s',
    async (level, target) => {
      const resources = await stack(level, target)
      for (const policy of policies.POLICIES) {
        expect({
          policy: policy.name,
          violations: violations(policy, resources, {extranetRanges: region.extranetRanges}),
        }).toEqual({policy: policy.name, violations: []})
      }
    },
  )

  it('every policy is mandatory, kebab-case and described', () => {
    expect(policies.POLICIES.map((p: any) => p.name)).toEqual([
      'tenant-plan',
      'no-open-management-ports',
      'log-retention',
      'platform-rating',
      'required-zones',
      'encrypted-storage',
      'extranet-only-ingress',
    ])
    for (const policy of policies.POLICIES) {
      expect(policy.enforcementLevel).toBe('mandatory')
      expect(policy.name).toMatch(/^[a-z]+(-[a-z]+)*$/)
      expect(policy.description.length).toBeGreaterThan(20)
    }
  })
})

describe('no-open-management-ports', () => {
  it('local: a management port opened to 0.0.0.0/0', async () => {
    const resources = await stack(2, 'local')
    ruleSetOf(resources).rules.push({
      id: 'x',
      zone: 'service',
      direction: 'ingress',
      protocol: 'tcp',
      ports: {from: 22, to: 22},
      peer: {cidr: '0.0.0.0/0'},
      purpose: 'service',
    })
    expect(violations(policies.noOpenManagementPorts, resources)).toEqual([
      msg.policyManagementPortOpen([22], '0.0.0.0/0'),
    ])
  })

  it('local: a management port opened from a zone other than management', async () => {
    const resources = await stack(3, 'local')
    ruleSetOf(resources).rules.push({
      id: 'x',
      zone: 'data',
      direction: 'ingress',
      protocol: 'tcp',
      ports: {from: 3389, to: 3389},
      peer: {zone: 'app'},
      purpose: 'service',
    })
    expect(violations(policies.noOpenManagementPorts, resources)).toEqual([
      msg.policyManagementPortOpen([3389], 'zone app'),
    ])
  })

  it('openstack: a security group rule opening RDP to ::/0, and one opening every TCP port to an extranet range', async () => {
    const resources = await stack(3, 'openstack')
    const rule = ofType(resources, 'secGroupRule:SecGroupRule')[0]!
    const byHand = {
      ...rule.props,
      description: 'opened by hand',
      direction: 'ingress',
      protocol: 'tcp',
      remoteGroupId: undefined,
    }
    resources.push({
      ...rule,
      name: 'rdp',
      props: {...byHand, remoteIpPrefix: '::/0', ethertype: 'IPv6', portRangeMin: 3389, portRangeMax: 3389},
    })
    resources.push({
      ...rule,
      name: 'all',
      props: {...byHand, remoteIpPrefix: '10.100.0.0/16', portRangeMin: 1, portRangeMax: 65535},
    })
    expect(violations(policies.noOpenManagementPorts, resources)).toEqual([
      msg.policyManagementPortOpen([3389], '::/0'),
      msg.policyManagementPortOpen([22, 23, 161, 2375, 3389, 5900, 5985, 5986, 6443], '10.100.0.0/16'),
    ])
  })
})

describe('log-retention', () => {
  it('local: logs kept 90 days', async () => {
    const resources = await stack(2, 'local')
    ruleSetOf(resources).controls.logRetentionDays = 90
    expect(violations(policies.logRetention, resources)).toEqual([msg.policyLogRetention(90, 184)])
  })

  it('openstack: the project records 30 days', async () => {
    const resources = await stack(4, 'openstack')
    setTag(projectOf(resources), 'log-retention-days', '30')
    expect(violations(policies.logRetention, resources)).toEqual([msg.policyLogRetention(30, 184)])
  })
})

describe('platform-rating', () => {
  it('local: a level 3 tenant recorded in a region rated 2', async () => {
    const resources = await stack(3, 'local')
    ruleSetOf(resources).controls.regionRating = 2
    expect(violations(policies.platformRating, resources)).toEqual([msg.policyAboveRating(3, 2)])
  })

  it('openstack: a level 4 project tagged with a region rated 3', async () => {
    const resources = await stack(4, 'openstack')
    setTag(projectOf(resources), 'region-rating', '3')
    expect(violations(policies.platformRating, resources)).toEqual([msg.policyAboveRating(4, 3)])
  })
})

describe('required-zones', () => {
  it('local: a level 3 tenant without its data zone', async () => {
    const resources = (await stack(3, 'local')).filter(
      (r) => !(r.type.endsWith(':ZoneSubnet') && r.props.zone === 'data'),
    )
    expect(violations(policies.requiredZones, resources)).toEqual([msg.policyMissingZones(3, ['data'])])
  })

  it('openstack: a level 1 project without its management subnet', async () => {
    const resources = (await stack(1, 'openstack')).filter(
      (r) => !(r.type.endsWith('subnet:Subnet') && r.props.tags.includes('zone=management')),
    )
    expect(violations(policies.requiredZones, resources)).toEqual([msg.policyMissingZones(1, ['management'])])
  })
})

describe('encrypted-storage', () => {
  it('local: a level 3 rule set that does not record encrypted volumes', async () => {
    const resources = await stack(3, 'local')
    ruleSetOf(resources).controls.encryptedVolumes = false
    expect(violations(policies.encryptedStorage, resources)).toEqual([
      msg.policyUnencryptedStorage(3, msg.STORAGE_GAPS.recordedEncryption('SM4')),
    ])
  })

  it('openstack: level 4 without the encrypted volume type', async () => {
    const resources = (await stack(4, 'openstack')).filter((r) => !r.type.endsWith('volumeTypeV3:VolumeTypeV3'))
    expect(violations(policies.encryptedStorage, resources)).toEqual([
      msg.policyUnencryptedStorage(4, msg.STORAGE_GAPS.volumeType),
    ])
  })

  it('openstack: level 3 without the tenant-held key', async () => {
    const resources = (await stack(3, 'openstack')).filter((r) => !r.type.endsWith('orderV1:OrderV1'))
    expect(violations(policies.encryptedStorage, resources)).toEqual([
      msg.policyUnencryptedStorage(3, msg.STORAGE_GAPS.key),
    ])
  })
})

describe('extranet-only-ingress', () => {
  it('local: a level 3 web zone open to 0.0.0.0/0; the same rule at level 2 is allowed', async () => {
    const open = {
      id: 'x',
      zone: 'web',
      direction: 'ingress',
      protocol: 'tcp',
      ports: {from: 443, to: 443},
      peer: {cidr: '0.0.0.0/0'},
      purpose: 'service',
    }
    const level3 = await stack(3, 'local')
    ruleSetOf(level3).rules.push(open)
    expect(violations(policies.extranetOnlyIngress, level3)).toEqual([msg.policyIngressOutsideExtranet(3, '0.0.0.0/0')])
    const level2 = await stack(2, 'local')
    ruleSetOf(level2).rules.push({...open, zone: 'service'})
    expect(violations(policies.extranetOnlyIngress, level2)).toEqual([])
  })

  it('openstack: level 3 ingress from outside the configured extranet ranges', async () => {
    const resources = await stack(3, 'openstack')
    const rule = ofType(resources, 'secGroupRule:SecGroupRule').find(
      (r) => r.props.direction === 'ingress' && r.props.remoteIpPrefix,
    )!
    rule.props.remoteIpPrefix = '8.8.8.0/24'
    expect(violations(policies.extranetOnlyIngress, resources, {extranetRanges: region.extranetRanges})).toEqual([
      msg.policyIngressOutsideExtranet(3, '8.8.8.0/24'),
    ])
  })

  it('openstack: without configured ranges every level 3 ingress from an address range violates', async () => {
    const resources = await stack(3, 'openstack')
    const sources = ofType(resources, 'secGroupRule:SecGroupRule')
      .filter((r) => r.props.direction === 'ingress' && r.props.remoteIpPrefix)
      .map((r) => r.props.remoteIpPrefix)
    expect(sources.length).toBeGreaterThan(0)
    expect(violations(policies.extranetOnlyIngress, resources)).toEqual(
      sources.map((s) => msg.policyIngressOutsideExtranet(3, s)),
    )
  })
})

/**
 * The manifest (the plan, registered before anything else of the stack): every policy that can judge a
 * plan refuses it there, so that `tenant up` needs no preview for a refused tenant to create nothing.
 */
describe('tenant-plan and the resource policies on the manifest', () => {
  const {planTenant} = requireDist('./src/domain/tenant-plan')
  const {manifestOf} = requireDist('./stacks/tenant')

  function manifest(level: number): Resource {
    const tenant = tenantFixture(level, {id: `m-l${level}`})
    const plan = planTenant({tenant, region, controls, target: 'local'})
    const props = structuredClone(
      manifestOf({tenant, region, plan, target: 'local', inventoryPath: '/nonexistent/govnet.db'}),
    )
    const type = policies.TENANT_MANIFEST_TYPE
    return {type, name: `m-l${level}-manifest`, urn: `urn:pulumi:test::govnet::${type}::m`, props}
  }

  it.each([1, 2, 3, 4])('the plan of level %i passes every policy', (level) => {
    for (const policy of policies.POLICIES.filter((p: any) => p.validateResource))
      expect({policy: policy.name, violations: violations(policy, [manifest(level)])}).toEqual({
        policy: policy.name,
        violations: [],
      })
  })

  it('a level 3 plan without its data zone, unencrypted, open to 0.0.0.0/0', () => {
    const m = manifest(3)
    m.props.zones = m.props.zones.filter((z: any) => z.zone !== 'data')
    m.props.controls.encryptedVolumes = false
    m.props.rules.push({
      id: 'x',
      zone: 'web',
      direction: 'ingress',
      protocol: 'tcp',
      ports: {from: 443, to: 443},
      peer: {cidr: '0.0.0.0/0'},
      purpose: 'service',
    })
    expect(violations(policies.plannedTenant, [m])).toEqual([
      msg.policyMissingZones(3, ['data']),
      msg.policyUnencryptedStorage(3, msg.STORAGE_GAPS.recordedEncryption('SM4')),
      msg.policyIngressOutsideExtranet(3, '0.0.0.0/0'),
    ])
  })

  it('log retention, rating and management ports are judged on the plan too', () => {
    const m = manifest(2)
    m.props.controls.logRetentionDays = 90
    m.props.controls.regionRating = 1
    m.props.rules.push({
      id: 'x',
      zone: 'service',
      direction: 'ingress',
      protocol: 'tcp',
      ports: {from: 22, to: 22},
      peer: {cidr: '0.0.0.0/0'},
      purpose: 'service',
    })
    expect(violations(policies.logRetention, [m])).toEqual([msg.policyLogRetention(90, 184)])
    expect(violations(policies.platformRating, [m])).toEqual([msg.policyAboveRating(2, 1)])
    expect(violations(policies.noOpenManagementPorts, [m])).toEqual([msg.policyManagementPortOpen([22], '0.0.0.0/0')])
  })
})
