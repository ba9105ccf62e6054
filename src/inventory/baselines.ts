import {createHash} from 'node:crypto'

import {BaselineControl, BaselineDocument, controlsByLevel, MlpsLevel} from '../domain/mlps'
import {readBaselineDocuments} from '../baseline-files'
import {baselinesDir} from '../paths'
import type {Inventory} from './db'

/**
 * Bring the baseline_controls table in line with the data files. Runs on every writable open and
 * costs one SELECT when nothing changed (the files' hash is kept in meta).
 */
export function syncBaselines(inventory: Inventory, dir: string = baselinesDir): void {
  const {text, documents} = readBaselineDocuments(dir)
  const hash = createHash('sha256').update(text).digest('hex')
  const db = inventory.db
  const stored = db.prepare("SELECT value FROM meta WHERE key = 'baselines_sha256'").get() as
    {value: string} | undefined
  if (stored?.value === hash) return
  const insert = db.prepare(
    'INSERT INTO baseline_controls (id, level, title, requirement, source, enforced_by, parameters) VALUES (?, ?, ?, ?, ?, ?, ?)',
  )
  inventory.write(() => {
    db.prepare('DELETE FROM baseline_controls').run()
    for (const c of documents.flatMap(controlsByLevel)) {
      insert.run(c.id, c.level, c.title, c.requirement, c.source, c.enforcedBy, JSON.stringify(c.parameters))
    }
    db.prepare(
      "INSERT INTO meta (key, value) VALUES ('baselines_sha256', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
    ).run(hash)
  })
}

interface ControlRow {
  id: string
  level: number
  title: string
  requirement: string
  source: string
  enforced_by: BaselineControl['enforcedBy']
  parameters: string
}

export class BaselineRepository {
  constructor(private readonly inventory: Inventory) {}

  /** Controls that apply at `level`, or at every level when omitted. */
  controls(level?: MlpsLevel): BaselineControl[] {
    const rows = (
      level === undefined
        ? this.inventory.db.prepare('SELECT * FROM baseline_controls ORDER BY level, id').all()
        : this.inventory.db.prepare('SELECT * FROM baseline_controls WHERE level = ? ORDER BY id').all(level)
    ) as ControlRow[]
    return rows.map((r) => ({
      id: r.id,
      level: r.level as MlpsLevel,
      title: r.title,
      requirement: r.requirement,
      source: r.source,
      enforcedBy: r.enforced_by,
      parameters: JSON.parse(r.parameters) as Record<string, unknown>,
    }))
  }
}
