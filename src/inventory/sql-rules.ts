/**
 * The domain's rules as SQL fragments, built from the domain's own names and lists so that a query
 * and the TypeScript predicate cannot drift apart (test/integration/sql-rules.test.ts runs each
 * fragment over a table of every value and compares it with the predicate). Column and alias
 * arguments are names written in the code, never input; input is always bound as a parameter.
 */
import {AUDIT_OK} from '../domain/audit-facts'
import {COVERING_STATUSES} from '../domain/coverage'
import {OTHER_KIND, TOWNSHIP_KIND_SEGMENTS} from '../domain/divisions'
import {DECOMMISSIONED} from '../domain/lifecycle'

/** A constant of the code as an SQL string literal. */
export function sqlText(value: string): string {
  return `'${value.replaceAll("'", "''")}'`
}

/** `column = 'a'` for one value (an index equality probe), `column IN ('a', 'b')` for several. */
export function sqlOneOf(column: string, values: readonly string[]): string {
  const [first, ...rest] = values
  if (first === undefined) throw new Error(`sqlOneOf(${column}): no values`)
  return rest.length === 0 ? `${column} = ${sqlText(first)}` : `${column} IN (${values.map(sqlText).join(', ')})`
}

/** isDecommissioned, negated: the rows of nodes or tenants that are not decommissioned. */
export function notDecommissionedSql(statusColumn: string): string {
  return `${statusColumn} <> ${sqlText(DECOMMISSIONED)}`
}

/**
 * matchesSearch (src/domain/search.ts) as SQL: whether one of `columns` contains the text, with
 * `param` bound to searchPattern(text). LIKE ignores the case of A–Z only, as the predicate does;
 * the text's own `%`, `_` and `\` are escaped, so they match themselves.
 */
export function searchSql(columns: readonly string[], param: string): string {
  return `(${columns.map((column) => `${column} LIKE ${param} ESCAPE '\\'`).join(' OR ')})`
}

/** The LIKE pattern for searchSql: the text anywhere, its wildcards escaped. */
export function searchPattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`
}

/** coversTownship for the node row aliased `node`. */
export function coversTownshipSql(node: string): string {
  return sqlOneOf(`${node}.status`, COVERING_STATUSES)
}

/** verifiesTownship for the node row aliased `node`; `since` is the parameter holding the window's start (ISO time). */
export function verifiesTownshipSql(node: string, since: string): string {
  return `${coversTownshipSql(node)} AND ${node}.last_audit_outcome = ${sqlText(AUDIT_OK)} AND ${node}.last_audit_at >= ${since}`
}

const segment = (n: number) => sqlText(String(n).padStart(3, '0'))

/**
 * townshipKind for a township code column (9 digits): a CASE over the township segment, one branch
 * per range of TOWNSHIP_KIND_SEGMENTS, 'other' for the rest. Segments are zero-padded, so text
 * comparison is numeric order.
 */
export function townshipKindSql(codeColumn: string): string {
  const branches = TOWNSHIP_KIND_SEGMENTS.map(
    ({kind, first, last}) =>
      `WHEN substr(${codeColumn}, 7, 3) BETWEEN ${segment(first)} AND ${segment(last)} THEN ${sqlText(kind)}`,
  )
  return `CASE ${branches.join(' ')} ELSE ${sqlText(OTHER_KIND)} END`
}
