import { TZDate } from '@date-fns/tz'
import { z } from 'zod'
import { STAKEHOLDER_CATEGORIES } from '#db/schema/accounts'

/** An ISO 8601 instant, or a local date-time from <input type="datetime-local"> read in a time zone. */
export const isoInstant = z.string().trim().min(1, 'errors.required').max(40, 'errors.dateInvalid')

export function isTimeZone(zone: string) {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone })
    return true
  } catch {
    return false
  }
}

export const roundSchema = z.object({
  versionId: z.coerce.number({ invalid_type_error: 'errors.versionUnknown' }).int().positive('errors.versionUnknown'),
  title: z.string({ required_error: 'errors.required' }).trim().min(1, 'errors.required').max(300, 'errors.tooLong'),
  opensAt: isoInstant,
  closesAt: isoInstant,
  timeZone: z.string().trim().max(64).refine(isTimeZone, 'errors.timeZoneUnknown').default('UTC'),
  eligibleCategories: z
    .array(z.enum(STAKEHOLDER_CATEGORIES, { errorMap: () => ({ message: 'errors.categoryUnknown' }) }))
    .min(1, 'errors.noCategories'),
  questions: z.array(z.string().trim().max(2000, 'errors.tooLong')).max(20).default([]),
})

export type RoundInput = z.infer<typeof roundSchema>

/** "2026-12-01T09:00", "2026-12-01 09:00:30", "2026-12-01T09:00:00.000Z", "2026-12-01T09:00+03:00". */
const ISO_DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,3})?)?(?:([zZ])|([+-])(\d{2}):?(\d{2}))?$/

/**
 * Reads an instant. With an offset or Z it is absolute; a bare local date-time ("2026-12-01T09:00")
 * is read in the given IANA time zone, as a moderator scheduling in Geneva or Nairobi means it.
 * A day, hour or offset that does not exist (30 February, 25:00) is refused, not rolled over.
 */
export function parseInstant(value: string, timeZone = 'UTC'): Date | null {
  const match = ISO_DATE_TIME.exec(value.trim())
  if (!match) return null
  const [year, month, day, hour, minute, second] = match.slice(1, 7).map((part) => Number(part ?? 0)) as number[]
  const daysInMonth = new Date(Date.UTC(year!, month!, 0)).getUTCDate()
  if (month! < 1 || month! > 12 || day! < 1 || day! > daysInMonth || hour! > 23 || minute! > 59 || second! > 59) return null
  if (match[7] || match[8]) {
    const offsetHours = Number(match[9] ?? 0)
    const offsetMinutes = Number(match[10] ?? 0)
    if (offsetHours > 23 || offsetMinutes > 59) return null
    const date = new Date(value.trim().replace(' ', 'T'))
    return Number.isNaN(date.getTime()) ? null : date
  }
  const date = new TZDate(year!, month! - 1, day!, hour!, minute!, second!, timeZone)
  return Number.isNaN(date.getTime()) ? null : new Date(date.getTime())
}
