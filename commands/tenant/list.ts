import {Flags} from '@oclif/core'

import {GovnetCommand} from '../../src/cli/base'
import {renderTenantTable} from '../../src/cli/tenants'
import {HOSTED_LEVELS, Tenant, TENANT_STATUSES} from '../../src/domain/tenants'
import {TenantRepository} from '../../src/inventory/tenants'

export default class TenantList extends GovnetCommand {
  static description = 'Cloud tenants, ordered by id. Filters combine: a tenant is listed when it matches all of them.'
  static enableJsonFlag = true
  static examples = [
    '<%= config.bin %> <%= command.id %> --level 3',
    '<%= config.bin %> <%= command.id %> --status active --region gd-gz-1 --json',
    '<%= config.bin %> <%= command.id %> --search 公安厅',
  ]
  static flags = {
    level: Flags.option({description: 'only tenants of this MLPS level', options: HOSTED_LEVELS.map(String)})(),
    region: Flags.string({description: 'only tenants in this cloud region'}),
    search: Flags.string({
      description: 'only tenants whose id, name or department contains this text (A–Z in any case)',
    }),
    status: Flags.option({description: 'only tenants with this status', options: TENANT_STATUSES})(),
  }
  static summary = 'List cloud tenants'

  async run(): Promise<Tenant[]> {
    const {flags} = await this.parse(TenantList)
    const inventory = this.openInventory(flags.db, {readonly: true})
    const tenants = new TenantRepository(inventory).list({
      level: flags.level === undefined ? undefined : (Number(flags.level) as Tenant['mlpsLevel']),
      region: flags.region,
      search: flags.search,
      status: flags.status,
    })
    if (!this.jsonEnabled()) this.log(renderTenantTable(tenants))
    return tenants
  }
}
