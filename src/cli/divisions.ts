import {TOWNSHIP_KIND_NAMES, TOWNSHIP_KINDS, TownshipKind} from '../domain/divisions'
import type {DivisionDetail} from '../inventory/divisions'

type Field = [string, string | number | null]

const kindName = (kind: TownshipKind) => `${kind} ${TOWNSHIP_KIND_NAMES[kind]}`

/** `division show` as key/value lines: the kind of a township, the townships by kind above it, a grouping code said so. */
export function divisionFields(division: DivisionDetail): Field[] {
  const level = division.grouping
    ? `${division.level} (NBS grouping code, not a real ${division.level})`
    : division.level
  const byKind = division.townshipsByKind
  return [
    ['code', division.code],
    ['name', division.name],
    ['level', level],
    ...(division.townshipKind === null ? [] : [['kind', kindName(division.townshipKind)] satisfies Field]),
    ['parents', division.ancestors.map((a) => `${a.code} ${a.name}`).join(' › ')],
    ['children', division.children],
    ['townships', division.townships],
    ...(byKind === null
      ? []
      : [['by kind', TOWNSHIP_KINDS.map((kind) => `${kindName(kind)} ${byKind[kind]}`).join(', ')] satisfies Field]),
    ['nodes', division.nodes],
    ['source', division.source],
    ['imported at', division.importedAt],
  ]
}
