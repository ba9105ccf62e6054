import Database from 'better-sqlite3'
import {createHash} from 'node:crypto'
import {existsSync, readFileSync} from 'node:fs'

/** Digest of every table's rows, to assert that a failed command changed nothing. */
export function snapshot(dbPath: string): string {
  if (!existsSync(dbPath)) return 'absent'
  const db = new Database(dbPath, {readonly: true})
  try {
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as {
      name: string
    }[]
    const hash = createHash('sha256')
    for (const {name} of tables) {
      hash.update(name)
      for (const row of db.prepare(`SELECT * FROM "${name}" ORDER BY 1`).iterate()) hash.update(JSON.stringify(row))
    }
    return hash.digest('hex')
  } finally {
    db.close()
  }
}

export function fileBytes(path: string): Buffer {
  return readFileSync(path)
}
