import { z } from 'zod'
import { LANGUAGES } from '#db/schema/accounts'

/**
 * What the summary's pages share between the browser and the server: its sections, the narrative
 * form's schema (messages are i18n keys of the summaries namespace), and the lens filters.
 */

/** The sections of the summary, in reading order; each clause also has its own `clause:<label>`. */
export const SUMMARY_SECTIONS = ['participation', 'clauses', 'consensus', 'concerns', 'dispositions', 'method'] as const
export type SummarySection = (typeof SUMMARY_SECTIONS)[number]

/** The longest narrative of one section in one language, in characters as a reader counts them. */
export const NARRATIVE_MAX = 10_000

export function clauseSection(label: string) {
  return `clause:${label}`
}

const narrativeText = z
  .string()
  .refine((text) => [...text.trim()].length <= NARRATIVE_MAX, 'errors.textTooLong')
  .optional()

export const narrativeFormSchema = z.object({
  language: z.enum(LANGUAGES, { errorMap: () => ({ message: 'errors.languageUnknown' }) }),
  sections: z
    .object(
      Object.fromEntries(SUMMARY_SECTIONS.map((section) => [section, narrativeText])) as Record<
        SummarySection,
        typeof narrativeText
      >,
    )
    .default({}),
  clauses: z
    .array(
      z.object({
        label: z.string({ required_error: 'errors.sectionUnknown' }).max(40, 'errors.sectionUnknown'),
        text: narrativeText,
      }),
    )
    .max(500)
    .default([]),
})

export type NarrativeForm = z.infer<typeof narrativeFormSchema>

export const LENS_FILTERS = ['region', 'subregion', 'organization', 'category', 'language'] as const
export type LensFilter = (typeof LENS_FILTERS)[number]

/** The body of the 400 answer to a lens with unknown filter values. */
export type UnknownFilters = {
  title: string
  unknownFilters: { filter: LensFilter; value: string; message: string }[]
  clearHref: string
}

export function isUnknownFilters(value: unknown): value is UnknownFilters {
  return Boolean(value && typeof value === 'object' && Array.isArray((value as UnknownFilters).unknownFilters))
}
