import {readdirSync, readFileSync} from 'node:fs'
import path from 'node:path'

import {migrationsDir} from '../paths'

export interface Migration {
  version: number
  name: string
  sql: string
}

const MIGRATION_FILE = /^(\d{3})_([a-z0-9_]+)\.sql$/

/**
 * The numbered migrations in inventory/migrations, checked to run 1, 2, 3 … without gaps or
 * duplicates, so that a misnumbered file fails at startup rather than half-applying.
 */
export function loadMigrations(dir: string = migrationsDir): Migration[] {
  const migrations = readdirSync(dir)
    .filter((file) => file.endsWith('.sql'))
    .map((file) => {
      const match = MIGRATION_FILE.exec(file)
      if (!match) throw new Error(`migration file ${file} is not named NNN_name.sql`)
      return {version: Number(match[1]), name: match[2]!, sql: readFileSync(path.join(dir, file), 'utf8')}
    })
    .sort((a, b) => a.version - b.version)
  migrations.forEach((m, index) => {
    if (m.version !== index + 1)
      throw new Error(
        `migrations must be numbered 1..n without gaps: expected ${index + 1}, found ${m.version} (${m.name})`,
      )
  })
  return migrations
}
