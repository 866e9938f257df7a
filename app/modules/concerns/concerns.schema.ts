import { z } from 'zod'
import { LANGUAGE_TAG } from '~/modules/comments/languages'
import { SUPPORTED_LANGUAGES, type Language } from '~/modules/i18n/i18n'

/**
 * Schemas of the concern taxonomy and the concern board, shared by the browser, the server and the
 * command line. Messages are i18n keys of the `concerns` namespace.
 */

export const CONCERN_KEY_PATTERN = /^[a-z0-9_-]+$/
export const CONCERN_KEY_MAX = 40
/** Keys that would shadow a page under /moderate/rounds/:id/concerns/. */
export const RESERVED_CONCERN_KEYS: readonly string[] = ['taxonomy']
export const LABEL_MAX = 150
export const KEYWORD_MAX = 80
export const KEYWORDS_PER_LANGUAGE_MAX = 60
export const KEY_POINTS_MAX = 5000
export const REASON_MAX = 500
export const TAXONOMY_FILE_MAX_CONCERNS = 200
/** Comments one bulk action may take (a page of the board shows fewer). */
export const BULK_MAX = 100
/** Comments one split may move. */
export const SPLIT_MAX = 200

const keyBase = z
  .string({ required_error: 'errors.keyRequired', invalid_type_error: 'errors.keyRequired' })
  .min(1, 'errors.keyRequired')
  .max(CONCERN_KEY_MAX, 'errors.keyTooLong')
  .regex(CONCERN_KEY_PATTERN, 'errors.keyFormat')
  .refine((key) => !RESERVED_CONCERN_KEYS.includes(key), 'errors.keyReserved')

/** A concern key as a file gives it: exactly lower-case [a-z0-9_-]+, nothing trimmed or folded. */
export const concernKey = keyBase

/** A concern key typed in a form: surrounding spaces are dropped first. */
export const concernKeyInput = z.preprocess((value) => (typeof value === 'string' ? value.trim() : value), keyBase)

/** Text typed in a form: optional, trimmed, bounded. */
const optionalText = (max: number) => z.string().trim().max(max, 'errors.tooLong').optional()

export const reasonField = optionalText(REASON_MAX)

// ---------------------------------------------------------------------------------------------
// Taxonomy file (DESIGN.md, "Concern taxonomy file (JSON)")

const languageKey = z.string().regex(LANGUAGE_TAG, 'errors.languageTag')

const fileLabel = z
  .string({ invalid_type_error: 'errors.labelText' })
  .trim()
  .min(1, 'errors.labelRequired')
  .max(LABEL_MAX, 'errors.labelTooLong')

const fileKeyword = z
  .string({ invalid_type_error: 'errors.keywordText' })
  .trim()
  .min(1, 'errors.keywordEmpty')
  .max(KEYWORD_MAX, 'errors.keywordTooLong')

const fileConcern = z
  .object(
    {
      key: concernKey,
      labels: z
        .record(languageKey, fileLabel, { required_error: 'errors.labelsRequired', invalid_type_error: 'errors.labelsObject' })
        .superRefine((labels, ctx) => {
          if (labels.en === undefined) ctx.addIssue({ code: 'custom', path: ['en'], message: 'errors.englishLabelRequired' })
        }),
      keywords: z
        .record(
          languageKey,
          z.array(fileKeyword, { invalid_type_error: 'errors.keywordList' }).max(KEYWORDS_PER_LANGUAGE_MAX, 'errors.tooManyKeywords'),
          { invalid_type_error: 'errors.keywordsObject' },
        )
        .optional(),
    },
    { invalid_type_error: 'errors.concernObject' },
  )
  .strict('errors.unknownField')

export const taxonomyFileSchema = z
  .object(
    {
      concerns: z
        .array(fileConcern, { required_error: 'errors.concernsRequired', invalid_type_error: 'errors.concernsList' })
        .min(1, 'errors.concernsRequired')
        .max(TAXONOMY_FILE_MAX_CONCERNS, 'errors.tooManyConcerns'),
    },
    { invalid_type_error: 'errors.fileObject' },
  )
  .strict('errors.unknownField')
  .superRefine((file, ctx) => {
    const seen = new Set<string>()
    file.concerns.forEach((concern, index) => {
      if (seen.has(concern.key)) ctx.addIssue({ code: 'custom', path: ['concerns', index, 'key'], message: 'errors.keyRepeated' })
      seen.add(concern.key)
    })
  })

export type TaxonomyFile = z.infer<typeof taxonomyFileSchema>

/** A JSON path as people read it: concerns[2].labels.en */
export function jsonPath(path: readonly (string | number)[]) {
  return path.reduce<string>((text, part) => {
    if (typeof part === 'number') return `${text}[${part}]`
    const name = /^[A-Za-z_$][\w$-]*$/.test(part) ? part : JSON.stringify(part)
    if (!text) return name
    return /^[A-Za-z_$]/.test(name) ? `${text}.${name}` : `${text}[${name}]`
  }, '')
}

/**
 * Each problem of a taxonomy file as its JSON path and an i18n key with values. Unknown fields are
 * reported one by one, at their own path.
 */
export function taxonomyFileProblems(error: z.ZodError) {
  return error.issues.flatMap((issue) => {
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({ path: jsonPath([...issue.path, key]), key: 'errors.unknownField', values: {} }))
    }
    const message = /^errors\.[A-Za-z]+$/.test(issue.message) ? issue.message : 'errors.invalid'
    return [{ path: jsonPath(issue.path), key: message, values: {} }]
  })
}

