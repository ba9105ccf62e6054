import {ExitCode, GovnetError} from '../errors'

/** `grading show LEVEL` (or a --level flag) given something that is not an MLPS level. */
export const invalidLevel = (argument: string, value: string) =>
  new GovnetError(`${argument}: "${value}" is not an MLPS level: use 1, 2, 3, 4 or 5`, ExitCode.invalid)

/** A baseline clause that is not "number heading letters", e.g. "7.1.4.1 身份鉴别 a), b)". */
export const invalidClause = (control: string, level: number, text: string) =>
  new GovnetError(
    `baseline control ${control}, level ${level}: clause "${text}" is not of the form "7.1.4.1 身份鉴别 a), b)" (number, heading, letters)`,
    ExitCode.invalid,
  )

// ---- Reasons of the record checks (`tenant check`), one line each ----

const months = (n: number) => (n === 1 ? '1 month' : `${n} months`)

export const filed = (filingNumber: string) => `filed as ${filingNumber}`

export const filingNotLive = (status: string, withinDays: number) =>
  `not live yet (${status}): file within ${withinDays} days of going live`

export const filingNoStartDate = (level: number, withinDays: number) =>
  `no filing number, and neither a go-live nor a grading date on record: a level-${level} system is filed within ${withinDays} days of going live (or of grading, when already running); set live_on or graded_on`

export const filingDateAfterToday = (opens: string, today: string) =>
  `go-live or grading date ${opens} is after today (${today}) for a live tenant: correct the date`

export const filingDue = (opens: string, due: string) =>
  `not filed yet: the filing window opened ${opens}, file by ${due}`

export const filingOverdue = (level: number, withinDays: number, opens: string, due: string) =>
  `filing overdue: a level-${level} system is filed with public security within ${withinDays} days; the window opened ${opens} and closed ${due}`

export const assessedAfterToday = (assessed: string, today: string) =>
  `last assessment ${assessed} is after today (${today}): correct the date`

export const assessmentNotLive = (status: string, everyMonths: number) =>
  `not live (${status}): assessment at least every ${months(everyMonths)} once active`

export const neverAssessed = (level: number, everyMonths: number) =>
  `no assessment on record: a level-${level} system is assessed at least every ${months(everyMonths)}`

export const assessmentOverdue = (assessed: string, due: string) =>
  `assessment overdue: last assessed ${assessed}, due by ${due}`

export const assessmentDue = (assessed: string, due: string) => `last assessed ${assessed}, next due by ${due}`
