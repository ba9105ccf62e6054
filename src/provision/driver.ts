import {
  CommandError,
  ConcurrentUpdateError,
  LocalWorkspace,
  OutputMap,
  PulumiCommand,
  Stack,
} from '@pulumi/pulumi/automation'
import {existsSync} from 'node:fs'
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
import {isStateTableRace, resolveBackend, scrubBackend, StateBackend} from './backend'
import {planInput} from './context'
import {Engine, firstLine, locateEngine, ownProcessGroup} from './engine'
import {stackInputHash} from './inputs'
import {
  ensureState,
  passphraseEnv,
  PROJECT_NAME,
  ProvisionPaths,
  provisionPaths,
  tenantWorkspace,
  writePolicyConfig,
} from './workspace'

export interface ProvisionRequest {
  tenantId: string
  operation: Operation
  target: Target
  /** Receives the engine's output as it streams. */
  onOutput?: (text: string) => void
  /** The state backend URL (`--backend`); GOVNET_PULUMI_BACKEND, then the file backend next to the inventory, when absent. */
  backend?: string
  /** up: run the engine even when the stack is up to date (see src/provision/inputs.ts). */
  force?: boolean
  /** Aborting it interrupts the running engine as Ctrl-C interrupts `pulumi up` (in-flight resource operations finish, then it stops). */
  signal?: AbortSignal
  /** Run the Pulumi CLI in a session of its own, so that a Ctrl-C on the terminal reaches govnet only (batches). */
  ownProcessGroup?: boolean
  /** Called once the stack is opened and the engine about to run (not for an up that is up to date). */
  onEngineStart?: () => void
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
  /** Stack outputs (secrets masked); after an up, `inputHash` is the hash of the stack's inputs (src/provision/inputs.ts). */
  outputs: Record<string, unknown>
  at: string
  /** The state backend, its password masked. */
  backend: string
  /** up only: true when the stack was up to date and the engine was not run (changes are then empty). */
  upToDate: boolean
}

/** destroy and refresh work on the state alone: the engine never asks them for the program. */
const programNotRun = (operation: string) => (): Promise<never> =>
  Promise.reject(new Error(`tenant ${operation} does not run the tenant program`))

/** The tenant's status after a successful operation (unchanged when undefined). */
const STATUS_AFTER: Partial<Record<Operation, TenantStatus>> = {up: 'active', destroy: 'decommissioned'}
/** Operations that run the program (and so the pre-flight and the policy pack). */
const RUNS_PROGRAM: readonly Operation[] = ['preview', 'up']
/** Operations that change resources: the tenant is `provisioning` while they run and `failed` when they fail. */
const CHANGES_RESOURCES: readonly Operation[] = ['up', 'destroy']