// ---------------------------------------------------------------------------------------------
// Forms of the taxonomy page

const requiredLabel = z
  .string({ required_error: 'errors.englishLabelRequired' })
  .trim()
  .min(1, 'errors.englishLabelRequired')
  .max(LABEL_MAX, 'errors.labelTooLong')
const optionalLabel = z.string().trim().max(LABEL_MAX, 'errors.labelTooLong').optional()

/** Labels in the six languages of the interface; English is required. */
export const labelsField = z.object({
  ar: optionalLabel,
  en: requiredLabel,
  es: optionalLabel,
  fr: optionalLabel,
  ru: optionalLabel,
  zh: optionalLabel,
})

/** Keywords typed one per line (commas and semicolons, in any script, separate them too). */
export function splitKeywords(text: string) {
  return [
    ...new Set(
      text
        .split(/[\n\r,;،؛，；、]+/)
        .map((keyword) => keyword.trim().replace(/\s+/g, ' '))
        .filter(Boolean),
    ),
  ]
}

const keywordBox = z
  .string()
  .max(KEYWORDS_PER_LANGUAGE_MAX * (KEYWORD_MAX + 2), 'errors.tooLong')
  .optional()
  .transform((text, ctx) => {
    const keywords = splitKeywords(text ?? '')
    if (keywords.some((keyword) => keyword.length > KEYWORD_MAX)) {
      ctx.addIssue({ code: 'custom', message: 'errors.keywordTooLong' })
      return z.NEVER
    }
    if (keywords.length > KEYWORDS_PER_LANGUAGE_MAX) {
      ctx.addIssue({ code: 'custom', message: 'errors.tooManyKeywords' })
      return z.NEVER
    }
    return keywords
  })

export const keywordsField = z
  .object({ ar: keywordBox, en: keywordBox, es: keywordBox, fr: keywordBox, ru: keywordBox, zh: keywordBox })
  .default({})

export type LabelsInput = z.infer<typeof labelsField>
export type KeywordsInput = z.infer<typeof keywordsField>

/** Labels without the empty languages. */
export function cleanLabels(labels: Partial<Record<Language, string | undefined>>) {
  const result: Record<string, string> = {}
  for (const language of SUPPORTED_LANGUAGES) {
    const label = labels[language]?.trim()
    if (label) result[language] = label
  }
  return result
}

/** Keywords without the empty languages. */
export function cleanKeywords(keywords: Partial<Record<Language, string[] | undefined>>) {
  const result: Record<string, string[]> = {}
  for (const language of SUPPORTED_LANGUAGES) {
    const list = keywords[language]
    if (list?.length) result[language] = list
  }
  return result
}

/** The concerns a form names: the key of one of the round's concerns (checked by the command). */
const existingKey = z
  .string({ required_error: 'errors.concernRequired', invalid_type_error: 'errors.concernRequired' })
  .min(1, 'errors.concernRequired')
  .max(CONCERN_KEY_MAX, 'errors.concernUnknown')
  .regex(CONCERN_KEY_PATTERN, 'errors.concernUnknown')

const commentId = z.coerce
  .number({ invalid_type_error: 'errors.commentUnknown' })
  .int('errors.commentUnknown')
  .positive('errors.commentUnknown')
  .max(Number.MAX_SAFE_INTEGER, 'errors.commentUnknown')

function commentSelection(max: number) {
  return z
    .array(commentId, { required_error: 'errors.noSelection', invalid_type_error: 'errors.noSelection' })
    .min(1, 'errors.noSelection')
    .max(max, 'errors.tooManySelected')
    .transform((ids) => [...new Set(ids)])
}

export const addConcernSchema = z.object({
  intent: z.literal('add'),
  key: concernKeyInput,
  labels: labelsField,
  keywords: keywordsField,
  reason: reasonField,
})

export const renameConcernSchema = z.object({
  intent: z.literal('rename'),
  concern: existingKey,
  labels: labelsField,
  reason: reasonField,
})

export const keywordsSchema = z.object({
  intent: z.literal('keywords'),
  concern: existingKey,
  keywords: keywordsField,
  reason: reasonField,
})

export const mergeSchema = z
  .object({
    intent: z.literal('merge'),
    from: existingKey,
    into: existingKey,
    reason: reasonField,
  })
  .refine((value) => value.from !== value.into, { path: ['into'], message: 'errors.sameConcern' })

export const splitSchema = z.object({
  intent: z.literal('split'),
  from: existingKey,
  key: concernKeyInput,
  labels: labelsField,
  keywords: keywordsField,
  comments: commentSelection(SPLIT_MAX),
  reason: reasonField,
})

// ---------------------------------------------------------------------------------------------
// Forms of the concern board

export const BOARD_VIEWS = ['all', 'confirmed', 'pending'] as const
export type BoardView = (typeof BOARD_VIEWS)[number]

/** Moves the selection away from the page's concern (taken from the URL, never from the form). */
export const moveSchema = z.object({
  intent: z.literal('move'),
  to: existingKey,
  comments: commentSelection(BULK_MAX),
  reason: reasonField,
})

export const acceptSchema = z.object({
  intent: z.literal('accept'),
  comments: commentSelection(BULK_MAX),
  reason: reasonField,
})

const keyPointsBox = optionalText(KEY_POINTS_MAX)

export const keyPointsSchema = z.object({
  intent: z.literal('keyPoints'),
  keyPoints: z
    .object({ ar: keyPointsBox, en: keyPointsBox, es: keyPointsBox, fr: keyPointsBox, ru: keyPointsBox, zh: keyPointsBox })
    .default({}),
})
