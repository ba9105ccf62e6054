import {randomBytes} from 'node:crypto'
import {StringDecoder} from 'node:string_decoder'

import type {Client} from 'ssh2'

import {SshError} from '../../ssh-errors'
import {ConnectionWatch, abortReason, openChannel} from './connection'

export interface ExecResult {
  stdout: string
  stderr: string
  /** Absent when the server closed the channel without an exit status. */
  exitCode?: number
  /** The signal that ended the command (exit-signal), e.g. 'KILL'. */
  signal?: string
  durationMs: number
}

export interface ExecOptions {
  timeoutMs: number
  signal?: AbortSignal
}

/** For a channel that runs several commands: sees stdout as it arrives and restarts the timeout per command. */
interface ExecProgress {
  /** What is running at first, for the timeout message. */
  label: string
  /** Called with each stdout chunk; `nextCommand(label)` restarts the timeout for the next command. */
  onStdout: (chunk: string, nextCommand: (label: string) => void) => void
}

/**
 * Runs one command in its own exec channel (no pty) and collects stdout, stderr, exit code and signal.
 * stderr alone is not a failure: the caller judges the exit code. Rejects with SshError 'command-timeout'
 * when the command is not done within `timeoutMs` (the channel is closed), 'closed' when the connection
 * drops first, 'command-refused' when the server will not open the channel or run the command.
 */
export async function runExec(
  client: Client,
  command: string,
  options: ExecOptions,
  progress?: ExecProgress,
): Promise<ExecResult> {
  options.signal?.throwIfAborted()
  const started = performance.now()
  const watch = new ConnectionWatch(client)
  try {
    const channel = await openChannel(watch, `exec \`${command}\``, options.timeoutMs, (callback) =>
      client.exec(command, callback),
    )
    return await new Promise<ExecResult>((resolve, reject) => {
      const stdout: Buffer[] = []
      const stderr: Buffer[] = []
      const finish = (outcome: () => void) => {
        clearTimeout(timer)
        options.signal?.removeEventListener('abort', onAbort)
        outcome()
      }
      let running = progress?.label ?? `\`${command}\``
      const onTimeout = () => {
        finish(() =>
          reject(new SshError('command-timeout', `${running} did not finish within ${options.timeoutMs} ms`)),
        )
        channel.close()
      }
      let timer = setTimeout(onTimeout, options.timeoutMs)
      const nextCommand = (label: string) => {
        running = label
        clearTimeout(timer)
        timer = setTimeout(onTimeout, options.timeoutMs)
      }
      const onAbort = () => {
        finish(() => reject(abortReason(options.signal!)))
        channel.close()
      }
      options.signal?.addEventListener('abort', onAbort, {once: true})
      const decoder = progress ? new StringDecoder('utf8') : undefined
      channel.on('data', (chunk: Buffer) => {
        stdout.push(chunk)
        if (progress) progress.onStdout(decoder!.write(chunk), nextCommand)
      })
      channel.stderr.on('data', (chunk: Buffer) => stderr.push(chunk))
      // The exit status comes with 'close' (ssh2 repeats it there): an 'exit' listener attached after the
      // channel opened can miss a status that arrived in the same read as the open confirmation.
      channel.on('close', (code?: number | null, signalName?: string) => {
        const exitCode = code ?? undefined
        const exitSignal = signalName ?? undefined
        if (exitCode === undefined && exitSignal === undefined && watch.lost) {
          finish(() => reject(watch.closedError(`\`${command}\``)))
          return
        }
        finish(() =>
          resolve({
            stdout: Buffer.concat(stdout).toString('utf8'),
            stderr: Buffer.concat(stderr).toString('utf8'),
            ...(exitCode === undefined ? {} : {exitCode}),
            ...(exitSignal === undefined ? {} : {signal: exitSignal}),
            durationMs: Math.round(performance.now() - started),
          }),
        )
      })
    })
  } finally {
    watch.dispose()
  }
}

/** One command's share of a batch: what it printed on stdout and how it ended. */
export interface BatchedResult {
  stdout: string
  exitCode: number
  /** From the batch start (first command) or the previous command's end, as seen by the client. */
  durationMs: number
}

/**
 * Runs several commands in one exec channel (one session on the server instead of one per command, as
 * parallel-ssh does), each followed by a marker line carrying its exit status. The marker holds a fresh
 * random nonce, so no output can forge it. Each command gets the full timeout, restarted at every
 * marker. The result has one entry per command, undefined for a command whose marker never came (the
 * shell is not POSIX, a forced command replaced the batch, or a command killed the shell): the caller
 * runs those on their own. stderr of the whole batch is not attributed.
 */
export async function runExecBatch(
  client: Client,
  commands: readonly string[],
  options: ExecOptions,
): Promise<(BatchedResult | undefined)[]> {
  const marker = `govnet-${randomBytes(12).toString('hex')}`
  const script = commands.map((command) => `${command}; printf '\\n${marker} %d\\n' "$?"`).join('; ')
  const results: (BatchedResult | undefined)[] = commands.map(() => undefined)
  const markerLine = new RegExp(`^${marker} (\\d+)$`)
  let pending = ''
  let output: string[] = []
  let index = 0
  let since = performance.now()
  const label = (i: number) => `\`${commands[i] ?? commands.at(-1)}\``
  await runExec(client, script, options, {
    label: label(0),
    onStdout: (chunk, nextCommand) => {
      const lines = (pending + chunk).split('\n')
      pending = lines.pop()!
      for (const line of lines) {
        const done = markerLine.exec(line)
        if (!done || index >= commands.length) {
          output.push(line)
          continue
        }
        // Joined with LF, the lines give the command's stdout back exactly: printf's leading newline
        // either ended its last line or made the empty line that a trailing newline leaves.
        results[index] = {
          stdout: output.join('\n'),
          exitCode: Number(done[1]),
          durationMs: Math.round(performance.now() - since),
        }
        output = []
        index += 1
        since = performance.now()
        nextCommand(label(index))
      }
    },
  })
  return results
}
