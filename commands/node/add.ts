import {Args} from '@oclif/core'

import {actorFlag, GovnetCommand} from '../../src/cli/base'
import {nodeFieldFlags, nodeFieldsFromFlags, renderNode} from '../../src/cli/nodes'
import {ExtranetNode} from '../../src/domain/nodes'
import {NodeRepository} from '../../src/inventory/nodes'

export default class NodeAdd extends GovnetCommand {
  static args = {
    id: Args.string({description: 'stable id: lower-case letters, digits, . _ -', required: true}),
  }
  static description =
    'Add one extranet node. Required: --name, --division, --role, --mgmt-address, --platform. ' +
    'The division must be in the inventory and the tier must match its level (without --tier it follows from the level). ' +
    'The uplink must be an existing node. The creation is recorded in the change log.'
  static enableJsonFlag = true
  static examples = [
    '<%= config.bin %> <%= command.id %> gz-tianhe-agg --name 天河区汇聚 --division 440106 --role aggregation --mgmt-address 10.44.1.6 --platform huawei-vrp --uplink pref-4401',
    '<%= config.bin %> <%= command.id %> dg-dongcheng --name 东城街道接入 --division 441900003 --role access --mgmt-address dg-dongcheng.gov.example --platform h3c-comware --tag pilot',
  ]
  static flags = {actor: actorFlag, ...nodeFieldFlags}
  static summary = 'Add an extranet node'

  async run(): Promise<ExtranetNode> {
    const {args, flags} = await this.parse(NodeAdd)
    const inventory = this.openForWrite(flags)
    const node = new NodeRepository(inventory).add({...nodeFieldsFromFlags(flags), id: args.id})
    if (!this.jsonEnabled()) this.log(renderNode(node))
    return node
  }
}
