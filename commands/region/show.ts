import {Args} from '@oclif/core'

import {GovnetCommand} from '../../src/cli/base'
import {renderRegion} from '../../src/cli/regions'
import {RegionRepository, RegionWithUsage} from '../../src/inventory/regions'

export default class RegionShow extends GovnetCommand {
  static args = {
    id: Args.string({description: 'region id', required: true}),
  }
  static description =
    'One cloud region: its fields, the capacity reserved, the subnets allocated and the tenants placed in it.'
  static enableJsonFlag = true
  static examples = [
    '<%= config.bin %> <%= command.id %> gd-gz-1',
    '<%= config.bin %> <%= command.id %> gd-gz-1 --json',
  ]
  static summary = 'Show a cloud region'

  async run(): Promise<RegionWithUsage> {
    const {args, flags} = await this.parse(RegionShow)
    const regions = new RegionRepository(this.openInventory(flags.db, {readonly: true}))
    const region = regions.withUsage(regions.require(args.id))
    if (!this.jsonEnabled()) this.log(renderRegion(region))
    return region
  }
}
