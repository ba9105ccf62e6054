import {Args} from '@oclif/core'

import {GovnetCommand} from '../../src/cli/base'
import {renderControls} from '../../src/cli/tenants'
import {LevelBaseline, levelBaseline, parseMlpsLevel} from '../../src/domain/mlps'
import {BaselineRepository} from '../../src/inventory/baselines'
import {gradingMessages} from '../../src/messages'

export default class GradingShow extends GovnetCommand {
  static args = {
    level: Args.string({description: 'MLPS level, 1–5', required: true}),
  }
  static description =
    "The baseline controls of one MLPS level: requirement, the GB/T 22239-2019 clauses it comes from in that level's own chapter " +
    '(number, heading and letters, e.g. 7.1.4.1 身份鉴别 a), b)), other references (laws, GB/T 39786-2021), who enforces it and ' +
    'its parameters (the numbers the provisioning stack and policy pack use). --json carries each clause as number, heading and items.'
  static enableJsonFlag = true
  static examples = ['<%= config.bin %> <%= command.id %> 3', '<%= config.bin %> <%= command.id %> 4 --json']
  static summary = 'Show the baseline controls of a grading level'

  async run(): Promise<LevelBaseline> {
    const {args, flags} = await this.parse(GradingShow)
    const level = parseMlpsLevel(args.level)
    if (level === undefined) throw gradingMessages.invalidLevel('LEVEL', args.level)
    const inventory = this.openInventory(flags.db)
    const baseline = levelBaseline(level, new BaselineRepository(inventory).controls(level))
    if (!this.jsonEnabled()) {
      this.log(`MLPS level ${level}${baseline.hostable ? '' : ' — not hosted on a shared government cloud'}\n`)
      this.log(renderControls(baseline.controls))
    }
    return baseline
  }
}
