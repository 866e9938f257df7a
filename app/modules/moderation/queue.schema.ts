import { z } from 'zod'
import { STAKEHOLDER_CATEGORIES } from '#db/schema/accounts'
import { HIDE_REASONS } from '#db/schema/comments'
import { characterCount } from '~/modules/comments/comments.schema'
import { LANGUAGE_TAG } from '~/modules/comments/languages'

/**
 * The moderation queue's filters and the review forms, shared by the server and the browser.
 * Messages are keys of the moderation namespace.
 */

/** Review states a moderator filters by: "suggested" = has suggestions but no moderator decision yet. */
export const QUEUE_STATES = ['unreviewed', 'suggested', 'confirmed', 'hidden'] as const
export type QueueState = (typeof QUEUE_STATES)[number]

/** Why a hidden comment was made visible again. */
export const RESTORE_REASONS = ['mistake', 'appeal', 'reconsidered'] as const
export type RestoreReason = (typeof RESTORE_REASONS)[number]
export { HIDE_REASONS }
export type HideReason = (typeof HIDE_REASONS)[number]

export const NOTE_MAX = 1000
export const CONCERN_KEY = /^[a-z0-9_-]{1,64}$/

export const QUEUE_FILTER_NAMES = ['clause', 'category', 'region', 'language', 'concern', 'state'] as const
export type QueueFilterName = (typeof QUEUE_FILTER_NAMES)[number]

const blankToUndefined = (value: unknown) => (value === '' || value === null ? undefined : value)

/** A keyset position in the queue's order: needs-review rank, time of submission, id. */
export const CURSOR = /^([01])-(\d{1,15})-(\d{1,15})$/

export const queueFiltersSchema = z.object({
  clause: z.preprocess(blankToUndefined, z.string().regex(/^(whole|[1-9]\d{0,11})$/, 'errors.filterClause').optional()),
  category: z.preprocess(
    blankToUndefined,
    z.enum(STAKEHOLDER_CATEGORIES, { errorMap: () => ({ message: 'errors.filterCategory' }) }).optional(),
  ),
  region: z.preprocess(blankToUndefined, z.string().regex(/^\d{3}$/, 'errors.filterRegion').optional()),
  language: z.preprocess(
    blankToUndefined,
    z.string().max(35, 'errors.filterLanguage').regex(LANGUAGE_TAG, 'errors.filterLanguage').optional(),
  ),
  concern: z.preprocess(blankToUndefined, z.string().regex(CONCERN_KEY, 'errors.filterConcern').optional()),
  state: z.preprocess(blankToUndefined, z.enum(QUEUE_STATES, { errorMap: () => ({ message: 'errors.filterState' }) }).optional()),
  after: z.preprocess(
    blankToUndefined,
    z
      .string()
      .regex(CURSOR, 'errors.filterPage')
      .transform((value) => {
        const [, rank, at, id] = CURSOR.exec(value)!
        return { rank: Number(rank) as 0 | 1, at: Number(at), id: Number(id) }
      })
      .optional(),
  ),
})

export type QueueFilterInput = z.infer<typeof queueFiltersSchema>

/** Reads the filters (and the page cursor) from a URL's query, first value of each name. */
export function readQueueFilters(searchParams: URLSearchParams) {
  const raw: Partial<Record<QueueFilterName | 'after', string>> = {}
  for (const name of [...QUEUE_FILTER_NAMES, 'after'] as const) {
    const value = searchParams.get(name)
    if (value !== null && value.trim() !== '') raw[name] = value.trim()
  }
  return { raw, parsed: queueFiltersSchema.safeParse(raw) }
}

/** The query string of a set of filters ("" when none), with extra parameters such as a cursor. */
export function queueSearch(raw: Partial<Record<string, string>>, extra: Record<string, string> = {}) {
  const search = new URLSearchParams()
  for (const name of QUEUE_FILTER_NAMES) {
    const value = raw[name]
    if (value) search.set(name, value)
  }
  for (const [name, value] of Object.entries(extra)) search.set(name, value)
  const text = search.toString()
  return text ? `?${text}` : ''
}

export function cursorParam(cursor: { rank: number; at: number; id: number }) {
  return `${cursor.rank}-${cursor.at}-${cursor.id}`
}

/** The review URL's parameter for where the comment stood in the queue when the moderator opened it. */
export const REVIEW_POSITION = 'at'

/**
 * The comment's position carried by a review URL (see `neighbours`), or null when there is none or
 * it is malformed: it only guides previous and next, so a bad one is ignored rather than refused.
 */
export function readReviewPosition(searchParams: URLSearchParams) {
  const match = CURSOR.exec(searchParams.get(REVIEW_POSITION)?.trim() ?? '')
  if (!match) return null
  const [, rank, at, id] = match
  return { rank: Number(rank) as 0 | 1, at: Number(at), id: Number(id) }
}

const note = z.preprocess(
  (value) => (typeof value === 'string' ? value.trim() : value),
  z
    .string()
    .refine((text) => characterCount(text) <= NOTE_MAX, 'errors.noteTooLong')
    .optional(),
)

export const hideSchema = z.object({
  reason: z.enum(HIDE_REASONS, { errorMap: () => ({ message: 'errors.hideReason' }) }),
  note,
})

export const restoreSchema = z.object({
  reason: z.enum(RESTORE_REASONS, { errorMap: () => ({ message: 'errors.restoreReason' }) }),
  note,
})

export const concernsSchema = z.object({
  concern: z.array(z.string().regex(CONCERN_KEY, 'errors.concernUnknown')).max(100, 'errors.concernUnknown').default([]),
})

/** The review view's actions; "-next" goes on to the next comment of the queue afterwards. */
export const REVIEW_ACTIONS = ['confirm', 'concerns', 'hide', 'restore'] as const
export type ReviewAction = (typeof REVIEW_ACTIONS)[number]

export function readIntent(value: FormDataEntryValue | null): { action: ReviewAction; next: boolean } | null {
  if (typeof value !== 'string') return null
  const match = /^(confirm|concerns|hide|restore)(-next)?$/.exec(value)
  if (!match) return null
  return { action: match[1] as ReviewAction, next: Boolean(match[2]) }
}
