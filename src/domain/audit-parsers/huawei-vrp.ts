/** Parsers for Huawei VRP (V200R0xx on AR/S series, V300 on AR6000, V800 on NE/CX/CE series). */
import type {FactsDraft, InterfaceFact} from '../audit-facts'
import {outputLines, uptimePhraseSeconds} from './common'

/**
 * `display version`:
 *   VRP (R) software, Version 5.170 (AR2200 V200R009C00SPC500)
 *   Huawei AR2220 Router uptime is 0 week, 0 day, 1 hour, 13 minutes
 *   HUAWEI NE40E-X2-M8A uptime is 161 days, 0 hour, 20 minutes
 *   Quidway S7706 Terabit Routing Switch uptime is 19 weeks, 5 days, 5 hours, 27 minutes
 * The software version is the product version in brackets (V200R009C00SPC500), which is what release
 * notes and advisories name; the model is what precedes "uptime is", without the product-class words.
 */
export function parseVrpVersion(output: string): FactsDraft {
  const lines = outputLines(output)
  const software = lines
    .map((line) => /VRP \(R\) software,\s*Version\s+(\S+)\s*(?:\(([^)]*)\))?/i.exec(line))
    .find(Boolean)
  const chassis = lines
    .map((line) => /^(?:HUAWEI|Huawei|Quidway)\s+(.+?)\s+uptime is\s+(.+)$/.exec(line.trim()))
    .find(Boolean)
  const draft: FactsDraft = {vendor: 'Huawei'}
  if (software) draft.softwareVersion = software[2]?.trim().split(/\s+/).at(-1) ?? software[1]!
  if (chassis) {
    draft.model = chassis[1]!.replace(/\s+(?:(?:Terabit\s+)?Routing Switch|Router|Switch)$/i, '')
    const seconds = uptimePhraseSeconds(chassis[2]!)
    if (seconds !== undefined) draft.uptimeSeconds = seconds
  }
  return draft
}

/** PHY and Protocol cells: up, down, *down (shut down), ^down (standby), up(l) (loopback detected), up(s) (spoofing), --. */
const STATE = String.raw`[*^#-]?(?:up|down)(?:\([a-zA-Z]+\))?|--`
const ROW = new RegExp(String.raw`^\s*(\S+)\s+(${STATE})\s+(${STATE})(?:\s+(.*))?$`)

function vrpInterfaces(output: string, withDescription: boolean): FactsDraft {
  const interfaces: InterfaceFact[] = []
  let inTable = false
  for (const line of outputLines(output)) {
    if (/^Interface\s+PHY\s+Protocol\b/.test(line)) {
      inTable = true
      continue
    }
    const row = inTable ? ROW.exec(line) : null
    if (!row) continue
    // ROW's four groups always take part in a match; the description group may not.
    const [, name, phy, protocol, rest] = row as RegExpExecArray & [string, string, string, string, string | undefined]
    const description = withDescription ? rest?.trim() : undefined
    interfaces.push({
      name,
      adminUp: !phy.startsWith('*'),
      operUp: phy.startsWith('up') && (protocol === '--' || protocol.startsWith('up')),
      ...(description ? {description} : {}),
    })
  }
  return {interfaces}
}

/** `display interface description`: Interface, PHY, Protocol, Description (names often abbreviated: GE0/0/1). */
export function parseVrpInterfaceDescription(output: string): FactsDraft {
  return vrpInterfaces(output, true)
}

/** `display interface brief`: Interface, PHY, Protocol, InUti, OutUti, inErrors, outErrors; trunk members indented. */
export function parseVrpInterfaceBrief(output: string): FactsDraft {
  return vrpInterfaces(output, false)
}
