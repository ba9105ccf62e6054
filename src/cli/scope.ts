import {formatScope, parseScope, Scope} from '../domain/scope'
import {scopeMessages} from '../messages'

/** `--scope` as a scope, or the flag's one-line error (exit 3). */
export function scopeFromFlag(value: string): Scope {
  const parsed = parseScope([value])
  if ('problem' in parsed) throw scopeMessages.invalidScope(parsed.problem)
  return parsed.scope
}

/** The scope for human output: its codes, or "whole country". */
export function describeScope(scope: Scope): string {
  return scope.length === 0 ? 'whole country' : formatScope(scope)
}
