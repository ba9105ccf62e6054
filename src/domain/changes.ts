/** What a change-log row records was done to its entity. */
export const CHANGE_ACTIONS = ['create', 'update', 'delete', 'import'] as const
export type ChangeAction = (typeof CHANGE_ACTIONS)[number]
