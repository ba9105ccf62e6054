import type {Change} from '../inventory/changes'
import {renderTable} from './table'

/** Top-level keys whose values differ between two logged records (for an update's summary line). */
export function changedKeys(before: unknown, after: unknown): string[] {
  if (!isObject(before) || !isObject(after)) return []
  const keys = new Set([...Object.keys(before), ...Object.keys(after)])
  return [...keys].filter((key) => key !== 'updatedAt' && JSON.stringify(before[key]) !== JSON.stringify(after[key]))
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
}

export function renderChangeTable(changes: readonly Change[]): string {
  return renderTable<Change>(
    [
      {header: 'AT', value: (c) => c.at},
      {header: 'ACTOR', value: (c) => c.actor},
      {header: 'ENTITY', value: (c) => c.entity},
      {header: 'ID', value: (c) => c.entityId},
      {header: 'ACTION', value: (c) => c.action},
      {header: 'CHANGED', value: (c) => (c.action === 'update' ? changedKeys(c.before, c.after).join(', ') : '')},
    ],
    changes,
  )
}
