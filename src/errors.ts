/**
 * Exit codes are part of govnet's contract with scripts and CI jobs; the README lists them.
 * A flag or argument oclif cannot parse is exit 2 (UsageError), also under --json.
 */
export const ExitCode = {
  ok: 0,
  /** Unexpected failure: a bug or an environment problem. */
  internal: 1,
  /** A command line oclif cannot parse: an unknown flag, a missing required flag or argument, a value not among a flag's options. */
  usage: 2,
  /** Bad input: a field, a row or a file that does not pass validation. */
  invalid: 3,
  /** The thing named does not exist. */
  notFound: 4,
  /** The thing exists already, or something else still depends on it. */
  conflict: 5,
  /** The inventory cannot be used by this govnet (newer schema, not a govnet database, locked). */
  inventory: 6,
  /** A check ran and found failures (tenant check, audit with failed nodes). */
  checkFailed: 7,
  /** An external dependency is missing or failed (SSH, Pulumi engine, Prometheus). */
  dependency: 8,
  /** No such command (a shell's "command not found"); govnet suggests the closest one. */
  commandNotFound: 127,
} as const

export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode]

/** A problem the user can fix. Commands print `message` on one line and exit with `exit`; never a stack trace. */
export class GovnetError extends Error {
  constructor(
    message: string,
    readonly exit: ExitCodeValue,
    /** Extra lines printed before the message, e.g. every invalid row of an import. */
    readonly details: readonly string[] = [],
  ) {
    super(message)
    this.name = 'GovnetError'
  }
}

/** A command line that cannot be parsed (exit 2): one line, and a hint where to look (printed after it, not in --json). */
export class UsageError extends GovnetError {
  constructor(
    message: string,
    readonly hint: string,
  ) {
    super(message, ExitCode.usage)
    this.name = 'UsageError'
  }
}

/** One problem with one field of one input row. `row` is 1-based data row (header excluded), absent for single records. */
export interface FieldProblem {
  row?: number
  field: string
  message: string
}

export function formatProblem(p: FieldProblem): string {
  return p.row === undefined ? `${p.field}: ${p.message}` : `row ${p.row}, ${p.field}: ${p.message}`
}

/** A check that ran and found something (exit 7): with --json, the command's whole result is printed, not an error object. */
export class FindingError extends GovnetError {
  constructor(
    error: GovnetError,
    readonly result: unknown,
  ) {
    super(error.message, error.exit, error.details)
    this.name = 'FindingError'
  }
}

/** The message of anything thrown or rejected: an Error's message, or the value as text. */
export function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}

/** At most this many characters of a value are quoted in a message. */
export const EXCERPT_LENGTH = 40

/**
 * A value as a message quotes it: whole when short, else its first characters and its length, so
 * that a 10 MB field costs one short line. Control characters are shown escaped.
 */
export function excerpt(value: string, max: number = EXCERPT_LENGTH): string {
  const visible = oneLine(value.length <= max ? value : `${value.slice(0, max)}…`)
  return value.length <= max ? visible : `${visible} (${value.length} characters)`
}

/** Text with its control characters (line breaks, NUL, escape …) shown escaped, so that it prints on one line. */
export function oneLine(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`)
}
