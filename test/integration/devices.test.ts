import {readFileSync} from 'node:fs'
import path from 'node:path'

import {Client} from 'ssh2'
import {afterEach, describe, expect, it} from 'vitest'

import {SshError} from '../../src/ssh-errors'
import {runProfile} from '../../src/audit/profiles'
import type {NodeFacts} from '../../src/domain/audit-facts'
import type {Platform} from '../../src/domain/nodes'
import type {RunProfileOptions} from '../../src/audit/profiles/types'
import {parseComwareInterfaceBrief} from '../../src/domain/audit-parsers/h3c-comware'
import {parseIosInterfacesDescription} from '../../src/domain/audit-parsers/cisco-ios'
import {parseVrpInterfaceBrief, parseVrpInterfaceDescription} from '../../src/domain/audit-parsers/huawei-vrp'
import {parseIpLink} from '../../src/domain/audit-parsers/linux'
import {DeviceEmulator, type DeviceEmulatorOptions, FIXTURES_DIR, deviceFixture} from '../helpers/device-emulator'

/** Test-only credentials of the emulated devices; nothing outside this file knows them. */
const USERNAME = 'audit'
const PASSWORD = 'emulator-only-Pa55'
const OPTIONS: RunProfileOptions = {commandTimeoutMs: 5_000}

const running: {emulators: DeviceEmulator[]; clients: Client[]} = {emulators: [], clients: []}

afterEach(async () => {
  for (const client of running.clients.splice(0)) client.end()
  await Promise.all(running.emulators.splice(0).map((emulator) => emulator.close()))
})

async function emulate(options: Omit<DeviceEmulatorOptions, 'username' | 'password'>): Promise<DeviceEmulator> {
  const emulator = await DeviceEmulator.start({username: USERNAME, password: PASSWORD, ...options})
  running.emulators.push(emulator)
  return emulator
}

/** A real ssh2 client over loopback. Host keys are the transport's concern (tested with sshd), so any key is accepted here. */
async function connect(emulator: DeviceEmulator): Promise<Client> {
  const client = new Client()
  running.clients.push(client)
  await new Promise<void>((resolve, reject) => {
    client.once('ready', resolve).once('error', reject)
    client.connect({
      host: '127.0.0.1',
      port: emulator.port,
      username: USERNAME,
      password: PASSWORD,
      readyTimeout: 5_000,
      hostVerifier: () => true,
    })
  })
  return client
}

async function audit(emulator: DeviceEmulator, platform: Platform | 'auto', options = OPTIONS) {
  return runProfile(await connect(emulator), platform, options)
}

async function auditError(emulator: DeviceEmulator, platform: Platform | 'auto', options = OPTIONS): Promise<SshError> {
  const error = await audit(emulator, platform, options).then(
    () => expect.fail('the audit should have failed'),
    (reason: unknown) => reason,
  )
  expect(error).toBeInstanceOf(SshError)
  return error as SshError
}

const vrpOutputs = {
  'display version': deviceFixture('huawei-vrp', 'ar2220-display-version.txt'),
  'display interface description': deviceFixture('huawei-vrp', 'ar2220-display-interface-description.txt'),
  'display interface brief': deviceFixture('huawei-vrp', 'ar2220-display-interface-brief.txt'),
}
const comwareOutputs = {
  'display version': deviceFixture('h3c-comware', 's6850-display-version.txt'),
  'display interface brief description': deviceFixture('h3c-comware', 's6850-display-interface-brief.txt'),
  'display interface brief': deviceFixture('h3c-comware', 's6850-display-interface-brief.txt'),
}
const iosOutputs = {
  'show version': deviceFixture('cisco-ios', 'c2911-ios15-show-version.txt'),
  'show interfaces description': deviceFixture('cisco-ios', 'c2911-show-interfaces-description.txt'),
  'show ip interface brief': deviceFixture('cisco-ios', 'c2911-show-ip-interface-brief.txt'),
}
const linuxOutputs = {
  'uname -s': 'Linux\n',
  'cat /etc/os-release': deviceFixture('linux', 'debian12-os-release.txt'),
  'uname -snrm': deviceFixture('linux', 'uname-snrm.txt'),
  'cat /proc/uptime': deviceFixture('linux', 'proc-uptime.txt'),
  'ip -o link show': deviceFixture('linux', 'ip-o-link-show.txt'),
  'grep -H . /sys/class/net/*/operstate /sys/class/net/*/flags /sys/class/net/*/ifalias': deviceFixture(
    'linux',
    'sys-class-net.txt',
  ),
}

