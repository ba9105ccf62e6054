import {Args} from '@oclif/core'

import {actorFlag, GovnetCommand} from '../../src/cli/base'
import {regionFieldFlags, regionFieldsFromFlags, renderRegion} from '../../src/cli/regions'
import {Region} from '../../src/domain/regions'
import {RegionRepository} from '../../src/inventory/regions'

export default class RegionAdd extends GovnetCommand {
  static args = {
    id: Args.string({description: 'stable id: lower-case letters, digits, . _ -', required: true}),
  }
  static description =
    'Add a cloud region that hosts tenants. Required: --name, --pools, --vcpu, --ram-gib, --storage-gib, --max-level. ' +
    'Tenant subnets are carved from the pools (which may not overlap each other); quotas are reserved against the ' +
    'capacity; a tenant graded above --max-level is refused. The creation is recorded in the change log.'
  static enableJsonFlag = true
  static examples = [
    '<%= config.bin %> <%= command.id %> gd-fs-1 --name 佛山政务云一区 --pools 10.47.0.0/16 --extranet-ranges 59.255.0.0/16 --vcpu 2000 --ram-gib 8192 --storage-gib 500000 --max-level 3',
  ]
  static flags = {actor: actorFlag, ...regionFieldFlags}
  static summary = 'Add a cloud region'

  async run(): Promise<Region> {
    const {args, flags} = await this.parse(RegionAdd)
    const inventory = this.openForWrite(flags)
    const region = new RegionRepository(inventory).add({...regionFieldsFromFlags(flags), id: args.id})
    if (!this.jsonEnabled()) this.log(renderRegion(region))
    return region
  }
}
