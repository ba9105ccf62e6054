import {ExitCode, GovnetError} from '../errors'

/** `grading show LEVEL` (or a --level flag) given something that is not an MLPS level. */
export const invalidLevel = (argument: string, value: string) =>
  new GovnetError(`${argument}: "${value}" is not an MLPS level: use 1, 2, 3, 4 or 5`, ExitCode.invalid)
