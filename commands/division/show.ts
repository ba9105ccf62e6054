import {Args} from '@oclif/core'

import {GovnetCommand} from '../../src/cli/base'
import {renderFields} from '../../src/cli/table'
import {DivisionDetail, showDivision} from '../../src/inventory/divisions'

export default class DivisionShow extends GovnetCommand {
  static args = {
    code: Args.string({description: 'division code (2, 4, 6, 9 or 12 digits)', required: true}),
  }
  static description =
    'One division with its parent chain, the number of direct children, townships and extranet nodes below it.'
  static enableJsonFlag = true
  static examples = ['<%= config.bin %> <%= command.id %> 441900', '<%= config.bin %> <%= command.id %> 44 --json']
  static summary = 'Show a division'

  async run(): Promise<DivisionDetail> {
    const {args, flags} = await this.parse(DivisionShow)
    const inventory = this.openInventory(flags.db, {readonly: true})
    const division = showDivision(inventory, args.code)
    if (!this.jsonEnabled()) {
      this.log(
        renderFields([
          ['code', division.code],
          ['name', division.name],
          ['level', division.level],
          ['parents', division.ancestors.map((a) => `${a.code} ${a.name}`).join(' › ')],
          ['children', division.children],
          ['townships', division.townships],
          ['nodes', division.nodes],
          ['source', division.source],
          ['imported at', division.importedAt],
        ]),
      )
    }
    return division
  }
}
