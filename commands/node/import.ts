import {GovnetCommand} from '../../src/cli/base'
import {describeImport, importFlags, importProgress, villageCodesFlag} from '../../src/cli/import'
import {NODE_COLUMNS} from '../../src/domain/nodes'
import {ImportResult, readImportFile} from '../../src/import/file'
import {importNodes} from '../../src/import/nodes'

export default class NodeImport extends GovnetCommand {
  static description =
    `Import extranet nodes from CSV (UTF-8 unless --encoding, with or without BOM, LF or CRLF, quoted fields) or a JSON array of objects. ` +
    `Columns: ${NODE_COLUMNS.join(', ')}; tags are ';'-separated in CSV (a list or a ';' string in JSON). ` +
    'Unknown or missing columns are errors. All or nothing, in one transaction: every problem is printed with its row ' +
    'and field (the first 50, then their count), and nothing is written. Existing ids are an error unless --update; with ' +
    '--update, only id is required and columns the file leaves out keep their stored values; unchanged rows log nothing.'
  static enableJsonFlag = true
  static examples = [
    '<%= config.bin %> <%= command.id %> --file nodes.csv --dry-run',
    '<%= config.bin %> <%= command.id %> --file nodes-gb18030.csv --encoding gb18030',
    '<%= config.bin %> <%= command.id %> --file nodes.json --update',
  ]
  static flags = {...importFlags('nodes'), 'village-codes': villageCodesFlag}
  static summary = 'Import extranet nodes from a file'

  async run(): Promise<ImportResult> {
    const {flags} = await this.parse(NodeImport)
    const file = readImportFile(flags.file, {format: flags.format, encoding: flags.encoding})
    const inventory = this.openForWrite(flags)
    const result = importNodes(inventory, file, {
      dryRun: flags['dry-run'],
      update: flags.update,
      villageCodes: flags['village-codes'],
      progress: importProgress('import nodes', this.jsonEnabled()),
    })
    if (!this.jsonEnabled()) this.log(describeImport(result))
    return result
  }
}
