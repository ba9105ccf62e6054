import {StringDecoder} from 'node:string_decoder'

import type {Client, ClientChannel} from 'ssh2'

import {SshError} from '../../ssh-errors'
import {ConnectionWatch, abortReason, openChannel} from './connection'
import {
  decodeDeviceText,
  endsWithPager,
  endsWithPasswordChangeQuestion,
  hostnameOfPrompt,
  lastLine,
  looksLikePrompt,
  promptPatternFor,
  stripTerminalControl,
} from './terminal-text'

export interface ShellSessionOptions {
  /** How long the device may take to show its prompt at login, and to finish each command. */
  timeoutMs: number
  signal?: AbortSignal
}

/** The cleaned terminal text of the current exchange, for the conditions a wait ends on. */
interface Screen {
  /** The last line, trimmed: where prompts, pagers and questions appear. */
  lastLine: string
  text: () => string
}

export interface ShellOutput {
  /** What the command printed: no echo, no prompt, no pager prompts, no terminal control sequences. */
  output: string
  durationMs: number
}

/**
 * A wide pty so that devices do not wrap lines (wrapped table rows would not parse); 24 rows as a
 * terminal has, since paging may stay on when the device refuses to turn it off.
 */
const PTY = {term: 'vt100', cols: 511, rows: 24, width: 0, height: 0} as const

/**
 * An interactive CLI session on a network device, driven the way Netmiko and Oxidized drive one: it
 * waits for the prompt (never for a fixed time), learns the prompt at login, answers pagers with a space
 * and a forced password change with N, and strips echo, prompt and terminal control from the output.
 * Failures are SshErrors: 'command-timeout' when the prompt does not come back within the timeout,
 * 'closed' when the device or the network closes the session first.
 */
export class ShellSession {
  private readonly decoder = new StringDecoder('utf8')
  /** Everything received since the current command was sent (or since login), read as UTF-8 as it arrives. */
  private received = ''
  /** The same as bytes, decoded once the command is complete (see `decodeDeviceText`). */
  private receivedBytes: Buffer[] = []
  /** Offset in `received` up to which pagers and questions were already answered. */
  private answeredUpTo = 0
  private closed = false
  private wakeUp: (() => void) | undefined
  /** The prompt as the device printed it at login, e.g. `<HUAWEI>` or `Router#`. */
  prompt = ''
  /** The device's name as its prompt shows it. */
  hostname = ''
  /** Every prompt of this device (user and system views, IOS modes); learnt at login. */
  private promptPattern = /$^/

  private constructor(
    private readonly channel: ClientChannel,
    private readonly watch: ConnectionWatch,
    private readonly options: ShellSessionOptions,
  ) {
    channel.on('data', (chunk: Buffer) => {
      this.receivedBytes.push(chunk)
      this.receive(this.decoder.write(chunk))
    })
    channel.stderr.on('data', (chunk: Buffer) => this.receive(chunk.toString('utf8')))
    channel.on('close', () => {
      this.closed = true
      this.wakeUp?.()
    })
  }

  /** Opens a shell with a pty and waits for the device's prompt (answering a password-change question on the way). */
  static async open(client: Client, options: ShellSessionOptions): Promise<ShellSession> {
    options.signal?.throwIfAborted()
    const watch = new ConnectionWatch(client)
    let channel: ClientChannel | undefined
    try {
      channel = await openChannel(watch, 'an interactive shell', options.timeoutMs, (callback) =>
        client.shell(PTY, callback),
      )
      const session = new ShellSession(channel, watch, options)
      await session.learnPrompt()
      return session
    } catch (error) {
      channel?.close()
      watch.dispose()
      throw error
    }
  }

  /** Sends one command and resolves with its output once the device is back at its prompt. */
  async run(command: string): Promise<ShellOutput> {
    if (this.closed) throw this.closedError(`\`${command}\``)
    const started = performance.now()
    this.startExchange()
    this.channel.write(`${command}\n`)
    const seen = await this.waitFor(
      (screen) =>
        this.promptPattern.test(screen.lastLine)
          ? completedOutput(screen.text(), command, this.promptPattern)
          : undefined,
      `\`${command}\``,
    )
    // Prompts, pagers and echo are ASCII, so UTF-8 finds them; the output itself may be GBK.
    const decoded = stripTerminalControl(decodeDeviceText(Buffer.concat(this.receivedBytes)))
    const text = completedOutput(decoded, command, this.promptPattern) ?? seen
    return {output: text, durationMs: Math.round(performance.now() - started)}
  }

