import {ExitCode, FieldProblem, GovnetError, formatProblem} from '../errors'

export const databaseTooNew = (path: string, found: number, known: number) =>
  new GovnetError(
    `inventory ${path} has schema version ${found}, newer than this govnet knows (${known}): upgrade govnet, or use another --db`,
    ExitCode.inventory,
  )

export const notAnInventory = (path: string, reason: string) =>
  new GovnetError(`${path} is not a usable govnet inventory: ${reason}`, ExitCode.inventory)

export const inventoryMissing = (path: string) =>
  new GovnetError(
    `no inventory at ${path}: run \`govnet init\` (or \`govnet quickstart\`), or pass --db`,
    ExitCode.inventory,
  )

export const inventoryBusy = (path: string) =>
  new GovnetError(`inventory ${path} stayed locked by another writer past the busy timeout: retry`, ExitCode.inventory)

/** A single record (add/set) with one or more invalid fields. */
export const invalidRecord = (entity: string, problems: readonly FieldProblem[]) =>
  new GovnetError(`invalid ${entity}: ${problems.map(formatProblem).join('; ')}`, ExitCode.invalid)

/** An import with invalid rows: every problem printed on its own line, then one summary line. */
export const invalidImport = (file: string, problems: readonly FieldProblem[]) => {
  const rows = new Set(problems.map((p) => p.row ?? 0)).size
  return new GovnetError(
    `${file}: ${problems.length} problem(s) in ${rows} row(s); nothing was written`,
    ExitCode.invalid,
    problems.map(formatProblem),
  )
}

export const unreadableFile = (file: string, reason: string) =>
  new GovnetError(`cannot read ${file}: ${reason}`, ExitCode.invalid)

export const unknownFileFormat = (file: string) =>
  new GovnetError(`${file}: unknown format; name it .csv or .json, or pass --format csv|json`, ExitCode.invalid)

export const notFound = (entity: string, id: string) => new GovnetError(`${entity} ${id} not found`, ExitCode.notFound)

export const alreadyExists = (entity: string, id: string) =>
  new GovnetError(
    `${entity} ${id} already exists: use \`set\` to change it, or import with --update`,
    ExitCode.conflict,
  )

export const invalidSince = (value: string) =>
  new GovnetError(
    `--since: "${value}" is neither an ISO date/time nor a duration like 90m, 24h or 7d`,
    ExitCode.invalid,
  )

export const exportJsonWithoutOut = () =>
  new GovnetError(
    '--json reports on an export written to a file: pass --out FILE, or --format json to print the records themselves',
    ExitCode.invalid,
  )

export const unwritableFile = (file: string, reason: string) =>
  new GovnetError(`cannot write ${file}: ${reason}`, ExitCode.invalid)
