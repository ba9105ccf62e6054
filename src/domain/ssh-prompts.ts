/**
 * Which keyboard-interactive prompts govnet answers with the password. A device asks "Password:" (or
 * 口令/密码 on Chinese firmware) with echo off; anything else, an echoed question, a one-time code the
 * operator was meant to type ("What is your OTP?"), or a new password for an expired one, is not the
 * password's to answer: the login fails with the prompt named instead of sending a secret to it.
 */

export interface KeyboardInteractivePrompt {
  prompt: string
  /** Whether the server asked for the answer to be shown as typed. */
  echo?: boolean
}

/** Words that ask for a password (or a passcode, as RSA SecurID-style PAM modules word it), in the languages devices use. */
const ASKS_PASSWORD =
  /pass ?word|passcode|passphrase|口令|密码|密碼|パスワード|비밀번호|passwort|mot de passe|contraseña|senha|пароль/i

/** A password prompt that is not the old one: a change of password, or its confirmation. */
const NOT_THE_CURRENT_ONE = /\bnew\b|\bagain\b|\bretype\b|\bre-?enter\b|\bconfirm|新|确认|確認|再次|重复|重新/i

export type PromptVerdict = {answer: true} | {answer: false; reason: 'echoed' | 'not-a-password' | 'new-password'}

export function judgePrompt(prompt: KeyboardInteractivePrompt): PromptVerdict {
  if (prompt.echo === true) return {answer: false, reason: 'echoed'}
  if (!ASKS_PASSWORD.test(prompt.prompt)) return {answer: false, reason: 'not-a-password'}
  if (NOT_THE_CURRENT_ONE.test(prompt.prompt)) return {answer: false, reason: 'new-password'}
  return {answer: true}
}

/** A prompt as a message may show it: the server's text, control characters removed, at most 80 characters, quoted. */
export function shownPrompt(prompt: string): string {
  const clean = prompt.replace(/[\u0000-\u001f\u007f-\u009f]/g, ' ').trim()
  return JSON.stringify(clean.length > 80 ? `${clean.slice(0, 79)}…` : clean)
}
