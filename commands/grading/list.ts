import {GovnetCommand} from '../../src/cli/base'
import {renderLevelTable} from '../../src/cli/tenants'
import {LevelSummary, summarizeLevels} from '../../src/domain/mlps'
import {BaselineRepository} from '../../src/inventory/baselines'

export default class GradingList extends GovnetCommand {
  static description =
    'The MLPS 2.0 grading levels 1–5 with the number of baseline controls at each, by who enforces them (the tenant ' +
    'record, the provisioning stack, the operator), and whether a shared government cloud hosts the level.'
  static enableJsonFlag = true
  static examples = ['<%= config.bin %> <%= command.id %>', '<%= config.bin %> <%= command.id %> --json']
  static summary = 'List grading levels'

  async run(): Promise<LevelSummary[]> {
    const {flags} = await this.parse(GradingList)
    const inventory = this.openInventory(flags.db)
    const levels = summarizeLevels(new BaselineRepository(inventory).controls())
    if (!this.jsonEnabled()) this.log(renderLevelTable(levels))
    return levels
  }
}
