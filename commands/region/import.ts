import {GovnetCommand} from '../../src/cli/base'
import {describeImport, importFlags, importProgress} from '../../src/cli/import'
import {ImportResult, readImportFile} from '../../src/import/file'
import {importRegions} from '../../src/import/regions'
import {REGION_SCHEMA} from '../../src/domain/regions'

export default class RegionImport extends GovnetCommand {
  static description =
    `Import cloud regions from CSV or a JSON array of objects. Columns: ${Object.keys(REGION_SCHEMA).join(', ')} (pools and extranet_ranges: CIDRs separated by commas or spaces, or JSON ` +
    'arrays; extranet_ranges and external_network may be left out). All or nothing, in one transaction. Existing ids are ' +
    'an error (exit 5) unless --update, which changes them as `region set` would (never below what tenants hold).'
  static enableJsonFlag = true
  static examples = [
    '<%= config.bin %> <%= command.id %> --file regions.json --dry-run',
    '<%= config.bin %> <%= command.id %> --file regions.json --update',
  ]
  static flags = importFlags('regions')
  static summary = 'Import cloud regions from a file'

  async run(): Promise<ImportResult> {
    const {flags} = await this.parse(RegionImport)
    const file = readImportFile(flags.file, {format: flags.format, encoding: flags.encoding})
    const inventory = this.openForWrite(flags)
    const result = importRegions(inventory, file, {
      dryRun: flags['dry-run'],
      update: flags.update,
      progress: importProgress('import regions', this.jsonEnabled()),
    })
    if (!this.jsonEnabled()) this.log(describeImport(result))
    return result
  }
}
