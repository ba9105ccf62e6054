/** Parsers for the linux profile's exec commands. */
import type {FactsDraft, InterfaceFact} from '../audit-facts'
import {outputLines} from './common'

/** `uname -snrm`: "Linux vm 6.1.0-18-amd64 x86_64" → hostname and machine (recorded as the model). */
export function parseUname(output: string): FactsDraft {
  const [sysname, hostname, , machine] = output.trim().split(/\s+/)
  if (sysname === undefined || hostname === undefined || machine === undefined) return {}
  return {hostname, model: machine}
}

/** /etc/os-release (KEY=value, values optionally quoted) → vendor (NAME) and software version (PRETTY_NAME). */
export function parseOsRelease(output: string): FactsDraft {
  const fields = new Map<string, string>()
  for (const line of outputLines(output)) {
    const match = /^([A-Z0-9_]+)=(.*)$/.exec(line.trim())
    if (match) fields.set(match[1]!, unquote(match[2]!))
  }
  const vendor = fields.get('NAME')
  const softwareVersion =
    fields.get('PRETTY_NAME') ?? [vendor, fields.get('VERSION') ?? fields.get('VERSION_ID')].filter(Boolean).join(' ')
  return {
    ...(vendor === undefined ? {} : {vendor}),
    ...(softwareVersion === '' ? {} : {softwareVersion}),
  }
}

function unquote(value: string): string {
  const quoted = /^(["'])(.*)\1$/.exec(value)
  return quoted ? quoted[2]!.replace(/\\(["'$`\\])/g, '$1') : value
}

/** /proc/uptime: "1028.30 1165.41" → whole seconds since boot. */
export function parseProcUptime(output: string): FactsDraft {
  const seconds = Number.parseFloat(output.trim().split(/\s+/)[0] ?? '')
  return Number.isFinite(seconds) ? {uptimeSeconds: Math.floor(seconds)} : {}
}

/**
 * `ip -o link show`, one interface per line:
 * `3: veth0@veth1: <NO-CARRIER,BROADCAST,MULTICAST,UP,M-DOWN> mtu 1500 … state LOWERLAYERDOWN …\    alias uplink`.
 * Admin state is the UP flag; the link is operationally up when the state is UP, or UNKNOWN with
 * LOWER_UP (loopback and some virtual devices never report a state).
 */
export function parseIpLink(output: string): FactsDraft {
  const interfaces: InterfaceFact[] = []
  for (const line of outputLines(output)) {
    const match = /^\d+:\s+([^:@\s]+)(?:@\S+)?:\s+<([^>]*)>.*?\sstate\s+(\S+)/.exec(line)
    if (!match) continue
    const flags = match[2]!.split(',')
    const state = match[3]!
    const alias = /\\\s+alias\s+(.+)$/.exec(line)?.[1]
    interfaces.push({
      name: match[1]!,
      adminUp: flags.includes('UP'),
      operUp: state === 'UP' || (state === 'UNKNOWN' && flags.includes('UP') && flags.includes('LOWER_UP')),
      ...(alias === undefined ? {} : {description: alias}),
    })
  }
  return {interfaces}
}

const IFF_UP = 0x1

/**
 * The fallback when `ip` is missing: the operstate, flags and ifalias files of every interface under
 * /sys/class/net printed by `grep -H .`, lines like `/sys/class/net/eth0/operstate:up`. Operationally up:
 * operstate up, or unknown on an interface that is administratively up (loopback).
 */
export function parseSysClassNet(output: string): FactsDraft {
  const byName = new Map<string, {operstate?: string; flags?: number; alias?: string}>()
  for (const line of outputLines(output)) {
    const match = /^\/sys\/class\/net\/([^/]+)\/(operstate|flags|ifalias):(.*)$/.exec(line)
    if (!match) continue
    const entry = byName.get(match[1]!) ?? {}
    if (match[2] === 'operstate') entry.operstate = match[3]!.trim()
    else if (match[2] === 'flags') entry.flags = Number.parseInt(match[3]!.trim(), 16)
    else entry.alias = match[3]!
    byName.set(match[1]!, entry)
  }
  const interfaces: InterfaceFact[] = [...byName].map(([name, entry]) => {
    const adminUp = entry.flags === undefined ? undefined : (entry.flags & IFF_UP) !== 0
    return {
      name,
      ...(adminUp === undefined ? {} : {adminUp}),
      operUp: entry.operstate === 'up' || (entry.operstate === 'unknown' && adminUp === true),
      ...(entry.alias === undefined ? {} : {description: entry.alias}),
    }
  })
  return {interfaces}
}
