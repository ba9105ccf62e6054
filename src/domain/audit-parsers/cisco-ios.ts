/** Parsers for Cisco IOS 12.x/15.x and IOS-XE 3.x/16.x/17.x. */
import type {FactsDraft, InterfaceFact} from '../audit-facts'
import {outputLines, uptimePhraseSeconds} from './common'

/**
 * `show version`:
 *   Cisco IOS Software, C2900 Software (C2900-UNIVERSALK9-M), Version 15.4(3)M3, RELEASE SOFTWARE (fc2)
 *   Cisco IOS Software [Amsterdam], … Version 17.3.4a, RELEASE SOFTWARE (fc3)
 *   R1 uptime is 1 year, 1 week, 3 days, 20 hours, 36 minutes
 *   cisco CISCO2911/K9 (revision 1.0) with 483328K/40960K bytes of memory.
 *   Model Number                       : WS-C3850-48U          (switches; preferred when present)
 */
export function parseIosVersion(output: string): FactsDraft {
  const lines = outputLines(output)
  const first = <T>(pattern: RegExp, pick: (match: RegExpExecArray) => T) => {
    for (const line of lines) {
      const match = pattern.exec(line)
      if (match) return pick(match)
    }
    return undefined
  }
  const draft: FactsDraft = {vendor: 'Cisco'}
  const softwareVersion = first(/^Cisco IOS Software\b.*?,\s+(?:Experimental\s+)?Version\s+([^,\s]+)/, (m) => m[1]!)
  const model =
    first(/^\s*Model Number\s*:\s*(\S+)/, (m) => m[1]!) ??
    first(/^[Cc]isco\s+(\S+)\s+\(.*?\)\s+(?:processor|with)\b/, (m) => m[1]!)
  const uptime = first(/^(\S+)\s+uptime is\s+(.+)$/, (m) => ({hostname: m[1]!, seconds: uptimePhraseSeconds(m[2]!)}))
  if (softwareVersion) draft.softwareVersion = softwareVersion
  if (model) draft.model = model
  if (uptime) {
    draft.hostname = uptime.hostname
    if (uptime.seconds !== undefined) draft.uptimeSeconds = uptime.seconds
  }
  return draft
}

/** `show interfaces description`: Interface, Status (up, down, admin down), Protocol, Description. Deleted subinterfaces are left out. */
export function parseIosInterfacesDescription(output: string): FactsDraft {
  const interfaces: InterfaceFact[] = []
  let inTable = false
  for (const line of outputLines(output)) {
    if (/^Interface\s+Status\s+Protocol\b/.test(line)) {
      inTable = true
      continue
    }
    const row = inTable
      ? /^(\S+)\s+(admin down|up|down|reset|testing|dormant|deleted)\s+(\S+)(?:\s+(.*))?$/.exec(line)
      : null
    if (!row || row[2] === 'deleted') continue
    const description = row[4]?.trim()
    interfaces.push({
      name: row[1]!,
      adminUp: row[2] !== 'admin down',
      operUp: row[2] === 'up' && row[3] === 'up',
      ...(description ? {description} : {}),
    })
  }
  return {interfaces}
}

/** `show ip interface brief`: Interface, IP-Address, OK?, Method, Status, Protocol. */
export function parseIosIpInterfaceBrief(output: string): FactsDraft {
  const interfaces: InterfaceFact[] = []
  for (const line of outputLines(output)) {
    const row = /^(\S+)\s+\S+\s+(?:YES|NO)\s+\S+\s+(administratively down|up|down|reset|deleted)\s+(\S+)\s*$/.exec(line)
    if (!row || row[2] === 'deleted') continue
    interfaces.push({
      name: row[1]!,
      adminUp: row[2] !== 'administratively down',
      operUp: row[2] === 'up' && row[3] === 'up',
    })
  }
  return {interfaces}
}
