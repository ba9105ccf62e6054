import {readdirSync, readFileSync} from 'node:fs'
import path from 'node:path'

import type {HeadingsDocument} from './domain/clauses'
import type {BaselineDocument} from './domain/mlps'
import {baselinesDir} from './paths'

/**
 * The MLPS baseline as shipped in the package (inventory/baselines/*.json): read by the inventory, which
 * keeps a copy in baseline_controls, and by the policy pack, which runs in the engine's analyzer process
 * and has no inventory of its own.
 */
/** The table of GB/T 22239-2019 headings kept beside the baselines; not a baseline document. */
export const HEADINGS_FILE = 'gbt-22239-2019-headings.json'

/** Every baseline document (the headings table aside), in file-name order, with the files' text (the inventory hashes it). */
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
