import { data } from '@remix-run/node'

/** Only same-site paths may be redirected to, so a link cannot send a user elsewhere. */
export function safeRedirect(to: FormDataEntryValue | string | null | undefined, fallback = '/') {
  if (typeof to !== 'string' || !to.startsWith('/') || to.startsWith('//') || to.startsWith('/\\')) return fallback
  return to
}

/** A 400 answer carrying a form's field errors back to the page. */
export function badRequest<T>(body: T, headers?: HeadersInit) {
  return data(body, { status: 400, headers })
}

/** Throws a 404 unless the thing exists. */
export function invariantResponse<T>(value: T, message = 'Not found', status = 404): asserts value is NonNullable<T> {
  if (value === null || value === undefined || value === false) throw new Response(message, { status })
}

/**
 * The request's form, or a 400 when the body is no form at all (another Content-Type, multipart
 * without its boundary or cut short): the client's mistake, not a 500.
 */
export async function readFormData(request: Request) {
  try {
    return await request.formData()
  } catch {
    throw new Response('Bad request', { status: 400 })
  }
}
