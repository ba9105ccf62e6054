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

// --- the web configuration file (--web.config.file, exporter-toolkit's format) --------------------

export const webConfigUnreadable = (file: string, reason: string) =>
  new GovnetError(`--web.config.file ${file}: cannot read it (${reason})`, ExitCode.invalid)

export const webConfigInvalid = (file: string, line: number, problem: string) =>
  new GovnetError(`--web.config.file ${file}: line ${line}: ${problem}`, ExitCode.invalid)

export const webConfigUnknownKey = (key: string, known: readonly string[]) =>
  `unknown key ${key} (known here: ${known.join(', ')})`

export const webConfigHeaderNotConfigurable = (header: string, allowed: readonly string[]) =>
  `HTTP header "${header}" can not be configured (only ${allowed.join(', ')})`

export const webConfigNotBcrypt = (key: string) =>
  `${key} is not a bcrypt hash ($2a$, $2b$ or $2y$, cost 04-31; make one with \`htpasswd -nBC 10 "" | tr -d ':\\n'\`)`

export const webConfigTlsFile = (file: string, key: string, path: string, reason: string) =>
  new GovnetError(`--web.config.file ${file}: ${key} ${path}: ${reason}`, ExitCode.invalid)

export const webConfigTlsUnusable = (file: string, reason: string) =>
  new GovnetError(`--web.config.file ${file}: tls_server_config cannot be used: ${reason}`, ExitCode.invalid)

export const invalidMaxConnections = (value: number) =>
  new GovnetError(`--max-connections: ${value} is not between 1 and 10000`, ExitCode.invalid)

/** Logged (not thrown) when the file breaks while serving: requests get 500, TLS handshakes fail, until it is fixed. */
export const webConfigBroken = (reason: string) =>
  `web config unusable, refusing requests with 500 and TLS connections until it is fixed: ${reason}`

export const webConfigRecovered = (file: string) => `web config ${file} is usable again`
