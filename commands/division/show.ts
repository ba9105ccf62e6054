import {Args} from '@oclif/core'

import {GovnetCommand} from '../../src/cli/base'
import {divisionFields} from '../../src/cli/divisions'
import {renderFields} from '../../src/cli/table'
import {DivisionDetail, showDivision} from '../../src/inventory/divisions'

export default class DivisionShow extends GovnetCommand {
  static args = {
    code: Args.string({description: 'division code (2, 4, 6, 9 or 12 digits)', required: true}),
  }
  static description =
    'One division with its parent chain, the number of direct children, townships (by kind: streets, towns, townships, other) and ' +
    "extranet nodes below it; whether it is an NBS grouping code (市辖区, 县, 省直辖县级行政区划) rather than a prefecture; a township's kind."
  static enableJsonFlag = true
  static examples = ['<%= config.bin %> <%= command.id %> 441900', '<%= config.bin %> <%= command.id %> 44 --json']
  static summary = 'Show a division'

  async run(): Promise<DivisionDetail> {
    const {args, flags} = await this.parse(DivisionShow)
    const inventory = this.openInventory(flags.db, {readonly: true})
    const division = showDivision(inventory, args.code)
    if (!this.jsonEnabled()) {
      this.log(renderFields(divisionFields(division)))
    }
    return division
  }
}
