/**
 * Clauses of GB/T 22239-2019 as the baseline cites them, and the table of the standard's headings
 * (inventory/baselines/gbt-22239-2019-headings.json) that they are checked against. Each level has
 * its own chapter (level 1 → 5, 2 → 6, 3 → 7, 4 → 8, 5 → 9) and, because a level has only the
 * sub-sections that hold a requirement at that level, its own numbering.
 */

/** The chapter of GB/T 22239-2019 that holds a level's requirements. */
export const chapterOfLevel = (level: number): string => String(level + 4)

/** One cited clause: "7.1.4.1 身份鉴别 a), b)" → number 7.1.4.1, heading 身份鉴别, items a and b. */
export interface Clause {
  number: string
  heading: string
  /** Letters of the cited requirements; empty for a sub-section with a single requirement (or a whole section). */
  items: string[]
  /** The clause as written in the baseline. */
  text: string
}

/** Headings of GB/T 22239-2019 are written in Chinese characters. */
const CLAUSE = /^(\d+(?:\.\d+)*) (\p{Script=Han}+)(?: ([a-z]\)(?:, [a-z]\))*))?$/u

/** A clause as the baseline writes it, or undefined when the text is not of that form. */
export function parseClause(text: string): Clause | undefined {
  const match = CLAUSE.exec(text)
  if (!match) return undefined
  const [, number = '', heading = '', letters] = match
  const items = letters ? letters.split(', ').map((item) => item.slice(0, 1)) : []
  return {number, heading, items, text}
}

export interface SectionHeading {
  heading: string
  /** Lettered requirements a), b), … of the sub-section at this level; 1 means a single requirement, cited without a letter. */
  items?: number
}

export interface LevelChapter {
  chapter: string
  /** Chapter 9 (level 5) is published as 略. */
  omitted?: boolean
  sections: Record<string, SectionHeading>
}

export interface HeadingsDocument {
  standard: string
  levels: Record<string, LevelChapter>
}

/**
 * What is wrong with `clause` cited at `level`, by the headings table: a number outside the level's
 * chapter or not in it, another heading, a letter past the sub-section's last requirement, a letter
 * on a single requirement, or letters where the table does not know how many there are.
 */
export function clauseProblem(clause: Clause, level: number, headings: HeadingsDocument): string | undefined {
  const chapter = headings.levels[String(level)]
  if (!chapter) return `level ${level} has no chapter in ${headings.standard}`
  if (clause.number !== chapter.chapter && !clause.number.startsWith(`${chapter.chapter}.`))
    return `${clause.text}: level ${level} requirements are in chapter ${chapter.chapter}`
  const section = chapter.sections[clause.number]
  if (!section) return `${clause.text}: chapter ${chapter.chapter} (level ${level}) has no ${clause.number}`
  if (section.heading !== clause.heading)
    return `${clause.text}: ${clause.number} is ${section.heading} at level ${level}`
  if (clause.items.length === 0) return undefined
  if (section.items === undefined)
    return `${clause.text}: the headings table does not record how many requirements ${clause.number} has`
  if (section.items === 1) return `${clause.text}: ${clause.number} has a single requirement, cited without a letter`
  for (const item of clause.items) {
    const index = item.charCodeAt(0) - 'a'.charCodeAt(0)
    if (index >= section.items) {
      const last = String.fromCharCode('a'.charCodeAt(0) + section.items - 1)
      return `${clause.text}: ${clause.number} has requirements a)–${last}) at level ${level}`
    }
  }
  return undefined
}

/** "GB/T 22239-2019 7.1.4.1 身份鉴别 a), b)" for display. */
export const GBT_22239 = 'GB/T 22239-2019'
