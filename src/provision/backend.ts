import {redactUserinfo} from '../messages/redact'
import * as msg from '../messages/provision'
import {ProvisionPaths} from './workspace'

/**
 * Where the tenants' Pulumi state lives. By default the file backend next to the inventory
 * (<db dir>/.govnet/pulumi-state); with `--backend URL` or GOVNET_PULUMI_BACKEND, a shared DIY backend
 * that many runners use at once: postgres://user:password@host:5432/db?sslmode=disable (the engine's
 * PostgreSQL backend: one table, `pulumi_state` unless `&table=` names another), s3://bucket?region=…
 * (S3-compatible storage, credentials from the AWS environment), gs://, azblob://, or another file://.
 * The engine locks each stack while an operation runs, so two runners never change one stack at once.
 */
export const BACKEND_ENV = 'GOVNET_PULUMI_BACKEND'

/** The URL schemes the engine's DIY backends accept (gocloud.dev/blob and the engine's postgres driver). */
export const BACKEND_SCHEMES = ['file', 'postgres', 's3', 'gs', 'azblob'] as const

export interface StateBackend {
  /** The URL the engine is given: it may hold a password, so it goes only into the engine's environment. */
  url: string
  /** The URL as govnet shows and records it: `user:***@`. */
  shown: string
  /** True for the file backend next to the inventory (govnet can see whether a stack's state exists). */
  local: boolean
  /** The password of the URL, in every form it may be printed (as written, decoded, re-encoded): scrubbed from every text the engine gives back. */
  secrets: string[]
}

/** The backend named by the flag, else GOVNET_PULUMI_BACKEND, else the file backend next to the inventory. */
export function resolveBackend(
  paths: ProvisionPaths,
  flag: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
): StateBackend {
  const given = flag ?? (env[BACKEND_ENV] || undefined)
  if (given === undefined) return {url: paths.backendUrl, shown: paths.backendUrl, local: true, secrets: []}
  const shown = redactUserinfo(given)
  let parsed: URL
  try {
    parsed = new URL(given)
  } catch {
    throw msg.backendInvalid(shown, 'it is not a URL')
  }
  const scheme = parsed.protocol.replace(/:$/, '')
  if (!(BACKEND_SCHEMES as readonly string[]).includes(scheme))
    throw msg.backendInvalid(shown, `the scheme ${scheme}:// is not one of ${BACKEND_SCHEMES.join(', ')}`)
  const decoded = parsed.password ? decodeURIComponent(parsed.password) : ''
  const secrets = [...new Set([parsed.password, decoded, encodeURIComponent(decoded)])].filter((form) => form !== '')
  return {url: given, shown, local: given === paths.backendUrl, secrets}
}

/** `text` with the backend's password removed wherever it shows (raw, URL-encoded, or as URL userinfo). */
export function scrubBackend(text: string, backend: StateBackend): string {
  let out = text.replace(/[A-Za-z][A-Za-z0-9+.-]*:\/\/[^\s'"`]+/g, (url) => redactUserinfo(url))
  // Longest first, so that a form holding another is masked whole.
  for (const form of [...backend.secrets].sort((a, b) => b.length - a.length)) out = out.split(form).join('***')
  return out
}

/**
 * The engine's PostgreSQL backend creates its table on first use with CREATE TABLE IF NOT EXISTS,
 * which PostgreSQL does not guard against a second runner doing the same at the same moment: one of
 * the two fails with a duplicate key in the catalog (pg_type). Nothing ran, and the table exists
 * afterwards, so opening the stack again succeeds.
 */
export function isStateTableRace(reason: string): boolean {
  return /failed to create table \S+: pq: duplicate key value violates unique constraint/.test(reason)
}