/**
 * Drive one tenant's stack through the Automation API: pre-flight first (nothing is created when
 * it fails), then the engine, one stack per tenant in the state backend (the file backend next to
 * the inventory, or a shared one: src/provision/backend.ts). An up whose inputs did not change since
 * its last successful up does not start the engine (src/provision/inputs.ts).
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
  const paths = provisionPaths(inventory.path)
  const backend = resolveBackend(paths, request.backend, env)
  const provisioning = new ProvisioningRepository(inventory)
  const inputHash =
    plan && input.region
      ? stackInputHash({
          tenant,
          region: input.region,
          plan,
          target: request.target,
          inventoryPath: path.resolve(inventory.path),
          backend: backend.shown,
        })
      : undefined
  const result = (fields: Pick<ProvisionResult, 'status' | 'changes' | 'outputs' | 'at' | 'upToDate'>) => ({
    tenant: tenant.id,
    operation: request.operation,
    target: request.target,
    stack: tenant.id,
    backend: backend.shown,
    ...fields,
  })
  if (request.operation === 'up' && !request.force && inputHash) {
    const last = provisioning.get(tenant.id)
    if (isUpToDate(tenant.status, last, request.target, inputHash, paths, backend))
      return result({
        status: tenant.status,
        changes: {},
        outputs: last!.outputs,
        at: last!.lastOperationAt,
        upToDate: true,
      })
  }
  const program =
    plan && input.region
      ? withInputHash(
          tenantProgram({
            tenant,
            region: input.region,
            plan,
            target: request.target,
            inventoryPath: path.resolve(inventory.path),
            actor: inventory.actor,
          }),
          inputHash!,
        )
      : programNotRun(request.operation)
  const engine = await locateEngine(env)
  if (backend.local) ensureState(paths)
  const scrub = (text: string) => scrubBackend(text, backend)
  const onOutput = request.onOutput && ((text: string) => request.onOutput!(scrub(text)))
  const stack = await openStack(tenant.id, paths, backend, engine, {...request, program}, env).catch(
    (error: unknown) => {
      // The stack could not be opened (state or passphrase): nothing ran, so the tenant is left as it was.
      throw msg.operationFailed(request.operation, tenant.id, scrub(failureReason(error)))
    },
  )
  const policy = {
    policyPacks: [paths.policyPack],
    policyPackConfigs: [
      writePolicyConfig(paths, tenant.id, {
        'extranet-only-ingress': {extranetRanges: input.region?.extranetRanges ?? []},
      }),
    ],
  }
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

  // Another run that holds the stack already marked the tenant `provisioning`: then this one writes nothing
  // unless it gets the stack's lock.
  const statusBefore = tenants.require(tenant.id).status
  const marksProvisioning = CHANGES_RESOURCES.includes(request.operation) && statusBefore !== 'provisioning'
  if (marksProvisioning) tenants.setStatus(tenant.id, 'provisioning')
  let ran: {changes: Record<string, number>; outputs?: OutputMap}
  try {
    request.onEngineStart?.()
    ran = await run(stack, {...request, onOutput}, policy)
  } catch (error) {
    if (error instanceof ConcurrentUpdateError) {
      // The stack is locked by another run: it was never touched, and neither is the inventory.
      if (marksProvisioning) tenants.setStatus(tenant.id, statusBefore)
      throw msg.stackLocked(request.operation, tenant.id, scrub(lockHolder(error)))
    }
    // Interrupted (second Ctrl-C of a batch): the engine stopped after its in-flight operations; as
    // `pulumi cancel` does, drop any lock it left, so that the next run is not refused.
    const cancelled = request.signal?.aborted
      ? await stack.cancel().then(
          () => '',
          (e: unknown) => `; ${failureReason(e)}`,
        )
      : ''
    const reason = scrub(`${failureReason(error)}${cancelled}`)
    record('failed', reason, provisioning.get(tenant.id)?.outputs ?? {})
    if (CHANGES_RESOURCES.includes(request.operation)) tenants.setStatus(tenant.id, 'failed')
    throw msg.operationFailed(request.operation, tenant.id, reason)
  }
  const {changes} = ran
  // up returns the outputs it read after the update; the others read them (two more CLI runs).
  const outputs = request.operation === 'destroy' ? {} : plainOutputs(ran.outputs ?? (await stack.outputs()))
  const stored = record('succeeded', null, outputs)
  const after = STATUS_AFTER[request.operation]
  const status = after ? tenants.setStatus(tenant.id, after).status : tenants.require(tenant.id).status
  return result({status, changes, outputs, at: stored.lastOperationAt, upToDate: false})
}

/**
 * The stack is up to date when the tenant is active, its last operation was a successful up on the
 * same target whose input hash is this one, and (file backend) the stack's state file is there.
 */
function isUpToDate(
  status: TenantStatus,
  last: ProvisioningRecord | undefined,
  target: Target,
  inputHash: string,
  paths: ProvisionPaths,
  backend: StateBackend,
): boolean {
  if (status !== 'active' || !last) return false
  if (last.lastOperation !== 'up' || last.outcome !== 'succeeded' || last.target !== target) return false
  if (last.outputs.inputHash !== inputHash) return false
  return !backend.local || existsSync(stateFile(paths, last.stack))
}

/** The file backend's state of one stack (the DIY layout: .pulumi/stacks/<project>/<stack>.json). */
export function stateFile(paths: ProvisionPaths, stack: string): string {
  return path.join(paths.stateDir, '.pulumi', 'stacks', PROJECT_NAME, `${stack}.json`)
}

