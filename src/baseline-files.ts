import {readdirSync, readFileSync} from 'node:fs'
import path from 'node:path'

import type {BaselineDocument} from './domain/mlps'
import {baselinesDir} from './paths'

/**
 * The MLPS baseline as shipped in the package (inventory/baselines/*.json): read by the inventory, which
 * keeps a copy in baseline_controls, and by the policy pack, which runs in the engine's analyzer process
 * and has no inventory of its own.
 */
/** Every baseline document, in file-name order, with the files' text (the inventory hashes it). */
export function readBaselineDocuments(dir: string = baselinesDir): {text: string; documents: BaselineDocument[]} {
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
  const texts = files.map((f) => readFileSync(path.join(dir, f), 'utf8'))
  return {text: texts.join('\n'), documents: texts.map((t) => JSON.parse(t) as BaselineDocument)}
}
