import {Args, Flags} from '@oclif/core'

import {GovnetCommand} from '../../src/cli/base'
import {provisionFlags} from '../../src/cli/provision'
import {renderReadiness} from '../../src/cli/tenants'
import {Target} from '../../src/domain/preflight'
import {ExitCode} from '../../src/errors'
import {checkTenantReadiness, TenantReadiness} from '../../src/provision/check'

export default class TenantCheck extends GovnetCommand {
  static args = {
    id: Args.string({description: 'tenant id', required: true}),
  }
  static description =
    "Evaluate one tenant's record against the baseline controls of its MLPS level: each control is pass, fail, " +
    'not-applicable, enforced-by-stack (the provisioning stack and policy pack make it hold) or operator (not machine-checked), ' +
    'with the reason. From level 2 an active tenant is filed within 30 days of the later of its go-live (live_on) and grading ' +
    '(graded_on) dates; assessments are due 12 calendar months after the last at level 3, 6 at level 4 (31 August + 6 months ' +
    'is the last day of February). --today replays another date. Then the provisioning pre-flight for --target (region exists and is rated for the level, room in its pools, ' +
    'capacity for the quota, the baseline readable by the stack), the same one `tenant up` runs first; no engine is started. ' +
    'Exits 7 when any control or pre-flight check fails.'
  static enableJsonFlag = true
  static examples = [
    '<%= config.bin %> <%= command.id %> gd-gat-zhengzhao',
    '<%= config.bin %> <%= command.id %> gd-gat-zhengzhao --today 2026-12-31 --json',
  ]
  static flags = {
    target: provisionFlags.target,
    today: Flags.string({
      description: 'evaluate as of this date, YYYY-MM-DD (default: the local date), for reproducible reports',
    }),
  }
  static summary = 'Check a tenant against its grading level'

  async run(): Promise<TenantReadiness> {
    const {args, flags} = await this.parse(TenantCheck)
    const inventory = this.openInventory(flags.db)
    const result = checkTenantReadiness(inventory, args.id, {today: flags.today, target: flags.target as Target})
    if (!this.jsonEnabled()) this.log(renderReadiness(result))
    // The report is the output either way (also with --json); a failed control only sets the exit code.
    if (!result.passed) process.exitCode = ExitCode.checkFailed
    return result
  }
}
