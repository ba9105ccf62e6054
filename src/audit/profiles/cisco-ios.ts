import {
  parseIosInterfacesDescription,
  parseIosIpInterfaceBrief,
  parseIosVersion,
} from '../../domain/audit-parsers/cisco-ios'
import {type ShellProfile, sameFormat} from './types'

/**
 * Cisco IOS and IOS-XE, user or privileged EXEC. `terminal length 0` (this line only) turns paging off.
 * `show interfaces description` gives state and description; `show ip interface brief` is the fallback.
 */
export const ciscoIosProfile: ShellProfile = {
  platform: 'cisco-ios',
  transport: 'shell',
  pagingOff: ['terminal length 0'],
  steps: [
    {name: 'version and uptime', variants: sameFormat(parseIosVersion, 'show version')},
    {
      name: 'interfaces',
      variants: [
        {command: 'show interfaces description', parse: parseIosInterfacesDescription},
        {command: 'show ip interface brief', parse: parseIosIpInterfaceBrief},
      ],
    },
  ],
  refusalPatterns: [
    /^\s*% (?:Invalid input|Incomplete command|Ambiguous command|Unknown command|Authorization failed|Bad IP address)/,
    /^\s*Command authorization failed/,
  ],
  logLinePatterns: [
    // 000123: *Nov 25 10:00:00.123 UTC: %LINK-3-UPDOWN: Interface GigabitEthernet0/1, changed state to down
    /^(?:\d+:\s+)?[*.]?\w{3}\s+\d{1,2}\s+(?:\d{4}\s+)?\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:\s+\w+)?:\s+%[\w-]+-\d-\w+:/,
  ],
}
