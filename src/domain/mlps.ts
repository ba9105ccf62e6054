/**
 * MLPS 2.0 (网络安全等级保护 2.0) grading levels and baseline controls, as data types.
 * The data itself lives in inventory/baselines; evaluation rules live next to these types.
 */
export const MLPS_LEVELS = [1, 2, 3, 4, 5] as const
export type MlpsLevel = (typeof MLPS_LEVELS)[number]

/** Who makes a control hold: the tenant record (checked by `tenant check`), the Pulumi stack (policy pack), or the operator (documented, not machine-checked). */
export type EnforcedBy = 'record' | 'stack' | 'operator'

export interface BaselineControlSpec {
  id: string
  title: string
  requirement: string
  /** The clause it comes from, e.g. "GB/T 22239-2019 8.1.4.3 d)". */
  source: string
  enforcedBy: EnforcedBy
  /** Levels the control applies to, each with its parameters (e.g. {"minDays": 180}). */
  levels: Partial<Record<`${MlpsLevel}`, Record<string, unknown>>>
}

export interface BaselineDocument {
  standard: string
  controls: BaselineControlSpec[]
}

/** One control as it applies at one level. */
export interface BaselineControl {
  id: string
  level: MlpsLevel
  title: string
  requirement: string
  source: string
  enforcedBy: EnforcedBy
  parameters: Record<string, unknown>
}

/** Flatten a baseline document into one row per (level, control). */
export function controlsByLevel(doc: BaselineDocument): BaselineControl[] {
  const rows: BaselineControl[] = []
  for (const spec of doc.controls) {
    for (const [levelKey, parameters] of Object.entries(spec.levels)) {
      rows.push({
        id: spec.id,
        level: Number(levelKey) as MlpsLevel,
        title: spec.title,
        requirement: spec.requirement,
        source: spec.source,
        enforcedBy: spec.enforcedBy,
        parameters: parameters ?? {},
      })
    }
  }
  return rows.sort((a, b) => a.level - b.level || a.id.localeCompare(b.id))
}
