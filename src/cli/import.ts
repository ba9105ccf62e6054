import {Flags} from '@oclif/core'

import {actorFlag} from './base'
import {Progress} from './progress'
import {ENCODINGS} from '../import/decode'
import type {ImportResult} from '../import/file'
import type {ImportProgress} from '../import/pipeline'

/** `--encoding`, on every importer. */
export const encodingFlag = Flags.option({
  description:
    'character encoding of the file (default utf-8): gb18030 (also GBK and GB2312, what Excel on a Chinese Windows desktop saves), utf-16 (with a byte-order mark), utf-16le, utf-16be',
  options: ENCODINGS,
})()

/** `--village-codes`, on the importers that read division codes. */
export const villageCodesFlag = Flags.boolean({
  description:
    "read a township's 12-digit village form (441900101000, as NBS tables print it) as the township (441900101)",
})

/** The flags every `… import` command takes; `entity` is the plural noun, e.g. "tenants". */
export function importFlags(entity: string) {
  return {
    actor: actorFlag,
    'dry-run': Flags.boolean({description: 'validate and report what would be created or updated; write nothing'}),
    encoding: encodingFlag,
    file: Flags.string({description: 'CSV or JSON file', required: true}),
    format: Flags.option({
      description: 'file format (default: from the extension)',
      options: ['csv', 'json'] as const,
    })(),
    update: Flags.boolean({
      description: `update ${entity} whose id exists instead of refusing; columns the file leaves out keep their stored values`,
    }),
  }
}

/** Imports of fewer rows finish before a progress display would say anything useful. */
export const PROGRESS_MIN_ROWS = 2000

/**
 * The progress of an import on stderr (src/cli/progress.ts): rows checked, then rows written, with
 * rate, elapsed time and ETA; plain lines off a terminal, nothing under --json when stderr is not
 * a terminal, and nothing for a small file.
 */
export function importProgress(label: string, json: boolean): ImportProgress {
  return (phase, total) => {
    if (total < PROGRESS_MIN_ROWS) return {tick: () => undefined, stop: () => undefined}
    const progress = new Progress({
      label: `${label}: ${phase === 'check' ? 'checking' : 'writing'}`,
      unit: 'rows',
      total,
      quiet: json && !process.stderr.isTTY,
    })
    return {tick: (count) => progress.tick(count), stop: () => progress.stop()}
  }
}

/** One line saying what an import did, or with --dry-run would do. */
export function describeImport(result: ImportResult): string {
  const counts = `${result.created} created, ${result.updated} updated, ${result.unchanged} unchanged`
  return result.dryRun ? `dry run of ${result.file}: would be ${counts}; nothing written` : `${result.file}: ${counts}`
}
