import {Args, Flags} from '@oclif/core'

import {NODE_ACCESS_FIELDS} from '../../../src/domain/node-access'
import {actorFlag, GovnetCommand} from '../../../src/cli/base'
import {renderAccess} from '../../../src/cli/audit'
import {NodeAccessChange, NodeAccessRepository} from '../../../src/inventory/node-access'

export default class NodeAccessClear extends GovnetCommand {
  static args = {
    id: Args.string({description: 'node id', required: true}),
  }
  static description =
    "Remove a node's own SSH access settings (all of them, or those named with --field), so the run's defaults apply."
  static enableJsonFlag = true
  static examples = [
    '<%= config.bin %> <%= command.id %> twn-441900003',
    '<%= config.bin %> <%= command.id %> twn-441900003 --field host_key_sha256',
  ]
  static flags = {
    actor: actorFlag,
    field: Flags.string({
      description: `setting to clear (repeatable): ${NODE_ACCESS_FIELDS.join(', ')}`,
      multiple: true,
    }),
  }
  static summary = "Clear a node's SSH access settings"

  async run(): Promise<NodeAccessChange> {
    const {args, flags} = await this.parse(NodeAccessClear)
    const inventory = this.openForWrite(flags)
    const result = new NodeAccessRepository(inventory).clear(args.id, flags.field ?? [])
    if (!this.jsonEnabled()) {
      this.log(result.changed.length > 0 ? `cleared: ${result.changed.join(', ')}` : 'nothing changed')
      this.log(renderAccess(args.id, result.access))
    }
    return result
  }
}
