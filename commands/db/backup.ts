import {Args, Flags} from '@oclif/core'

import {GovnetCommand} from '../../src/cli/base'
import {backupInventory} from '../../src/integrity'
import {integrityMessages as msg} from '../../src/messages'

export default class DbBackup extends GovnetCommand {
  static args = {
    file: Args.string({description: 'the new backup file (never overwritten), created 0600', required: true}),
  }
  static description =
    "Copies the inventory with SQLite's online backup API: one consistent state even while other govnet commands write, into a " +
    'new 0600 file, then checks the copy on its own (integrity, schema, change-log chain with the same key). Keep the key ' +
    '(.govnet/changelog-key) backed up separately: the copy cannot be verified, nor extended, without it.'
  static enableJsonFlag = true
  static examples = ['<%= config.bin %> <%= command.id %> /var/backups/govnet/govnet-$(date +%F).db']
  static flags = {
    'key-file': Flags.string({
      description:
        'the change-log key (default: GOVNET_CHANGELOG_KEY_FILE, then .govnet/changelog-key beside the inventory)',
    }),
  }
  static summary = 'Back up the inventory online'

  async run() {
    const {args, flags} = await this.parse(DbBackup)
    const inventory = this.openInventory(flags.db, {keyFile: flags['key-file'], readonly: true})
    const result = await backupInventory(inventory, args.file, (file) =>
      this.openInventory(file, {anySchema: true, keyFile: inventory.keyFile, readonly: true}),
    )
    if (!result.check.ok)
      throw msg.dbCheckFailed(
        result.file,
        result.check.findings.length,
        result.check.findings.map((f) => `${f.check}: ${f.message}`),
      )
    if (!this.jsonEnabled())
      this.log(
        `backed up ${inventory.path} to ${result.file} (${result.pages} pages, change log ${result.check.changeLog?.rows ?? 0} rows chained)`,
      )
    return result
  }
}
