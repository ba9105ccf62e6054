import {Args} from '@oclif/core'

import {actorFlag, GovnetCommand} from '../../src/cli/base'
import {Tenant} from '../../src/domain/tenants'
import {TenantRepository} from '../../src/inventory/tenants'

export default class TenantRemove extends GovnetCommand {
  static args = {
    id: Args.string({description: 'tenant id', required: true}),
  }
  static description =
    'Remove one cloud tenant record. Only a tenant that has no resources is removed: status requested or decommissioned ' +
    '(set a failed or active tenant to decommissioned once its resources are gone). The removal is recorded in the change log.'
  static enableJsonFlag = true
  static examples = ['<%= config.bin %> <%= command.id %> gd-tjj-pucha']
  static flags = {actor: actorFlag}
  static summary = 'Remove a cloud tenant'

  async run(): Promise<Tenant> {
    const {args, flags} = await this.parse(TenantRemove)
    const inventory = this.openForWrite(flags)
    const removed = new TenantRepository(inventory).remove(args.id)
    if (!this.jsonEnabled()) this.log(`removed tenant ${removed.id}`)
    return removed
  }
}
