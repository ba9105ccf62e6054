/** Parsers for H3C (and HPE) Comware 5 and 7. */
import type {FactsDraft, InterfaceFact} from '../audit-facts'
import {outputLines, uptimePhraseSeconds} from './common'

/**
 * `display version`:
 *   H3C Comware Software, Version 7.1.070, Release 6616P01        (Comware 7)
 *   Comware Software, Version 5.20, Release 2511, Standard         (Comware 5)
 *   H3C S6850-56HF uptime is 12 weeks, 3 days, 5 hours, 41 minutes
 * The vendor is the first word of the uptime line (H3C, or HPE/HP on rebadged devices).
 */
export function parseComwareVersion(output: string): FactsDraft {
  const lines = outputLines(output)
  const software = lines.map((line) => /Comware Software,\s*Version\s+(.+?)\s*$/i.exec(line)).find(Boolean)
  const chassis = lines.map((line) => /^(H3C|HPE|HP)\s+(.+?)\s+uptime is\s+(.+)$/.exec(line.trim())).find(Boolean)
  const draft: FactsDraft = {}
  if (software) draft.softwareVersion = software[1]!
  if (chassis) {
    draft.vendor = chassis[1]!
    draft.model = chassis[2]!
    const seconds = uptimePhraseSeconds(chassis[3]!)
    if (seconds !== undefined) draft.uptimeSeconds = seconds
  }
  return draft
}

/** Link: UP, DOWN, ADM (shut down), Stby (standby). Protocol: UP, DOWN, UP(s) (spoofing), --. */
const LINK = String.raw`UP|DOWN|ADM|Stby`
const ROUTE_ROW = new RegExp(String.raw`^(\S+)\s+(${LINK})\s+((?:UP|DOWN)(?:\(s\))?|--)\s+(\S+)(?:\s+(.*))?$`)
const BRIDGE_ROW = new RegExp(String.raw`^(\S+)\s+(${LINK})\s+(\S+)\s+(\S+)\s+([ATH])\s+(\d+)(?:\s+(.*))?$`)

/**
 * `display interface brief [description]`: a route-mode table (Interface, Link, Protocol, Primary/Main IP,
 * Description) and a bridge-mode table (Interface, Link, Speed, Duplex, Type, PVID, Description). Rows
 * are recognised by their shape under the current header, so blank or log lines in between do no harm.
 */
export function parseComwareInterfaceBrief(output: string): FactsDraft {
  const interfaces: InterfaceFact[] = []
  let table: 'route' | 'bridge' | undefined
  for (const line of outputLines(output)) {
    if (/^Interface\s+Link\s+Protocol\b/.test(line)) table = 'route'
    else if (/^Interface\s+Link\s+Speed\b/.test(line)) table = 'bridge'
    else if (table === 'route') {
      const row = ROUTE_ROW.exec(line)
      if (row) interfaces.push(comwareInterface(row[1]!, row[2]!, row[3], row[5]))
    } else if (table === 'bridge') {
      const row = BRIDGE_ROW.exec(line)
      if (row) interfaces.push(comwareInterface(row[1]!, row[2]!, undefined, row[7]))
    }
  }
  return {interfaces}
}

function comwareInterface(
  name: string,
  link: string,
  protocol: string | undefined,
  rawDescription: string | undefined,
): InterfaceFact {
  const description = rawDescription?.trim()
  return {
    name,
    adminUp: link !== 'ADM',
    operUp: link === 'UP' && (protocol === undefined || protocol === '--' || protocol.startsWith('UP')),
    ...(description && description !== '--' ? {description} : {}),
  }
}
