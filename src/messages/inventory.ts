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

/** The most problems an import prints; the rest are counted in one more line. */
export const MAX_PRINTED_PROBLEMS = 50

/** The line after the first MAX_PRINTED_PROBLEMS problems, counting the ones not printed. */
export const moreProblems = (count: number) => `… and ${count} more problem(s), not shown`

/** An import with invalid rows: the first 50 problems printed on their own lines, the count of the rest, then one summary line. */
export const invalidImport = (file: string, problems: readonly FieldProblem[]) => {
  const rows = new Set(problems.map((p) => p.row ?? 0)).size
  const shown = problems.slice(0, MAX_PRINTED_PROBLEMS).map(formatProblem)
  if (problems.length > MAX_PRINTED_PROBLEMS) shown.push(moreProblems(problems.length - MAX_PRINTED_PROBLEMS))
  return new GovnetError(
    `${file}: ${problems.length} problem(s) in ${rows} row(s); nothing was written`,
    ExitCode.invalid,
    shown,
  )
}

/** What to do about a file that is not in the encoding read, given what chardet took it for. */
function encodingFix(detected: string | undefined): string {
  const guess = detected === undefined ? 'chardet cannot tell its encoding' : `chardet detects ${detected}`
  if (detected !== undefined && /^(gb|big5)/i.test(detected)) return `${guess}: import with --encoding gb18030`
  if (detected !== undefined && /^utf-16/i.test(detected)) return `${guess}: import with --encoding utf-16`
  return `${guess}: a CSV saved by Excel on a Chinese Windows desktop is GB18030 (import with --encoding gb18030); otherwise save the file as UTF-8`
}

export const notUtf8 = (file: string, line: number, detected: string | undefined) =>
  new GovnetError(`cannot read ${file}: line ${line} is not valid UTF-8; ${encodingFix(detected)}`, ExitCode.invalid)

export const notInEncoding = (file: string, encoding: string, line: number, detected: string | undefined) =>
  new GovnetError(
    `cannot read ${file}: line ${line} is not valid ${encoding}; ${encodingFix(detected)}, or check --encoding`,
    ExitCode.invalid,
  )

export const utf16WithoutBom = (file: string) =>
  new GovnetError(
    `cannot read ${file}: --encoding utf-16 needs a byte-order mark at the start of the file: name the byte order with --encoding utf-16le or utf-16be`,
    ExitCode.invalid,
  )

/** CSV structure (csv-parse's codes): the line and what to fix. */
export const csvFieldCount = (line: number, got: number, expected: number, loneCarriageReturn: boolean) =>
  `not valid CSV: line ${line} has ${got} fields, the header has ${expected}` +
  (loneCarriageReturn
    ? '; the file has a carriage return (CR) without a line feed, which is not a line end: save it with LF or CRLF line endings'
    : ': quote a field that holds a comma ("a,b"), and give every line the header\'s columns')

export const csvQuoteNotClosed = (line: number) =>
  `not valid CSV: the file ends (line ${line}) inside a quoted field: close the field's quote, and write a quote inside a quoted field as ""`

export const csvBadClosingQuote = (line: number) =>
  `not valid CSV: at line ${line} a quoted field is followed by other characters: write a quote inside a quoted field as "", or quote the whole field`

export const csvOther = (line: number | undefined, reason: string) =>
  `not valid CSV${line === undefined ? '' : ` at line ${line}`}: ${reason}`

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