const vrpFacts: NodeFacts = {
  vendor: 'Huawei',
  model: 'AR2220',
  softwareVersion: 'V200R009C00SPC500',
  uptimeSeconds: 3 * 604_800 + 2 * 86_400 + 4 * 3_600 + 13 * 60,
  hostname: 'GZ-TH-AR01',
  interfaces: parseVrpInterfaceDescription(vrpOutputs['display interface description']).interfaces!,
  interfacesUp: 5,
  interfacesDown: 4,
  uplink: {name: 'GE0/0/0', operUp: true},
}
const comwareFacts: NodeFacts = {
  vendor: 'H3C',
  model: 'S6850-56HF',
  softwareVersion: '7.1.070, Release 6616P01',
  uptimeSeconds: 12 * 604_800 + 3 * 86_400 + 5 * 3_600 + 41 * 60,
  hostname: 'DG-HM-S6850',
  interfaces: parseComwareInterfaceBrief(comwareOutputs['display interface brief']).interfaces!,
  interfacesUp: 8,
  interfacesDown: 3,
  uplink: {name: 'HGE1/0/49', operUp: true},
}
const iosFacts: NodeFacts = {
  vendor: 'Cisco',
  model: 'CISCO2911/K9',
  softwareVersion: '15.4(3)M3',
  uptimeSeconds: 365 * 86_400 + 604_800 + 3 * 86_400 + 20 * 3_600 + 36 * 60,
  hostname: 'GZ-TH-R01',
  interfaces: parseIosInterfacesDescription(iosOutputs['show interfaces description']).interfaces!,
  interfacesUp: 3,
  interfacesDown: 1,
  uplink: {name: 'Gi0/0', operUp: true},
}
const linuxFacts: NodeFacts = {
  vendor: 'Debian GNU/Linux',
  model: 'x86_64',
  softwareVersion: 'Debian GNU/Linux 12 (bookworm)',
  uptimeSeconds: 1028,
  hostname: 'gz-th-bastion',
  interfaces: parseIpLink(linuxOutputs['ip -o link show']).interfaces!,
  interfacesUp: 2,
  interfacesDown: 1,
  uplink: {name: 'eth0', operUp: true},
}

const COMWARE_LOG_LINES = [
  '%Nov 25 10:00:00:123 2026 DG-HM-S6850 IFNET/3/PHY_UPDOWN: Physical state on the interface Ten-GigabitEthernet1/0/3 changed to down.',
  '%Nov 25 10:00:00:125 2026 DG-HM-S6850 IFNET/5/LINK_UPDOWN: Line protocol state on the interface Ten-GigabitEthernet1/0/3 changed to down.',
]

