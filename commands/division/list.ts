import {Flags} from '@oclif/core'

import {GovnetCommand} from '../../src/cli/base'
import {renderTable} from '../../src/cli/table'
import {DIVISION_LEVELS, TOWNSHIP_KINDS} from '../../src/domain/divisions'
import {Division, listDivisions} from '../../src/inventory/divisions'

export default class DivisionList extends GovnetCommand {
  static description =
    'Without flags: the provinces. --parent CODE: its children, or with --level its descendants at that level. --level alone: every division at that level. ' +
    '--kind: the townships of that kind (below --parent, or everywhere).'
  static enableJsonFlag = true
  static examples = [
    '<%= config.bin %> <%= command.id %>',
    '<%= config.bin %> <%= command.id %> --parent 4419',
    '<%= config.bin %> <%= command.id %> --parent 44 --level county --json',
    '<%= config.bin %> <%= command.id %> --parent 4419 --kind street',
  ]
  static flags = {
    kind: Flags.option({
      description: 'only townships of this kind: street (街道), town (镇), township (乡/苏木) or other',
      options: TOWNSHIP_KINDS,
    })(),
    level: Flags.option({description: 'only divisions at this level', options: DIVISION_LEVELS})(),
    parent: Flags.string({description: 'only divisions below this code'}),
  }
  static summary = 'List divisions'

  async run(): Promise<Division[]> {
    const {flags} = await this.parse(DivisionList)
    const inventory = this.openInventory(flags.db, {readonly: true})
    const divisions = listDivisions(inventory, {level: flags.level, parent: flags.parent, kind: flags.kind})
    if (!this.jsonEnabled()) {
      this.log(
        renderTable(
          [
            {header: 'CODE', value: (d) => d.code},
            {header: 'NAME', value: (d) => d.name},
            {header: 'LEVEL', value: (d) => d.level},
            {header: 'PARENT', value: (d) => d.parentCode},
          ],
          divisions,
        ),
      )
    }
    return divisions
  }
}
