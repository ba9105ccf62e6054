import type {Client, ClientChannel} from 'ssh2'

import {SshError} from '../../ssh-errors'

/**
 * Watches one SSH connection while a channel is in use, so that a channel that ends because the
 * connection went away is reported as 'closed', not confused with a command that finished or timed out.
 * ssh2 emits the client's 'end'/'close' before it tears down the channels of a dropped connection.
 */
export class ConnectionWatch {
  private lostReason: string | undefined

  private readonly onEnd = () => this.markLost('the device ended the connection')
  private readonly onClose = () => this.markLost('the connection closed')
  private readonly onError = (error: Error) => this.markLost(`connection error: ${error.message}`)

  constructor(private readonly client: Client) {
    client.on('end', this.onEnd).on('close', this.onClose).on('error', this.onError)
  }

  get lost(): boolean {
    return this.lostReason !== undefined
  }

  closedError(during: string): SshError {
    return new SshError('closed', `connection closed during ${during}${this.lostReason ? ` (${this.lostReason})` : ''}`)
  }

  dispose(): void {
    this.client.off('end', this.onEnd).off('close', this.onClose).off('error', this.onError)
  }

  private markLost(reason: string): void {
    this.lostReason ??= reason
  }
}

/** The error for a channel that could not be opened: 'closed' when the connection is gone, else 'command-refused'. */
export function channelOpenError(error: Error, what: string, watch: ConnectionWatch): SshError {
  if (watch.lost || /not connected|no response from server/i.test(error.message))
    return watch.closedError(`opening ${what}`)
  return new SshError('command-refused', `the device refused ${what}: ${error.message}`, {cause: error})
}

/**
 * Opens a channel through ssh2's callback API as a promise, bounded by `timeoutMs` (a device may accept
 * the connection and never answer the channel request). A synchronous throw (not connected) becomes a
 * rejection; a channel that opens after the timeout is closed at once.
 */
export function openChannel(
  watch: ConnectionWatch,
  what: string,
  timeoutMs: number,
  open: (callback: (error: Error | undefined, channel: ClientChannel) => void) => void,
): Promise<ClientChannel> {
  return new Promise((resolve, reject) => {
    let timedOut = false
    const timer = setTimeout(() => {
      timedOut = true
      reject(new SshError('command-timeout', `the device did not open ${what} within ${timeoutMs} ms`))
    }, timeoutMs)
    const opened = (error: Error | undefined, channel: ClientChannel | undefined) => {
      clearTimeout(timer)
      if (timedOut) channel?.close()
      else if (error) reject(channelOpenError(error, what, watch))
      else resolve(channel!)
    }
    try {
      open(opened)
    } catch (error) {
      clearTimeout(timer)
      reject(channelOpenError(error as Error, what, watch))
    }
  })
}

/** The reason to reject with when the caller's AbortSignal fired. */
export function abortReason(signal: AbortSignal): unknown {
  return signal.reason ?? new Error('aborted')
}
