import type { z } from 'zod'

/** An i18n key such as "errors.required", as opposed to zod's own English sentences. */
const I18N_KEY = /^[a-z][A-Za-z]*(?:\.[A-Za-z0-9_]+)+$/

/**
 * Messages of the moderation forms are i18n keys of the `norms` namespace. Conform turns an empty
 * field into `undefined`, which zod reports with its own English text; this map gives such issues,
 * and any other issue a schema has no message for, a key instead, so no raw English reaches a reader.
 * A message a schema does give (required_error, an enum's errorMap…) reaches this map as the default
 * and is kept: zod applies the map passed to parse last.
 */
export const formErrorMap: z.ZodErrorMap = (issue, ctx) => {
  if (I18N_KEY.test(ctx.defaultError)) return { message: ctx.defaultError }
  return {
    message: issue.code === 'invalid_type' && issue.received === 'undefined' ? 'errors.required' : 'errors.invalid',
  }
}
