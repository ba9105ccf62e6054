import {Args} from '@oclif/core'

import {actorFlag, GovnetCommand} from '../../src/cli/base'
import {Region} from '../../src/domain/regions'
import {RegionRepository} from '../../src/inventory/regions'

export default class RegionRemove extends GovnetCommand {
  static args = {
    id: Args.string({description: 'region id', required: true}),
  }
  static description =
    'Remove a cloud region that hosts no tenant and holds no allocation. The removal is recorded in the change log.'
  static enableJsonFlag = true
  static examples = ['<%= config.bin %> <%= command.id %> gd-sz-1']
  static flags = {actor: actorFlag}
  static summary = 'Remove a cloud region'

  async run(): Promise<Region> {
    const {args, flags} = await this.parse(RegionRemove)
    const region = new RegionRepository(this.openForWrite(flags)).remove(args.id)
    if (!this.jsonEnabled()) this.log(`removed region ${region.id}`)
    return region
  }
}