describe('huawei-vrp over an interactive shell', () => {
  it('logs in past the banner and a forced password change, turns paging off and reads the facts', async () => {
    const device = await emulate({
      platform: 'huawei-vrp',
      hostname: 'GZ-TH-AR01',
      outputs: vrpOutputs,
      pageLines: 8,
      banner: 'Warning: Authorized users only. 政务外网 — all sessions are logged.',
      askPasswordChange: true,
    })
    const result = await audit(device, 'huawei-vrp')
    expect(result.platform).toBe('huawei-vrp')
    expect(result.facts).toEqual(vrpFacts)
    expect(result.commands.map((c) => [c.command, c.refused ?? false])).toEqual([
      ['screen-length 0 temporary', false],
      ['display version', false],
      ['display interface description', false],
    ])
    expect(device.received.slice(0, 2)).toEqual(['N', ''])
    expect(device.pagerAnswers).toBe(0)
  })

  it('falls back when the account may not turn paging off or run the richer command, answering the pager', async () => {
    const device = await emulate({
      platform: 'huawei-vrp',
      hostname: 'GZ-TH-AR01',
      outputs: vrpOutputs,
      pageLines: 6,
      refuse: ['screen-length 0 temporary', 'display interface description'],
    })
    const result = await audit(device, 'huawei-vrp')
    const interfaces = parseVrpInterfaceBrief(vrpOutputs['display interface brief']).interfaces!
    expect(result.facts).toEqual({...vrpFacts, interfaces, uplink: undefined})
    expect(result.commands.map((c) => [c.command, c.refused ?? false])).toEqual([
      ['screen-length 0 temporary', true],
      ['display version', false],
      ['display interface description', true],
      ['display interface brief', false],
    ])
    expect(device.pagerAnswers).toBeGreaterThan(0)
  })
})

describe('Chinese descriptions', () => {
  it('reads GBK output (VRP terminals) and finds the uplink by 上联', async () => {
    const gbk = readFileSync(path.join(FIXTURES_DIR, 'huawei-vrp', 'ar2220-display-interface-description-gbk.txt'))
    const device = await emulate({
      platform: 'huawei-vrp',
      hostname: 'GZ-TH-AR01',
      outputs: {...vrpOutputs, 'display interface description': gbk},
      pageLines: 4,
      refuse: ['screen-length 0 temporary'],
    })
    const result = await audit(device, 'huawei-vrp')
    expect(result.facts.interfaces).toEqual([
      {name: 'GE0/0/0', adminUp: true, operUp: true, description: '上联县政务外网核心 GE1/0/12'},
      {name: 'GE0/0/1', adminUp: true, operUp: true, description: '镇政府办公网'},
      {name: 'GE0/0/2', adminUp: true, operUp: false, description: '备用链路（电信）'},
      {name: 'GE0/0/3', adminUp: false, operUp: false},
      {name: 'NULL0', adminUp: true, operUp: true},
      {name: 'Vlanif100', adminUp: true, operUp: true, description: '便民服务中心'},
    ])
    expect(result.facts.uplink).toEqual({name: 'GE0/0/0', operUp: true})
  })
})

describe('h3c-comware over an interactive shell', () => {
  it('removes log lines printed in the middle of output, also while paging', async () => {
    const device = await emulate({
      platform: 'h3c-comware',
      hostname: 'DG-HM-S6850',
      outputs: comwareOutputs,
      pageLines: 5,
      refuse: ['screen-length disable'],
      logLines: COMWARE_LOG_LINES,
      askPasswordChange: true,
    })
    const result = await audit(device, 'h3c-comware')
    expect(result.facts).toEqual(comwareFacts)
    expect(device.pagerAnswers).toBeGreaterThan(0)
  })

  it('falls back to display interface brief where the description variant is refused (Comware 5)', async () => {
    const device = await emulate({
      platform: 'h3c-comware',
      hostname: 'DG-HM-S6850',
      outputs: comwareOutputs,
      refuse: ['display interface brief description'],
    })
    const result = await audit(device, 'h3c-comware')
    expect(result.facts).toEqual(comwareFacts)
    expect(result.commands.map((c) => c.command)).toEqual([
      'screen-length disable',
      'display version',
      'display interface brief description',
      'display interface brief',
    ])
  })
})

describe('cisco-ios over an interactive shell', () => {
  it('reads IOS 15 facts with paging off', async () => {
    const device = await emulate({platform: 'cisco-ios', hostname: 'GZ-TH-R01', outputs: iosOutputs, pageLines: 10})
    const result = await audit(device, 'cisco-ios')
    expect(result.facts).toEqual(iosFacts)
    expect(result.commands.map((c) => c.command)).toEqual([
      'terminal length 0',
      'show version',
      'show interfaces description',
    ])
    expect(result.commands.every((c) => c.exitCode === undefined && c.durationMs >= 0)).toBe(true)
  })

  it('answers " --More-- " and erases it when paging cannot be turned off', async () => {
    const device = await emulate({
      platform: 'cisco-ios',
      hostname: 'GZ-TH-R01',
      outputs: iosOutputs,
      pageLines: 7,
      refuse: ['terminal length 0'],
    })
    const result = await audit(device, 'cisco-ios')
    expect(result.facts).toEqual(iosFacts)
    expect(device.pagerAnswers).toBeGreaterThan(0)
  })
})

