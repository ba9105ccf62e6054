import {Flags} from '@oclif/core'

import {GovnetCommand} from '../../src/cli/base'
import {renderChangeTable} from '../../src/cli/changes'
import {sinceFlag} from '../../src/cli/flags'
import {Change, ChangeLog} from '../../src/inventory/changes'

export default class ChangesList extends GovnetCommand {
  static description =
    'The change log, newest first: every create, update and delete of divisions, nodes and tenants (single or imported), ' +
    'with time, actor, entity, id, and in --json the record before and after.'
  static enableJsonFlag = true
  static examples = [
    '<%= config.bin %> <%= command.id %> --since 24h',
    '<%= config.bin %> <%= command.id %> --entity node --id prov-44 --json',
    '<%= config.bin %> <%= command.id %> --since 2026-11-01 --limit 500',
  ]
  static flags = {
    entity: Flags.string({description: 'only changes of this entity: node, tenant, division, …'}),
    id: Flags.string({description: 'only changes of the entity with this id'}),
    limit: Flags.integer({default: 100, description: 'at most this many changes (the newest)', min: 1}),
    since: sinceFlag(
      'only changes at or after this time: a duration back from now (90m, 24h, 7d, 2w) or an ISO date or date-time (UTC unless it has an offset)',
    ),
  }
  static summary = 'List recorded changes'

  async run(): Promise<Change[]> {
    const {flags} = await this.parse(ChangesList)
    const since = flags.since
    const inventory = this.openInventory(flags.db, {readonly: true})
    const changes = new ChangeLog(inventory).list({entity: flags.entity, entityId: flags.id, limit: flags.limit, since})
    if (!this.jsonEnabled()) this.log(renderChangeTable(changes))
    return changes
  }
}
