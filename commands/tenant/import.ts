import {GovnetCommand} from '../../src/cli/base'
import {describeImport, importFlags, importProgress} from '../../src/cli/import'
import {TENANT_COLUMNS} from '../../src/domain/tenants'
import {ImportResult, readImportFile} from '../../src/import/file'
import {importTenants} from '../../src/import/tenants'

export default class TenantImport extends GovnetCommand {
  static description =
    `Import cloud tenants from CSV (UTF-8 unless --encoding, with or without BOM, LF or CRLF, quoted fields) or a JSON array of objects. ` +
    `Columns: ${TENANT_COLUMNS.join(', ')}; cidr, filing_number, assessed_on, status and classified may be left out. ` +
    'Unknown or missing columns are errors, a classified (涉密) or level 5 row is refused. All or nothing, in one ' +
    'transaction: every problem is printed with its row and field, and nothing is written. Existing ids are an error ' +
    '(exit 5) unless --update; unchanged rows log nothing.'
  static enableJsonFlag = true
  static examples = [
    '<%= config.bin %> <%= command.id %> --file tenants.csv --dry-run',
    '<%= config.bin %> <%= command.id %> --file tenants.csv',
    '<%= config.bin %> <%= command.id %> --file tenants.json --update',
  ]
  static flags = importFlags('tenants')
  static summary = 'Import cloud tenants from a file'

  async run(): Promise<ImportResult> {
    const {flags} = await this.parse(TenantImport)
    const file = readImportFile(flags.file, {format: flags.format, encoding: flags.encoding})
    const inventory = this.openForWrite(flags)
    const result = importTenants(inventory, file, {
      dryRun: flags['dry-run'],
      update: flags.update,
      progress: importProgress('import tenants', this.jsonEnabled()),
    })
    if (!this.jsonEnabled()) this.log(describeImport(result))
    return result
  }
}
