/**
 * Every metric govnet exports: name (govnet_ prefix, base units, `_total` for counters), one-sentence
 * help and label names. The README's "Metrics" section documents the same list.
 */
export interface MetricDefinition<L extends string = string> {
  name: string
  help: string
  labelNames: readonly L[]
}

/** `province` (2-digit code) and `parent` (name of the division above) tell repeated names apart: see divisionLabels. */
const DIVISION_LABELS = ['level', 'code', 'name', 'province', 'parent'] as const

export const COVERAGE_TOWNSHIPS = {
  name: 'govnet_coverage_townships',
  help: 'Townships (乡镇/街道) in the division, or in the whole country for level="nation".',
  labelNames: DIVISION_LABELS,
} satisfies MetricDefinition

export const COVERAGE_COVERED_TOWNSHIPS = {
  name: 'govnet_coverage_covered_townships',
  help: 'Townships of the division with at least one active extranet node.',
  labelNames: DIVISION_LABELS,
} satisfies MetricDefinition

export const COVERAGE_VERIFIED_TOWNSHIPS = {
  name: 'govnet_coverage_verified_townships',
  help: 'Covered townships of the division whose active node passed an SSH audit within the freshness window.',
  labelNames: DIVISION_LABELS,
} satisfies MetricDefinition

export const COVERAGE_RATIO = {
  name: 'govnet_coverage_ratio',
  help: 'Covered townships divided by the townships of the division (0 for a division without townships).',
  labelNames: DIVISION_LABELS,
} satisfies MetricDefinition

export const COVERAGE_VERIFIED_RATIO = {
  name: 'govnet_coverage_verified_ratio',
  help: 'Verified townships divided by the townships of the division (0 for a division without townships).',
  labelNames: DIVISION_LABELS,
} satisfies MetricDefinition

const KIND_LABELS = [...DIVISION_LABELS, 'kind'] as const

/** The levels whose coverage lines are also broken down by township kind: 4 kinds × 32 lines keeps the series bounded. */
export const KIND_COVERAGE_LEVELS: readonly string[] = ['nation', 'province']

export const COVERAGE_KIND_TOWNSHIPS = {
  name: 'govnet_coverage_kind_townships',
  help: 'Townships of one kind (street 街道, town 镇, township 乡, other) in the nation or a province.',
  labelNames: KIND_LABELS,
} satisfies MetricDefinition

export const COVERAGE_KIND_COVERED_TOWNSHIPS = {
  name: 'govnet_coverage_kind_covered_townships',
  help: 'Townships of one kind in the nation or a province with at least one active extranet node.',
  labelNames: KIND_LABELS,
} satisfies MetricDefinition

export const COVERAGE_KIND_VERIFIED_TOWNSHIPS = {
  name: 'govnet_coverage_kind_verified_townships',
  help: 'Covered townships of one kind in the nation or a province whose active node passed an SSH audit within the freshness window.',
  labelNames: KIND_LABELS,
} satisfies MetricDefinition

export const DIVISION_GROUPING_INFO = {
  name: 'govnet_division_grouping_info',
  help: 'Always 1, for each NBS grouping code (市辖区, 县, 省直辖县级行政区划) whose coverage lines are not a real prefecture or county.',
  labelNames: DIVISION_LABELS,
} satisfies MetricDefinition

export const SCOPE_INFO = {
  name: 'govnet_scope_info',
  help: 'Always 1; scope is the division codes (comma-separated) whose subtrees this inventory holds, empty for the whole country.',
  labelNames: ['scope'],
} satisfies MetricDefinition

export const NODES = {
  name: 'govnet_nodes',
  help: 'Extranet nodes in the inventory by tier, status and platform.',
  labelNames: ['tier', 'status', 'platform'],
} satisfies MetricDefinition

export const AUDIT_NODES = {
  name: 'govnet_audit_nodes',
  help: 'Active and degraded nodes by tier and by what their latest SSH audit found (reachable, unreachable, host_key_mismatch, audit_failed, never_audited).',
  labelNames: ['tier', 'result'],
} satisfies MetricDefinition

export const AUDIT_OUTCOME_NODES = {
  name: 'govnet_audit_outcome_nodes',
  help: 'Active and degraded nodes by tier and by the outcome code of their latest SSH audit ("never" when not audited yet).',
  labelNames: ['tier', 'outcome'],
} satisfies MetricDefinition

export const AUDIT_LAST_TIMESTAMP = {
  name: 'govnet_audit_last_timestamp_seconds',
  help: 'Unix time of the most recent finished SSH audit of a node of the tier (absent for a tier never audited).',
  labelNames: ['tier'],
} satisfies MetricDefinition

export const TENANTS = {
  name: 'govnet_tenants',
  help: 'Government cloud tenants by MLPS grading level and status.',
  labelNames: ['mlps_level', 'status'],
} satisfies MetricDefinition

export const TENANTS_FAILING_CONTROL = {
  name: 'govnet_tenants_failing_control',
  help: 'Tenants (not decommissioned) whose record fails the baseline control of their MLPS level.',
  labelNames: ['control', 'mlps_level'],
} satisfies MetricDefinition

export const TENANTS_ASSESSMENT_OVERDUE = {
  name: 'govnet_tenants_assessment_overdue',
  help: 'Tenants (not decommissioned) whose periodic grading assessment is overdue for their MLPS level.',
  labelNames: ['mlps_level'],
} satisfies MetricDefinition

