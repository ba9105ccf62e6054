import {Flags} from '@oclif/core'

import {GovnetCommand} from '../src/cli/base'
import {computeCoverage, CoverageReport} from '../src/coverage'
import {coverageCsv, coverageKindTable, coverageLegend, coverageScopeNote, coverageTable} from '../src/cli/coverage'
import {freshFlag} from '../src/cli/flags'
import {COVERAGE_LEVELS, percent} from '../src/domain/coverage'
import {TOWNSHIP_KINDS} from '../src/domain/divisions'
import {coverageMessages} from '../src/messages'

export default class Coverage extends GovnetCommand {
  static description =
    'For each division at the chosen level: its townships, how many are covered (at least one active node), how many are verified ' +
    '(an active node whose last SSH audit succeeded within --fresh) and the ratios, then the national line (or the --under division), ' +
    'and that line by township kind: streets (街道), towns (镇), townships (乡) and other units. --kind counts one kind only.'
  static enableJsonFlag = true
  static examples = [
    '<%= config.bin %> <%= command.id %>',
    '<%= config.bin %> <%= command.id %> --level county --under 4419',
    '<%= config.bin %> <%= command.id %> --level prefecture --fresh 7d --format csv > coverage.csv',
    '<%= config.bin %> <%= command.id %> --kind street --level prefecture --under 44',
  ]
  static flags = {
    format: Flags.option({
      default: 'table',
      description: 'output format (--json is the same as --format json)',
      options: ['table', 'json', 'csv'] as const,
    })(),
    fresh: freshFlag(),
    kind: Flags.option({
      description: 'only townships of this kind: street (街道), town (镇), township (乡/苏木) or other',
      options: TOWNSHIP_KINDS,
    })(),
    level: Flags.option({default: 'province', description: 'level of the rows', options: COVERAGE_LEVELS})(),
    under: Flags.string({description: 'only divisions below this code (a division above --level)'}),
  }
  static summary = 'Township coverage of the extranet'

  async run(): Promise<CoverageReport> {
    const {flags} = await this.parse(Coverage)
    const freshnessMs = flags.fresh.ms
    const inventory = this.openInventory(flags.db, {readonly: true})
    const report = computeCoverage(inventory, {level: flags.level, under: flags.under, kind: flags.kind, freshnessMs})
    if (this.jsonEnabled()) return report
    if (flags.format === 'json') this.log(JSON.stringify(report, null, 2))
    else if (flags.format === 'csv') this.log(coverageCsv(report))
    else if (report.total.townships === 0)
      this.log(
        report.kind === null
          ? coverageMessages.noTownships()
          : coverageMessages.noTownshipsOfKind(report.kind, report.total.name),
      )
    else {
      this.log(coverageTable(report))
      const legend = coverageLegend(report)
      if (legend !== undefined) this.log(legend)
      const scopeNote = coverageScopeNote(report)
      if (scopeNote !== undefined) this.log(scopeNote)
      if (report.kind === null) this.log(`\n${coverageKindTable(report)}`)
      this.log(
        `\ncoverage ${percent(report.total.ratio)}, verified ${percent(report.total.verifiedRatio)} (audits since ${report.verifiedSince})`,
      )
    }
    return report
  }
}
