import {readFileSync} from 'node:fs'
import type {AddressInfo} from 'node:net'
import path from 'node:path'

import {type Connection, Server, type ServerChannel, utils} from 'ssh2'

import type {Platform} from '../../src/domain/nodes'

/**
 * SSH device emulators on 127.0.0.1, built on ssh2's Server: each reproduces one platform's login
 * (banner, forced password-change question), prompt, echo, pager, refusals and exec behaviour, and
 * answers commands with recorded output from test/fixtures/devices. Misbehaviour is opt-in per test:
 * slowness, log lines in the middle of output, refused commands, a dropped connection, a hang.
 */

/**
 * A fresh ed25519 host key that ssh2 can read back. ssh2 1.17's keygen strips the leading zero bytes
 * of the public key, so about 1 key in 256 it makes is "Malformed" to its own parser
 * (mscdex/ssh2#1390, #1513): draw again in that case, a bounded number of times.
 */
function parseableHostKey(): string {
  for (let attempt = 0; attempt < 16; attempt++) {
    const pair = utils.generateKeyPairSync('ed25519')
    if (!(utils.parseKey(pair.private) instanceof Error) && !(utils.parseKey(pair.public) instanceof Error))
      return pair.private
  }
  throw new Error('ssh2 made 16 unreadable ed25519 host keys in a row')
}

export interface DeviceEmulatorOptions {
  platform: Platform
  hostname: string
  username: string
  password: string
  /** Command → output with LF line ends (fixtures): text (sent as UTF-8) or bytes in the device's own encoding (GBK). For linux: exec commands. */
  outputs: Readonly<Record<string, string | Buffer>>
  /** Lines per page while paging is on; the pager prompt follows each full page. */
  pageLines?: number
  /** Lines printed after login, before the prompt. */
  banner?: string
  /** Ask "Change now? [Y/N]:" after login and wait for an answer before the prompt. */
  askPasswordChange?: boolean
  /** Log lines the device prints after the second line of each output longer than three lines. */
  logLines?: readonly string[]
  /** Commands refused as an account below their privilege level sees them. */
  refuse?: readonly string[]
  /** A slow device: the delay before the login prompt and before each chunk of output. */
  delayMs?: number
  /** The device ends the connection after printing part of this command's output. */
  dropDuring?: string
  /** The device never answers this command: no output, no prompt. */
  hangOn?: string
  /** linux: what these exec commands print on stderr (their exit status stays 0). */
  stderr?: Readonly<Record<string, string>>
  /** linux: exec commands that end by this signal (e.g. 'KILL') instead of an exit status. */
  killedBy?: Readonly<Record<string, string>>
}

interface Dialect {
  prompt: (hostname: string) => string
  pager: string
  pagerErase: string
  refusal: string
  /** Accepted paging-off commands and what the device answers. */
  pagingOff: Readonly<Record<string, string>>
  passwordQuestion: string
  loginInfo: string
}

const DIALECTS: Readonly<Record<Exclude<Platform, 'linux'>, Dialect>> = {
  'huawei-vrp': {
    prompt: (hostname) => `<${hostname}>`,
    pager: '  ---- More ----',
    pagerErase: `\x1b[42D${' '.repeat(42)}\x1b[42D`,
    refusal: "                ^\nError: Unrecognized command found at '^' position.",
    pagingOff: {
      'screen-length 0 temporary': 'Info: The configuration takes effect on the current user terminal interface only.',
    },
    passwordQuestion: 'The password needs to be changed. Change now? [Y/N]:',
    loginInfo:
      'Info: The max number of VTY users is 10, and the number\n      of current VTY users on line is 1.\n      The current login time is 2026-11-25 10:00:00+08:00.',
  },
  'h3c-comware': {
    prompt: (hostname) => `<${hostname}>`,
    pager: '---- More ----',
    pagerErase: `\x1b[16D${' '.repeat(16)}\x1b[16D`,
    refusal: "                 ^\n % Unrecognized command found at '^' position.",
    pagingOff: {'screen-length disable': ''},
    passwordQuestion: 'The password has expired. Change now? [Y/N]:',
    loginInfo:
      '******************************************************************************\n* Copyright (c) 2004-2021 New H3C Technologies Co., Ltd. All rights reserved.*\n******************************************************************************',
  },
  'cisco-ios': {
    prompt: (hostname) => `${hostname}#`,
    pager: ' --More-- ',
    pagerErase: `${'\b'.repeat(10)}${' '.repeat(10)}${'\b'.repeat(10)}`,
    refusal: "                ^\n% Invalid input detected at '^' marker.\n",
    pagingOff: {'terminal length 0': ''},
    passwordQuestion: '',
    loginInfo: '',
  },
}

