import {Args, Flags} from '@oclif/core'
import path from 'node:path'

import {GovnetCommand} from '../../src/cli/base'
import {restoreInventory} from '../../src/integrity'
import {keyFilePath} from '../../src/inventory/changelog-key'
import {resolveDbPath} from '../../src/paths'

export default class DbRestore extends GovnetCommand {
  static args = {file: Args.string({description: 'the backup to restore (made by `govnet db backup`)', required: true})}
  static description =
    'Checks the backup (integrity, schema, change-log chain with the key) and only then copies it over the inventory with ' +
    "SQLite's backup API, under the inventory's write lock: other commands see the old inventory or the restored one, never a mix. " +
    'A damaged inventory is replaced whole. Exit 7 when the backup has a finding (nothing is changed).'
  static enableJsonFlag = true
  static examples = ['<%= config.bin %> <%= command.id %> /var/backups/govnet/govnet-2026-12-01.db']
  static flags = {
    'key-file': Flags.string({
      description:
        'the change-log key (default: GOVNET_CHANGELOG_KEY_FILE, then .govnet/changelog-key beside the inventory)',
    }),
  }
  static summary = 'Restore the inventory from a backup'

  async run() {
    const {args, flags} = await this.parse(DbRestore)
    const target = resolveDbPath(flags.db)
    const backupFile = path.resolve(args.file)
    const keyFile = flags['key-file'] ?? keyFilePath(target)
    const result = await restoreInventory(backupFile, target, () =>
      this.openInventory(backupFile, {anySchema: true, keyFile, readonly: true}),
    )
    if (!this.jsonEnabled()) this.log(`restored ${target} from ${backupFile} (${result.pages} pages)`)
    return result
  }
}
