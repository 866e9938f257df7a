import { z } from 'zod'
import { CONSENTS, POSITIONS } from '#db/schema/comments'

export const COMMENT_MAX = 5000
export const PROPOSED_MAX = 5000

/** Characters as a reader counts them: code points, so an emoji or a CJK character counts once. */
export function characterCount(text: string) {
  let count = 0
  for (const _ of text) count++
  return count
}

const optionalLanguage = z
  .string()
  .trim()
  .max(35, 'errors.languageInvalid')
  .regex(/^(?:[a-zA-Z]{2,3}(?:-[a-zA-Z0-9]{2,8})*)?$/, 'errors.languageInvalid')
  .optional()

/** One comment as the form sends it. `clause` is a clause id, or "whole" for the draft as a whole. */
export const commentSchema = z
  .object({
    intent: z.enum(['draft', 'submit'], { errorMap: () => ({ message: 'errors.intentInvalid' }) }),
    commentId: z.coerce.number().int().positive().optional(),
    idempotencyKey: z.string().trim().min(8).max(64).regex(/^[A-Za-z0-9_-]+$/).optional(),
    clause: z.string({ required_error: 'errors.clauseUnknown' }).trim().regex(/^(whole|\d{1,12})$/, 'errors.clauseUnknown'),
    position: z.enum(POSITIONS, { errorMap: () => ({ message: 'errors.positionInvalid' }) }).optional(),
    text: z
      .string({ required_error: 'errors.textRequired' })
      .refine((text) => text.trim().length > 0, 'errors.textRequired')
      .refine((text) => characterCount(text) <= COMMENT_MAX, 'errors.textTooLong'),
    proposedText: z
      .string()
      .refine((text) => characterCount(text) <= PROPOSED_MAX, 'errors.proposedTooLong')
      .optional(),
    concerns: z.array(z.string().max(64).regex(/^[a-z0-9_-]+$/, 'errors.concernUnknown')).max(20).default([]),
    consent: z.enum(CONSENTS, { errorMap: () => ({ message: 'errors.consentInvalid' }) }),
    language: optionalLanguage,
  })
  .superRefine((value, ctx) => {
    if (value.intent === 'submit' && !value.position) {
      ctx.addIssue({ code: 'custom', path: ['position'], message: 'errors.positionRequired' })
    }
  })

export type CommentInput = z.infer<typeof commentSchema>

export const withdrawSchema = z.object({ commentId: z.coerce.number().int().positive() })
