import {CommandError, LocalWorkspace, OutputMap, Stack} from '@pulumi/pulumi/automation'
import path from 'node:path'

import {tenantProgram} from '../../stacks/tenant'
import {Target} from '../domain/preflight'
import {planTenant, TenantPlan} from '../domain/tenant-plan'
import {TenantStatus} from '../domain/tenants'
import {Inventory, nowIso} from '../inventory/db'
import {Operation} from '../domain/provisioning'
import {ProvisioningRecord, ProvisioningRepository} from '../inventory/provisioning'
import {TenantRepository} from '../inventory/tenants'
import * as msg from '../messages/provision'
import {planInput} from './context'
import {firstLine, locateEngine} from './engine'
import {ensureState, passphraseEnv, PROJECT_NAME, provisionPaths, tenantWorkspace, writePolicyConfig} from './workspace'

export interface ProvisionRequest {
  tenantId: string
  operation: Operation
  target: Target
  /** Receives the engine's output as it streams. */
  onOutput?: (text: string) => void
}

export interface ProvisionResult {
  tenant: string
  operation: Operation
  target: Target
  stack: string
  /** The tenant's status after the operation. */
  status: TenantStatus
  /** Resources by change kind (create, update, delete, same …). */
  changes: Record<string, number>
  /** Stack outputs (secrets masked). */
  outputs: Record<string, unknown>
  at: string
}

/** destroy and refresh work on the state alone: the engine never asks them for the program. */
const programNotRun = (operation: Operation) => (): Promise<never> =>
  Promise.reject(new Error(`tenant ${operation} does not run the tenant program`))

/** The tenant's status after a successful operation (unchanged when undefined). */
const STATUS_AFTER: Partial<Record<Operation, TenantStatus>> = {up: 'active', destroy: 'decommissioned'}
/** Operations that run the program (and so the pre-flight and the policy pack). */
const RUNS_PROGRAM: readonly Operation[] = ['preview', 'up']
/** Operations that change resources: the tenant is `provisioning` while they run and `failed` when they fail. */
const CHANGES_RESOURCES: readonly Operation[] = ['up', 'destroy']

/**
 * Drive one tenant's stack through the Automation API: pre-flight first (nothing is created when
 * it fails), then the engine, one stack per tenant on the local file backend next to the inventory.
 * The outcome — status, outputs, time, and the reason on failure — is written back to the inventory.
 */
export async function provisionTenant(
  inventory: Inventory,
  request: ProvisionRequest,
  env: NodeJS.ProcessEnv = process.env,
): Promise<ProvisionResult> {
  const tenants = new TenantRepository(inventory)
  const tenant = tenants.require(request.tenantId)
  const input = planInput(inventory, tenant, request.target)
  // The one pre-flight of the operation: the program is built from its plan and never re-plans.
  const plan: TenantPlan | undefined = RUNS_PROGRAM.includes(request.operation) ? planTenant(input) : undefined
  const program =
    plan && input.region
      ? tenantProgram({
          tenant,
          region: input.region,
          plan,
          target: request.target,
          inventoryPath: path.resolve(inventory.path),
          actor: inventory.actor,
        })
      : programNotRun(request.operation)
  const engine = await locateEngine(env)
  const paths = provisionPaths(inventory.path)
  ensureState(paths)
  const envVars = {
    ...passphraseEnv(paths, env),
    PATH: `${engine.bin}${path.delimiter}${env.PATH ?? ''}`,
    PULUMI_SKIP_UPDATE_CHECK: 'true',
    PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: 'true',
  }
  const stack = await LocalWorkspace.createOrSelectStack(
    {stackName: tenant.id, projectName: PROJECT_NAME, program},
    {
      workDir: tenantWorkspace(paths, tenant.id),
      pulumiCommand: engine.command,
      envVars,
      projectSettings: {name: PROJECT_NAME, runtime: 'nodejs', backend: {url: paths.backendUrl}},
    },
  ).catch((error: unknown) => {
    // The stack could not be opened (state or passphrase): nothing ran, so the tenant is left as it was.
    throw msg.operationFailed(request.operation, tenant.id, failureReason(error))
  })
  const policy = {
    policyPacks: [paths.policyPack],
    policyPackConfigs: [
      writePolicyConfig(paths, tenant.id, {
        'extranet-only-ingress': {extranetRanges: input.region?.extranetRanges ?? []},
      }),
    ],
  }
  const provisioning = new ProvisioningRepository(inventory)
  const record = (outcome: ProvisioningRecord['outcome'], reason: string | null, outputs: Record<string, unknown>) =>
    provisioning.record({
      tenantId: tenant.id,
      target: request.target,
      stack: tenant.id,
      lastOperation: request.operation,
      lastOperationAt: nowIso(),
      outcome,
      reason,
      outputs,
    })

  const changesResources = CHANGES_RESOURCES.includes(request.operation)
  if (changesResources) tenants.setStatus(tenant.id, 'provisioning')
  let changes: Record<string, number>
  try {
    changes = await run(stack, request, policy)
  } catch (error) {
    const reason = failureReason(error)
    record('failed', reason, provisioning.get(tenant.id)?.outputs ?? {})
    if (changesResources) tenants.setStatus(tenant.id, 'failed')
    throw msg.operationFailed(request.operation, tenant.id, reason)
  }
  const outputs = request.operation === 'destroy' ? {} : plainOutputs(await stack.outputs())
  const stored = record('succeeded', null, outputs)
  const after = STATUS_AFTER[request.operation]
  const status = after ? tenants.setStatus(tenant.id, after).status : tenants.require(tenant.id).status
  return {
    tenant: tenant.id,
    operation: request.operation,
    target: request.target,
    stack: tenant.id,
    status,
    changes,
    outputs,
    at: stored.lastOperationAt,
  }
}

