import {ExportCommand, ExportEntity} from '../../src/cli/export'

export default class TenantExport extends ExportCommand {
  static description =
    'Every tenant in exactly the format `govnet tenant import` reads: the import columns (CSV) or keys (JSON), ordered by id. ' +
    'CSV cells that a spreadsheet would take for a formula are written with a leading quote, which the import removes again. ' +
    'The format follows the --out extension (.csv or .json), or --format; without --out, CSV on stdout.'
  static examples = [
    '<%= config.bin %> <%= command.id %> > tenants.csv',
    '<%= config.bin %> <%= command.id %> --out tenants.json',
    '<%= config.bin %> <%= command.id %> --out tenants.json --json',
  ]
  static summary = 'Export cloud tenants in the import format'
  protected readonly entity: ExportEntity = 'tenant'
}