describe('linux over exec channels', () => {
  it('reads the facts and records each exit code', async () => {
    const device = await emulate({platform: 'linux', hostname: 'gz-th-bastion', outputs: linuxOutputs})
    const result = await audit(device, 'linux')
    expect(result.facts).toEqual(linuxFacts)
    expect(result.commands.map((c) => [c.command, c.exitCode])).toEqual([
      ['cat /etc/os-release', 0],
      ['uname -snrm', 0],
      ['cat /proc/uptime', 0],
      ['ip -o link show', 0],
    ])
  })

  it('falls back to /sys/class/net when ip is missing (exit 127 recorded as refused)', async () => {
    const {'ip -o link show': _missing, ...withoutIp} = linuxOutputs
    const device = await emulate({platform: 'linux', hostname: 'gz-th-bastion', outputs: withoutIp})
    const result = await audit(device, 'linux')
    expect(result.facts.interfaces.map((i) => i.name)).toEqual(['eth0', 'ifb0', 'lo'])
    expect(result.commands.find((c) => c.command === 'ip -o link show')).toMatchObject({exitCode: 127, refused: true})
  })

  it('does not take stderr alone for failure, and records a signal that ended a command', async () => {
    const device = await emulate({
      platform: 'linux',
      hostname: 'gz-th-bastion',
      outputs: linuxOutputs,
      stderr: {'uname -snrm': 'uname: warning: clock skew detected\n'},
      killedBy: {'ip -o link show': 'KILL'},
    })
    const result = await audit(device, 'linux')
    expect(result.facts.hostname).toBe('gz-th-bastion')
    expect(result.commands.find((c) => c.command === 'uname -snrm')).toMatchObject({exitCode: 0})
    expect(result.commands.find((c) => c.command === 'ip -o link show')).toMatchObject({
      signal: 'SIGKILL',
      refused: true,
    })
    expect(result.commands.find((c) => c.command === 'ip -o link show')?.exitCode).toBeUndefined()
    expect(result.facts.interfaces.map((i) => i.name)).toEqual(['eth0', 'ifb0', 'lo'])
  })

  it('reports a connection dropped during a command as closed', async () => {
    const device = await emulate({
      platform: 'linux',
      hostname: 'gz-th-bastion',
      outputs: linuxOutputs,
      dropDuring: 'cat /proc/uptime',
    })
    const error = await auditError(device, 'linux')
    expect(error.code).toBe('closed')
  })
})

describe('auto-detection from the version banner', () => {
  it.each([
    ['huawei-vrp', {platform: 'huawei-vrp', hostname: 'GZ-TH-AR01', outputs: vrpOutputs}, vrpFacts],
    ['h3c-comware', {platform: 'h3c-comware', hostname: 'DG-HM-S6850', outputs: comwareOutputs}, comwareFacts],
    ['cisco-ios', {platform: 'cisco-ios', hostname: 'GZ-TH-R01', outputs: iosOutputs}, iosFacts],
    ['linux', {platform: 'linux', hostname: 'gz-th-bastion', outputs: linuxOutputs}, linuxFacts],
  ] as const)('tells %s', async (platform, options, facts) => {
    const device = await emulate(options)
    const result = await audit(device, 'auto')
    expect(result.platform).toBe(platform)
    expect(result.facts).toEqual(facts)
    expect(result.commands[0]?.command).toBe('uname -s')
  })

  it('moves on to the CLI when the device never answers the exec probe', async () => {
    const device = await emulate({
      platform: 'cisco-ios',
      hostname: 'GZ-TH-R01',
      outputs: iosOutputs,
      hangOn: 'uname -s',
    })
    const result = await audit(device, 'auto', {commandTimeoutMs: 400})
    expect(result.platform).toBe('cisco-ios')
    expect(result.commands[0]).toMatchObject({command: 'uname -s', refused: true})
  })

  it('refuses a device whose banner names no known platform', async () => {
    const device = await emulate({
      platform: 'cisco-ios',
      hostname: 'edge1',
      outputs: {'show version': 'JUNOS Software Release [21.4R3-S5]\n'},
    })
    const error = await auditError(device, 'auto')
    expect(error.code).toBe('command-refused')
    expect(error.message).toBe('auto: no known platform in the answer to `show version`, `display version`')
  })

  it('does not send the version command twice on a detected device', async () => {
    const device = await emulate({platform: 'h3c-comware', hostname: 'DG-HM-S6850', outputs: comwareOutputs})
    await audit(device, 'auto')
    expect(device.received.filter((line) => line === 'display version')).toHaveLength(1)
  })
})

