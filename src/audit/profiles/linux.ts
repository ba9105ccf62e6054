import {
  parseIpLink,
  parseOsRelease,
  parseProcUptime,
  parseSysClassNet,
  parseUname,
} from '../../domain/audit-parsers/linux'
import {type ExecProfile, sameFormat} from './types'

/**
 * Linux hosts (servers, soft routers, bastions): every command in its own exec channel, judged by its
 * exit status. Read-only files and commands only; nothing needs root.
 */
export const linuxProfile: ExecProfile = {
  platform: 'linux',
  transport: 'exec',
  steps: [
    {name: 'os release', variants: sameFormat(parseOsRelease, 'cat /etc/os-release', 'cat /usr/lib/os-release')},
    {name: 'kernel', variants: sameFormat(parseUname, 'uname -snrm')},
    {name: 'uptime', variants: sameFormat(parseProcUptime, 'cat /proc/uptime')},
    {
      name: 'interfaces',
      variants: [
        {command: 'ip -o link show', parse: parseIpLink},
        {
          command: 'grep -H . /sys/class/net/*/operstate /sys/class/net/*/flags /sys/class/net/*/ifalias',
          parse: parseSysClassNet,
        },
      ],
    },
  ],
}
