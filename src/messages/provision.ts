import {ExitCode, GovnetError} from '../errors'

interface BaselineSummary {
  zones: readonly string[]
  managementPorts: readonly number[]
  logRetentionMonths: number
  logRetentionDays: number
  encryptionAlgorithm: string | null
}

// ---- Baseline as the stack reads it ----

export const baselineMissingLevel = (level: number) => `the baseline has no controls for level ${level}`

export const baselineMissingParameter = (level: number, key: string, what: string) =>
  `the level ${level} baseline gives no ${what} (no control has the parameter "${key}")`

export const baselineBadParameter = (level: number, control: string, key: string, expected: string) =>
  `the level ${level} baseline control ${control} has a parameter "${key}" that is not ${expected}`

// ---- Pre-flight findings (ok and failed) ----

export const preflightHosted = (level: number) => `level ${level} is hosted on the government cloud`

export const regionUndefined = (tenant: string, region: string) =>
  `tenant ${tenant} is placed in region ${region}, which is not defined: \`govnet region add ${region} …\``

export const preflightRegion = (region: string) => `region ${region} is defined`

export const levelAboveRating = (level: number, region: string, rating: number) =>
  `level ${level} is above the rating of region ${region} (level ${rating}): a platform never hosts a system graded above its own rating`

export const preflightRating = (region: string, rating: number) => `region ${region} is rated for level ${rating}`

export const preflightBaseline = (level: number, baseline: BaselineSummary | undefined) =>
  baseline
    ? `level ${level} baseline: zones ${baseline.zones.join(', ')}; management ports ${baseline.managementPorts.join(', ')}; logs kept ${baseline.logRetentionMonths} months (at least ${baseline.logRetentionDays} days); encryption at rest ${baseline.encryptionAlgorithm ?? 'not required'}`
    : `level ${level} baseline read`

export const noExtranetRanges = (region: string, level: number) =>
  `region ${region} declares no extranet ranges, and a level ${level} tenant accepts ingress only from them: \`govnet region set ${region} --extranet-ranges …\``

export const extranetRangesTooWide = (region: string, level: number, problem: string) =>
  `region ${region}'s extranet ranges open too much for a level ${level} tenant, which accepts ingress only from them: ${problem}; \`govnet region set ${region} --extranet-ranges …\``

export const preflightExtranetRanges = (ranges: readonly string[]) =>
  ranges.length > 0 ? `ingress from the extranet ranges ${ranges.join(', ')}` : 'no extranet ranges (none needed)'

export const noExternalNetwork = (region: string) =>
  `region ${region} has no external network for tenant routers: \`govnet region set ${region} --external-network ID\``

export const preflightExternalNetwork = (network: string) => `routers attach to external network ${network}`

export const quotaOverCapacity = (region: string, resource: string, wanted: number, free: number) =>
  `quota of ${wanted} ${resource} does not fit in region ${region}: ${free} ${resource} left unreserved`

export const preflightQuota = (region: string) => `quota fits in region ${region}`

export const blockOutsidePools = (cidr: string, region: string, pools: readonly string[]) =>
  `the tenant's block ${cidr} lies outside the pools of region ${region} (${pools.join(', ')})`

export const blockTaken = (cidr: string, clash: string) =>
  `the tenant's block ${cidr} overlaps ${clash}, allocated to another tenant`

export const poolExhausted = (region: string, zone: string, prefix: number, pools: readonly string[]) =>
  `no free /${prefix} for the ${zone} zone in ${pools.join(', ')} (region ${region})`

export const zoneAlreadyAllocated = (tenant: string, zone: string, cidr: string) =>
  `tenant ${tenant} already holds ${cidr} for the ${zone} zone, of another size or region: destroy the tenant's stack first`

export const preflightNetworks = (subnets: ReadonlyArray<{zone: string; cidr: string}>) =>
  `zone subnets fit: ${subnets.map((s) => `${s.zone} ${s.cidr}`).join(', ')}`

// ---- Policy pack violations (stacks/policy) ----

export const policyManagementPortOpen = (ports: readonly number[], source: string) =>
  `management port(s) ${ports.join(', ')} open to ${source}: management ports are reachable only from the management zone (bastion)`

export const policyMissingZones = (level: number, missing: readonly string[]) =>
  `level ${level} needs the zone(s) ${missing.join(', ')}, which the stack does not create`

/** What is missing for encryption at rest, per target. */
export const STORAGE_GAPS = {
  recordedEncryption: (algorithm: string) => `the rule set does not record ${algorithm} encryption of volumes`,
  recordedKey: 'the rule set does not record a tenant-held key',
  volumeType: 'no encrypted volume type',
  key: 'no tenant-held key (Barbican order)',
} as const

