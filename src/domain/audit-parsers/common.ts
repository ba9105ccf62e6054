/**
 * Pieces shared by the platform parsers. Everything in src/domain/audit-parsers is pure: text in, facts
 * out, no I/O, so every parser is tested against recorded device output (test/fixtures/devices).
 */
import type {InterfaceFact} from '../audit-facts'

const SECONDS_PER_UNIT: Readonly<Record<string, number>> = {
  year: 365 * 86_400,
  week: 7 * 86_400,
  day: 86_400,
  hour: 3_600,
  minute: 60,
  second: 1,
}

/**
 * Seconds in an uptime phrase as network devices print it: "1 year, 2 weeks, 3 days, 4 hours, 5 minutes"
 * (IOS), "0 week, 0 day, 1 hour, 13 minutes" (VRP V200), "161 days, 0 hour, 20 minutes" (VRP V800),
 * "84 weeks,2 days,3 hours,47 minutes" (Comware slots). Undefined when no unit is recognised.
 */
export function uptimePhraseSeconds(phrase: string): number | undefined {
  let seconds = 0
  let found = false
  for (const match of phrase.matchAll(/(\d+)\s*(year|week|day|hour|minute|second)s?\b/gi)) {
    seconds += Number(match[1]) * (SECONDS_PER_UNIT[match[2]!.toLowerCase()] ?? 0)
    found = true
  }
  return found ? seconds : undefined
}

/** Lines without trailing blanks, CR removed; the unit every table parser walks. */
export function outputLines(output: string): string[] {
  return output
    .replace(/\r/g, '')
    .split('\n')
    .map((line) => line.trimEnd())
}

/**
 * The rows of a fixed-width table: the lines after the header line (found by `isHeader`) up to the first
 * blank line, split on runs of blanks into at most `columns` cells (the last cell keeps its inner blanks,
 * which is where descriptions live).
 */
export function tableRows(lines: readonly string[], isHeader: (line: string) => boolean, columns: number): string[][] {
  const rows: string[][] = []
  let inTable = false
  for (const line of lines) {
    if (!inTable) {
      inTable = isHeader(line)
      continue
    }
    if (line.trim() === '') break
    rows.push(splitCells(line.trim(), columns))
  }
  return rows
}

function splitCells(line: string, columns: number): string[] {
  const cells: string[] = []
  let rest = line
  while (cells.length < columns - 1) {
    const match = /^(\S+)\s*/.exec(rest)
    if (!match) break
    cells.push(match[1]!)
    rest = rest.slice(match[0].length)
  }
  if (rest !== '') cells.push(rest)
  return cells
}

/** Facts derived from the interface list: the counts, and the uplink (see `pickUplink`). */
export function interfaceSummary(
  interfaces: readonly InterfaceFact[],
  configuredUplink?: string,
): {interfacesUp: number; interfacesDown: number; uplink?: {name: string; operUp: boolean}} {
  const interfacesUp = interfaces.filter((i) => i.operUp).length
  const interfacesDown = interfaces.filter((i) => !i.operUp && i.adminUp !== false).length
  const uplink = pickUplink(interfaces, configuredUplink)
  return uplink === undefined
    ? {interfacesUp, interfacesDown}
    : {interfacesUp, interfacesDown, uplink: {name: uplink.name, operUp: uplink.operUp}}
}

/** Descriptions that mark an uplink: "uplink", "Uplink-to-county", "上联核心" (上联 = uplink). */
const UPLINK_DESCRIPTION = /uplink|上联/i

/**
 * The uplink: the configured interface when one is given and the device has it (names compared without
 * case), otherwise the first interface whose description says uplink.
 */
export function pickUplink(interfaces: readonly InterfaceFact[], configured?: string): InterfaceFact | undefined {
  if (configured !== undefined) {
    const wanted = configured.toLowerCase()
    const named = interfaces.find((i) => i.name.toLowerCase() === wanted)
    if (named) return named
  }
  return interfaces.find((i) => i.description !== undefined && UPLINK_DESCRIPTION.test(i.description))
}
