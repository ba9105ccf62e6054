import {ExitCode, GovnetError} from '../errors'

/** The scope as messages name it: its codes, or "the whole country". */
const named = (scope: string) => (scope === '' ? 'the whole country' : scope)

/** `govnet init --scope` with a code that is not a province, prefecture or county code. */
export const invalidScope = (problem: string) => new GovnetError(`--scope: ${problem}`, ExitCode.invalid)

/** `govnet init --scope` on an inventory that holds rows the new scope would leave outside. */
export const rowsOutsideScope = (scope: string, first: string, others: number) =>
  new GovnetError(
    `--scope ${scope}: ${first}${others > 0 ? ` and ${others} more row(s) lie` : ' lies'} outside it; ` +
      'remove or move them first, or choose a scope that holds them',
    ExitCode.conflict,
  )

/** A node described for rowsOutsideScope. */
export const nodeRow = (id: string, division: string) => `node ${id} (division ${division})`

/** A tenant described for rowsOutsideScope. */
export const tenantRow = (id: string, uscc: string) => `tenant ${id} (uscc ${uscc})`

const fix = '(govnet init --scope); add it to the instance whose scope holds it'

/** Field problem (field `division`) of a node whose division lies outside a scoped inventory. */
export const nodeOutsideScope = (id: string, division: string, scope: string) =>
  `${division} (node ${id}) is outside this inventory's scope ${named(scope)} ${fix}`

/** Field problem (field `uscc`) of a tenant whose department is registered outside a scoped inventory. */
export const tenantOutsideScope = (id: string, division: string | undefined, scope: string) =>
  `the department of tenant ${id} is registered ${division === undefined ? 'nationally (100000)' : `in ${division}`}, ` +
  `outside this inventory's scope ${named(scope)} ${fix}`
