import {Args} from '@oclif/core'

import {actorFlag, GovnetCommand} from '../../src/cli/base'
import {nodeFieldFlags, nodeFieldsFromFlags, renderNode} from '../../src/cli/nodes'
import {NodeRepository, NodeSetResult} from '../../src/inventory/nodes'

export default class NodeSet extends GovnetCommand {
  static args = {
    id: Args.string({description: 'node id (ids do not change)', required: true}),
  }
  static description =
    'Change fields of one extranet node. The flags given are laid over the stored record and the result is validated ' +
    'like `node add` (division, tier, uplink without cycles). An empty value clears an optional field. ' +
    'The change is logged only when a value actually changed.'
  static enableJsonFlag = true
  static examples = [
    '<%= config.bin %> <%= command.id %> twn-441900003 --status degraded',
    '<%= config.bin %> <%= command.id %> cnty-440106 --uplink prov-44 --bandwidth-mbps 10000',
    '<%= config.bin %> <%= command.id %> twn-441900003 --tag pilot --tag 2026-rollout',
  ]
  static flags = {actor: actorFlag, ...nodeFieldFlags}
  static summary = 'Change an extranet node'

  async run(): Promise<NodeSetResult> {
    const {args, flags} = await this.parse(NodeSet)
    const inventory = this.openForWrite(flags)
    const result = new NodeRepository(inventory).set(args.id, nodeFieldsFromFlags(flags))
    if (!this.jsonEnabled()) {
      this.log(result.changed.length > 0 ? `changed: ${result.changed.join(', ')}` : 'nothing changed')
      this.log(renderNode(result.node))
    }
    return result
  }
}
