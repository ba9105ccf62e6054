/**
 * Management addresses of extranet nodes: an IPv4 literal, an IPv6 literal or a DNS host name.
 * Pure checks, no resolution: whether the name resolves is the audit's business, not the inventory's.
 */

export type AddressKind = 'ipv4' | 'ipv6' | 'hostname'

const OCTET = '(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)'
const IPV4 = new RegExp(`^${OCTET}(?:\\.${OCTET}){3}$`)
const HEX_GROUP = /^[0-9a-fA-F]{1,4}$/
const LABEL = /^[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?$/

/** Dotted-quad IPv4, each octet 0–255 without leading zeros (a leading zero means octal to some tools). */
export function isIpv4(text: string): boolean {
  return IPV4.test(text)
}

/** IPv6 in any RFC 4291 text form: full, `::`-compressed, or with a trailing dotted IPv4. No zone index, no brackets. */
export function isIpv6(text: string): boolean {
  const halves = text.split('::')
  if (halves.length > 2) return false
  const groupsOf = (half: string): string[] | undefined => (half === '' ? [] : half.split(':'))
  const head = groupsOf(halves[0]!)
  const tail = halves.length === 2 ? groupsOf(halves[1]!) : []
  if (!head || !tail) return false
  const groups = [...head, ...tail]
  let width = groups.length
  const last = groups.at(-1)
  if (last !== undefined && last.includes('.')) {
    if (!isIpv4(last)) return false
    groups.pop()
    width += 1 // a dotted IPv4 takes two 16-bit groups
  }
  if (!groups.every((g) => HEX_GROUP.test(g))) return false
  return halves.length === 2 ? width <= 7 : width === 8
}

/**
 * DNS host name (RFC 1123): dot-separated labels of letters, digits and hyphens, 1–63 characters,
 * not starting or ending with a hyphen, at most 253 characters, an optional trailing dot. The last
 * label may not be all digits, so a mistyped IPv4 such as 10.0.0.256 is not taken for a name.
 */
export function isHostname(text: string): boolean {
  const name = text.endsWith('.') ? text.slice(0, -1) : text
  if (name.length === 0 || name.length > 253) return false
  const labels = name.split('.')
  return labels.every((l) => LABEL.test(l)) && !/^\d+$/.test(labels.at(-1)!)
}

export function addressKind(text: string): AddressKind | undefined {
  if (isIpv4(text)) return 'ipv4'
  if (isIpv6(text)) return 'ipv6'
  if (isHostname(text)) return 'hostname'
  return undefined
}

/**
 * Why `text` is not a usable management address, or undefined when it is. The hints cover the
 * usual mistakes: brackets or a port around an IPv6 literal, a port after an address, a CIDR
 * prefix, a zone index, a non-ASCII name.
 */
export function addressProblem(text: string): string | undefined {
  if (addressKind(text)) return undefined
  const given = `"${text}"`
  if (/^\[.*\](?::\d+)?$/.test(text))
    return `${given}: write the IPv6 address without brackets (the port goes in ssh_port)`
  if (text.includes('/')) return `${given}: a management address is one host, not a prefix`
  if (text.includes('%')) return `${given}: an IPv6 zone index is not allowed; use a global or unique-local address`
  if (/^[^:]+:\d+$/.test(text)) return `${given}: leave the port out (it goes in ssh_port)`
  if (/[^\x00-\x7f]/.test(text)) return `${given}: non-ASCII host names must be written in their punycode (xn--) form`
  if (/^[\d.]+$/.test(text)) return `${given} is not a valid IPv4 address (four octets 0-255, no leading zeros)`
  if (text.includes(':')) return `${given} is not a valid IPv6 address`
  return `${given} is neither an IPv4 or IPv6 address nor a valid host name`
}

/** The stored form: host names and IPv6 in lower case (both are case-insensitive), IPv4 as given. */
export function normalizeAddress(text: string): string {
  return text.toLowerCase()
}
