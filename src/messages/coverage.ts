import {ExitCode, GovnetError} from '../errors'

export const invalidFreshness = (value: string) =>
  new GovnetError(`--fresh: "${value}" is not a duration like 90m, 24h or 7d`, ExitCode.invalid)

export const invalidUnder = (problem: string) => new GovnetError(`--under: ${problem}`, ExitCode.invalid)

export const underNotInInventory = (code: string) =>
  new GovnetError(`--under: division ${code} is not in the inventory; see \`govnet division list\``, ExitCode.invalid)

export const underNotAboveLevel = (code: string, underLevel: string, level: string) =>
  new GovnetError(
    `--under: ${code} is a ${underLevel}; it must be a division above the ${level} level (or choose a lower --level)`,
    ExitCode.invalid,
  )

/** The coverage report drills down to counties: its --under is a province or a prefecture. */
export const treeUnderTooLow = (code: string, underLevel: string, level: string) =>
  new GovnetError(
    `--under: ${code} is a ${underLevel}; the report drills down to the ${level} level: give a province or a prefecture`,
    ExitCode.invalid,
  )

/** Shown instead of an empty report. */
export const noTownships = () =>
  'no townships in the inventory yet: run `govnet division import` (or `govnet quickstart`)'

/** Shown instead of an empty report limited by --kind. */
export const noTownshipsOfKind = (kind: string, where: string) =>
  `no townships of kind ${kind} in ${where}: see \`govnet division show\` for the kinds there`

export const cannotWriteReport = (file: string, reason: string) =>
  new GovnetError(
    `--out: cannot write the report to ${file}: ${reason}; the previous file, if any, is unchanged`,
    ExitCode.invalid,
  )
