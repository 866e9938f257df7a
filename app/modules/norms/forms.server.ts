import { parseWithZod } from '@conform-to/zod'
import { data } from '@remix-run/node'
import type { z } from 'zod'
import { assertListIndexes } from '~/utils/form-data.server'
import { formErrorMap } from './forms'

/** Above any list of these forms: 500 clauses in a draft, 20 guiding questions. */
const MAX_LIST_INDEX = 1000

/**
 * Parses a moderation form. A tampered list intent (conform's `__intent__` button value is JSON) or a
 * list index far beyond any real list is a bad request, answered 400 like any other bad input rather
 * than as a server error or minutes of work.
 */
export function parseSubmission<Schema extends z.ZodTypeAny>(formData: FormData, schema: Schema) {
  assertListIndexes(formData, MAX_LIST_INDEX)
  try {
    return parseWithZod(formData, { schema, errorMap: formErrorMap })
  } catch {
    throw new Response('Bad request', { status: 400 })
  }
}

/**
 * The answer to a submission that did not go through: 400 with its errors, or 200 when a list button
 * ("add a clause", "remove this question") asked for the form again with one row more or less.
 */
export function replyUnfinished<T>(body: T, status: 'error' | 'success' | undefined) {
  return data(body, { status: status === undefined ? 200 : 400 })
}

/** A positive integer id from a URL or a form, or null. */
export function readId(value: unknown) {
  if (typeof value !== 'string' || !/^[1-9]\d{0,15}$/.test(value)) return null
  const id = Number(value)
  return Number.isSafeInteger(id) ? id : null
}
