import {Flags} from '@oclif/core'

import {GovnetCommand} from '../../src/cli/base'
import {freshFlag} from '../../src/cli/flags'
import {percent} from '../../src/domain/coverage'
import {CoverageReportFile, writeCoverageReport} from '../../src/report'

export default class ReportCoverage extends GovnetCommand {
  static description =
    'One self-contained HTML file (Apache ECharts and the data inlined; it opens offline, nothing is fetched): the national ' +
    'figures (or those of the --under division) with the time they were read and the freshness window, every province’s ' +
    'covered and verified share, a drill-down from province to prefecture to county, streets, towns and townships apart, ' +
    'and the table of the divisions below. The numbers are those of `govnet coverage`. `govnet metrics serve` serves the ' +
    'same page at /report/coverage.html.'
  static enableJsonFlag = true
  static examples = [
    '<%= config.bin %> <%= command.id %> --out coverage.html',
    '<%= config.bin %> <%= command.id %> --out guangdong.html --under 44 --fresh 7d',
  ]
  static flags = {
    fresh: freshFlag(),
    out: Flags.string({description: 'the HTML file to write (replaced atomically)', required: true}),
    under: Flags.string({description: 'only this province or prefecture and the divisions below it'}),
  }
  static summary = 'Write the township coverage report as one HTML file'

  async run(): Promise<CoverageReportFile> {
    const {flags} = await this.parse(ReportCoverage)
    const inventory = this.openInventory(flags.db, {readonly: true})
    const result = writeCoverageReport(inventory, flags.out, {under: flags.under, freshnessMs: flags.fresh.ms})
    if (!this.jsonEnabled())
      this.log(
        `wrote ${result.file} (${result.bytes} bytes): ${result.total.name} coverage ${percent(result.total.ratio)}, ` +
          `verified ${percent(result.total.verifiedRatio)} (audits since ${result.verifiedSince})`,
      )
    return result
  }
}
