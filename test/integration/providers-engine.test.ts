/**
 * The inventory providers and the policy pack under the real Pulumi engine, through the same
 * workspace layout the driver uses: a stack whose rule set opens a management port to 0.0.0.0/0
 * fails `up` with the policy's message, and nothing reaches the inventory. Needs the Pulumi CLI
 * (scripts/pulumi-engine.sh); fails rather than skips under CI when it is missing.
 */
import path from 'node:path'
import {afterEach, beforeEach, describe, expect, it} from 'vitest'

import {AllocationRepository} from '../../src/inventory/allocations'
import {Inventory} from '../../src/inventory/db'
import {RegionRepository} from '../../src/inventory/regions'
import {TenantRepository} from '../../src/inventory/tenants'
import * as msg from '../../src/messages/provision'
import {findEngineBin} from '../../src/provision/engine'
import {tempDir} from '../helpers/cli'
import {snapshot} from '../helpers/db'
import {baselineControls, regionFixture, requireDist, tenantFixture} from '../helpers/provision'

const engine = findEngineBin()

let dir: string
let cleanup: () => void
let dbPath: string

beforeEach(() => {
  ;({dir, cleanup} = tempDir())
  dbPath = path.join(dir, 'govnet.db')
  const inventory = Inventory.open(dbPath, {create: true, actor: 'test'})
  try {
    new RegionRepository(inventory).add({
      id: 'gz-1',
      name: '广州一区',
      pools: '10.20.0.0/22',
      extranet_ranges: '59.255.0.0/16',
      vcpu: 100,
      ram_gib: 400,
      storage_gib: 10_000,
      max_level: 4,
    })
    new TenantRepository(inventory).add({
      id: 'alpha',
      name: 'alpha',
      department: '市数据局',
      uscc: '91430111MA4L41YT1U',
      region: 'gz-1',
      level: 2,
      exposure: 'extranet',
      vcpu: 8,
      ram_gib: 32,
      storage_gib: 200,
    })
  } finally {
    inventory.close()
  }
})
afterEach(() => cleanup())

describe.runIf(engine !== undefined || process.env.CI)('under the real engine', () => {
  it(
    'the policy pack stops a stack that opens a management port to 0.0.0.0/0, before anything is written',
    {timeout: 300_000},
    async () => {
      if (!engine) expect.fail('no Pulumi CLI: run scripts/pulumi-engine.sh (CI must build or reuse it)')
      const {LocalWorkspace, PulumiCommand} = requireDist('@pulumi/pulumi/automation')
      const {RuleSetRecord} = requireDist('./stacks/tenant/local/providers')
      const {planTenant} = requireDist('./src/domain/tenant-plan')
      const workspace = requireDist('./src/provision/workspace')
      const paths = workspace.provisionPaths(dbPath)
      workspace.ensureState(paths)

      const plan = planTenant({
        tenant: tenantFixture(2, {id: 'alpha'}),
        region: regionFixture(),
        controls: baselineControls(),
        target: 'local',
      })
      const open = {
        id: 'service-in-any-22',
        zone: 'service',
        direction: 'ingress',
        protocol: 'tcp',
        ports: {from: 22, to: 22},
        peer: {cidr: '0.0.0.0/0'},
        purpose: 'service',
      }
      const program = async () => {
        new RuleSetRecord('alpha-rules', {
          inventoryPath: dbPath,
          actor: 'test',
          tenantId: 'alpha',
          mlpsLevel: 2,
          defaultAction: 'deny',
          rules: [...plan.ruleSet.rules, open],
          controls: plan.controls,
          zoneSubnets: [],
        })
      }
      const stack = await LocalWorkspace.createOrSelectStack(
        {stackName: 'alpha', projectName: workspace.PROJECT_NAME, program},
        {
          workDir: workspace.tenantWorkspace(paths, 'alpha'),
          pulumiCommand: await PulumiCommand.get({root: path.dirname(engine)}),
          envVars: {
            ...workspace.passphraseEnv(paths, {}),
            PATH: `${engine}:${process.env.PATH}`,
            PULUMI_HOME: path.join(dir, 'pulumi-home'),
            PULUMI_SKIP_UPDATE_CHECK: 'true',
            PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: 'true',
          },
          projectSettings: {name: workspace.PROJECT_NAME, runtime: 'nodejs', backend: {url: paths.backendUrl}},
        },
      )
      const before = snapshot(dbPath)
      const failure = await stack.up({policyPacks: [paths.policyPack], color: 'never'}).then(
        () => expect.fail('up succeeded despite the policy violation'),
        (error: {commandResult?: {stdout: string; stderr: string}}) =>
          `${error.commandResult?.stdout}\n${error.commandResult?.stderr}`,
      )
      expect(failure).toContain('no-open-management-ports')
      expect(failure).toContain(msg.policyManagementPortOpen([22], '0.0.0.0/0'))
      expect(snapshot(dbPath)).toBe(before)
      const inventory = Inventory.open(dbPath, {readonly: true})
      try {
        expect(new AllocationRepository(inventory).ruleSetOf('alpha')).toBeUndefined()
      } finally {
        inventory.close()
      }
    },
  )
})
