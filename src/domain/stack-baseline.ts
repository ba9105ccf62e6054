import * as msg from '../messages/provision'
import {longestMonthSpanDays} from './calendar'
import {BaselineControl} from './mlps'
import {isZoneName, ZoneName} from './zones'

/**
 * What the tenant stack and the policy pack take from a level's baseline controls. Both read it
 * through this one function, so the numbers (zones, management ports, log retention …) live only
 * in inventory/baselines and are never repeated in code. Controls are found by their parameters:
 *
 *   zones                 network-zoning            the security zones of the level
 *   ports, forbiddenSources  management-ports       management ports, and sources they never accept
 *   minMonths             log-retention             minimum retention of network and audit logs, in calendar months
 *   ingressSources        default-deny-ingress      "region-extranet-ranges": ingress only from those
 *   volumes, algorithm    encrypted-storage         volumes encrypted at rest, with which cipher
 *   keyHolder             tenant-held-keys          "tenant": the tenant holds the key (BYOK)
 *   minPlatformLevel      platform-rating           the lowest region rating that may host the level
 */
export interface StackBaseline {
  level: number
  zones: ZoneName[]
  managementPorts: number[]
  /** Sources a management port never accepts (0.0.0.0/0, ::/0). */
  forbiddenSources: string[]
  /** Minimum retention of network and audit logs in calendar months (6: Cybersecurity Law art. 21). */
  logRetentionMonths: number
  /** The same in days, for stores that count days: the longest those months can last (6 months → 184 days). */
  logRetentionDays: number
  /** Ingress from outside the tenant only from the region's extranet ranges. */
  extranetOnlyIngress: boolean
  /** Volumes encrypted at rest. */
  encryptedVolumes: boolean
  /** Cipher of encryption at rest (SM4), or null when none is required. */
  encryptionAlgorithm: string | null
  /** The tenant holds its own key (Barbican secret at OpenStack). */
  tenantHeldKey: boolean
  minPlatformLevel: number
  /** Ids of every control of the level that the stack enforces (recorded with the rule set). */
  controlIds: string[]
}

export type StackBaselineResult = {baseline: StackBaseline; problems: []} | {baseline?: undefined; problems: string[]}

const isPort = (p: unknown): p is number => Number.isInteger(p) && (p as number) >= 1 && (p as number) <= 65_535
const isPositiveInteger = (n: unknown): n is number => Number.isInteger(n) && (n as number) >= 1

/** The stack's reading of `controls` (any levels; those of `level` are used). Problems name the missing or malformed parameter. */
export function stackBaseline(level: number, controls: readonly BaselineControl[]): StackBaselineResult {
  const atLevel = controls.filter((c) => c.level === level)
  if (atLevel.length === 0) return {problems: [msg.baselineMissingLevel(level)]}
  const problems: string[] = []
  const find = (key: string) => atLevel.find((c) => Object.hasOwn(c.parameters, key))
  /** A required parameter, checked by `valid`; undefined (with a problem recorded) when missing or malformed. */
  const required = <T>(key: string, what: string, valid: (v: unknown) => v is T, expected: string): T | undefined => {
    const control = find(key)
    if (!control) return void problems.push(msg.baselineMissingParameter(level, key, what))
    const value = control.parameters[key]
    if (!valid(value)) return void problems.push(msg.baselineBadParameter(level, control.id, key, expected))
    return value
  }
  const optional = <T>(key: string, valid: (v: unknown) => v is T, expected: string): T | undefined => {
    const control = find(key)
    if (!control) return undefined
    const value = control.parameters[key]
    if (!valid(value)) return void problems.push(msg.baselineBadParameter(level, control.id, key, expected))
    return value
  }
  const listOf =
    <T>(item: (v: unknown) => v is T) =>
    (v: unknown): v is T[] =>
      Array.isArray(v) && v.length > 0 && v.every(item)
  const isString = (v: unknown): v is string => typeof v === 'string' && v !== ''
  const isBoolean = (v: unknown): v is boolean => typeof v === 'boolean'

  const zones = required(
    'zones',
    'security zones',
    listOf(isZoneName),
    'a list of zone names (service, web, app, data, management)',
  )
  if (zones && !zones.includes('management')) {
    problems.push(
      msg.baselineBadParameter(level, find('zones')!.id, 'zones', 'a list that includes the management zone'),
    )
  }
  const ports = required('ports', 'management ports', listOf(isPort), 'a list of ports')
  const forbidden = required(
    'forbiddenSources',
    'sources forbidden to management ports',
    listOf(isString),
    'a list of address ranges',
  )
  const minMonths = required('minMonths', 'log retention', isPositiveInteger, 'a whole number of months')
  const minPlatformLevel = required('minPlatformLevel', 'platform rating', isPositiveInteger, 'a level')
  const ingress = optional('ingressSources', isString, 'a source name')
  if (ingress !== undefined && ingress !== 'region-extranet-ranges') {
    problems.push(
      msg.baselineBadParameter(level, find('ingressSources')!.id, 'ingressSources', '"region-extranet-ranges"'),
    )
  }
  const volumes = optional('volumes', isBoolean, 'true or false')
  const algorithm = optional('algorithm', isString, 'a cipher name')
  const keyHolder = optional('keyHolder', isString, 'a key holder')
  if (problems.length > 0) return {problems}
  return {
    baseline: {
      level,
      zones: [...new Set(zones)],
      managementPorts: [...new Set(ports)].sort((a, b) => a - b),
      forbiddenSources: forbidden!,
      logRetentionMonths: minMonths!,
      logRetentionDays: longestMonthSpanDays(minMonths!),
      extranetOnlyIngress: ingress === 'region-extranet-ranges',
      encryptedVolumes: volumes === true,
      encryptionAlgorithm: volumes === true ? (algorithm ?? null) : null,
      tenantHeldKey: keyHolder === 'tenant',
      minPlatformLevel: minPlatformLevel!,
      controlIds: atLevel.filter((c) => c.enforcedBy === 'stack').map((c) => c.id),
    },
    problems: [],
  }
}
