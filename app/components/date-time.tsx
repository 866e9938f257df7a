/**
 * Dates as readers see them. Formatting happens in loaders (on the server, once), so the page the
 * server renders and the page the browser hydrates show the same text; components only render it.
 */

export type FormattedInstant = { iso: string; text: string }

const MINUTE = 60_000
const HOUR = 60 * MINUTE
const DAY = 24 * HOUR

import { dateTimeFormat, numberFormat, relativeTimeFormat } from '~/utils/intl'

function validZone(timeZone: string) {
  try {
    dateTimeFormat('en', { timeZone })
    return timeZone
  } catch {
    return 'UTC'
  }
}

/** An instant in the reader's language, in the given IANA zone, with the zone's name. */
export function formatInstant(
  date: Date,
  language: string,
  timeZone: string,
  style: 'long' | 'short' = 'long',
): FormattedInstant {
  const text = dateTimeFormat(language, {
    year: 'numeric',
    month: style === 'long' ? 'long' : 'short',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    timeZone: validZone(timeZone),
    timeZoneName: style === 'long' ? 'long' : 'short',
  }).format(date)
  return { iso: date.toISOString(), text }
}

/** "in 3 days", "5 hours ago", "il y a 2 jours", in the reader's language. */
export function formatRelative(date: Date, now: Date, language: string) {
  const diff = date.getTime() - now.getTime()
  const format = relativeTimeFormat(language, { numeric: 'auto' })
  const size = Math.abs(diff)
  if (size < HOUR) return format.format(Math.round(diff / MINUTE), 'minute')
  if (size < 2 * DAY) return format.format(Math.round(diff / HOUR), 'hour')
  return format.format(Math.round(diff / DAY), 'day')
}

export function formatNumber(value: number, language: string) {
  return numberFormat(language).format(value)
}

/** A formatted instant as a <time> element, machine-readable through its datetime attribute. */
export function DateTime({ value, className }: { value: FormattedInstant; className?: string }) {
  return (
    <time dateTime={value.iso} className={className}>
      {value.text}
    </time>
  )
}
