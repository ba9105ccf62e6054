import {Flags} from '@oclif/core'

import {GovnetCommand} from '../../src/cli/base'
import {FindingError} from '../../src/errors'
import {checkInventory, DbCheckResult} from '../../src/integrity'
import {integrityMessages as msg} from '../../src/messages'
import {resolveDbPath} from '../../src/paths'

export default class DbCheck extends GovnetCommand {
  static description =
    "Checks the inventory file: SQLite's integrity_check and foreign_key_check, the schema version against this govnet's, and " +
    'the change-log chain (as `changes verify`). Reads only; works on a damaged file (that is the finding). Exit 7 on any finding.'
  static enableJsonFlag = true
  static examples = ['<%= config.bin %> <%= command.id %>', '<%= config.bin %> <%= command.id %> --db backup.db --json']
  static flags = {
    'key-file': Flags.string({
      description:
        'the change-log key (default: GOVNET_CHANGELOG_KEY_FILE, then .govnet/changelog-key beside the inventory)',
    }),
  }
  static summary = 'Check the inventory for damage and tampering'

  async run(): Promise<DbCheckResult> {
    const {flags} = await this.parse(DbCheck)
    const file = resolveDbPath(flags.db)
    const result = checkInventory(file, () =>
      this.openInventory(flags.db, {anySchema: true, keyFile: flags['key-file'], readonly: true}),
    )
    if (!result.ok)
      throw new FindingError(
        msg.dbCheckFailed(
          file,
          result.findings.length,
          result.findings.map((f) => `${f.check}: ${f.message}`),
        ),
        result,
      )
    if (!this.jsonEnabled())
      this.log(
        `inventory ${file}: integrity ok, foreign keys ok, schema version ${result.schemaVersion}, change log ${result.changeLog?.rows ?? 0} rows chained`,
      )
    return result
  }
}
