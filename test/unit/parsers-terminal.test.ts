import {describe, expect, it} from 'vitest'

import {completeFacts, isRefused, mergeDraft} from '../../src/audit/profiles/run'
import {ciscoIosProfile} from '../../src/audit/profiles/cisco-ios'
import {h3cComwareProfile} from '../../src/audit/profiles/h3c-comware'
import {huaweiVrpProfile} from '../../src/audit/profiles/huawei-vrp'
import {SshError} from '../../src/ssh-errors'
import type {FactsDraft} from '../../src/domain/audit-facts'
import {completedOutput} from '../../src/audit/session/shell-session'
import {
  decodeDeviceText,
  endsWithPager,
  endsWithPasswordChangeQuestion,
  hostnameOfPrompt,
  looksLikePrompt,
  promptPatternFor,
  stripTerminalControl,
  withoutLogLines,
} from '../../src/audit/session/terminal-text'

describe('terminal control in device output', () => {
  it('removes the VRP pager and the cursor moves that erase it', () => {
    const raw = `GE0/0/1   up   up\r\n  ---- More ----\x1b[42D${' '.repeat(42)}\x1b[42DGE0/0/2   down down\r\n`
    expect(stripTerminalControl(raw)).toBe('GE0/0/1   up   up\nGE0/0/2   down down\n')
  })

  it('removes the IOS pager erased with backspaces', () => {
    const raw = `Gi0/0 up up\r\n --More-- ${'\b'.repeat(10)}${' '.repeat(10)}${'\b'.repeat(10)}Gi0/1 down down\r\n`
    expect(stripTerminalControl(raw)).toBe('Gi0/0 up up\nGi0/1 down down\n')
  })

  it('removes colours, applies backspaces and carriage-return overwrites, normalises line ends', () => {
    expect(stripTerminalControl('\x1b[1;32mup\x1b[0m\n\r')).toBe('up\n')
    expect(stripTerminalControl('displ\b\b\b\bisplay\r\n')).toBe('display\n')
    expect(stripTerminalControl('partial line\r         \rfinal line\r\n')).toBe('final line\n')
  })

  it('reads UTF-8, and GBK where the bytes are not UTF-8', () => {
    expect(decodeDeviceText(Buffer.from('上联核心 uplink', 'utf8'))).toBe('上联核心 uplink')
    expect(decodeDeviceText(Buffer.from('c9cfc1aabacbd0c420474531', 'hex'))).toBe('上联核心 GE1')
  })

  it('sees a pager or a password-change question only at the end of what arrived', () => {
    expect(endsWithPager('line\r\n  ---- More ----')).toBe(true)
    expect(endsWithPager('line\r\n --More-- ')).toBe(true)
    expect(endsWithPager('  ---- More ----\x1b[42D   \x1b[42Dnext line')).toBe(false)
    expect(endsWithPasswordChangeQuestion('The password needs to be changed. Change now? [Y/N]:')).toBe(true)
    expect(endsWithPasswordChangeQuestion('The password has expired. Change now? [Y/N]: ')).toBe(true)
    expect(endsWithPasswordChangeQuestion('Save the configuration? [Y/N]:')).toBe(false)
  })
})

