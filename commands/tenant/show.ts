import {Args} from '@oclif/core'

import {GovnetCommand} from '../../src/cli/base'
import {renderTenant} from '../../src/cli/tenants'
import {showTenant, TenantDetails} from '../../src/provision/show'

export default class TenantShow extends GovnetCommand {
  static args = {
    id: Args.string({description: 'tenant id', required: true}),
  }
  static description =
    'Every field of one cloud tenant, and its last provisioning operation (target, outcome, reason, stack outputs) ' +
    'when it has one. `govnet tenant check` evaluates it against its level.'
  static enableJsonFlag = true
  static examples = [
    '<%= config.bin %> <%= command.id %> gd-gat-zhengzhao',
    '<%= config.bin %> <%= command.id %> gd-gat-zhengzhao --json',
  ]
  static summary = 'Show a cloud tenant'

  async run(): Promise<TenantDetails> {
    const {args, flags} = await this.parse(TenantShow)
    const inventory = this.openInventory(flags.db, {readonly: true})
    const details = showTenant(inventory, args.id)
    if (!this.jsonEnabled()) this.log(renderTenant(details))
    return details
  }
}
