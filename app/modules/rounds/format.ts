import { dateTimeFormat } from '~/utils/intl'

/**
 * Instants as a reader sees them: in their language, in the round's time zone, with the zone named,
 * e.g. "1 December 2026 at 09:00 CET". Formatted on the server so the page hydrates unchanged.
 */
export function formatInstant(date: Date, language: string, timeZone: string) {
  return dateTimeFormat(language, {
    year: 'numeric',
    month: 'long',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    timeZone,
    timeZoneName: 'short',
  }).format(date)
}

/** The value for <input type="datetime-local"> that shows `date` as wall-clock time in `timeZone`. */
export function toLocalInput(date: Date, timeZone: string) {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-GB', {
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
      timeZone,
    })
      .formatToParts(date)
      .map((part) => [part.type, part.value]),
  )
  return `${parts.year}-${parts.month}-${parts.day}T${parts.hour}:${parts.minute}`
}

const offsetFormats = new Map<string, Intl.DateTimeFormat>()

/** The zone's offset from UTC at a given instant, "UTC+01:00", "UTC−03:30", "UTC". */
export function utcOffset(timeZone: string, at: Date) {
  let format = offsetFormats.get(timeZone)
  if (!format) {
    format = new Intl.DateTimeFormat('en', { timeZone, timeZoneName: 'longOffset' })
    offsetFormats.set(timeZone, format)
  }
  const name = format.formatToParts(at).find((part) => part.type === 'timeZoneName')?.value ?? 'GMT'
  return name === 'GMT' || name === 'GMT+00:00' ? 'UTC' : name.replace('GMT', 'UTC')
}

/** Every IANA time zone the runtime knows, UTC first, each with its current offset. */
export function timeZoneOptions(at = new Date()) {
  const zones = ['UTC', ...Intl.supportedValuesOf('timeZone').filter((zone) => zone !== 'UTC')]
  return zones.map((zone) => ({
    value: zone,
    label: zone === 'UTC' ? zone : `${zone.replaceAll('_', ' ')} (${utcOffset(zone, at)})`,
  }))
}
