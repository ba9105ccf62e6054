import {ExportCommand, ExportEntity} from '../../src/cli/export'

export default class RegionExport extends ExportCommand {
  static description =
    'Every region in exactly the format `govnet region import` reads: the import columns (CSV) or keys (JSON), ordered by id. ' +
    'CSV cells that a spreadsheet would take for a formula are written with a leading quote, which the import removes again. ' +
    'The format follows the --out extension (.csv or .json), or --format; without --out, CSV on stdout.'
  static examples = [
    '<%= config.bin %> <%= command.id %> > regions.csv',
    '<%= config.bin %> <%= command.id %> --format json',
    '<%= config.bin %> <%= command.id %> --out regions.json --json',
  ]
  static summary = 'Export cloud regions in the import format'
  protected readonly entity: ExportEntity = 'region'
}