async function run(
  stack: Stack,
  request: ProvisionRequest,
  policy: {policyPacks: string[]; policyPackConfigs: string[]},
): Promise<Record<string, number>> {
  const common = {onOutput: request.onOutput, color: 'never' as const}
  switch (request.operation) {
    case 'preview':
      return {...(await stack.preview({...common, ...policy})).changeSummary}
    case 'up':
      // The Automation API's up skips the preview: a mandatory resource policy then stops only the
      // resource it is about, after the others were created, and stack policies run last. A preview
      // checks every policy first, so a refused stack creates nothing.
      await stack.preview({...common, ...policy})
      return {...(await stack.up({...common, ...policy})).summary.resourceChanges}
    case 'destroy':
      return {...(await stack.destroy(common)).summary.resourceChanges}
    case 'refresh':
      // An interrupted up leaves pending creates; dropping them is safe because the inventory
      // providers' create adopts what the interrupted run already wrote, so the next up repairs.
      return {...(await stack.refresh({...common, clearPendingCreates: true})).summary.resourceChanges}
  }
}

function plainOutputs(outputs: OutputMap): Record<string, unknown> {
  return Object.fromEntries(Object.entries(outputs).map(([key, o]) => [key, o.secret ? '[secret]' : o.value]))
}

/**
 * The engine's output kept by a CommandError. @pulumi/pulumi declares the field private, so it is read
 * by name and checked.
 */
function commandResultOf(error: CommandError): {stdout: string; stderr: string} {
  const result: unknown = Reflect.get(error, 'commandResult')
  const text = (key: string) => {
    const value: unknown = typeof result === 'object' && result !== null ? Reflect.get(result, key) : undefined
    return typeof value === 'string' ? value : ''
  }
  return {stdout: text('stdout'), stderr: text('stderr')}
}

/**
 * Why an engine run failed, on one line: each mandatory policy violation as
 * "<policy> (<resource>): <message>", then the engine's own error lines.
 */
export function failureReason(error: unknown): string {
  if (!(error instanceof CommandError)) return firstLine(error instanceof Error ? error.message : String(error))
  const result = commandResultOf(error)
  const text = `${result.stdout}\n${result.stderr}`
  const errors = text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => /^error:/i.test(line))
    .map((line) => line.replace(/^error:\s*/i, ''))
  const reasons = [...new Set([...policyViolations(text), ...errors])]
  const reason = reasons.length > 0 ? reasons.join('; ') : firstLine(result.stderr) || firstLine(error.message)
  return reason.length > 1000 ? `${reason.slice(0, 997)}...` : reason
}

/**
 * The engine prints a violation as "- [mandatory]  <policy>  (<type>: <resource>)" followed by
 * the policy's description and then the reported message, each indented further.
 */
function policyViolations(text: string): string[] {
  const lines = text.split('\n')
  const violations: string[] = []
  lines.forEach((line, i) => {
    const item = /^(\s*)- \[mandatory\]\s+(\S+)(?:\s+\((?:[^()]*: )?([^():]*)\))?/.exec(line)
    if (!item) return
    const block: string[] = []
    for (let j = i + 1; j < lines.length; j++) {
      const next = lines[j]!
      const indent = next.length - next.trimStart().length
      if (next.trim() === '' || indent <= item[1]!.length) break
      block.push(next.trim())
    }
    violations.push(`${item[2]}${item[3] ? ` (${item[3]})` : ''}: ${block.at(-1) ?? ''}`)
  })
  return violations
}
