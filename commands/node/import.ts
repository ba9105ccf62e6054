import {Flags} from '@oclif/core'

import {actorFlag, GovnetCommand} from '../../src/cli/base'
import {NODE_COLUMNS} from '../../src/domain/nodes'
import {ImportResult, readImportFile} from '../../src/import/file'
import {importNodes} from '../../src/import/nodes'

export default class NodeImport extends GovnetCommand {
  static description =
    `Import extranet nodes from CSV (UTF-8, with or without BOM, CRLF, quoted fields) or a JSON array of objects. ` +
    `Columns: ${NODE_COLUMNS.join(', ')}; tags are ';'-separated in CSV (a list or a ';' string in JSON). ` +
    'Unknown or missing columns are errors. All or nothing, in one transaction: every problem is printed with its row ' +
    'and field, and nothing is written. Existing ids are an error unless --update; with --update, columns the file ' +
    'leaves out keep their stored values and unchanged rows log nothing.'
  static enableJsonFlag = true
  static examples = [
    '<%= config.bin %> <%= command.id %> --file nodes.csv --dry-run',
    '<%= config.bin %> <%= command.id %> --file nodes.csv',
    '<%= config.bin %> <%= command.id %> --file nodes.json --update',
  ]
  static flags = {
    actor: actorFlag,
    'dry-run': Flags.boolean({description: 'validate and report what would be created or updated; write nothing'}),
    file: Flags.string({description: 'CSV or JSON file', required: true}),
    format: Flags.option({
      description: 'file format (default: from the extension)',
      options: ['csv', 'json'] as const,
    })(),
    update: Flags.boolean({description: 'update nodes whose id exists instead of refusing'}),
  }
  static summary = 'Import extranet nodes from a file'

  async run(): Promise<ImportResult> {
    const {flags} = await this.parse(NodeImport)
    const file = readImportFile(flags.file, flags.format)
    const inventory = this.openForWrite(flags)
    const result = importNodes(inventory, file, {dryRun: flags['dry-run'], update: flags.update})
    if (!this.jsonEnabled()) {
      const counts = `${result.created} created, ${result.updated} updated, ${result.unchanged} unchanged`
      this.log(
        result.dryRun ? `dry run of ${result.file}: would be ${counts}; nothing written` : `${result.file}: ${counts}`,
      )
    }
    return result
  }
}
