/**
 * A real PostgreSQL server for the tests (Debian's postgresql 15), started per test file on
 * 127.0.0.1 and a free port: `initdb` in a temp dir, a socket dir of its own, one database and one
 * user with a password (scram-sha-256 over TCP). PostgreSQL refuses to run as root, so as root the
 * server runs as the `postgres` user (runuser). With CI=true a missing server FAILS the tests; else
 * they are skipped with the reason.
 */
import {ChildProcess, execFileSync, spawn} from 'node:child_process'
import {randomBytes} from 'node:crypto'
import {chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, rmSync} from 'node:fs'
import {createServer} from 'node:net'
import {tmpdir, userInfo} from 'node:os'
import path from 'node:path'

export const POSTGRES_BIN = process.env.GOVNET_POSTGRES_BIN || '/usr/lib/postgresql/15/bin'

const onCi = () => process.env.CI === 'true' || process.env.CI === '1'
const isRoot = () => process.getuid?.() === 0

export function postgresMissing(): string | undefined {
  for (const tool of ['initdb', 'postgres', 'pg_isready'])
    if (!existsSync(path.join(POSTGRES_BIN, tool)))
      return `${path.join(POSTGRES_BIN, tool)} is not installed (apt-get install postgresql)`
  if (isRoot() && !existsSync('/usr/sbin/runuser'))
    return 'running as root needs runuser to start postgres as its own user'
  return undefined
}

/** Skip only off CI, with the reason printed; on CI a missing server fails in `startPostgres`. */
export function skipWithoutPostgres(): boolean {
  const missing = postgresMissing()
  if (!missing || onCi()) return false
  process.stderr.write(`[postgres tests skipped] ${missing}\n`)
  return true
}

export interface RunningPostgres {
  /** postgres://USER:PASSWORD@127.0.0.1:PORT/DB?sslmode=disable — for the Pulumi state backend. */
  url: string
  user: string
  password: string
  database: string
  port: number
  /** Run SQL as the superuser over the socket; returns psql's unaligned output. */
  sql: (statement: string, database?: string) => string
  stop: () => Promise<void>
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      )
    })
  })
}

/** argv that runs `file` as the postgres user when we are root. */
const asPostgres = (file: string, args: string[]): [string, string[]] =>
  isRoot() ? ['/usr/sbin/runuser', ['-u', 'postgres', '--', file, ...args]] : [file, args]

export async function startPostgres(): Promise<RunningPostgres> {
  const missing = postgresMissing()
  if (missing) throw new Error(`the PostgreSQL tests need a PostgreSQL server: ${missing}`)
  const dir = mkdtempSync(path.join(tmpdir(), 'govnet-pg-'))
  const data = path.join(dir, 'data')
  const socket = path.join(dir, 'socket')
  const owner = isRoot() ? Number(execFileSync('id', ['-u', 'postgres'], {encoding: 'utf8'}).trim()) : undefined
  const run = (file: string, args: string[]) => {
    const [cmd, argv] = asPostgres(path.join(POSTGRES_BIN, file), args)
    return execFileSync(cmd, argv, {encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], cwd: dir})
  }
  mkdirSync(socket)
  if (owner !== undefined) {
    chownSync(dir, owner, -1)
    chownSync(socket, owner, -1)
  }
  chmodSync(dir, 0o700)
  const superuser = isRoot() ? 'postgres' : userInfo().username
  run('initdb', [
    '-D',
    data,
    '-U',
    superuser,
    '--auth-local=trust',
    '--auth-host=scram-sha-256',
    '-E',
    'UTF8',
    '--no-instructions',
  ])
  const port = await freePort()
  const [cmd, argv] = asPostgres(path.join(POSTGRES_BIN, 'postgres'), [
    '-D',
    data,
    '-k',
    socket,
    '-h',
    '127.0.0.1',
    '-p',
    String(port),
    '-c',
    'fsync=off',
  ])
  const server: ChildProcess = spawn(cmd, argv, {cwd: dir, stdio: ['ignore', 'ignore', 'pipe']})
  let log = ''
  server.stderr?.setEncoding('utf8').on('data', (text: string) => (log += text))
  const deadline = Date.now() + 60_000
  for (;;) {
    if (server.exitCode !== null) throw new Error(`postgres exited ${server.exitCode}: ${log}`)
    try {
      run('pg_isready', ['-h', socket, '-p', String(port), '-q'])
      break
    } catch {
      if (Date.now() > deadline) throw new Error(`postgres did not accept connections in 60 s: ${log}`)
      await new Promise((resolve) => setTimeout(resolve, 200))
    }
  }
  const sql = (statement: string, database = 'postgres') => {
    const [psql, args] = asPostgres('/usr/bin/psql', [
      '-h',
      socket,
      '-p',
      String(port),
      '-U',
      superuser,
      '-d',
      database,
      '-X',
      '-A',
      '-t',
      '-v',
      'ON_ERROR_STOP=1',
      '-c',
      statement,
    ])
    return execFileSync(psql, args, {encoding: 'utf8', cwd: dir})
  }
  const user = 'govnet_runner'
  // A password with characters that a URL must encode, to check that scrubbing knows both forms.
  const password = `p@ss+${randomBytes(12).toString('hex')}`
  const database = 'govnet_state'
  sql(`CREATE USER ${user} PASSWORD '${password}'`)
  sql(`CREATE DATABASE ${database} OWNER ${user}`)
  const stop = async () => {
    if (server.exitCode === null) {
      const exited = new Promise((resolve) => server.once('exit', resolve))
      try {
        run('pg_ctl', ['-D', data, 'stop', '-m', 'fast', '-w', '-t', '30'])
      } finally {
        await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 10_000))])
        if (server.exitCode === null) server.kill('SIGKILL')
      }
    }
    rmSync(dir, {recursive: true, force: true})
  }
  return {
    url: `postgres://${user}:${encodeURIComponent(password)}@127.0.0.1:${port}/${database}?sslmode=disable`,
    user,
    password,
    database,
    port,
    sql,
    stop,
  }
}
