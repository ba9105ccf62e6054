import {
  parseVrpInterfaceBrief,
  parseVrpInterfaceDescription,
  parseVrpVersion,
} from '../../domain/audit-parsers/huawei-vrp'
import {type ShellProfile, sameFormat} from './types'

/**
 * Huawei VRP (AR, S, CE, NE series). Paging off for this session only (`screen-length 0 temporary`,
 * user view); accounts below the monitoring level may not have it, and then the driver answers
 * "---- More ----". `display interface description` shows state and description; an account that may
 * not run it falls back to `display interface brief` (state only, so no uplink by description).
 */
export const huaweiVrpProfile: ShellProfile = {
  platform: 'huawei-vrp',
  transport: 'shell',
  pagingOff: ['screen-length 0 temporary'],
  steps: [
    {name: 'version and uptime', variants: sameFormat(parseVrpVersion, 'display version')},
    {
      name: 'interfaces',
      variants: [
        {command: 'display interface description', parse: parseVrpInterfaceDescription},
        {command: 'display interface brief', parse: parseVrpInterfaceBrief},
      ],
    },
  ],
  refusalPatterns: [/^\s*Error:\s/],
  logLinePatterns: [
    // Nov 25 2026 10:00:00+08:00 HUAWEI %%01IFNET/4/LINK_STATE(l)[5]:The line protocol IP on the interface …
    /^\w{3}\s+\d{1,2}\s+\d{4}\s+\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:[+-]\d{2}:\d{2})?(?:\s+DST)?\s+\S+\s+%%\d+[\w-]+\/\d+\/\w+/,
  ],
}