export const INVENTORY_LAST_CHANGE_TIMESTAMP = {
  name: 'govnet_inventory_last_change_timestamp_seconds',
  help: 'Unix time of the last change recorded in the inventory change log (0 when the log is empty).',
  labelNames: [],
} satisfies MetricDefinition

export const CHANGELOG_ROWS = {
  name: 'govnet_changelog_rows',
  help: 'Rows in the inventory change log; keep its maximum outside the machine as evidence of how far the log had grown (changes verify --min-rows).',
  labelNames: [],
} satisfies MetricDefinition

export const CHANGELOG_CHAIN_OK = {
  name: 'govnet_changelog_chain_ok',
  help: 'Whether the change log HMAC-SM3 chain verified at the last refresh (1) or has a finding (0); absent when this user cannot read the key.',
  labelNames: [],
} satisfies MetricDefinition

export const CHANGELOG_LAST_VERIFIED_TIMESTAMP = {
  name: 'govnet_changelog_last_verified_timestamp_seconds',
  help: 'Unix time at which the change log chain last verified (0 when it has not since the exporter started).',
  labelNames: [],
} satisfies MetricDefinition

export const REFRESH_DURATION = {
  name: 'govnet_refresh_duration_seconds',
  help: 'Time the last refresh of the metrics snapshot from the inventory took, successful or not.',
  labelNames: [],
} satisfies MetricDefinition

export const REFRESH_LAST_SUCCESS_TIMESTAMP = {
  name: 'govnet_refresh_last_success_timestamp_seconds',
  help: 'Unix time at which the served metrics snapshot was read from the inventory.',
  labelNames: [],
} satisfies MetricDefinition

export const REFRESH_SUCCESS = {
  name: 'govnet_refresh_success',
  help: 'Whether the last refresh of the metrics snapshot succeeded (1) or failed and older values are served (0).',
  labelNames: [],
} satisfies MetricDefinition

export const REFRESH_FAILURES = {
  name: 'govnet_refresh_failures_total',
  help: 'Refreshes of the metrics snapshot that failed since the exporter started.',
  labelNames: [],
} satisfies MetricDefinition

// Dashboard metrics (issue 13): region capacity, tenants by region, audit results by province, build info.

const REGION_LABELS = ['region'] as const

export const REGION_INFO = {
  name: 'govnet_region_info',
  help: 'Always 1, for each cloud region: its name and the highest MLPS level it is rated for.',
  labelNames: ['region', 'name', 'max_mlps_level'],
} satisfies MetricDefinition

export const REGION_CAPACITY_VCPUS = {
  name: 'govnet_region_capacity_vcpus',
  help: 'vCPUs of the cloud region that tenant quotas are reserved against.',
  labelNames: REGION_LABELS,
} satisfies MetricDefinition

export const REGION_RESERVED_VCPUS = {
  name: 'govnet_region_reserved_vcpus',
  help: 'vCPUs of the cloud region reserved by tenant quotas.',
  labelNames: REGION_LABELS,
} satisfies MetricDefinition

export const REGION_FREE_VCPUS = {
  name: 'govnet_region_free_vcpus',
  help: 'vCPUs of the cloud region not reserved by any tenant quota (capacity minus reserved).',
  labelNames: REGION_LABELS,
} satisfies MetricDefinition

export const REGION_CAPACITY_RAM_BYTES = {
  name: 'govnet_region_capacity_ram_bytes',
  help: 'RAM of the cloud region that tenant quotas are reserved against, in bytes.',
  labelNames: REGION_LABELS,
} satisfies MetricDefinition

export const REGION_RESERVED_RAM_BYTES = {
  name: 'govnet_region_reserved_ram_bytes',
  help: 'RAM of the cloud region reserved by tenant quotas, in bytes.',
  labelNames: REGION_LABELS,
} satisfies MetricDefinition

export const REGION_FREE_RAM_BYTES = {
  name: 'govnet_region_free_ram_bytes',
  help: 'RAM of the cloud region not reserved by any tenant quota, in bytes.',
  labelNames: REGION_LABELS,
} satisfies MetricDefinition

export const REGION_CAPACITY_STORAGE_BYTES = {
  name: 'govnet_region_capacity_storage_bytes',
  help: 'Storage of the cloud region that tenant quotas are reserved against, in bytes.',
  labelNames: REGION_LABELS,
} satisfies MetricDefinition

export const REGION_RESERVED_STORAGE_BYTES = {
  name: 'govnet_region_reserved_storage_bytes',
  help: 'Storage of the cloud region reserved by tenant quotas, in bytes.',
  labelNames: REGION_LABELS,
} satisfies MetricDefinition

export const REGION_FREE_STORAGE_BYTES = {
  name: 'govnet_region_free_storage_bytes',
  help: 'Storage of the cloud region not reserved by any tenant quota, in bytes.',
  labelNames: REGION_LABELS,
} satisfies MetricDefinition

export const REGION_TENANTS = {
  name: 'govnet_region_tenants',
  help: 'Government cloud tenants by the region they are placed in, MLPS grading level and status.',
  labelNames: ['region', 'mlps_level', 'status'],
} satisfies MetricDefinition

export const PROVINCE_AUDIT_NODES = {
  name: 'govnet_province_audit_nodes',
  help: 'Active and degraded nodes by province (2-digit code of their division) and by what their latest SSH audit found.',
  labelNames: ['province', 'result'],
} satisfies MetricDefinition

export const BUILD_INFO = {
  name: 'govnet_build_info',
  help: 'Always 1: the govnet version serving these metrics and the Node.js version it runs on.',
  labelNames: ['version', 'nodejs'],
} satisfies MetricDefinition
