import {existsSync, readFileSync} from 'node:fs'
import path from 'node:path'

/** The govnet package directory (holds inventory/ and package.json), from src/ or from the compiled dist/src/. */
function findPackageRoot(start: string): string {
  let dir = start
  for (;;) {
    const manifest = path.join(dir, 'package.json')
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, 'utf8')) as {name?: unknown}).name === 'govnet')
      return dir
    const parent = path.dirname(dir)
    if (parent === dir) throw new Error(`govnet package.json not found above ${start}`)
    dir = parent
  }
}

export const packageRoot = findPackageRoot(__dirname)

/**
 * The exact version package.json pins for a dependency ('@pulumi/pulumi' → '1.2.3'): the one home
 * of that version, which scripts/pulumi-engine.sh and the tests read as well.
 */
export function dependencyVersion(name: string, root: string = packageRoot): string {
  const manifest = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as {
    dependencies?: Record<string, unknown>
  }
  const version = manifest.dependencies?.[name]
  if (typeof version !== 'string' || !/^\d+\.\d+\.\d+$/.test(version))
    throw new Error(`${path.join(root, 'package.json')} pins no exact version of ${name} (got ${String(version)})`)
  return version
}
export const migrationsDir = path.join(packageRoot, 'inventory', 'migrations')
export const baselinesDir = path.join(packageRoot, 'inventory', 'baselines')
export const samplesDir = path.join(packageRoot, 'inventory', 'samples')

/** The directory next to the inventory where govnet keeps its own files (change-log key, provisioning state). */
export const GOVNET_DIR = '.govnet'

/** Default inventory file, relative to the working directory. */
export const DEFAULT_DB_FILE = 'govnet.db'

/** `--db`, then `GOVNET_DB`, then ./govnet.db. */
export function resolveDbPath(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  return path.resolve(flag ?? (env.GOVNET_DB || DEFAULT_DB_FILE))
}

/** govnet's own version, from its package.json (govnet_build_info). */
export function govnetVersion(root: string = packageRoot): string {
  const manifest = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as {version?: unknown}
  return String(manifest.version)
}
