import {Args} from '@oclif/core'

import {GovnetCommand} from '../../src/cli/base'
import {renderTenant} from '../../src/cli/tenants'
import {Tenant} from '../../src/domain/tenants'
import {TenantRepository} from '../../src/inventory/tenants'

export default class TenantShow extends GovnetCommand {
  static args = {
    id: Args.string({description: 'tenant id', required: true}),
  }
  static description = 'Every field of one cloud tenant. `govnet tenant check` evaluates it against its level.'
  static enableJsonFlag = true
  static examples = ['<%= config.bin %> <%= command.id %> gd-gat-zhengzhao', '<%= config.bin %> <%= command.id %> gd-gat-zhengzhao --json']
  static summary = 'Show a cloud tenant'

  async run(): Promise<Tenant> {
    const {args, flags} = await this.parse(TenantShow)
    const inventory = this.openInventory(flags.db, {readonly: true})
    const tenant = new TenantRepository(inventory).require(args.id)
    if (!this.jsonEnabled()) this.log(renderTenant(tenant))
    return tenant
  }
}
