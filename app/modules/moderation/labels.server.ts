import type { StakeholderCategory } from '#db/schema/accounts'
import { concernLabel } from '~/modules/rounds/rounds.server'
import type { QueueFilters } from './moderation.server'
import type { QueueFilterInput } from './queue.schema'

/**
 * Helpers the moderation pages share to show what the queue and the review view load: concern
 * labels in the reader's language (with the language they are actually in), suggestion scores.
 */

export type ShownConcern = { key: string; label: string; lang?: string; score: string | null }

/** A concern as a reader sees it: translated where the round has a label, else English (marked), else its key. */
export function shownConcern(
  tag: { key: string; labels: Partial<Record<string, string>>; score?: number | null },
  language: string,
  formatScore: (score: number) => string,
): ShownConcern {
  const label = concernLabel(tag.labels, language, tag.key)
  const lang = tag.labels[language] ? undefined : tag.labels.en ? 'en' : undefined
  return { key: tag.key, label, lang, score: tag.score === null || tag.score === undefined ? null : formatScore(tag.score) }
}

/** Suggestion scores (0 to 1) as whole percentages in the reader's language. */
export function scoreFormatter(language: string) {
  const format = new Intl.NumberFormat(language, { style: 'percent', maximumFractionDigits: 0 })
  return (score: number) => format.format(score)
}

/** The query's filters as the module takes them. */
export function toQueueFilters(input: Omit<QueueFilterInput, 'after'>): QueueFilters {
  return {
    clause: input.clause === 'whole' ? 'whole' : input.clause ? Number(input.clause) : undefined,
    category: input.category as StakeholderCategory | undefined,
    region: input.region,
    language: input.language,
    concern: input.concern,
    state: input.state,
  }
}
