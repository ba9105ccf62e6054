import {Args} from '@oclif/core'

import {actorFlag, GovnetCommand} from '../../../src/cli/base'
import {renderAccess} from '../../../src/cli/audit'
import {nodeAccessFieldsFromFlags, nodeAccessFlags} from '../../../src/cli/node-access'
import {NodeAccessChange, NodeAccessRepository} from '../../../src/inventory/node-access'

export default class NodeAccessSet extends GovnetCommand {
  static args = {
    id: Args.string({description: 'node id', required: true}),
  }
  static description =
    'Set how `govnet audit` reaches one node when it differs from the run: login user, jump host, SSH algorithms ' +
    '(old VRP/Comware devices often need legacy key exchange or host-key algorithms), keepalive, and a pinned host key. ' +
    'Settings not given keep their values; `node access clear` removes them. Credentials are never stored.'
  static enableJsonFlag = true
  static examples = [
    '<%= config.bin %> <%= command.id %> twn-441900003 --kex +diffie-hellman-group1-sha1 --host-key-algorithms +ssh-rsa',
    '<%= config.bin %> <%= command.id %> twn-441900003 --user audit --jump ops@10.1.0.10:2222',
    '<%= config.bin %> <%= command.id %> twn-441900003 --host-key-sha256 SHA256:uNiVztksCsDhcc0u9e8BujQXVUpKZIDTMczCvj3tD2s',
  ]
  static flags = {actor: actorFlag, ...nodeAccessFlags}
  static summary = "Set a node's SSH access settings"

  async run(): Promise<NodeAccessChange> {
    const {args, flags} = await this.parse(NodeAccessSet)
    const inventory = this.openForWrite(flags)
    const result = new NodeAccessRepository(inventory).set(args.id, nodeAccessFieldsFromFlags(flags))
    if (!this.jsonEnabled()) {
      this.log(result.changed.length > 0 ? `changed: ${result.changed.join(', ')}` : 'nothing changed')
      this.log(renderAccess(args.id, result.access))
    }
    return result
  }
}
