import type {Platform} from '../nodes'

/** What identifies each platform in its version banner (`display version`, `show version`, `uname -s`). */
const BANNERS: readonly {platform: Platform; pattern: RegExp}[] = [
  {platform: 'huawei-vrp', pattern: /Huawei Versatile Routing Platform|VRP \(R\) software/i},
  {platform: 'h3c-comware', pattern: /Comware (?:Platform )?Software/i},
  {platform: 'cisco-ios', pattern: /^Cisco IOS(?:[ -]XE)? Software/im},
  {platform: 'linux', pattern: /^Linux\b/m},
]

/** The platform whose banner the output shows, or undefined. */
export function platformOfBanner(output: string): Platform | undefined {
  return BANNERS.find(({pattern}) => pattern.test(output))?.platform
}
