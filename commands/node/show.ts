import {Args} from '@oclif/core'

import {GovnetCommand} from '../../src/cli/base'
import {renderNode} from '../../src/cli/nodes'
import {ExtranetNode} from '../../src/domain/nodes'
import {nodeMessages} from '../../src/messages'
import {NodeRepository} from '../../src/inventory/nodes'

export default class NodeShow extends GovnetCommand {
  static args = {
    id: Args.string({description: 'node id', required: true}),
  }
  static description = 'Every field of one extranet node, including its tags and the outcome of its last SSH audit.'
  static enableJsonFlag = true
  static examples = [
    '<%= config.bin %> <%= command.id %> prov-44',
    '<%= config.bin %> <%= command.id %> prov-44 --json',
  ]
  static summary = 'Show an extranet node'

  async run(): Promise<ExtranetNode> {
    const {args, flags} = await this.parse(NodeShow)
    const inventory = this.openInventory(flags.db, {readonly: true})
    const repository = new NodeRepository(inventory)
    const node = repository.get(args.id)
    if (!node) throw nodeMessages.nodeNotFound(args.id)
    if (!this.jsonEnabled()) this.log(renderNode(node, repository.sharingAddressWith(node.id)))
    return node
  }
}
