import {ExitCode, GovnetError} from '../errors'

// ---- Field problems (one line each, the field and row are added by formatProblem) ----

export const classifiedRefused = () =>
  'classified (涉密) systems belong on the e-government internal network (政务内网), never on the extranet cloud: govnet refuses them'

export const levelNotHosted = (level: number) =>
  `level ${level} systems are not hosted on a shared government cloud: govnet hosts levels 1–4`

export const invalidFilingNumber = (value: string) =>
  `"${value}" is not a filing number: give the number on the filing certificate (备案证明), 5–40 letters, digits and '-'`

export const cidrOverlaps = (cidr: string, otherId: string, otherCidr: string, region: string) =>
  `${cidr} overlaps ${otherCidr} of tenant ${otherId} in region ${region}: pick a free block, or leave cidr empty for the region to assign one`

export const unknownRegion = (region: string) =>
  `region ${region} is not defined: \`govnet region list\` shows the regions, \`govnet region add ${region} …\` defines it`

export const duplicateId = (id: string, firstRow: number) => `id ${id} appears already in row ${firstRow}`

// ---- Errors ----

export const tenantNotFound = (id: string) =>
  new GovnetError(`tenant ${id} not found: \`govnet tenant list\` shows the tenants`, ExitCode.notFound)

export const tenantExists = (id: string) =>
  new GovnetError(`tenant ${id} already exists: use \`govnet tenant set ${id}\` to change it`, ExitCode.conflict)

/** An import whose ids already exist, without --update: one detail line per row. */
export const importedTenantsExist = (file: string, existing: ReadonlyArray<{row: number; id: string}>) =>
  new GovnetError(
    `${file}: ${existing.length} tenant(s) already exist; pass --update to update them; nothing was written`,
    ExitCode.conflict,
    existing.map(({row, id}) => `row ${row}, id: tenant ${id} already exists`),
  )

/** Only tenants without live resources may be removed. */
export const tenantNotRemovable = (id: string, status: string) =>
  new GovnetError(
    `tenant ${id} is ${status} and may still have resources: destroy them first, or set its status to decommissioned, then remove it`,
    ExitCode.conflict,
  )

export const invalidToday = (value: string) =>
  new GovnetError(`--today: "${value}" is not a date in the form YYYY-MM-DD`, ExitCode.invalid)
