/**
 * The `openstack` target, for OpenStack-based government clouds (@pulumi/openstack): a Keystone
 * project tagged with the level and the department, the department's admin group on it, compute /
 * network / block-storage quotas, one network and subnet per zone (addresses from the inventory's
 * allocations), a router to the extranet's external network, security groups rendered from the
 * baseline, and — when the baseline asks for it (level 3+) — a tenant-held key in Barbican and a
 * private encrypted volume type.
 */
import * as openstack from '@pulumi/openstack'
import * as pulumi from '@pulumi/pulumi'

import {describeRule, SecurityRule} from '../../../src/domain/rules'
import {ZoneName} from '../../../src/domain/zones'
import {TenantPlan} from '../../../src/domain/tenant-plan'
import {GovTenantArgs} from '../plan'

/** Keystone tags (no '/' or ',' allowed) that carry what the policy pack checks on a project. */
export const PROJECT_TAG = {
  level: 'mlps-level',
  department: 'department',
  regionRating: 'region-rating',
  logRetentionDays: 'log-retention-days',
  tenant: 'govnet-tenant',
} as const

export const tag = (key: string, value: string | number) => `${key}=${value}`

/** Read `key=value` tags back (the policy pack does). */
export function tagValue(tags: readonly string[] | undefined, key: string): string | undefined {
  const prefix = `${key}=`
  return tags?.find((t) => t.startsWith(prefix))?.slice(prefix.length)
}

/** Extra specs of the encrypted volume type (Cinder's encryption type is set by the cloud's operators from them). */
export const ENCRYPTION_SPEC = {
  provider: 'govnet:encryption-provider',
  cipher: 'govnet:encryption-cipher',
  keyOrder: 'govnet:encryption-key-order',
} as const

export interface OpenStackResources {
  project: openstack.identity.Project
  keyOrder?: openstack.keymanager.OrderV1
  volumeType?: openstack.blockstorage.VolumeTypeV3
}

