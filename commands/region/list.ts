import {GovnetCommand} from '../../src/cli/base'
import {renderRegionTable} from '../../src/cli/regions'
import {RegionRepository, RegionWithUsage} from '../../src/inventory/regions'

export default class RegionList extends GovnetCommand {
  static description = 'Every cloud region with its rating, pools and the capacity its tenants have reserved.'
  static enableJsonFlag = true
  static examples = ['<%= config.bin %> <%= command.id %>', '<%= config.bin %> <%= command.id %> --json']
  static summary = 'List cloud regions'

  async run(): Promise<RegionWithUsage[]> {
    const {flags} = await this.parse(RegionList)
    const regions = new RegionRepository(this.openInventory(flags.db, {readonly: true}))
    const result = regions.list().map((region) => regions.withUsage(region))
    if (!this.jsonEnabled())
      this.log(result.length > 0 ? renderRegionTable(result) : 'no regions: `govnet region add` defines one')
    return result
  }
}
