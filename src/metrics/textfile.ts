import {closeSync, fsyncSync, openSync, renameSync, rmSync, writeSync} from 'node:fs'
import path from 'node:path'

import {metricsMessages as msg} from '../messages'

/**
 * Write `body` to `file` so that a reader (node_exporter's textfile collector) sees either the old
 * file or the new one, never half of it: write a temporary file in the same directory (the collector
 * reads only *.prom, so the temporary name is ignored), flush it to disk, then rename it over `file`.
 */
export function writeFileAtomically(
  file: string,
  body: Buffer | string,
  failed: (file: string, reason: string) => Error = msg.cannotWriteTextfile,
): void {
  const target = path.resolve(file)
  const directory = path.dirname(target)
  const temporary = path.join(directory, `.${path.basename(target)}.${process.pid}.tmp`)
  let fd: number | undefined
  try {
    fd = openSync(temporary, 'wx', 0o644)
    writeSync(fd, typeof body === 'string' ? Buffer.from(body, 'utf8') : body)
    fsyncSync(fd)
    closeSync(fd)
    fd = undefined
    renameSync(temporary, target)
  } catch (error) {
    if (fd !== undefined) closeSync(fd)
    rmSync(temporary, {force: true})
    throw failed(
      file,
      (error as NodeJS.ErrnoException).code === 'ENOENT'
        ? `directory ${directory} does not exist`
        : (error as Error).message,
    )
  }
}
