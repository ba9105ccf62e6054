import {StackNotFoundError} from '@pulumi/pulumi/automation'

import {Tenant} from '../domain/tenants'
import type {Inventory} from '../inventory/db'
import {ProvisioningRecord, ProvisioningRepository} from '../inventory/provisioning'
import {TenantRepository} from '../inventory/tenants'
import * as msg from '../messages/provision'
import {BACKEND_ENV, resolveBackend, scrubBackend} from './backend'
import {failureReason, openStack, plainOutputs} from './driver'
import {locateEngine} from './engine'
import {provisionPaths} from './workspace'

/** A tenant record with its last provisioning operation (null before the first preview/up/destroy/refresh). */
export type TenantDetails = Tenant & {
  provisioning: ProvisioningRecord | null
  /** With a state backend named (`--backend` or GOVNET_PULUMI_BACKEND): the stack's outputs as that state holds them. */
  state?: {backend: string; outputs: Record<string, unknown>}
}

export function showTenant(inventory: Inventory, id: string): TenantDetails {
  const tenant = new TenantRepository(inventory).require(id)
  return {...tenant, provisioning: new ProvisioningRepository(inventory).get(id) ?? null}
}

/** Whether `tenant show` reads the state: only when a backend is named, so that a plain show needs no engine. */
export const namesBackend = (flag: string | undefined, env: NodeJS.ProcessEnv = process.env) =>
  flag !== undefined || Boolean(env[BACKEND_ENV])

/**
 * `tenant show --backend URL`: the record, and the outputs of the tenant's stack read from the shared
 * state (what another runner's up left there), secrets masked.
 */
export async function showTenantWithState(
  inventory: Inventory,
  id: string,
  backendFlag: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
): Promise<TenantDetails> {
  const details = showTenant(inventory, id)
  const paths = provisionPaths(inventory.path)
  const backend = resolveBackend(paths, backendFlag, env)
  const engine = await locateEngine(env)
  const stack = await openStack(id, paths, backend, engine, {select: true}, env).catch((error: unknown) => {
    if (error instanceof StackNotFoundError) throw msg.stackNotInBackend(id, backend.shown, 'no such stack')
    throw msg.stackNotInBackend(id, backend.shown, scrubBackend(failureReason(error), backend))
  })
  return {...details, state: {backend: backend.shown, outputs: plainOutputs(await stack.outputs())}}
}
