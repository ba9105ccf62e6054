import {Args, Flags} from '@oclif/core'

import {GovnetCommand} from '../../src/cli/base'
import {renderTenant} from '../../src/cli/tenants'
import {BACKEND_ENV} from '../../src/provision/backend'
import {namesBackend, showTenant, showTenantWithState, TenantDetails} from '../../src/provision/show'

export default class TenantShow extends GovnetCommand {
  static args = {
    id: Args.string({description: 'tenant id', required: true}),
  }
  static description =
    'Every field of one cloud tenant, and its last provisioning operation (target, outcome, reason, stack outputs) ' +
    'when it has one. With a state backend (--backend or GOVNET_PULUMI_BACKEND), also the outputs of its stack as that ' +
    'shared state holds them (this runs the Pulumi CLI). `govnet tenant check` evaluates it against its level.'
  static enableJsonFlag = true
  static examples = [
    '<%= config.bin %> <%= command.id %> gd-gat-zhengzhao',
    '<%= config.bin %> <%= command.id %> gd-gat-zhengzhao --json',
  ]
  static flags = {
    backend: Flags.string({
      description: `also read the stack's outputs from this Pulumi state backend (default: ${BACKEND_ENV} when set; without either, the inventory's record only)`,
    }),
  }
  static summary = 'Show a cloud tenant'

  async run(): Promise<TenantDetails> {
    const {args, flags} = await this.parse(TenantShow)
    const inventory = this.openInventory(flags.db, {readonly: true})
    const details = namesBackend(flags.backend)
      ? await showTenantWithState(inventory, args.id, flags.backend)
      : showTenant(inventory, args.id)
    if (!this.jsonEnabled()) this.log(renderTenant(details))
    return details
  }
}
