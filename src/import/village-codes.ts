import {RawRecord} from '../domain/fields'
import {townshipOfVillageForm} from '../domain/spreadsheet'

/** `--village-codes`: a rewrite of rows whose `column` holds a township's 12-digit village form (441900101000 → 441900101). */
export function villageCodesOf(column: string): (raw: RawRecord) => RawRecord {
  return (raw) => {
    const value = raw[column]
    const code = typeof value === 'string' ? value.trim() : typeof value === 'number' ? String(value) : undefined
    const township = code === undefined ? undefined : townshipOfVillageForm(code)
    return township === undefined ? raw : {...raw, [column]: township}
  }
}
