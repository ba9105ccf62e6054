import {createHash} from 'node:crypto'
import {readdirSync, readFileSync} from 'node:fs'
import path from 'node:path'

import type {Clause, HeadingsDocument} from '../domain/clauses'
import {BaselineControl, BaselineDocument, controlsByLevel, MlpsLevel} from '../domain/mlps'
import {baselinesDir} from '../paths'
import type {Inventory} from './db'

/** The table of GB/T 22239-2019 headings kept beside the baselines; not a baseline document. */
export const HEADINGS_FILE = 'gbt-22239-2019-headings.json'

/** Read every baseline document in inventory/baselines (JSON, the headings table aside), in file-name order. */
export function readBaselineDocuments(dir: string = baselinesDir): {text: string; documents: BaselineDocument[]} {
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.json') && f !== HEADINGS_FILE)
    .sort()
  const texts = files.map((f) => readFileSync(path.join(dir, f), 'utf8'))
  return {text: texts.join('\n'), documents: texts.map((t) => JSON.parse(t) as BaselineDocument)}
}

/** The headings of GB/T 22239-2019 per level, that every cited clause is checked against. */
export function readClauseHeadings(dir: string = baselinesDir): HeadingsDocument {
  return JSON.parse(readFileSync(path.join(dir, HEADINGS_FILE), 'utf8')) as HeadingsDocument
}

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
  clauses: string
  refs: string
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
      clauses: JSON.parse(r.clauses) as Clause[],
      references: JSON.parse(r.refs) as string[],
      enforcedBy: r.enforced_by,
      parameters: JSON.parse(r.parameters) as Record<string, unknown>,
    }))
  }
}
