import {expect} from 'vitest'

import {GovnetError, UsageError} from '../../src/errors'
import {CliResult, json} from './cli'

/**
 * A CLI run failed exactly as the catalog error says: its exit code, its detail lines, then
 * `error: <message>` on stderr (and a usage error's hint after it).
 */
export function expectError(result: CliResult, error: GovnetError): void {
  const hint = error instanceof UsageError ? [`${error.hint}\n`] : []
  expect({code: result.code, stderr: result.stderr}).toEqual({
    code: error.exit,
    stderr: [...error.details.map((line) => `  ${line}\n`), `error: ${error.message}\n`, ...hint].join(''),
  })
}

/** The same, for a run with --json: the error object on stdout. */
export function expectJsonError(result: CliResult, error: GovnetError): void {
  expect(result.code).toBe(error.exit)
  expect(json(result)).toEqual({error: {message: error.message, exit: error.exit, details: [...error.details]}})
}

type ErrorClass<E extends Error> = abstract new (...args: never[]) => E

/**
 * The error that `fn` throws, for the test to compare: the test fails when nothing is thrown, and
 * an error of another class than `type` (default GovnetError) is thrown on unchanged, so the test
 * fails with its own message and stack.
 */
export function thrown<E extends Error = GovnetError>(
  fn: () => unknown,
  type: ErrorClass<E> = GovnetError as unknown as ErrorClass<E>,
): E {
  try {
    fn()
  } catch (error) {
    if (error instanceof type) return error
    throw error
  }
  return expect.fail(`expected a ${type.name} to be thrown, but nothing was`)
}

/** The same for a promise that must reject. */
export async function rejected<E extends Error = GovnetError>(
  promise: Promise<unknown>,
  type: ErrorClass<E> = GovnetError as unknown as ErrorClass<E>,
): Promise<E> {
  try {
    await promise
  } catch (error) {
    if (error instanceof type) return error
    throw error
  }
  return expect.fail(`expected a rejection with a ${type.name}, but the promise resolved`)
}