const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))
const crlf = (text: string) => text.replace(/\r?\n/g, '\r\n')

export const FIXTURES_DIR = path.join(__dirname, '..', 'fixtures', 'devices')

export function deviceFixture(platform: Platform, name: string): string {
  return readFileSync(path.join(FIXTURES_DIR, platform, name), 'utf8')
}

export class DeviceEmulator {
  /** Every line the device received in its shell or as an exec request, in order. */
  readonly received: string[] = []
  /** How many times the pager prompt was answered. */
  pagerAnswers = 0
  private readonly server: Server
  private readonly connections = new Set<Connection>()

  private constructor(private readonly options: DeviceEmulatorOptions) {
    this.server = new Server({hostKeys: [parseableHostKey()]}, (connection) => this.accept(connection))
  }

  static async start(options: DeviceEmulatorOptions): Promise<DeviceEmulator> {
    const emulator = new DeviceEmulator(options)
    await new Promise<void>((resolve, reject) => {
      emulator.server.once('error', reject)
      emulator.server.listen(0, '127.0.0.1', () => resolve())
    })
    return emulator
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port
  }

  async close(): Promise<void> {
    for (const connection of this.connections) connection.end()
    await new Promise<void>((resolve) => this.server.close(() => resolve()))
  }

  private accept(connection: Connection): void {
    this.connections.add(connection)
    // Real devices send their small echo and prompt writes at once; ssh2 has this method, @types/ssh2 lacks it.
    const socket = connection as unknown as {setNoDelay(noDelay: boolean): void}
    socket.setNoDelay(true)
    connection.on('close', () => this.connections.delete(connection))
    connection.on('error', () => this.connections.delete(connection))
    connection.on('authentication', (context) => {
      const {username, password} = this.options
      if (context.method === 'password' && context.username === username && context.password === password)
        context.accept()
      else context.reject(['password'])
    })
    connection.on('ready', () => {
      connection.on('session', (acceptSession) => {
        const session = acceptSession()
        session.on('pty', (accept) => accept?.())
        session.on('shell', (accept, reject) => {
          if (this.options.platform === 'linux') return reject?.()
          void this.runShell(accept(), connection).catch(() => connection.end())
        })
        session.on('exec', (accept, reject, info) => {
          if (this.options.platform === 'huawei-vrp' || this.options.platform === 'h3c-comware') return reject?.()
          void this.runExec(accept(), connection, info.command).catch(() => connection.end())
        })
      })
    })
  }

  /**
   * Exec requests. VRP and Comware refuse them; IOS answers with its refusal. linux runs a command list
   * the way sh does for what govnet sends: `a; b; …`, with `printf '…%d…' "$?"` printing the last status.
   */
  private async runExec(channel: ServerChannel, connection: Connection, script: string): Promise<void> {
    const {platform, outputs, dropDuring, hangOn} = this.options
    if (this.options.delayMs) await delay(this.options.delayMs)
    if (platform === 'cisco-ios') {
      if (script === hangOn) return
      channel.write(crlf(DIALECTS['cisco-ios'].refusal))
      channel.exit(0)
      channel.end()
      return
    }
    let status = 0
    for (const command of script.split('; ')) {
      const printf = /^printf '(.*)' "\$\?"$/.exec(command)
      if (printf) {
        channel.write(printf[1]!.replace(/\\n/g, '\n').replace('%d', String(status)))
        continue
      }
      this.received.push(command)
      if (command === hangOn) return
      const output = outputs[command]
      if (output === undefined) {
        channel.stderr.write(`sh: 1: ${command.split(' ')[0]}: not found\n`)
        status = 127
        continue
      }
      if (command === dropDuring) {
        channel.write(output.slice(0, Math.floor(output.length / 2)))
        connection.end()
        return
      }
      channel.write(output)
      const stderr = this.options.stderr?.[command]
      if (stderr) channel.stderr.write(stderr)
      const signal = this.options.killedBy?.[command]
      if (signal) {
        channel.exit(signal, false, '')
        channel.end()
        return
      }
      status = 0
    }
    channel.exit(status)
    channel.end()
  }

