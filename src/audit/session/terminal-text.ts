/**
 * Pure text handling for interactive device sessions: what a pty sends besides the output itself.
 * Kept apart from the driver so every rule is unit-tested on recorded byte sequences.
 */

/**
 * Pager prompts: VRP and Comware "  ---- More ----", IOS " --More-- ", some VRP V800 builds
 * "<--- More --->". Matched with whatever erases them afterwards (blanks, backspaces, cursor moves).
 */
const PAGER_WITH_ERASURE = /[ \t]*(?:-{2,}[ ]?More[ ]?-{2,}|<-{2,} More -{2,}>)(?:[ \b]|\x1b\[[0-9;]*[A-Za-z])*/g
const PAGER_AT_END = /(?:-{2,}[ ]?More[ ]?-{2,}|<-{2,} More -{2,}>)\s*$/

/** ANSI/VT100 control sequences: CSI (colours, cursor moves, erase), charset selection, keypad modes. */
const ANSI = /\x1b\[[0-9;?]*[A-Za-z]|\x1b[()][A-Za-z0-9]|\x1b[=>78]/g

/** The question VRP and Comware ask at login when the password is old or initial: "Change now? [Y/N]:". */
const PASSWORD_CHANGE_QUESTION = /change (?:it |the password )?now\s*\?\s*\[Y\/N\]\s*:?\s*$/i

/** True when the text (as received so far) ends in a pager prompt waiting for a key. */
export function endsWithPager(raw: string): boolean {
  return PAGER_AT_END.test(raw.replace(ANSI, ''))
}

/** True when the text ends with the forced password-change question. */
export function endsWithPasswordChangeQuestion(raw: string): boolean {
  return PASSWORD_CHANGE_QUESTION.test(stripTerminalControl(raw))
}

/**
 * The text as a person would read it on the terminal: pager prompts and their erasure removed, ANSI
 * sequences removed, backspaces applied, CRLF/LFCR as LF, and a carriage return inside a line treated
 * as an overwrite (the last non-blank segment is what remains visible).
 */
export function stripTerminalControl(raw: string): string {
  const withoutControl = applyBackspaces(raw.replace(PAGER_WITH_ERASURE, '').replace(ANSI, ''))
  return withoutControl
    .replace(/\r+\n/g, '\n')
    .replace(/\n\r+/g, '\n')
    .split('\n')
    .map(visibleAfterCarriageReturns)
    .join('\n')
}

function applyBackspaces(text: string): string {
  if (!text.includes('\b')) return text
  const out: string[] = []
  for (const char of text) {
    if (char === '\b') {
      if (out.length > 0 && out.at(-1) !== '\n') out.pop()
    } else {
      out.push(char)
    }
  }
  return out.join('')
}

function visibleAfterCarriageReturns(line: string): string {
  if (!line.includes('\r')) return line
  const segments = line.split('\r').filter((segment) => segment.trim() !== '')
  return segments.at(-1) ?? ''
}

/** The last line of the text (after the last LF), without trailing blanks. */
export function lastLine(text: string): string {
  return text.slice(text.lastIndexOf('\n') + 1).trimEnd()
}

/**
 * Any network device prompt, used to learn the real one at login: `<HUAWEI>`, `[~HUAWEI]`, `<H3C>`,
 * `Router>`, `Router#`, `switch(config)#`. No blanks allowed, so banner sentences do not match.
 */
const ANY_PROMPT =
  /^(?:<[^<>\s]{1,80}>|\[[~*]?[^[\]\s]{1,80}\]|[A-Za-z0-9][\w.\-/:@~]{0,79}(?:\([\w.\-/:]{1,40}\))?[>#$%])$/

export function looksLikePrompt(line: string): boolean {
  return ANY_PROMPT.test(line.trim())
}

/** The device name inside a login prompt: `<HUAWEI>` → HUAWEI, `[~PE1]` → PE1, `Router#` → Router. */
export function hostnameOfPrompt(prompt: string): string {
  const line = prompt.trim()
  const bracketed = /^[<[][~*]?([^<>[\]\s]+?)[>\]]$/.exec(line)
  if (bracketed) return bracketed[1]!
  return line.replace(/(?:\([^)]*\))?[>#$%]$/, '')
}

/**
 * A pattern for the prompts of one device once its name is known: user and system views (`<R1>`,
 * `[R1]`, `[~R1-GigabitEthernet0/0/1]`) and IOS modes (`R1>`, `R1#`, `R1(config-if)#`).
 */
export function promptPatternFor(hostname: string): RegExp {
  const name = hostname.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')
  return new RegExp(`^(?:<${name}>|\\[[~*]?${name}(?:-[^\\]]*)?\\]|${name}(?:\\([^)]*\\))?[>#$%])$`)
}

/** Removes the lines that match any of `patterns` (asynchronous log messages printed in the middle of output). */
export function withoutLogLines(text: string, patterns: readonly RegExp[]): string {
  if (patterns.length === 0) return text
  return text
    .split('\n')
    .filter((line) => !patterns.some((pattern) => pattern.test(line)))
    .join('\n')
}

const UTF8 = new TextDecoder('utf-8', {fatal: true})
const GB18030 = new TextDecoder('gb18030')

/**
 * Device output as text: UTF-8 when the bytes are valid UTF-8, otherwise GB18030 (a superset of GBK),
 * the encoding Huawei and H3C terminals commonly use for Chinese descriptions such as "上联核心".
 */
export function decodeDeviceText(bytes: Uint8Array): string {
  try {
    return UTF8.decode(bytes)
  } catch {
    return GB18030.decode(bytes)
  }
}
