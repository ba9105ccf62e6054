import {createHash} from 'node:crypto'

import type {Clause} from '../domain/clauses'
import {BaselineControl, controlsByLevel, MlpsLevel} from '../domain/mlps'
import {readBaselineDocuments} from '../baseline-files'
import {baselinesDir} from '../paths'
import type {Inventory} from './db'
import {MetaRepository} from './meta'

/**
 * Bring the baseline_controls table in line with the data files. Runs on every writable open and
 * costs one SELECT when nothing changed (the files' hash is kept in meta).
 */
const BASELINES_HASH_KEY = 'baselines_sha256'

export function syncBaselines(inventory: Inventory, dir: string = baselinesDir): void {
  const {text, documents} = readBaselineDocuments(dir)
  const hash = createHash('sha256').update(text).digest('hex')
  const db = inventory.db
  const meta = new MetaRepository(inventory)
  if (meta.get(BASELINES_HASH_KEY) === hash) return
  const insert = db.prepare(
    'INSERT INTO baseline_controls (id, level, title, requirement, source, clauses, refs, enforced_by, parameters) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
  )
  inventory.write(() => {
    db.prepare('DELETE FROM baseline_controls').run()
    for (const c of documents.flatMap(controlsByLevel)) {
      insert.run(
        c.id,
        c.level,
        c.title,
        c.requirement,
        c.source,
        JSON.stringify(c.clauses),
        JSON.stringify(c.references),
        c.enforcedBy,
        JSON.stringify(c.parameters),
      )
    }
    meta.set(BASELINES_HASH_KEY, hash)
  })
}

interface ControlRow {
  id: string
  /** The CHECK constraint of baseline_controls.level holds it to the MLPS levels. */
  level: MlpsLevel
  title: string
  requirement: string
  source: string
  clauses: string
  refs: string
  enforced_by: BaselineControl['enforcedBy']
  parameters: string
}

const fromRow = (r: ControlRow): BaselineControl => ({
  id: r.id,
  level: r.level,
  title: r.title,
  requirement: r.requirement,
  source: r.source,
  clauses: JSON.parse(r.clauses) as Clause[],
  references: JSON.parse(r.refs) as string[],
  enforcedBy: r.enforced_by,
  parameters: JSON.parse(r.parameters) as Record<string, unknown>,
})

export class BaselineRepository {
  constructor(private readonly inventory: Inventory) {}

  /** Controls that apply at `level`, or at every level when omitted. */
  controls(level?: MlpsLevel): BaselineControl[] {
    const db = this.inventory.db
    const rows =
      level === undefined
        ? db.prepare<[], ControlRow>('SELECT * FROM baseline_controls ORDER BY level, id').all()
        : db.prepare<[MlpsLevel], ControlRow>('SELECT * FROM baseline_controls WHERE level = ? ORDER BY id').all(level)
    return rows.map(fromRow)
  }
}
