import { z } from 'zod'
import { STAKEHOLDER_CATEGORIES } from '#db/schema/accounts'
import { POSITIONS } from '#db/schema/comments'
import { LANGUAGE_TAG } from './languages'

/** The participant's other actions on their own comments; messages are keys of the comments namespace. */
export const withdrawConfirmSchema = z.object({
  commentId: z.coerce.number({ invalid_type_error: 'errors.commentUnknown' }).int('errors.commentUnknown').positive('errors.commentUnknown'),
  confirm: z.literal('yes', { errorMap: () => ({ message: 'errors.confirmWithdraw' }) }),
})

export const languageCorrectionSchema = z.object({
  commentId: z.coerce.number({ invalid_type_error: 'errors.commentUnknown' }).int('errors.commentUnknown').positive('errors.commentUnknown'),
  /** Empty: go back to the detected language. */
  language: z
    .string()
    .trim()
    .max(35, 'errors.languageInvalid')
    .refine((value) => value === '' || LANGUAGE_TAG.test(value), 'errors.languageInvalid')
    .optional(),
})

const blankToUndefined = (value: unknown) => (value === '' || value === null ? undefined : value)

/**
 * The public comments page's filters, read from the query string. Values are checked for their form
 * here; whether a clause or region exists is checked against the round by the route.
 */
export const publicFiltersSchema = z.object({
  clause: z.preprocess(blankToUndefined, z.string().regex(/^(whole|\d{1,12})$/, 'errors.filterClause').optional()),
  category: z.preprocess(
    blankToUndefined,
    z.enum(STAKEHOLDER_CATEGORIES, { errorMap: () => ({ message: 'errors.filterCategory' }) }).optional(),
  ),
  region: z.preprocess(blankToUndefined, z.string().regex(/^\d{3}$/, 'errors.filterRegion').optional()),
  position: z.preprocess(blankToUndefined, z.enum(POSITIONS, { errorMap: () => ({ message: 'errors.filterPosition' }) }).optional()),
  language: z.preprocess(
    blankToUndefined,
    z.string().max(35, 'errors.filterLanguage').regex(LANGUAGE_TAG, 'errors.filterLanguage').optional(),
  ),
  before: z.preprocess(
    blankToUndefined,
    z.string().regex(/^\d{1,15}$/, 'errors.filterPage').transform(Number).optional(),
  ),
})

export type PublicFilterInput = z.infer<typeof publicFiltersSchema>
export const PUBLIC_FILTER_NAMES = ['clause', 'category', 'region', 'position', 'language'] as const

/** Reads the filters from a URL's query (first value of each name). */
export function readPublicFilters(searchParams: URLSearchParams) {
  const raw: Record<string, string> = {}
  for (const name of [...PUBLIC_FILTER_NAMES, 'before'] as const) {
    const value = searchParams.get(name)
    if (value !== null) raw[name] = value.trim()
  }
  return { raw, parsed: publicFiltersSchema.safeParse(raw) }
}
