import {parseComwareInterfaceBrief, parseComwareVersion} from '../../domain/audit-parsers/h3c-comware'
import {type ShellProfile, sameFormat} from './types'

/**
 * H3C Comware 5 and 7 (S, MSR, SR series; HPE FlexFabric). Paging off with `screen-length disable`
 * (current session only). `display interface brief description` (Comware 7) prints descriptions in
 * full; Comware 5 refuses it and gets `display interface brief`, whose descriptions may be cut short.
 * Comware prints log and trap lines on the terminal in the middle of command output: they are removed.
 */
export const h3cComwareProfile: ShellProfile = {
  platform: 'h3c-comware',
  transport: 'shell',
  pagingOff: ['screen-length disable'],
  steps: [
    {name: 'version and uptime', variants: sameFormat(parseComwareVersion, 'display version')},
    {
      name: 'interfaces',
      variants: sameFormat(
        parseComwareInterfaceBrief,
        'display interface brief description',
        'display interface brief',
      ),
    },
  ],
  refusalPatterns: [
    /^\s*% (?:Unrecognized command|Incomplete command|Wrong parameter|Too many parameters|Ambiguous command)/,
    /^\s*Permission denied\.?\s*$/,
  ],
  logLinePatterns: [
    // %Nov 25 10:00:00:123 2026 H3C IFNET/3/PHY_UPDOWN: Physical state on the interface … changed to down.
    // #… for traps, *… for debugging output.
    /^[%#*]\w{3}\s+\d{1,2}\s+\d{2}:\d{2}:\d{2}(?::\d{3})?\s+\d{4}\s+\S+\s+[\w-]+\/\d+\/[\w-]+/,
  ],
}
