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

/** Shown instead of an empty report. */
export const noTownships = () =>
  'no townships in the inventory yet: run `govnet division import` (or `govnet quickstart`)'

/** Shown instead of an empty report limited by --kind. */
export const noTownshipsOfKind = (kind: string, where: string) =>
  `no townships of kind ${kind} in ${where}: see \`govnet division show\` for the kinds there`
