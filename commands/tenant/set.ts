import {Args} from '@oclif/core'

import {actorFlag, GovnetCommand} from '../../src/cli/base'
import {renderTenant, tenantFieldFlags, tenantFieldsFromFlags} from '../../src/cli/tenants'
import {nodeMessages} from '../../src/messages'
import {TenantRepository, TenantSetResult} from '../../src/inventory/tenants'

export default class TenantSet extends GovnetCommand {
  static args = {
    id: Args.string({description: 'tenant id (ids do not change)', required: true}),
  }
  static description =
    'Change fields of one cloud tenant. The flags given are laid over the stored record and the result is validated ' +
    'like `tenant add`. An empty value clears an optional field (--cidr "", --filing-number "", --assessed-on ""). ' +
    'The change is logged only when a value actually changed.'
  static enableJsonFlag = true
  static examples = [
    '<%= config.bin %> <%= command.id %> gd-gat-zhengzhao --filing-number 44010043001-26001 --assessed-on 2026-10-30',
    '<%= config.bin %> <%= command.id %> gd-gat-zhengzhao --vcpu 96 --ram-gib 384',
  ]
  static flags = {actor: actorFlag, ...tenantFieldFlags}
  static summary = 'Change a cloud tenant'

  async run(): Promise<TenantSetResult> {
    const {args, flags} = await this.parse(TenantSet)
    const changes = tenantFieldsFromFlags(flags)
    if (Object.keys(changes).length === 0) throw nodeMessages.nothingToSet()
    const inventory = this.openForWrite(flags)
    const result = new TenantRepository(inventory).set(args.id, changes)
    if (!this.jsonEnabled()) {
      this.log(result.changed.length > 0 ? `changed: ${result.changed.join(', ')}` : 'nothing changed')
      this.log(renderTenant(result.tenant))
    }
    return result
  }
}