describe('slow, silent and dropping devices', () => {
  it('waits for a slow device instead of sleeping a fixed time', async () => {
    const device = await emulate({
      platform: 'huawei-vrp',
      hostname: 'GZ-TH-AR01',
      outputs: vrpOutputs,
      delayMs: 150,
      pageLines: 8,
    })
    const result = await audit(device, 'huawei-vrp')
    expect(result.facts).toEqual(vrpFacts)
  })

  it('gives up on a command whose prompt never comes back: command-timeout', async () => {
    const device = await emulate({
      platform: 'cisco-ios',
      hostname: 'GZ-TH-R01',
      outputs: iosOutputs,
      hangOn: 'show version',
    })
    const error = await auditError(device, 'cisco-ios', {commandTimeoutMs: 400})
    expect(error.code).toBe('command-timeout')
    expect(error.message).toContain('`show version`')
  })

  it('names the command in progress when a linux command hangs inside the batch', async () => {
    const device = await emulate({
      platform: 'linux',
      hostname: 'gz-th-bastion',
      outputs: linuxOutputs,
      hangOn: 'cat /proc/uptime',
    })
    const error = await auditError(device, 'linux', {commandTimeoutMs: 400})
    expect(error.code).toBe('command-timeout')
    expect(error.message).toBe('`cat /proc/uptime` did not finish within 400 ms')
  })

  it('times out a login that never reaches a prompt', async () => {
    const device = await emulate({platform: 'huawei-vrp', hostname: 'GZ-TH-AR01', outputs: vrpOutputs, delayMs: 2_000})
    const error = await auditError(device, 'huawei-vrp', {commandTimeoutMs: 300})
    expect(error.code).toBe('command-timeout')
    expect(error.message).toBe('no prompt within 300 ms after login')
  })

  it('reports a device that drops the connection mid-command as closed, not as a timeout', async () => {
    const device = await emulate({
      platform: 'h3c-comware',
      hostname: 'DG-HM-S6850',
      outputs: comwareOutputs,
      dropDuring: 'display version',
    })
    const error = await auditError(device, 'h3c-comware')
    expect(error.code).toBe('closed')
    expect(error.message).toContain('`display version`')
  })

  it('fails a required step that every variant of is refused: command-refused', async () => {
    const device = await emulate({
      platform: 'huawei-vrp',
      hostname: 'GZ-TH-AR01',
      outputs: vrpOutputs,
      refuse: ['display version'],
    })
    const error = await auditError(device, 'huawei-vrp')
    expect(error.code).toBe('command-refused')
  })

  it('stops when the caller aborts', async () => {
    const device = await emulate({
      platform: 'cisco-ios',
      hostname: 'GZ-TH-R01',
      outputs: iosOutputs,
      hangOn: 'show version',
    })
    const controller = new AbortController()
    const pending = audit(device, 'cisco-ios', {commandTimeoutMs: 30_000, signal: controller.signal})
    setTimeout(() => controller.abort(new Error('run interrupted')), 300)
    await expect(pending).rejects.toThrow('run interrupted')
  })
})
