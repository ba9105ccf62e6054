import {ExportCommand, ExportEntity} from '../../src/cli/export'

export default class NodeExport extends ExportCommand {
  static description =
    'Every node in exactly the format `govnet node import` reads: the import columns (CSV) or keys (JSON), ordered by id. ' +
    'CSV cells that a spreadsheet would take for a formula are written with a leading quote, which the import removes again. ' +
    'The format follows the --out extension (.csv or .json), or --format; without --out, CSV on stdout.'
  static examples = [
    '<%= config.bin %> <%= command.id %> > nodes.csv',
    '<%= config.bin %> <%= command.id %> --out nodes.csv',
    '<%= config.bin %> <%= command.id %> --out nodes.json --json',
  ]
  static summary = 'Export extranet nodes in the import format'
  protected readonly entity: ExportEntity = 'node'
}
