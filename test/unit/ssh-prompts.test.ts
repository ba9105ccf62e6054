import {describe, expect, it} from 'vitest'

import {redactLoginName, redactUserinfo} from '../../src/messages/redact'
import {judgePrompt, shownPrompt} from '../../src/domain/ssh-prompts'

describe('judgePrompt (which keyboard-interactive prompts get the password)', () => {
  it('answers password prompts that are not echoed, in the words devices use', () => {
    for (const prompt of [
      'Password:',
      'password: ',
      "admin@10.0.0.1's password:",
      '口令:',
      '密码：',
      '請輸入密碼',
      'Enter PASSCODE:',
      'Passphrase for key:',
      'Passwort:',
    ])
      expect(judgePrompt({prompt, echo: false}), prompt).toEqual({answer: true})
  })

  it('refuses an echoed prompt, whatever it says', () => {
    expect(judgePrompt({prompt: 'What is your OTP?', echo: true})).toEqual({answer: false, reason: 'echoed'})
    expect(judgePrompt({prompt: 'Password:', echo: true})).toEqual({answer: false, reason: 'echoed'})
  })

  it('refuses prompts that do not ask for a password, and those asking for a new one', () => {
    for (const prompt of ['Verification code:', 'OTP:', 'Username:', '验证码:', 'Press Y to continue'])
      expect(judgePrompt({prompt, echo: false}), prompt).toEqual({answer: false, reason: 'not-a-password'})
    for (const prompt of [
      'New password:',
      'Retype new password:',
      'Confirm password:',
      '新密码:',
      '确认口令:',
      'Password again:',
    ])
      expect(judgePrompt({prompt, echo: false}), prompt).toEqual({answer: false, reason: 'new-password'})
  })

  it('shows a prompt quoted, without control characters, at most 80 characters', () => {
    expect(shownPrompt('OTP\u001b[31m:\r\n')).toBe('"OTP [31m:"')
    expect(shownPrompt('x'.repeat(200))).toBe(JSON.stringify(`${'x'.repeat(79)}…`))
  })
})

describe('redacting values that may hold a password', () => {
  it('removes the password of user:password@host, also after a scheme and when it holds @ or :', () => {
    expect(redactUserinfo('ops:secret@bastion:2222')).toBe('ops:***@bastion:2222')
    expect(redactUserinfo('ops:p@ss:w@bastion')).toBe('ops:***@bastion')
    expect(redactUserinfo('ssh://ops:secret@bastion')).toBe('ssh://ops:***@bastion')
    expect(redactUserinfo('ops@bastion:22')).toBe('ops@bastion:22')
    expect(redactUserinfo('bastion:22')).toBe('bastion:22')
  })

  it('removes the password of a login name given as user:password', () => {
    expect(redactLoginName('ops:secret')).toBe('ops:***')
    expect(redactLoginName('ops:secret@host')).toBe('ops:***@host')
    expect(redactLoginName('ops')).toBe('ops')
  })
})
