import {Flags} from '@oclif/core'

import {GovnetCommand} from '../../src/cli/base'
import {FindingError} from '../../src/errors'
import {integrityMessages as msg} from '../../src/messages'
import {verifyChanges} from '../../src/integrity'
import type {VerifyResult} from '../../src/inventory/changes'

export default class ChangesVerify extends GovnetCommand {
  static description =
    "Checks the change log's HMAC-SM3 chain with the key kept outside the inventory (--key-file, then GOVNET_CHANGELOG_KEY_FILE, " +
    'then .govnet/changelog-key next to the inventory) and names the first row that was edited, inserted, deleted or moved, a tail ' +
    'cut off (against the recorded head, and against --min-rows from outside evidence such as the govnet_changelog_rows metric), ' +
    'and a missing or wrong key. Exit 7 on a finding. Reads only.'
  static enableJsonFlag = true
  static examples = [
    '<%= config.bin %> <%= command.id %>',
    '<%= config.bin %> <%= command.id %> --db backup.db --key-file /etc/govnet/changelog-key --json',
    '<%= config.bin %> <%= command.id %> --min-rows 1520',
  ]
  static flags = {
    'key-file': Flags.string({
      description:
        'the change-log key (default: GOVNET_CHANGELOG_KEY_FILE, then .govnet/changelog-key beside the inventory)',
    }),
    'min-rows': Flags.integer({
      default: 0,
      description:
        'the log had at least this many rows (e.g. max_over_time(govnet_changelog_rows[90d]) from Prometheus): fewer is a finding',
      min: 0,
    }),
  }
  static summary = 'Verify the tamper-evident change log'

  async run(): Promise<VerifyResult> {
    const {flags} = await this.parse(ChangesVerify)
    const inventory = this.openInventory(flags.db, {keyFile: flags['key-file'], readonly: true})
    const result = verifyChanges(inventory, flags['min-rows'])
    if (result.finding) throw new FindingError(msg.chainFinding(result.path, result.finding.message), result)
    if (!this.jsonEnabled()) this.log(`change log of ${result.path}: ${result.rows} rows, chain intact`)
    return result
  }
}
