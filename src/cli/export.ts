import {Flags} from '@oclif/core'
import {writeFileSync} from 'node:fs'

import {RawRecord} from '../domain/fields'
import {NODE_COLUMNS, nodeToFields, TAG_SEPARATOR} from '../domain/nodes'
import {REGION_COLUMNS, toInput as regionToInput} from '../domain/regions'
import {TENANT_COLUMNS, toInput as tenantToInput} from '../domain/tenants'
import {detectFormat, ImportFormat} from '../import/file'
import {Inventory} from '../inventory/db'
import {PRIVATE_FILE_MODE} from '../inventory/files'
import {NodeRepository} from '../inventory/nodes'
import {RegionRepository} from '../inventory/regions'
import {TenantRepository} from '../inventory/tenants'
import {inventoryMessages as msg} from '../messages'
import {GovnetCommand} from './base'
import {CsvCell, writeCsv} from './csv'

/**
 * `node export`, `tenant export` and `region export`: every record in exactly the format its
 * `import` reads — the import columns in the schema's order (CSV) or the same keys (JSON) — so
 * that export, then import into an empty inventory, gives the same inventory. CSV goes through the
 * one formula-safe writer; the importers' CSV reader undoes the neutralising quote.
 */
export type ExportEntity = 'node' | 'tenant' | 'region'

interface EntityExport {
  columns: readonly string[]
  /** What joins the items of a list column (tags, pools) in one CSV cell: what the importer splits on. */
  listSeparator: string
  records: (inventory: Inventory) => RawRecord[]
}

const ENTITIES: Record<ExportEntity, EntityExport> = {
  node: {
    columns: NODE_COLUMNS,
    listSeparator: TAG_SEPARATOR,
    records: (inventory) => new NodeRepository(inventory).list().map(nodeToFields),
  },
  tenant: {
    columns: TENANT_COLUMNS,
    listSeparator: ',',
    records: (inventory) => new TenantRepository(inventory).list().map(tenantToInput),
  },
  region: {
    columns: REGION_COLUMNS,
    listSeparator: ',',
    records: (inventory) => new RegionRepository(inventory).list().map(regionToInput),
  },
}

export interface ExportResult {
  entity: ExportEntity
  format: ImportFormat
  /** The file written, or null for stdout. */
  out: string | null
  count: number
}

/** The records of one entity in its import format, as the text of a CSV or JSON file. */
export function exportRecords(
  inventory: Inventory,
  entity: ExportEntity,
  options: {format?: ImportFormat; out?: string} = {},
): {result: ExportResult; text: string} {
  const format = options.out === undefined ? (options.format ?? 'csv') : detectFormat(options.out, options.format)
  const {columns, listSeparator, records} = ENTITIES[entity]
  const rows = records(inventory)
  const text =
    format === 'csv'
      ? `${writeCsv(
          columns,
          rows.map((row) => columns.map((column) => csvCell(row[column], listSeparator))),
        )}\n`
      : `${JSON.stringify(
          rows.map((row) => Object.fromEntries(columns.map((column) => [column, row[column] ?? null]))),
          null,
          2,
        )}\n`
  return {result: {entity, format, out: options.out ?? null, count: rows.length}, text}
}

function csvCell(value: unknown, listSeparator: string): CsvCell {
  if (Array.isArray(value)) return value.map((item) => csvCell(item, listSeparator)).join(listSeparator)
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' ? value : null
}

/** The flags every `… export` command takes. */
export const exportFlags = {
  format: Flags.option({
    description: 'csv or json (default: from the --out extension; csv on stdout)',
    options: ['csv', 'json'] as const,
  })(),
  out: Flags.string({description: 'file to write (created 0600; replaced if it exists); default: stdout'}),
}

/** The three export commands: each names its entity, this parses, exports and writes. */
export abstract class ExportCommand extends GovnetCommand {
  static enableJsonFlag = true
  static flags = exportFlags
  protected abstract readonly entity: ExportEntity

  async run(): Promise<ExportResult> {
    const {flags} = await this.parse(ExportCommand)
    if (this.jsonEnabled() && flags.out === undefined) throw msg.exportJsonWithoutOut()
    const inventory = this.openInventory(flags.db, {readonly: true})
    const {result, text} = exportRecords(inventory, this.entity, flags)
    if (flags.out === undefined) {
      process.stdout.write(text)
      return result
    }
    try {
      writeFileSync(flags.out, text, {mode: PRIVATE_FILE_MODE})
    } catch (error) {
      throw msg.unwritableFile(flags.out, (error as Error).message)
    }
    if (!this.jsonEnabled()) this.log(`${flags.out}: ${result.count} ${this.entity}(s) written as ${result.format}`)
    return result
  }
}
