import {ExitCode, GovnetError} from '../errors'

// ---- Field problems (one line each; formatProblem adds the field) ----

export const poolsOverlap = (a: string, b: string) => `${a} overlaps ${b}: pools must not overlap each other`

export const extranetRangeTooWide = (range: string, minPrefix: number) =>
  `${range} is wider than /${minPrefix}: extranet ranges are the extranet's own blocks (e.g. 59.255.0.0/16, 10.44.0.0/16), never the Internet`

export const extranetRangesTooMany = (count: number, covered: number, minPrefix: number, limit: number) =>
  `the ${count} ranges cover ${covered.toLocaleString('en-US')} addresses together, more than one /${minPrefix} (${limit.toLocaleString('en-US')}): list only the extranet's own blocks (e.g. 59.255.0.0/16, 10.44.0.0/16), never the Internet`

export const noPools = () => 'give at least one address pool, e.g. 10.20.0.0/16'

export const ratingNotHosted = (level: number) =>
  `level ${level} is not hosted on a shared government cloud: a region is rated for level 1–4`

export const capacityBelowReserved = (capacity: number, reserved: number) =>
  `${capacity} is below the ${reserved} that tenants have reserved; destroy or shrink tenants first`

export const ratingBelowTenants = (rating: number, highest: number) =>
  `${rating} is below the level ${highest} of a tenant placed in the region; a platform never hosts a system graded above its own rating`

export const poolStillAllocated = (cidr: string) =>
  `${cidr} is allocated to a tenant and would lie outside every pool; destroy that tenant first`

// ---- Errors ----

export const regionNotFound = (id: string) =>
  new GovnetError(`region ${id} not found: \`govnet region list\` shows the regions`, ExitCode.notFound)

export const regionExists = (id: string) =>
  new GovnetError(`region ${id} already exists: use \`govnet region set ${id}\` to change it`, ExitCode.conflict)

export const regionInUse = (id: string, tenants: readonly string[]) =>
  new GovnetError(
    `region ${id} still hosts ${tenants.length} tenant(s) (${tenants.slice(0, 5).join(', ')}${tenants.length > 5 ? ', …' : ''}): move or remove them first`,
    ExitCode.conflict,
  )

export const regionChangeRefused = (id: string, problems: readonly string[]) =>
  new GovnetError(`region ${id} cannot change: ${problems.join('; ')}`, ExitCode.conflict)

export const nothingToSet = () =>
  new GovnetError('nothing to change: pass at least one field flag (see --help)', ExitCode.invalid)

export const importedRegionsExist = (file: string, existing: ReadonlyArray<{row: number; id: string}>) =>
  new GovnetError(
    `${file}: ${existing.length} region(s) already exist; pass --update to update them; nothing was written`,
    ExitCode.conflict,
    existing.map(({row, id}) => `row ${row}, id: region ${id} already exists`),
  )

export const duplicateRegionRow = (id: string, firstRow: number) => `region ${id} appears already in row ${firstRow}`
