import { z } from 'zod'
import { languageTag } from './norms.schema'

/** A Markdown draft is read whole; a megabyte is far more than any draft norm needs. */
export const MAX_IMPORT_BYTES = 1_000_000

/** The import form: Markdown pasted (or uploaded in the `file` field, read apart) and its language. */
export const importSchema = z.object({
  sourceLanguage: languageTag,
  markdown: z.string().max(MAX_IMPORT_BYTES, 'errors.tooLong').optional(),
  /** The uploaded file: checked by the action (size, UTF-8), since a browser cannot send it back. */
  file: z.unknown().optional(),
})
