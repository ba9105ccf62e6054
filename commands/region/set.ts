import {Args} from '@oclif/core'

import {actorFlag, GovnetCommand} from '../../src/cli/base'
import {regionFieldFlags, regionFieldsFromFlags, renderRegion} from '../../src/cli/regions'
import {Region} from '../../src/domain/regions'
import {RegionRepository} from '../../src/inventory/regions'
import * as msg from '../../src/messages/regions'

export default class RegionSet extends GovnetCommand {
  static args = {
    id: Args.string({description: 'region id', required: true}),
  }
  static description =
    'Change fields of a cloud region. Refused when tenants hold more than the new values allow: capacity below what is ' +
    'reserved, a rating below a tenant placed in the region, or a pool removed under an allocated subnet.'
  static enableJsonFlag = true
  static examples = [
    '<%= config.bin %> <%= command.id %> gd-gz-1 --vcpu 4000',
    '<%= config.bin %> <%= command.id %> gd-gz-1 --extranet-ranges 59.255.0.0/16,10.100.0.0/16',
  ]
  static flags = {actor: actorFlag, ...regionFieldFlags}
  static summary = 'Change a cloud region'

  async run(): Promise<Region> {
    const {args, flags} = await this.parse(RegionSet)
    const changes = regionFieldsFromFlags(flags)
    if (Object.keys(changes).length === 0) throw msg.nothingToSet()
    const {region} = new RegionRepository(this.openForWrite(flags)).set(args.id, changes)
    if (!this.jsonEnabled()) this.log(renderRegion(region))
    return region
  }
}
