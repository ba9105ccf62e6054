import {describe, expect, it} from 'vitest'

import {SshError} from '../../src/ssh-errors'
import {ExitCode, GovnetError} from '../../src/errors'
import {rejected, thrown} from '../helpers/expect-error'

// The helper every test uses for an expected error: it must fail a test in which nothing is thrown.
describe('thrown and rejected (test/helpers/expect-error.ts)', () => {
  const error = new GovnetError('--x: bad', ExitCode.invalid)

  it('return the error of the class asked for', async () => {
    expect(
      thrown(() => {
        throw error
      }),
    ).toBe(error)
    const ssh = new SshError('timeout', 'timed out')
    expect(
      thrown(() => {
        throw ssh
      }, SshError),
    ).toBe(ssh)
    expect(await rejected(Promise.reject(error))).toBe(error)
  })

  it('fail when nothing is thrown or the promise resolves', async () => {
    expect(() => thrown(() => 1)).toThrow('expected a GovnetError to be thrown, but nothing was')
    await expect(rejected(Promise.resolve(1), SshError)).rejects.toThrow(
      'expected a rejection with a SshError, but the promise resolved',
    )
  })

  it('throw an error of another class on unchanged', async () => {
    const other = new TypeError('a bug')
    expect(() =>
      thrown(() => {
        throw other
      }),
    ).toThrow(other)
    await expect(rejected(Promise.reject(other))).rejects.toBe(other)
  })
})
