import {ExitCode, GovnetError} from '../errors'

// ---- Field problems (one line each, the field and row are added by formatProblem) ----

export const unknownDivision = (code: string) =>
  `division ${code} is not in the inventory: import divisions first (\`govnet division import\`), or check the code`

/** `problem` is tierProblem's sentence (src/domain/tiers.ts). */
export const tierMismatch = (problem: string, division: string) => `${problem} (division ${division})`

export const tierOmittedForDivision = (code: string, level: string) =>
  `no tier given and a node in ${level} ${code} has no default tier: set tier`

export const ownUplink = (id: string) => `node ${id} cannot be its own uplink`

export const unknownUplink = (uplink: string) => `uplink node ${uplink} is neither in the inventory nor in this import`

export const unknownUplinkNode = (uplink: string) => `uplink node ${uplink} is not in the inventory`

/** `cycle` lists the nodes in uplink order, starting and ending with the same node. */
export const uplinkCycle = (cycle: readonly string[]) => `uplinks would form a cycle: ${cycle.join(' → ')}`

export const duplicateId = (id: string, firstRow: number) => `id ${id} appears already in row ${firstRow}`

export const invalidTag = (tag: string) =>
  `tag "${tag}" is not valid: use letters (any script), digits and . _ : / = -, at most 63 characters, starting with a letter or digit`

export const tooManyTags = (count: number, max: number) => `has ${count} tags; at most ${max} are allowed`

// ---- Errors ----

export const nodeNotFound = (id: string) => new GovnetError(`node ${id} not found`, ExitCode.notFound)

export const nodeExists = (id: string) =>
  new GovnetError(`node ${id} already exists: use \`govnet node set ${id}\` to change it`, ExitCode.conflict)

/** An import whose ids already exist, without --update: one detail line per row. */
export const importedNodesExist = (file: string, existing: ReadonlyArray<{row: number; id: string}>) =>
  new GovnetError(
    `${file}: ${existing.length} node(s) already exist; pass --update to update them; nothing was written`,
    ExitCode.conflict,
    existing.map(({row, id}) => `row ${row}, id: node ${id} already exists`),
  )

export const nodeHasDependents = (id: string, dependents: readonly string[]) =>
  new GovnetError(
    `node ${id} is the uplink of ${dependents.length} node(s) (${summarize(dependents)}): re-point them first, or pass --detach to clear their uplink`,
    ExitCode.conflict,
  )

export const nothingToSet = () =>
  new GovnetError('nothing to change: pass at least one field flag, e.g. --status active', ExitCode.invalid)

export const underNotFound = (code: string) =>
  new GovnetError(`--under: division ${code} is not in the inventory`, ExitCode.notFound)

export const invalidUnder = (problem: string) => new GovnetError(`--under: ${problem}`, ExitCode.invalid)

/** The note under `node list` when some of the listed nodes share a management address. */
export const sharedAddressesListed = (count: number) =>
  `${count} node(s) marked (shared) use a management address that another node not decommissioned uses too: check them, \`govnet node list --shared-address\` lists them all`

/** `node show`: the other nodes on the same management address. */
export const sharedAddressWith = (ids: readonly string[]) =>
  ids.length === 0 ? null : `${summarize(ids)} (check that the address is right)`

function summarize(ids: readonly string[], max = 5): string {
  return ids.length <= max ? ids.join(', ') : `${ids.slice(0, max).join(', ')} and ${ids.length - max} more`
}
