import {expect} from 'vitest'

import {GovnetError} from '../../src/errors'
import {CliResult, json} from './cli'

/** A CLI run failed exactly as the catalog error says: its exit code, its detail lines, then `error: <message>` on stderr. */
export function expectError(result: CliResult, error: GovnetError): void {
  expect({code: result.code, stderr: result.stderr}).toEqual({
    code: error.exit,
    stderr: [...error.details.map((line) => `  ${line}\n`), `error: ${error.message}\n`].join(''),
  })
}

/** The same, for a run with --json: the error object on stdout. */
export function expectJsonError(result: CliResult, error: GovnetError): void {
  expect(result.code).toBe(error.exit)
  expect(json(result)).toEqual({error: {message: error.message, exit: error.exit, details: [...error.details]}})
}
