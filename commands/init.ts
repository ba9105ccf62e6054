import {GovnetCommand} from '../src/cli/base'
import {initInventory, InitResult} from '../src/inventory/init'

export default class Init extends GovnetCommand {
  static description = 'Create the inventory file, or bring an existing one to the current schema. Safe to run again.'
  static enableJsonFlag = true
  static examples = [
    '<%= config.bin %> <%= command.id %>',
    'GOVNET_DB=/var/lib/govnet/govnet.db <%= config.bin %> <%= command.id %>',
  ]
  static summary = 'Create or upgrade the inventory'

  async run(): Promise<InitResult> {
    const {flags} = await this.parse(Init)
    const inventory = this.openInventory(flags.db, {adoptEmpty: true, create: true})
    const result = initInventory(inventory)
    if (!this.jsonEnabled()) this.log(`inventory ${result.path} at schema version ${result.schemaVersion}`)
    return result
  }
}
