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

/**
 * The response header by which a page that depends on nothing but the database and the request
 * tells the page cache in front of the application (page-cache.js) how long it may be kept, in
 * milliseconds; the cache still drops it as soon as the database changes, and removes the header
 * before the answer leaves the server.
 */
export const PAGE_LIFETIME_HEADER = 'X-Concord-Page-Lifetime'
/** How long such a page is kept when nothing changes. */
export const PAGE_LIFETIME_MS = 60_000

/** The lifetime header of such a page; `until`: the instant the clock changes it (a round opening or closing). */
export function pageLifetime(until?: Date | null, now = new Date()) {
  const ms = until ? Math.min(PAGE_LIFETIME_MS, until.getTime() - now.getTime()) : PAGE_LIFETIME_MS
  return { [PAGE_LIFETIME_HEADER]: String(Math.max(0, Math.floor(ms))) }
}
