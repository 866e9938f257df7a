import { createCookieSessionStorage, redirect } from '@remix-run/node'
import { env } from './env.server'

/** A one-time message shown after a redirect: an i18n key and its values, never free text. */
export type Flash = { key: string; values?: Record<string, string | number>; kind?: 'success' | 'error' }

const storage = createCookieSessionStorage<Record<string, never>, { flash: Flash }>({
  cookie: {
    name: 'concord_flash',
    path: '/',
    httpOnly: true,
    sameSite: 'lax',
    secure: env.NODE_ENV === 'production' && process.env.INSECURE_COOKIES !== '1',
    secrets: [env.SESSION_SECRET],
  },
})

export async function redirectWithFlash(url: string, flash: Flash, init: { headers?: HeadersInit } = {}) {
  const session = await storage.getSession()
  session.flash('flash', flash)
  const headers = new Headers(init.headers)
  headers.append('Set-Cookie', await storage.commitSession(session))
  return redirect(url, { headers })
}

/** Reads and clears the flash of this request. */
export async function readFlash(request: Request) {
  const cookie = request.headers.get('Cookie')
  if (!cookie?.includes('concord_flash=')) return { flash: null, setCookie: null }
  const session = await storage.getSession(cookie)
  const flash = session.get('flash') ?? null
  return { flash, setCookie: await storage.commitSession(session) }
}
