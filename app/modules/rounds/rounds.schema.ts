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

/**
 * Reads an instant. With an offset or Z it is absolute; a bare local date-time ("2026-12-01T09:00")
 * is read in the given IANA time zone, as a moderator scheduling in Geneva or Nairobi means it.
 */
export function parseInstant(value: string, timeZone = 'UTC'): Date | null {
  const trimmed = value.trim()
  if (/[zZ]$|[+-]\d{2}:?\d{2}$/.test(trimmed)) {
    const date = new Date(trimmed)
    return Number.isNaN(date.getTime()) ? null : date
  }
  const match = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2}))?$/.exec(trimmed)
  if (!match) return null
  const [year, month, day, hour, minute, second] = match.slice(1).map((part) => Number(part ?? 0)) as number[]
  const date = new TZDate(year!, month! - 1, day!, hour!, minute!, second!, timeZone)
  return Number.isNaN(date.getTime()) ? null : new Date(date.getTime())
}
