import {isIP} from 'node:net'

import {parseDuration} from '../domain/time'
import {metricsMessages as msg} from '../messages'

/**
 * govnet's default exporter port. The Prometheus project's allocation list has 9090-9093 for its own
 * servers and 9100-9999 fully taken by exporters, so govnet stays outside both and outside the
 * registered services of /etc/services (webmin 10000, zabbix 10050/10051, amanda 10080-10083, nbd 10809).
 */
export const DEFAULT_METRICS_PORT = 10360
export const DEFAULT_LISTEN = `127.0.0.1:${DEFAULT_METRICS_PORT}`
export const DEFAULT_REFRESH = '30s'

const MIN_REFRESH_MS = 1000
const MAX_REFRESH_MS = 24 * 3600 * 1000

export interface ListenAddress {
  /** undefined: every address. */
  host?: string
  port: number
}

/** HOST:PORT, [IPv6]:PORT or :PORT (every address). Port 0 asks the system for a free port. */
export function parseListenAddress(value: string): ListenAddress {
  const match = /^(?:\[([^\]]+)\]|([^:[\]]*)):(\d{1,5})$/.exec(value.trim())
  if (!match) throw msg.invalidListen(value)
  const [, ipv6, hostName, portText] = match
  const port = Number(portText)
  if (port > 65535) throw msg.invalidListen(value)
  if (ipv6 !== undefined) {
    if (isIP(ipv6) !== 6) throw msg.invalidListen(value)
    return {host: ipv6, port}
  }
  return hostName ? {host: hostName, port} : {port}
}

/** A refresh interval like 30s, 5m, 1h or 1500ms, between 1 s and 24 h; returns milliseconds. */
export function parseRefreshInterval(value: string): number {
  const ms = parseDuration(value)
  if (ms === undefined || ms < MIN_REFRESH_MS || ms > MAX_REFRESH_MS) throw msg.invalidRefresh(value)
  return ms
}

/** --max-connections: 1 to 10,000 connections served at once. */
export function parseMaxConnections(value: number): number {
  if (!Number.isInteger(value) || value < 1 || value > 10_000) throw msg.invalidMaxConnections(value)
  return value
}