describe('prompts', () => {
  it('recognises device prompts and not banner sentences', () => {
    for (const prompt of [
      '<HUAWEI>',
      '<GZ-TH-AR01>',
      '[~PE1]',
      '<H3C>',
      'Router>',
      'Router#',
      'DG-CORE-SW01#',
      'sw1(config)#',
    ]) {
      expect(looksLikePrompt(prompt), prompt).toBe(true)
    }
    for (const line of ['Authorized users only>', 'Info: The max number of VTY users is 10', '####', '']) {
      expect(looksLikePrompt(line), line).toBe(false)
    }
  })

  it('takes the hostname from the prompt and matches every view of that device', () => {
    expect(hostnameOfPrompt('<GZ-TH-AR01>')).toBe('GZ-TH-AR01')
    expect(hostnameOfPrompt('[~PE1]')).toBe('PE1')
    expect(hostnameOfPrompt('Router#')).toBe('Router')
    const vrp = promptPatternFor('GZ-TH-AR01')
    expect(['<GZ-TH-AR01>', '[GZ-TH-AR01]', '[~GZ-TH-AR01-GigabitEthernet0/0/1]'].every((p) => vrp.test(p))).toBe(true)
    expect(vrp.test('<GZ-TH-AR02>')).toBe(false)
    const ios = promptPatternFor('R1.lab')
    expect(['R1.lab>', 'R1.lab#', 'R1.lab(config-if)#'].every((p) => ios.test(p))).toBe(true)
    expect(ios.test('R1xlab#')).toBe(false)
  })

  it('finds a command output between its echo and the prompt, and nothing before the prompt is back', () => {
    const prompt = promptPatternFor('H3C')
    expect(completedOutput('display clock\n10:00:00 UTC Wed 11/25/2026\n<H3C>', 'display clock', prompt)).toBe(
      '10:00:00 UTC Wed 11/25/2026',
    )
    expect(completedOutput('display clock\n10:00:00 UTC Wed 11/25/2026\n', 'display clock', prompt)).toBeUndefined()
    expect(completedOutput('\n<H3C>', 'display clock', prompt)).toBeUndefined()
    expect(completedOutput('<H3C>display clock', 'display clock', prompt)).toBeUndefined()
  })
})

describe('profile data', () => {
  it('tells refusals from answers on each platform', () => {
    expect(isRefused("                ^\nError: Unrecognized command found at '^' position.", huaweiVrpProfile)).toBe(
      true,
    )
    expect(
      isRefused('Info: The configuration takes effect on the current user terminal interface only.', huaweiVrpProfile),
    ).toBe(false)
    expect(isRefused(" % Unrecognized command found at '^' position.", h3cComwareProfile)).toBe(true)
    expect(isRefused('% Screen-length configuration is disabled for current user.', h3cComwareProfile)).toBe(false)
    expect(isRefused("% Invalid input detected at '^' marker.", ciscoIosProfile)).toBe(true)
    expect(isRefused('Interface  Status  Protocol Description', ciscoIosProfile)).toBe(false)
  })

  it("removes each platform's asynchronous log lines and nothing else", () => {
    const comware = [
      'Interface            Link Protocol Primary IP      Description',
      '%Nov 25 10:00:00:123 2026 H3C IFNET/3/PHY_UPDOWN: Physical state on the interface GigabitEthernet1/0/2 changed to down.',
      'GE1/0/1              UP   UP       10.0.0.1',
    ].join('\n')
    expect(withoutLogLines(comware, h3cComwareProfile.logLinePatterns).split('\n')).toHaveLength(2)
    const vrp =
      'Nov 25 2026 10:00:00+08:00 HUAWEI %%01IFNET/4/LINK_STATE(l)[5]:The line protocol IP on the interface GigabitEthernet0/0/1 has entered the DOWN state.'
    expect(withoutLogLines(`a\n${vrp}\nb`, huaweiVrpProfile.logLinePatterns)).toBe('a\nb')
    const ios = '000123: *Nov 25 10:00:00.123 UTC: %LINK-3-UPDOWN: Interface GigabitEthernet0/1, changed state to down'
    expect(withoutLogLines(`a\n${ios}\nb`, ciscoIosProfile.logLinePatterns)).toBe('a\nb')
  })

  it('keeps the first value a step learnt, and names what no step found', () => {
    const draft: FactsDraft = {hostname: 'from-version'}
    mergeDraft(draft, {hostname: 'from-prompt', vendor: 'Cisco'})
    expect(draft).toEqual({hostname: 'from-version', vendor: 'Cisco'})
    expect(() => completeFacts(draft, 'cisco-ios')).toThrow(
      expect.objectContaining({
        constructor: SshError,
        code: 'protocol',
        message: 'cisco-ios output not understood: no model, softwareVersion, uptimeSeconds, interfaces found',
      }),
    )
  })
})