/** The tenant program, with the hash of its inputs as one more stack output. */
function withInputHash(program: () => Promise<Record<string, unknown>>, inputHash: string) {
  return async () => ({...(await program()), inputHash})
}

/**
 * Open (or create) the tenant's stack. The backend URL goes to the engine in its environment only:
 * a file backend is also written to the workspace's Pulumi.yaml, a shared one (which may hold a
 * password) never is.
 */
export async function openStack(
  stackName: string,
  paths: ProvisionPaths,
  backend: StateBackend,
  engine: Engine,
  options: {ownProcessGroup?: boolean; program?: () => Promise<Record<string, unknown>>; select?: boolean},
  env: NodeJS.ProcessEnv,
): Promise<Stack> {
  const envVars = {
    ...passphraseEnv(paths, env),
    PATH: `${engine.bin}${path.delimiter}${env.PATH ?? ''}`,
    PULUMI_SKIP_UPDATE_CHECK: 'true',
    PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: 'true',
    PULUMI_BACKEND_URL: backend.url,
  }
  const pulumiCommand: PulumiCommand = options.ownProcessGroup ? ownProcessGroup(engine) : engine.command
  const args = {stackName, projectName: PROJECT_NAME, program: options.program ?? programNotRun('show')}
  const workspace = {
    workDir: tenantWorkspace(paths, stackName),
    pulumiCommand,
    envVars,
    projectSettings: {
      name: PROJECT_NAME,
      runtime: 'nodejs' as const,
      ...(backend.local ? {backend: {url: backend.url}} : {}),
    },
  }
  const open = () =>
    options.select ? LocalWorkspace.selectStack(args, workspace) : LocalWorkspace.createOrSelectStack(args, workspace)
  for (let attempt = 1; ; attempt++) {
    try {
      return await open()
    } catch (error) {
      // Two runners opening a new PostgreSQL state database at once: the loser opens again.
      if (attempt >= STATE_TABLE_ATTEMPTS || !isStateTableRace(failureReason(error))) throw error
      await new Promise((resolve) => setTimeout(resolve, 200 * attempt))
    }
  }
}

/** Opens of a stack tried when the first ones lose the race to create a new state database's table. */
const STATE_TABLE_ATTEMPTS = 3

async function run(
  stack: Stack,
  request: ProvisionRequest,
  policy: {policyPacks: string[]; policyPackConfigs: string[]},
): Promise<{changes: Record<string, number>; outputs?: OutputMap}> {
  const common = {onOutput: request.onOutput, color: 'never' as const, signal: request.signal}
  switch (request.operation) {
    case 'preview':
      return {changes: {...(await stack.preview({...common, ...policy})).changeSummary}}
    case 'up': {
      // One engine run, no preview: the tenant's manifest (its plan) is registered first and every other
      // resource waits for it, so the policy pack refuses a non-compliant plan before anything is created
      // (stacks/tenant/index.ts, stacks/policy: tenant-plan and the resource policies).
      const result = await stack.up({...common, ...policy})
      return {changes: {...result.summary.resourceChanges}, outputs: result.outputs}
    }
    case 'destroy':
      return {changes: {...(await stack.destroy(common)).summary.resourceChanges}}
    case 'refresh':
      // An interrupted up leaves pending creates; dropping them is safe because the inventory
      // providers' create adopts what the interrupted run already wrote, so the next up repairs.
      return {changes: {...(await stack.refresh({...common, clearPendingCreates: true})).summary.resourceChanges}}
  }
}

/** Who holds a locked stack, from the engine's message: "user@host (pid N) at <time>". */
function lockHolder(error: CommandError): string {
  const {stdout, stderr} = commandResultOf(error)
  const holders = [...`${stdout}\n${stderr}`.matchAll(/created by (\S+) \(pid (\d+)\) at (\S+)/g)].map(
    ([, who, pid, at]) => `${who} (pid ${pid}) since ${at}`,
  )
  return holders.length > 0 ? holders.join(', ') : 'another run'
}

export function plainOutputs(outputs: OutputMap): Record<string, unknown> {
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
