import {Args, Flags} from '@oclif/core'

import {actorFlag, GovnetCommand} from '../../src/cli/base'
import {NodeRemoveResult, NodeRepository} from '../../src/inventory/nodes'

export default class NodeRemove extends GovnetCommand {
  static args = {
    id: Args.string({description: 'node id', required: true}),
  }
  static description =
    'Remove one extranet node with its tags, audit history and SSH access settings. Refused while other nodes use it as their uplink, ' +
    'unless --detach clears their uplink (each recorded as an update). The removal is recorded in the change log.'
  static enableJsonFlag = true
  static examples = [
    '<%= config.bin %> <%= command.id %> twn-441900003',
    '<%= config.bin %> <%= command.id %> cnty-440106 --detach',
  ]
  static flags = {
    actor: actorFlag,
    detach: Flags.boolean({description: 'clear the uplink of the nodes that use this one, instead of refusing'}),
  }
  static summary = 'Remove an extranet node'

  async run(): Promise<NodeRemoveResult> {
    const {args, flags} = await this.parse(NodeRemove)
    const inventory = this.openForWrite(flags)
    const result = new NodeRepository(inventory).remove(args.id, {detach: flags.detach})
    if (!this.jsonEnabled()) {
      this.log(`removed node ${result.removed.id}`)
      if (result.detached.length > 0) this.log(`cleared the uplink of: ${result.detached.join(', ')}`)
    }
    return result
  }
}
