import {Args} from '@oclif/core'

import {NodeAccess} from '../../../src/domain/node-access'
import {GovnetCommand} from '../../../src/cli/base'
import {renderAccess} from '../../../src/cli/audit'
import {NodeAccessRepository} from '../../../src/inventory/node-access'

export interface NodeAccessShowResult {
  nodeId: string
  /** Null when the node has no settings of its own (the run's defaults apply). */
  access: NodeAccess | null
}

export default class NodeAccessShow extends GovnetCommand {
  static args = {
    id: Args.string({description: 'node id', required: true}),
  }
  static description = "A node's own SSH access settings; '-' means the audit run's default applies."
  static enableJsonFlag = true
  static examples = [
    '<%= config.bin %> <%= command.id %> twn-441900003',
    '<%= config.bin %> <%= command.id %> twn-441900003 --json',
  ]
  static summary = "Show a node's SSH access settings"

  async run(): Promise<NodeAccessShowResult> {
    const {args, flags} = await this.parse(NodeAccessShow)
    const inventory = this.openInventory(flags.db, {readonly: true})
    const access = new NodeAccessRepository(inventory).forNode(args.id)
    if (!this.jsonEnabled()) this.log(renderAccess(args.id, access))
    return {nodeId: args.id, access: access ?? null}
  }
}
