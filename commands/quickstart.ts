import {actorFlag, GovnetCommand} from '../src/cli/base'
import {coverageTable} from '../src/cli/coverage'
import {percent} from '../src/domain/coverage'
import {QuickstartResult, runQuickstart} from '../src/quickstart'

export default class Quickstart extends GovnetCommand {
  static description =
    'Creates the inventory, imports the national divisions (2023 edition, skipped once imported), loads the sample extranet ' +
    'nodes and cloud tenants from inventory/samples (updating, so a second run changes nothing), prints the national and ' +
    'per-province township coverage, and says what to run next.'
  static enableJsonFlag = true
  static examples = ['<%= config.bin %> <%= command.id %>', '<%= config.bin %> <%= command.id %> --db demo.db']
  static flags = {actor: actorFlag}
  static summary = 'Set up a demo inventory in one step'

  async run(): Promise<QuickstartResult> {
    const {flags} = await this.parse(Quickstart)
    const inventory = this.openForWrite(flags, {create: true})
    const result = runQuickstart(inventory)
    if (this.jsonEnabled()) return result
    const {divisions, coverage} = result
    this.log(`inventory ${result.inventory} at schema version ${result.schemaVersion}`)
    this.log(
      divisions.skipped
        ? `divisions: ${divisions.source} already imported`
        : `divisions: ${divisions.source}: ${divisions.created} created, ${divisions.renamed} renamed, ${divisions.unchanged} unchanged`,
    )
    for (const sample of result.samples) {
      this.log(
        `${sample.entity}s: ${sample.file}: ${sample.created} created, ${sample.updated} updated, ${sample.unchanged} unchanged`,
      )
    }
    this.log('')
    this.log(coverageTable(coverage))
    this.log('')
    this.log(
      `national township coverage ${percent(coverage.total.ratio)} (${coverage.total.covered} of ${coverage.total.townships}), verified ${percent(coverage.total.verifiedRatio)}`,
    )
    this.log('')
    this.log('next:')
    for (const step of result.next) this.log(`  ${step}`)
    return result
  }
}
