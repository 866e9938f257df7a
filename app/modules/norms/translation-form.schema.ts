import { z } from 'zod'
import { SUPPORTED_LANGUAGES } from '~/modules/i18n/i18n'

/** Messages are i18n keys of the `norms` namespace. An empty field means "not translated". */
const optionalText = (max: number) => z.string().trim().max(max, 'errors.tooLong').optional()

export const targetLanguage = z.enum(SUPPORTED_LANGUAGES, { errorMap: () => ({ message: 'errors.languageUnknown' }) })

const id = z.coerce.number({ invalid_type_error: 'errors.invalid' }).int('errors.invalid').positive('errors.invalid')

/** A version's translation into one language: title, preamble and the clauses, each optional. */
export const versionTranslationSchema = z
  .object({
    language: targetLanguage,
    title: optionalText(300),
    preamble: optionalText(20_000),
    clauses: z
      .array(z.object({ id, heading: optionalText(300), text: optionalText(20_000) }))
      .max(500, 'errors.tooMany')
      .default([]),
  })
  .refine((value) => Boolean(value.title) || !value.preamble, {
    path: ['title'],
    message: 'errors.translationTitleRequired',
  })

export type VersionTranslationForm = z.infer<typeof versionTranslationSchema>
