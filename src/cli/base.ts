import {Command, Flags, Interfaces, toConfiguredId} from '@oclif/core'
import {userInfo} from 'node:os'

import {ExitCode, FindingError, GovnetError, UsageError} from '../errors'
import {Inventory, OpenOptions, translate} from '../inventory/db'
import {resolveDbPath} from '../paths'
import {FlagValueError} from './flags'
import {parseFailure} from './usage'

/** oclif's FlagOutput and ArgOutput (not exported by @oclif/core), which Command.parse's type parameters extend. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the same constraint as oclif's, so that the override matches
type ParsedOutput = {[name: string]: any}

/** `--actor`, for commands that write: who made the change, recorded in the change log. */
export const actorFlag = Flags.string({
  description: 'who is making the change, for the change log (default: GOVNET_ACTOR, then the OS user)',
  helpGroup: 'GLOBAL',
})

export function resolveActor(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  if (flag) return flag
  if (env.GOVNET_ACTOR) return env.GOVNET_ACTOR
  try {
    return userInfo().username
  } catch {
    return env.USER ?? 'unknown'
  }
}

/**
 * Base of every govnet command: the `--db` flag, opening the inventory, and one error policy —
 * a user's mistake (GovnetError) prints one line (plus the rows of an import) and exits with its
 * code; with --json the error is a JSON object on stdout. Anything else is a bug and prints its
 * stack only with GOVNET_DEBUG=1.
 */
export abstract class GovnetCommand extends Command {
  static baseFlags = {
    db: Flags.string({
      description: 'inventory file (default: GOVNET_DB, then ./govnet.db)',
      helpGroup: 'GLOBAL',
    }),
  }

  private opened: Inventory[] = []

  protected openInventory(dbFlag: string | undefined, options: OpenOptions = {}): Inventory {
    const inventory = Inventory.open(resolveDbPath(dbFlag), options)
    this.opened.push(inventory)
    for (const warning of inventory.warnings) process.stderr.write(`${warning}\n`)
    return inventory
  }

  /** Open for writing, with the actor resolved from `--actor`. */
  protected openForWrite(flags: {db?: string; actor?: string}, options: OpenOptions = {}): Inventory {
    return this.openInventory(flags.db, {...options, actor: resolveActor(flags.actor)})
  }

  /**
   * JSON goes out as plain text: oclif's default colourises the whole document first, which costs
   * seconds on a 100,000-node list and adds escape codes a pipe does not want.
   */
  override logJson(json: unknown): void {
    process.stdout.write(`${JSON.stringify(json, null, 2)}\n`)
  }

  /** Every parse error is govnet's: a usage error (exit 2) or a flag value's catalog error, also under --json. */
  protected override async parse<F extends ParsedOutput, B extends ParsedOutput, A extends ParsedOutput>(
    options?: Interfaces.Input<F, B, A>,
    argv?: string[],
  ): Promise<Interfaces.ParserOutput<F, B, A>> {
    try {
      return await super.parse(options, argv)
    } catch (error) {
      throw parseFailure(error, `${this.config.bin} ${toConfiguredId(this.id ?? '', this.config)}`)
    }
  }

  protected override async catch(error: Interfaces.CommandError): Promise<unknown> {
    if (error instanceof GovnetError) return this.failWith(error)
    if (error instanceof FlagValueError) return this.failWith(error.error)
    // A damaged page met after opening (SQLITE_CORRUPT, SQLITE_NOTADB) is the same exit 6 as at opening.
    const opened = this.opened[0]
    if (opened) {
      const translated = translate(error, opened.path)
      if (translated instanceof GovnetError) return this.failWith(translated)
    }
    // oclif's own errors (exit, help) keep oclif's handling.
    if ('oclif' in error && (error as {oclif?: unknown}).oclif) return super.catch(error)
    const detail = process.env.GOVNET_DEBUG ? `\n${error.stack}` : ' (set GOVNET_DEBUG=1 for the stack)'
    return this.failWith(new GovnetError(`internal error: ${error.message}${detail}`, ExitCode.internal))
  }

  private failWith(error: GovnetError): never {
    if (this.jsonEnabled()) {
      this.logJson(
        error instanceof FindingError
          ? error.result
          : {error: {message: error.message, exit: error.exit, details: error.details}},
      )
    } else {
      for (const line of error.details) process.stderr.write(`  ${line}\n`)
      process.stderr.write(`error: ${error.message}\n`)
      if (error instanceof UsageError) process.stderr.write(`${error.hint}\n`)
    }
    this.exit(error.exit)
  }

  protected override async finally(error: Error | undefined): Promise<unknown> {
    for (const inventory of this.opened) inventory.close()
    this.opened = []
    return super.finally(error)
  }
}
