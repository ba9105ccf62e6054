import type {Client} from 'ssh2'

import {SshError} from '../errors'
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

/**
 * Runs one command in its own exec channel (no pty) and collects stdout, stderr, exit code and signal.
 * stderr alone is not a failure: the caller judges the exit code. Rejects with SshError 'command-timeout'
 * when the command is not done within `timeoutMs` (the channel is closed), 'closed' when the connection
 * drops first, 'command-refused' when the server will not open the channel or run the command.
 */
export async function runExec(client: Client, command: string, options: ExecOptions): Promise<ExecResult> {
  options.signal?.throwIfAborted()
  const started = performance.now()
  const watch = new ConnectionWatch(client)
  try {
    const channel = await openChannel(watch, `exec \`${command}\``, options.timeoutMs, (callback) => client.exec(command, callback))
    return await new Promise<ExecResult>((resolve, reject) => {
      const stdout: Buffer[] = []
      const stderr: Buffer[] = []
      const finish = (outcome: () => void) => {
        clearTimeout(timer)
        options.signal?.removeEventListener('abort', onAbort)
        outcome()
      }
      const timer = setTimeout(() => {
        finish(() => reject(new SshError('command-timeout', `\`${command}\` did not finish within ${options.timeoutMs} ms`)))
        channel.close()
      }, options.timeoutMs)
      const onAbort = () => {
        finish(() => reject(abortReason(options.signal!)))
        channel.close()
      }
      options.signal?.addEventListener('abort', onAbort, {once: true})
      channel.on('data', (chunk: Buffer) => stdout.push(chunk))
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
