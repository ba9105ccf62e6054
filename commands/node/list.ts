import {Flags} from '@oclif/core'

import {GovnetCommand} from '../../src/cli/base'
import {isSharedAddress, renderNodeTable} from '../../src/cli/nodes'
import {ExtranetNode, NODE_STATUSES, PLATFORMS} from '../../src/domain/nodes'
import {TOWNSHIP_KINDS} from '../../src/domain/divisions'
import {TIERS} from '../../src/domain/tiers'
import {NodeRepository} from '../../src/inventory/nodes'
import {nodeMessages} from '../../src/messages'

export default class NodeList extends GovnetCommand {
  static description = 'Extranet nodes, ordered by id. Filters combine: a node is listed when it matches all of them.'
  static enableJsonFlag = true
  static examples = [
    '<%= config.bin %> <%= command.id %> --under 4419',
    '<%= config.bin %> <%= command.id %> --tier township --status active --json',
    '<%= config.bin %> <%= command.id %> --platform huawei-vrp --tag pilot',
    '<%= config.bin %> <%= command.id %> --kind street --under 44 --status active',
    '<%= config.bin %> <%= command.id %> --search 东莞 --status active',
    '<%= config.bin %> <%= command.id %> --search 10.44.19. --json',
    '<%= config.bin %> <%= command.id %> --shared-address',
  ]
  static flags = {
    kind: Flags.option({
      description: 'only nodes in townships of this kind: street (街道), town (镇), township (乡/苏木) or other',
      options: TOWNSHIP_KINDS,
    })(),
    platform: Flags.option({description: 'only nodes on this platform', options: PLATFORMS})(),
    search: Flags.string({
      description: 'only nodes whose id, name or management address contains this text (A–Z in any case)',
    }),
    'shared-address': Flags.boolean({
      description: 'only nodes (not decommissioned) whose management address another such node uses too',
    }),
    status: Flags.option({description: 'only nodes with this status', options: NODE_STATUSES})(),
    tag: Flags.string({description: 'only nodes with this tag'}),
    tier: Flags.option({description: 'only nodes of this tier', options: TIERS})(),
    under: Flags.string({description: 'only nodes in this division or below it (division code)'}),
  }
  static summary = 'List extranet nodes'

  async run(): Promise<ExtranetNode[]> {
    const {flags} = await this.parse(NodeList)
    const inventory = this.openInventory(flags.db, {readonly: true})
    const repository = new NodeRepository(inventory)
    const nodes = repository.list({
      kind: flags.kind,
      platform: flags.platform,
      search: flags.search,
      sharedAddress: flags['shared-address'],
      status: flags.status,
      tag: flags.tag,
      tier: flags.tier,
      under: flags.under,
    })
    if (!this.jsonEnabled()) {
      const shared = repository.sharedAddresses()
      this.log(renderNodeTable(nodes, shared))
      const marked = nodes.filter((node) => isSharedAddress(node, shared)).length
      if (marked > 0) this.log(`\n${nodeMessages.sharedAddressesListed(marked)}`)
    }
    return nodes
  }
}
