import {FieldProblem} from '../errors'
import {nodeOutsideScope, tenantOutsideScope} from '../messages/scope'
import {codeProblem, isWithin, levelOf} from './divisions'
import {usccDivisionCode} from './uscc'

/**
 * The scope of a provincial instance (issue 14): the division subtrees an inventory holds. The
 * extranet is run level by level, so a national deployment is one inventory per province (or per
 * prefecture, or a few provinces together), each scoped to its subtree; the national view is
 * Prometheus federation over their metrics, never a govnet of its own.
 *
 * A scope is a list of province, prefecture or county codes (2, 4 or 6 digits), none inside another,
 * in code order. The empty list is the whole country: an unscoped inventory.
 *
 * - A node is in scope when its division lies in one of the subtrees.
 * - A tenant is in scope when the division of its department's registration (characters 3–8 of the
 *   USCC) lies in one of them; a national registration (100000) is in no provincial scope.
 * - Divisions: a scoped inventory keeps the subtrees and the ancestors of the scope codes (a
 *   prefecture's instance holds its province's line), nothing else.
 * - Coverage counts only the townships inside the subtrees.
 */
export type Scope = readonly string[]

/** The whole country: no scope. */
export const WHOLE_COUNTRY: Scope = Object.freeze([])

/** The levels a scope code may have: a township or a village is no instance of its own. */
export const SCOPE_LEVELS = ['province', 'prefecture', 'county'] as const

/** The scope as written in messages, flags and the `scope` label: codes joined by commas ("" for the whole country). */
export function formatScope(scope: Scope): string {
  return scope.join(',')
}

/**
 * Codes from `--scope` (each element may hold several, comma-separated) as a scope: trimmed, checked,
 * sorted, repeats and codes inside another code of the list dropped ("44,4401" is "44"). Returns the
 * first problem instead when a code is not a province, prefecture or county code, or none is given.
 */
export function parseScope(values: readonly string[]): {scope: Scope} | {problem: string} {
  const codes = values
    .flatMap((value) => value.split(','))
    .map((code) => code.trim())
    .filter((code) => code !== '')
  if (codes.length === 0) return {problem: 'no division code given: e.g. --scope 44, or --scope 4401,4403'}
  for (const code of codes) {
    const problem = codeProblem(code)
    if (problem) return {problem}
    const level = levelOf(code)!
    if (!(SCOPE_LEVELS as readonly string[]).includes(level))
      return {problem: `"${code}" is a ${level}: a scope is made of province, prefecture or county codes`}
  }
  return {scope: normalizeScope(codes)}
}

/** Sorted, without repeats and without codes that lie inside another code of the list. */
export function normalizeScope(codes: Iterable<string>): Scope {
  const sorted = [...new Set(codes)].sort()
  // Sorted, a code inside another comes right after it (or after other codes inside it).
  const kept: string[] = []
  for (const code of sorted) if (!kept.some((outer) => isWithin(code, outer))) kept.push(code)
  return kept
}

export function isScoped(scope: Scope): boolean {
  return scope.length > 0
}

/** True when the division `code` lies in the scope (always, for the whole country). */
export function isInScope(code: string, scope: Scope): boolean {
  return scope.length === 0 || scope.some((outer) => isWithin(code, outer))
}

/**
 * True when the division's line belongs in this inventory's reports: it lies in the scope or is an
 * ancestor of a scope code (a prefecture instance reports its province, counting its own part).
 */
export function touchesScope(code: string, scope: Scope): boolean {
  return isInScope(code, scope) || scope.some((inner) => isWithin(inner, code))
}

/** True when a tenant whose department has this USCC belongs to the scope (see usccDivisionCode). */
export function isTenantInScope(uscc: string, scope: Scope): boolean {
  if (scope.length === 0) return true
  const division = usccDivisionCode(uscc)
  return division !== undefined && isInScope(division, scope)
}

/**
 * The subtrees to count for a report limited to `under` (or the whole inventory) in this scope,
 * as division codes whose subtrees are disjoint: '' stands for the whole country. Empty when
 * `under` lies outside the scope.
 */
export function countingRoots(scope: Scope, under?: string): string[] {
  if (scope.length === 0) return [under ?? '']
  if (under === undefined) return [...scope]
  if (isInScope(under, scope)) return [under]
  return scope.filter((inner) => isWithin(inner, under))
}

/** The problem (field `division`) of a node placed outside the scope, or undefined when it fits. */
export function nodeScopeProblem(
  node: {id: string; division: string},
  scope: Scope,
  row?: number,
): FieldProblem | undefined {
  if (isInScope(node.division, scope)) return undefined
  return {row, field: 'division', message: nodeOutsideScope(node.id, node.division, formatScope(scope))}
}

/** The problem (field `uscc`) of a tenant whose department is registered outside the scope, or undefined. */
export function tenantScopeProblem(
  tenant: {id: string; uscc: string},
  scope: Scope,
  row?: number,
): FieldProblem | undefined {
  if (isTenantInScope(tenant.uscc, scope)) return undefined
  return {
    row,
    field: 'uscc',
    message: tenantOutsideScope(tenant.id, usccDivisionCode(tenant.uscc), formatScope(scope)),
  }
}