export function buildOpenStackResources(
  parent: pulumi.Resource,
  name: string,
  args: GovTenantArgs,
  plan: TenantPlan,
  networks: pulumi.Output<Array<{zone: string; cidr: string}>>,
): OpenStackResources {
  const opts = {parent}
  const {tenant, region} = args
  const {baseline} = plan
  const project = new openstack.identity.Project(
    name,
    {
      name: tenant.id,
      description: `${tenant.name} — ${tenant.departmentName}`,
      enabled: true,
      tags: [
        tag(PROJECT_TAG.level, tenant.mlpsLevel),
        tag(PROJECT_TAG.department, tenant.departmentUscc),
        tag(PROJECT_TAG.regionRating, region.maxMlpsLevel),
        tag(PROJECT_TAG.logRetentionDays, baseline.logRetentionDays),
        tag(PROJECT_TAG.tenant, tenant.id),
      ],
    },
    opts,
  )
  const projectId = project.id

  const role = openstack.identity.getRoleOutput({name: args.openstack?.adminRole ?? 'admin'}, opts)
  const group = openstack.identity.getGroupOutput(
    {name: args.openstack?.adminGroup ?? `${tenant.departmentUscc}-admins`},
    opts,
  )
  new openstack.identity.RoleAssignment(`${name}-admins`, {projectId, groupId: group.id, roleId: role.id}, opts)

  new openstack.compute.QuotaSetV2(
    `${name}-compute`,
    {projectId, cores: tenant.quotaVcpu, ram: tenant.quotaRamGib * 1024},
    opts,
  )
  new openstack.blockstorage.QuoteSetV3(
    `${name}-storage`,
    {projectId, gigabytes: tenant.quotaStorageGib, backupGigabytes: tenant.quotaStorageGib},
    opts,
  )
  new openstack.networking.QuotaV2(
    `${name}-network`,
    {
      projectId,
      network: plan.zones.length,
      subnet: plan.zones.length,
      router: 1,
      // No floating IPs: traffic enters only through the router and the rendered rules.
      floatingip: 0,
      securityGroup: plan.zones.length + 1,
      securityGroupRule: plan.ruleSet.rules.length + plan.zones.length,
    },
    opts,
  )

  const router = new openstack.networking.Router(
    `${name}-router`,
    {
      name: `${tenant.id}-router`,
      tenantId: projectId,
      adminStateUp: true,
      externalNetworkId: region.externalNetwork ?? undefined,
      tags: [tag(PROJECT_TAG.tenant, tenant.id)],
    },
    opts,
  )
  for (const {zone} of plan.zones) {
    const zoneTags = [tag('zone', zone), tag(PROJECT_TAG.tenant, tenant.id)]
    const network = new openstack.networking.Network(
      `${name}-${zone}`,
      {
        name: `${tenant.id}-${zone}`,
        tenantId: projectId,
        adminStateUp: true,
        portSecurityEnabled: true,
        tags: zoneTags,
      },
      opts,
    )
    const subnet = new openstack.networking.Subnet(
      `${name}-${zone}`,
      {
        name: `${tenant.id}-${zone}`,
        networkId: network.id,
        tenantId: projectId,
        ipVersion: 4,
        cidr: networks.apply((all) => all.find((n) => n.zone === zone)!.cidr),
        tags: zoneTags,
      },
      opts,
    )
    new openstack.networking.RouterInterface(`${name}-${zone}`, {routerId: router.id, subnetId: subnet.id}, opts)
  }

  const groups = new Map<ZoneName, openstack.networking.SecGroup>()
  for (const {zone} of plan.zones) {
    groups.set(
      zone,
      new openstack.networking.SecGroup(
        `${name}-${zone}`,
        {
          name: `${tenant.id}-${zone}`,
          description: `${zone} zone of ${tenant.id}: default deny`,
          tenantId: projectId,
          deleteDefaultRules: true,
          tags: [tag('zone', zone)],
        },
        opts,
      ),
    )
  }
  for (const rule of plan.ruleSet.rules) {
    new openstack.networking.SecGroupRule(`${name}-${rule.id}`, secGroupRuleArgs(rule, groups, projectId), opts)
  }

  if (!baseline.encryptedVolumes && !baseline.tenantHeldKey) return {project}
  const keyOrder = baseline.tenantHeldKey
    ? new openstack.keymanager.OrderV1(
        `${name}-key`,
        {
          type: 'key',
          meta: {
            name: `${tenant.id}-volume-key`,
            algorithm: (baseline.encryptionAlgorithm ?? 'aes').toLowerCase(),
            bitLength: baseline.encryptionAlgorithm === 'SM4' ? 128 : 256,
            mode: 'xts',
          },
        },
        opts,
      )
    : undefined
  const volumeType = baseline.encryptedVolumes
    ? new openstack.blockstorage.VolumeTypeV3(
        `${name}-encrypted`,
        {
          name: `${tenant.id}-encrypted`,
          description: `volumes of ${tenant.id}, encrypted at rest`,
          isPublic: false,
          extraSpecs: {
            [ENCRYPTION_SPEC.provider]: 'luks',
            [ENCRYPTION_SPEC.cipher]: `${(baseline.encryptionAlgorithm ?? 'aes').toLowerCase()}-xts-plain64`,
            ...(keyOrder ? {[ENCRYPTION_SPEC.keyOrder]: keyOrder.orderRef} : {}),
          },
        },
        opts,
      )
    : undefined
  if (volumeType)
    new openstack.blockstorage.VolumeTypeAccessV3(`${name}-encrypted`, {projectId, volumeTypeId: volumeType.id}, opts)
  return {project, keyOrder, volumeType}
}

function secGroupRuleArgs(
  rule: SecurityRule,
  groups: Map<ZoneName, openstack.networking.SecGroup>,
  tenantId: pulumi.Output<string>,
): openstack.networking.SecGroupRuleArgs {
  const peerGroup = 'zone' in rule.peer ? groups.get(rule.peer.zone) : undefined
  return {
    description: describeRule(rule),
    direction: rule.direction,
    ethertype: 'IPv4',
    protocol: rule.protocol === 'any' ? undefined : rule.protocol,
    portRangeMin: rule.ports?.from,
    portRangeMax: rule.ports?.to,
    remoteIpPrefix: 'cidr' in rule.peer ? rule.peer.cidr : undefined,
    remoteGroupId: peerGroup?.id,
    securityGroupId: groups.get(rule.zone)!.id,
    tenantId,
  }
}
