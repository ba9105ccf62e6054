import {Flags} from '@oclif/core'

import {GovnetCommand} from '../../src/cli/base'
import {renderOverdueTenantTable, renderTenantTable} from '../../src/cli/tenants'
import {HOSTED_LEVELS, Tenant, TENANT_STATUSES} from '../../src/domain/tenants'
import {TenantFilter, TenantRepository} from '../../src/inventory/tenants'
import {listOverdueTenants, OverdueTenant} from '../../src/provision/overdue'

export default class TenantList extends GovnetCommand {
  static description =
    'Cloud tenants, ordered by id. Filters combine: a tenant is listed when it matches all of them. ' +
    '--overdue lists only tenants whose filing (备案, 30 days from going live or grading) or periodic assessment ' +
    '(12 months at level 3, 6 at level 4) is overdue, as `tenant check` judges it, with why; --today replays another date.'
  static enableJsonFlag = true
  static examples = [
    '<%= config.bin %> <%= command.id %> --level 3',
    '<%= config.bin %> <%= command.id %> --status active --region gd-gz-1 --json',
    '<%= config.bin %> <%= command.id %> --search 公安厅',
    '<%= config.bin %> <%= command.id %> --overdue',
    '<%= config.bin %> <%= command.id %> --overdue --level 3 --today 2026-12-31 --json',
  ]
  static flags = {
    level: Flags.option({description: 'only tenants of this MLPS level', options: HOSTED_LEVELS.map(String)})(),
    overdue: Flags.boolean({
      description: 'only tenants overdue for filing or assessment, each with the deadline it missed',
    }),
    region: Flags.string({description: 'only tenants in this cloud region'}),
    search: Flags.string({
      description: 'only tenants whose id, name or department contains this text (A–Z in any case)',
    }),
    status: Flags.option({description: 'only tenants with this status', options: TENANT_STATUSES})(),
    today: Flags.string({
      dependsOn: ['overdue'],
      description: 'with --overdue, judge deadlines as of this date, YYYY-MM-DD (default: the local date)',
    }),
  }
  static summary = 'List cloud tenants'

  async run(): Promise<Tenant[] | OverdueTenant[]> {
    const {flags} = await this.parse(TenantList)
    const inventory = this.openInventory(flags.db, {readonly: true})
    const filter: TenantFilter = {
      level: flags.level === undefined ? undefined : (Number(flags.level) as Tenant['mlpsLevel']),
      region: flags.region,
      search: flags.search,
      status: flags.status,
    }
    if (flags.overdue) {
      const {today, tenants} = listOverdueTenants(inventory, filter, {today: flags.today})
      if (!this.jsonEnabled()) this.log(renderOverdueTenantTable(tenants, today))
      return tenants
    }
    const tenants = new TenantRepository(inventory).list(filter)
    if (!this.jsonEnabled()) this.log(renderTenantTable(tenants))
    return tenants
  }
}
