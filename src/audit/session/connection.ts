import type {Client, ClientChannel} from 'ssh2'

import {SshError} from '../errors'

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
  if (watch.lost || /not connected|no response from server/i.test(error.message)) return watch.closedError(`opening ${what}`)
  return new SshError('command-refused', `the device refused ${what}: ${error.message}`, {cause: error})
}

/** Opens a channel through ssh2's callback API as a promise; a synchronous throw (not connected) becomes a rejection. */
export function openChannel(
  watch: ConnectionWatch,
  what: string,
  open: (callback: (error: Error | undefined, channel: ClientChannel) => void) => void,
): Promise<ClientChannel> {
  return new Promise((resolve, reject) => {
    try {
      open((error, channel) => (error ? reject(channelOpenError(error, what, watch)) : resolve(channel)))
    } catch (error) {
      reject(channelOpenError(error as Error, what, watch))
    }
  })
}

/** The reason to reject with when the caller's AbortSignal fired. */
export function abortReason(signal: AbortSignal): unknown {
  return signal.reason ?? new Error('aborted')
}