export const policyUnencryptedStorage = (level: number, missing: string) =>
  `level ${level} data must be encrypted at rest with a tenant-held key: ${missing}`

export const policyLogRetention = (days: number, minDays: number) =>
  `logs are kept ${days} days; the baseline requires at least ${minDays} (its retention in calendar months, at their longest)`

export const policyAboveRating = (level: number, rating: number) =>
  `a level ${level} tenant is placed in a region rated for level ${rating}: a platform never hosts a system graded above its own rating`

export const policyIngressOutsideExtranet = (level: number, source: string) =>
  `level ${level} ingress from ${source}, outside the region's extranet ranges`

// ---- Errors of the provisioning commands ----

export const preflightFailed = (tenant: string, problems: readonly string[]) =>
  new GovnetError(
    `tenant ${tenant} failed the pre-flight; nothing was created: ${problems[0] ?? ''}`,
    ExitCode.checkFailed,
    problems.slice(1),
  )

export const engineMissing = (command: string) =>
  new GovnetError(
    `the Pulumi CLI (${command}) is not installed: run \`scripts/pulumi-engine.sh\` and put the directory it prints on PATH, or set GOVNET_PULUMI_BIN to that directory`,
    ExitCode.dependency,
  )

export const engineUnusable = (command: string, reason: string) =>
  new GovnetError(
    `the Pulumi CLI ${command} does not run (${reason}): rebuild it with \`scripts/pulumi-engine.sh --force\``,
    ExitCode.dependency,
  )

export const operationFailed = (operation: string, tenant: string, reason: string) =>
  new GovnetError(`${operation} of tenant ${tenant} failed: ${reason}`, ExitCode.dependency)

export const passphraseFileUnreadable = (file: string, reason: string) =>
  new GovnetError(`PULUMI_CONFIG_PASSPHRASE_FILE ${file} cannot be read: ${reason}`, ExitCode.dependency)

export const passphraseFileOpen = (file: string, mode: string) =>
  new GovnetError(
    `the generated passphrase file ${file} has mode ${mode}: others may read it; \`chmod 600 ${file}\``,
    ExitCode.dependency,
  )

export const workspaceOccupied = (link: string) =>
  new GovnetError(`${link} exists and is not govnet's link to its node_modules: remove it`, ExitCode.dependency)

// ---- State backend ----

export const backendInvalid = (shown: string, why: string) =>
  new GovnetError(
    `--backend (or GOVNET_PULUMI_BACKEND) ${shown}: ${why}; give a state backend URL such as postgres://user:password@host:5432/db?sslmode=disable, s3://bucket?region=… or file:///path`,
    ExitCode.invalid,
  )

export const stackLocked = (operation: string, tenant: string, holder: string) =>
  new GovnetError(
    `${operation} of tenant ${tenant} refused: its stack is locked by ${holder}; nothing was changed. Wait for that run to end (or, if it died, \`govnet tenant refresh ${tenant}\` after \`pulumi cancel\`)`,
    ExitCode.conflict,
  )

export const stackNotInBackend = (tenant: string, backend: string, reason: string) =>
  new GovnetError(`tenant ${tenant} has no stack in the state backend ${backend}: ${reason}`, ExitCode.notFound)

// ---- Batches (tenant up | preview | destroy for a selection) ----

export const batchSelectionMissing = (operation: string) =>
  new GovnetError(
    `tenant ${operation} needs a tenant id or a selection: --all, --under CODE, --level N, --status S or --region R`,
    ExitCode.invalid,
  )

export const batchSelectionWithId = (operation: string, id: string) =>
  new GovnetError(
    `tenant ${operation} ${id}: give either one tenant id or a selection (--all, --under, --level, --status, --region), not both`,
    ExitCode.invalid,
  )

export const batchUnderInvalid = (code: string) =>
  new GovnetError(
    `--under ${code}: a department's division is the 6-digit code in its USCC (characters 3–8); give a province (2 digits), prefecture (4) or county (6) code`,
    ExitCode.invalid,
  )

export const batchFailed = (operation: string, failed: number, total: number) =>
  new GovnetError(`tenant ${operation}: ${failed} of ${total} tenants failed`, ExitCode.checkFailed)

export const batchInterrupted = (operation: string, notStarted: number) =>
  `interrupted: ${operation} starts no more stacks (${notStarted} not started) and lets those running finish (Ctrl-C again to cancel them)`

export const batchCancelling = (running: number) =>
  `cancelling ${running} running stack(s), as \`pulumi cancel\` would: their in-flight resource operations finish first`

export const notStartedReason = 'not started: the batch was interrupted'
