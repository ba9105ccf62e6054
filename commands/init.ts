import {Flags} from '@oclif/core'

import {actorFlag, GovnetCommand} from '../src/cli/base'
import {describeScope, scopeFromFlag} from '../src/cli/scope'
import {initInventory, InitResult} from '../src/inventory/init'

export default class Init extends GovnetCommand {
  static description =
    'Create the inventory file, or bring an existing one to the current schema. Safe to run again. ' +
    "With --scope, the inventory is a provincial instance: it holds only the named divisions' subtrees " +
    '(nodes, tenants registered there, divisions), and its coverage and metrics count only them.'
  static enableJsonFlag = true
  static examples = [
    '<%= config.bin %> <%= command.id %>',
    'GOVNET_DB=/var/lib/govnet/govnet.db <%= config.bin %> <%= command.id %>',
    '<%= config.bin %> <%= command.id %> --db gd.db --scope 44',
    '<%= config.bin %> <%= command.id %> --db gz-sz.db --scope 4401,4403 --json',
  ]
  static flags = {
    actor: actorFlag,
    scope: Flags.string({
      description:
        'province, prefecture or county codes (comma-separated) whose subtrees this inventory holds; ' +
        'refused while a node or tenant lies outside them',
    }),
  }
  static summary = 'Create or upgrade the inventory'

  async run(): Promise<InitResult> {
    const {flags} = await this.parse(Init)
    const scope = flags.scope === undefined ? undefined : scopeFromFlag(flags.scope)
    const inventory = this.openForWrite(flags, {adoptEmpty: true, create: true})
    const result = initInventory(inventory, {scope})
    if (!this.jsonEnabled())
      this.log(
        `inventory ${result.path} at schema version ${result.schemaVersion}, scope ${describeScope(result.scope)}`,
      )
    return result
  }
}