  /** Ends the session; the connection itself stays with its owner. */
  close(): void {
    if (!this.closed) this.channel.close()
    this.watch.dispose()
  }

  /**
   * Waits for a line that looks like a prompt, then sends a bare return and waits for the same line
   * again: a banner line that merely looks like a prompt is not repeated, the real prompt is.
   */
  private async learnPrompt(): Promise<void> {
    this.startExchange()
    const candidate = await this.waitFor(
      (screen) => (looksLikePrompt(screen.lastLine) ? screen.lastLine : undefined),
      'login',
    )
    this.startExchange()
    this.channel.write('\n')
    await this.waitFor(
      (screen) => (screen.lastLine === candidate && screen.text().includes('\n') ? candidate : undefined),
      'login',
    )
    this.prompt = candidate
    this.hostname = hostnameOfPrompt(candidate)
    this.promptPattern = promptPatternFor(this.hostname)
  }

  private startExchange(): void {
    this.received = ''
    this.receivedBytes = []
    this.answeredUpTo = 0
  }

  private receive(text: string): void {
    this.received += text
    // Pagers and questions are short and at the very end: look at the tail only, not the whole output.
    const unanswered = this.received.slice(Math.max(this.answeredUpTo, this.received.length - 256))
    if (this.closed) {
      // Nothing to answer on a closed channel.
    } else if (endsWithPager(unanswered)) {
      this.answeredUpTo = this.received.length
      this.channel.write(' ')
    } else if (endsWithPasswordChangeQuestion(unanswered)) {
      this.answeredUpTo = this.received.length
      this.channel.write('N\n')
    }
    this.wakeUp?.()
  }

  /**
   * Resolves with `done(screen)` once it returns a value, re-checking on every chunk received;
   * rejects on timeout, on a closed channel, or on abort. One wait at a time.
   */
  private waitFor<T>(done: (screen: Screen) => T | undefined, what: string): Promise<T> {
    const {signal, timeoutMs} = this.options
    return new Promise<T>((resolve, reject) => {
      const settle = (outcome: () => void) => {
        clearTimeout(timer)
        signal?.removeEventListener('abort', onAbort)
        this.wakeUp = undefined
        outcome()
      }
      const check = () => {
        const result = done(this.screen())
        if (result !== undefined) settle(() => resolve(result))
        else if (this.closed) settle(() => reject(this.closedError(what)))
      }
      const timer = setTimeout(() => {
        const seen = this.screen().lastLine.slice(-60)
        settle(() =>
          reject(
            new SshError(
              'command-timeout',
              `no prompt within ${timeoutMs} ms after ${what}${seen ? ` (last output: ${JSON.stringify(seen)})` : ''}`,
            ),
          ),
        )
      }, timeoutMs)
      const onAbort = () => settle(() => reject(abortReason(signal!)))
      signal?.addEventListener('abort', onAbort, {once: true})
      this.wakeUp = check
      check()
    })
  }

  /**
   * What the terminal shows since the exchange began. The last line is cheap (only the raw text after
   * the last LF is cleaned, and cleaning never adds or removes an LF), so a long output is cleaned as a
   * whole only once its last line is a prompt.
   */
  private screen(): Screen {
    const raw = this.received
    return {
      lastLine: lastLine(stripTerminalControl(raw.slice(raw.lastIndexOf('\n') + 1))).trim(),
      text: () => stripTerminalControl(raw),
    }
  }

  private closedError(what: string): SshError {
    return this.watch.lost
      ? this.watch.closedError(what)
      : new SshError('closed', `the device closed the session during ${what}`)
  }
}

/**
 * The output of `command` once the text ends at the device's prompt: the lines after the echoed
 * command line and before the final prompt line. Undefined while the command is still running.
 */
export function completedOutput(visible: string, command: string, promptPattern: RegExp): string | undefined {
  const lines = visible.split('\n')
  if (lines.length < 2 || !promptPattern.test(lines.at(-1)!.trim())) return undefined
  const echo = lines.findIndex((line) => line.trimEnd().endsWith(command))
  if (echo === -1 || echo === lines.length - 1) return undefined
  return lines.slice(echo + 1, -1).join('\n')
}