  private async runShell(channel: ServerChannel, connection: Connection): Promise<void> {
    const options = this.options
    const dialect = DIALECTS[options.platform as Exclude<Platform, 'linux'>]
    const prompt = dialect.prompt(options.hostname)
    const input = new TerminalInput(channel)
    let paging = true

    if (options.delayMs) await delay(options.delayMs)
    if (dialect.loginInfo) channel.write(crlf(`\n${dialect.loginInfo}\n`))
    if (options.banner) channel.write(crlf(`${options.banner}\n`))
    if (options.askPasswordChange) {
      channel.write(dialect.passwordQuestion)
      this.received.push(await input.line())
    }
    channel.write('\r\n')
    for (;;) {
      channel.write(prompt)
      const command = (await input.line()).trim()
      channel.write('\r\n')
      this.received.push(command)
      if (command === '') continue
      if (command === options.hangOn) return
      if (options.delayMs) await delay(options.delayMs)
      const accepted = dialect.pagingOff[command]
      if (accepted !== undefined && !options.refuse?.includes(command)) {
        paging = false
        if (accepted) channel.write(crlf(`${accepted}\n`))
        continue
      }
      const output = options.refuse?.includes(command) ? undefined : options.outputs[command]
      if (output === undefined) {
        channel.write(crlf(`${dialect.refusal}\n`))
        continue
      }
      // Lines as byte strings (latin1 keeps every byte), so GBK output goes out unchanged.
      const bytes = typeof output === 'string' ? Buffer.from(output, 'utf8') : output
      const lines = bytes.toString('latin1').replace(/\n$/, '').split('\n')
      if (options.logLines && lines.length > 3) lines.splice(2, 0, ...options.logLines)
      const writeLines = (some: string[]) => channel.write(Buffer.from(crlf(`${some.join('\n')}\n`), 'latin1'))
      if (command === options.dropDuring) {
        writeLines(lines.slice(0, Math.ceil(lines.length / 2)))
        connection.end()
        return
      }
      const pageLines = paging ? (options.pageLines ?? 20) : Number.POSITIVE_INFINITY
      for (let start = 0; start < lines.length; start += pageLines) {
        if (start > 0) {
          channel.write(dialect.pager)
          await input.key(' ')
          this.pagerAnswers += 1
          channel.write(dialect.pagerErase)
          if (options.delayMs) await delay(options.delayMs)
        }
        writeLines(lines.slice(start, start + pageLines))
      }
    }
  }
}

/** Keystrokes from the client's pty: echoes them as a terminal does, and hands out whole lines or single keys. */
class TerminalInput {
  private buffered = ''
  private wake: (() => void) | undefined

  constructor(private readonly channel: ServerChannel) {
    channel.on('data', (chunk: Buffer) => {
      this.buffered += chunk.toString('utf8')
      this.wake?.()
    })
  }

  async line(): Promise<string> {
    for (;;) {
      const end = this.buffered.search(/[\r\n]/)
      if (end !== -1) {
        const line = this.buffered.slice(0, end)
        this.buffered = this.buffered.slice(end + 1).replace(/^\n/, '')
        this.channel.write(line)
        return line
      }
      await this.next()
    }
  }

  async key(wanted: string): Promise<void> {
    for (;;) {
      const at = this.buffered.indexOf(wanted)
      if (at !== -1) {
        this.buffered = this.buffered.slice(at + 1)
        return
      }
      await this.next()
    }
  }

  private next(): Promise<void> {
    return new Promise((resolve) => {
      this.wake = () => {
        this.wake = undefined
        resolve()
      }
    })
  }
}
