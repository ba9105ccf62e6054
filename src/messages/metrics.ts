import {ExitCode, GovnetError} from '../errors'

export const invalidListen = (value: string) =>
  new GovnetError(
    `--listen: "${value}" is not HOST:PORT (e.g. 127.0.0.1:10360, [::1]:10360 or :10360 for every address), port 1-65535`,
    ExitCode.invalid,
  )

export const invalidRefresh = (value: string) =>
  new GovnetError(`--refresh: "${value}" is not a duration between 1s and 24h, like 30s, 5m or 1h`, ExitCode.invalid)

export const addressInUse = (address: string) =>
  new GovnetError(
    `cannot listen on ${address}: another process already listens there; pick another --listen`,
    ExitCode.conflict,
  )

export const cannotListen = (address: string, reason: string) =>
  new GovnetError(`cannot listen on ${address}: ${reason}`, ExitCode.invalid)

export const cannotWriteTextfile = (file: string, reason: string) =>
  new GovnetError(
    `cannot write metrics to ${file}: ${reason}; the previous file, if any, is unchanged`,
    ExitCode.invalid,
  )

/** Logged (not thrown) when a periodic refresh fails: the exporter keeps serving the last good snapshot. */
export const refreshFailed = (reason: string, lastGoodAt: Date | undefined) =>
  `metrics refresh failed (${reason}); serving ${lastGoodAt ? `the snapshot of ${lastGoodAt.toISOString()}` : 'no snapshot yet'}`
