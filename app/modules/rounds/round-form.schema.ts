import { z } from 'zod'
import { STAKEHOLDER_CATEGORIES } from '#db/schema/accounts'
import { targetLanguage } from '~/modules/norms/translation-form.schema'
import { roundSchema } from './rounds.schema'

/**
 * The moderators' round form: roundSchema, read from a browser form. Guiding-question boxes may stay
 * empty (they are skipped); no category ticked reads as "choose at least one".
 */
export const roundFormSchema = roundSchema.extend({
  eligibleCategories: z
    .array(z.enum(STAKEHOLDER_CATEGORIES, { errorMap: () => ({ message: 'errors.categoryUnknown' }) }), {
      required_error: 'errors.noCategories',
    })
    .min(1, 'errors.noCategories'),
  questions: z.array(z.string().trim().max(2000, 'errors.tooLong').optional()).max(20, 'errors.tooMany').default([]),
})

export type RoundFormInput = z.input<typeof roundFormSchema>

/** A round's title and guiding questions translated into one language; empty means "not translated". */
export const roundTranslationSchema = z.object({
  language: targetLanguage,
  title: z.string().trim().max(300, 'errors.tooLong').optional(),
  questions: z
    .array(
      z.object({
        id: z.coerce.number({ invalid_type_error: 'errors.invalid' }).int('errors.invalid').positive('errors.invalid'),
        text: z.string().trim().max(2000, 'errors.tooLong').optional(),
      }),
    )
    .max(50, 'errors.tooMany')
    .default([]),
})
