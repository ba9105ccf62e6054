/**
 * What a message may show of a value that may hold a secret. A flag or field refused as invalid is
 * echoed so that the user sees what was read, but `user:password@host` (OpenSSH's and URLs' userinfo)
 * must not put the password on the terminal, in CI logs or in an import report.
 */

const SCHEME = /^[A-Za-z][A-Za-z0-9+.-]*:\/\//

/** `user:secret@host` → `user:***@host` (also after a scheme such as ssh://); other text unchanged. */
export function redactUserinfo(value: string): string {
  const scheme = SCHEME.exec(value)?.[0] ?? ''
  const rest = value.slice(scheme.length)
  const at = rest.lastIndexOf('@')
  if (at < 0) return value
  const userinfo = rest.slice(0, at)
  const colon = userinfo.indexOf(':')
  if (colon < 0) return value
  return `${scheme}${userinfo.slice(0, colon)}:***${rest.slice(at)}`
}

/** A login name given as `user:secret` → `user:***`; `user:secret@host` as redactUserinfo. */
export function redactLoginName(value: string): string {
  if (value.includes('@')) return redactUserinfo(value)
  const colon = value.indexOf(':')
  return colon < 0 ? value : `${value.slice(0, colon)}:***`
}
