import { z } from 'zod'

/** A clause label as in DESIGN.md: "1", "12", "2.a", "3.1". */
export const CLAUSE_LABEL = /^\d{1,3}(?:\.[a-z]{1,2}|\.\d{1,3})*$/

export const languageTag = z
  .string()
  .trim()
  .regex(/^[a-zA-Z]{2,3}(?:-[a-zA-Z0-9]{2,8})*$/, 'errors.languageInvalid')
  .max(35, 'errors.languageInvalid')

const clause = z.object({
  label: z.string().trim().regex(CLAUSE_LABEL, 'errors.labelInvalid'),
  heading: z.string().trim().max(300, 'errors.tooLong').optional(),
  text: z.string({ required_error: 'errors.required' }).trim().min(1, 'errors.required').max(20_000, 'errors.tooLong'),
})

/** The draft editor: title, preamble and numbered clauses under optional headings. */
export const draftSchema = z
  .object({
    title: z.string({ required_error: 'errors.required' }).trim().min(1, 'errors.required').max(300, 'errors.tooLong'),
    preamble: z.string().trim().max(20_000, 'errors.tooLong').optional(),
    sourceLanguage: languageTag,
    clauses: z.array(clause, { required_error: 'errors.noClauses' }).min(1, 'errors.noClauses').max(500, 'errors.tooMany'),
  })
  .superRefine((draft, ctx) => {
    const seen = new Set<string>()
    draft.clauses.forEach((item, index) => {
      if (seen.has(item.label)) {
        ctx.addIssue({ code: 'custom', path: ['clauses', index, 'label'], message: 'errors.labelDuplicate' })
      }
      seen.add(item.label)
    })
  })

export const translationSchema = z.object({
  language: languageTag,
  heading: z.string().trim().max(300, 'errors.tooLong').optional(),
  text: z.string({ required_error: 'errors.required' }).trim().min(1, 'errors.required').max(20_000, 'errors.tooLong'),
})

export type DraftInput = z.infer<typeof draftSchema>
