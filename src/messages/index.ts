/**
 * The catalog of user-facing messages. Commands and src/ build their errors from here and tests
 * compare against these functions, never against copied strings. One file per area.
 */
export * as inventoryMessages from './inventory'
export * as nodeMessages from './nodes'
export * as tenantMessages from './tenants'
export * as gradingMessages from './grading'
export * as auditMessages from './audit'
export * as divisionMessages from './divisions'
export * as metricsMessages from './metrics'
export * as coverageMessages from './coverage'
export * as provisionMessages from './provision'
export * as regionMessages from './regions'
export * as integrityMessages from './integrity'
export * as usccMessages from './uscc'
export * as scopeMessages from './scope'
export * as cliMessages from './cli'
