import {Flags} from '@oclif/core'

import {actorFlag} from './base'
import type {ImportResult} from '../import/file'

/** The flags every `… import` command takes; `entity` is the plural noun, e.g. "tenants". */
export function importFlags(entity: string) {
  return {
    actor: actorFlag,
    'dry-run': Flags.boolean({description: 'validate and report what would be created or updated; write nothing'}),
    file: Flags.string({description: 'CSV or JSON file', required: true}),
    format: Flags.option({
      description: 'file format (default: from the extension)',
      options: ['csv', 'json'] as const,
    })(),
    update: Flags.boolean({description: `update ${entity} whose id exists instead of refusing`}),
  }
}

/** One line saying what an import did, or with --dry-run would do. */
export function describeImport(result: ImportResult): string {
  const counts = `${result.created} created, ${result.updated} updated, ${result.unchanged} unchanged`
  return result.dryRun ? `dry run of ${result.file}: would be ${counts}; nothing written` : `${result.file}: ${counts}`
}
