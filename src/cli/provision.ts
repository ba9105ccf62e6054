import {Args, Flags} from '@oclif/core'

import {Target, TARGETS} from '../domain/preflight'
import {Operation} from '../domain/provisioning'
import {provisionTenant, ProvisionResult} from '../provision/driver'
import {actorFlag, GovnetCommand} from './base'
import {renderFields} from './table'

/** Arguments and flags shared by `tenant preview | up | destroy | refresh`. */
export const provisionArgs = {
  id: Args.string({description: 'tenant id', required: true}),
}

export const provisionFlags = {
  actor: actorFlag,
  target: Flags.string({
    description: 'where the tenant is built: local (the inventory only) or openstack',
    options: [...TARGETS],
    default: 'local',
  }),
}

export function renderProvisionResult(result: ProvisionResult): string {
  const changes = Object.entries(result.changes)
    .filter(([, n]) => n > 0)
    .map(([kind, n]) => `${kind} ${n}`)
    .join(', ')
  const networks = Array.isArray(result.outputs.networks)
    ? (result.outputs.networks as Array<{zone: string; cidr: string}>).map((n) => `${n.zone} ${n.cidr}`).join(', ')
    : null
  return renderFields([
    ['tenant', result.tenant],
    ['operation', `${result.operation} (${result.target})`],
    ['status', result.status],
    ['resources', changes || 'no changes'],
    ['networks', networks],
    ['at', result.at],
  ])
}

/**
 * `tenant preview | up | destroy | refresh`: parse, hand the operation to the driver, render.
 * Each command declares the shared `provisionArgs` and `provisionFlags` itself (oclif reads a
 * command's own statics). Engine output streams as it comes; with --json it goes to stderr so that stdout stays one JSON document.
 */
export abstract class ProvisionCommand extends GovnetCommand {
  // The same statics as every subclass declares, so that parsing through the base is typed.
  static args = provisionArgs
  static flags = provisionFlags

  protected abstract readonly operation: Operation

  async run(): Promise<ProvisionResult> {
    const {args, flags} = await this.parse(this.constructor as typeof ProvisionCommand)
    const inventory = this.openForWrite(flags)
    const stream = this.jsonEnabled() ? process.stderr : process.stdout
    const result = await provisionTenant(inventory, {
      tenantId: args.id,
      operation: this.operation,
      target: flags.target as Target,
      onOutput: (text) => stream.write(text),
    })
    if (!this.jsonEnabled()) this.log(renderProvisionResult(result))
    return result
  }
}
