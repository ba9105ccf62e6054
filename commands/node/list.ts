import {Flags} from '@oclif/core'

import {GovnetCommand} from '../../src/cli/base'
import {renderNodeTable} from '../../src/cli/nodes'
import {ExtranetNode, NODE_STATUSES, PLATFORMS} from '../../src/domain/nodes'
import {TOWNSHIP_KINDS} from '../../src/domain/divisions'
import {TIERS} from '../../src/domain/tiers'
import {NodeRepository} from '../../src/inventory/nodes'

export default class NodeList extends GovnetCommand {
  static description = 'Extranet nodes, ordered by id. Filters combine: a node is listed when it matches all of them.'
  static enableJsonFlag = true
  static examples = [
    '<%= config.bin %> <%= command.id %> --under 4419',
    '<%= config.bin %> <%= command.id %> --tier township --status active --json',
    '<%= config.bin %> <%= command.id %> --platform huawei-vrp --tag pilot',
    '<%= config.bin %> <%= command.id %> --kind street --under 44 --status active',
  ]
  static flags = {
    kind: Flags.option({
      description: 'only nodes in townships of this kind: street (街道), town (镇), township (乡/苏木) or other',
      options: TOWNSHIP_KINDS,
    })(),
    platform: Flags.option({description: 'only nodes on this platform', options: PLATFORMS})(),
    status: Flags.option({description: 'only nodes with this status', options: NODE_STATUSES})(),
    tag: Flags.string({description: 'only nodes with this tag'}),
    tier: Flags.option({description: 'only nodes of this tier', options: TIERS})(),
    under: Flags.string({description: 'only nodes in this division or below it (division code)'}),
  }
  static summary = 'List extranet nodes'

  async run(): Promise<ExtranetNode[]> {
    const {flags} = await this.parse(NodeList)
    const inventory = this.openInventory(flags.db, {readonly: true})
    const nodes = new NodeRepository(inventory).list({
      kind: flags.kind,
      platform: flags.platform,
      status: flags.status,
      tag: flags.tag,
      tier: flags.tier,
      under: flags.under,
    })
    if (!this.jsonEnabled()) this.log(renderNodeTable(nodes))
    return nodes
  }
}
