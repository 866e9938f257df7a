import { randomBytes } from 'node:crypto'
import { eq } from 'drizzle-orm'
import { comments, sessions } from '#db/schema/index'
import { expect, test, waitForHydration } from './fixtures'
import { commentForm, prepareConsultation } from './server-process'

/**
 * Sessions, cross-site request forgery and the security headers, against the e2e server. Requests
 * that must carry a chosen cookie or Origin go through Node's fetch, which keeps no cookie jar.
 */
const SESSION = 'concord_session'
const ATTACKER = 'https://attacker.example'

type Cookie = { name: string; value: string; attributes: Map<string, string> }

function parseSetCookie(header: string): Cookie {
  const [pair = '', ...rest] = header.split(';')
  const at = pair.indexOf('=')
  const attributes = new Map<string, string>()
  for (const part of rest) {
    const [key = '', ...value] = part.trim().split('=')
    attributes.set(key.toLowerCase(), value.join('='))
  }
  return { name: pair.slice(0, at).trim(), value: pair.slice(at + 1).trim(), attributes }
}

function setCookies(response: Response) {
  return response.headers.getSetCookie().map(parseSetCookie)
}

function sessionCookieOf(response: Response) {
  return setCookies(response).find((cookie) => cookie.name === SESSION)
}

function client(baseURL: string | undefined) {
  const base = baseURL ?? 'http://localhost:3210'
  return {
    base,
    get: (path: string, sessionId?: string, headers: Record<string, string> = {}) =>
      fetch(base + path, { redirect: 'manual', headers: { ...headers, ...(sessionId ? { Cookie: `${SESSION}=${sessionId}` } : {}) } }),
    post: (path: string, body: URLSearchParams, options: { sessionId?: string; origin?: string | null } = {}) => {
      const headers: Record<string, string> = { 'Content-Type': 'application/x-www-form-urlencoded' }
      if (options.origin !== null) headers.Origin = options.origin ?? base
      if (options.sessionId) headers.Cookie = `${SESSION}=${options.sessionId}`
      return fetch(base + path, { method: 'POST', body, headers, redirect: 'manual' })
    },
  }
}

/** Whether a session id still signs its holder in: /account answers 200, or 401. */
async function signsIn(http: ReturnType<typeof client>, sessionId: string) {
  const response = await http.get('/account', sessionId)
  await response.body?.cancel()
  if (![200, 401].includes(response.status)) throw new Error(`e2e: /account answered ${response.status}`)
  return response.status === 200
}

test.describe('sessions', () => {
  test('log-in sets HttpOnly, SameSite=Lax, Secure cookies with a new session id; a planted or earlier id dies', async ({
    baseURL,
    createUser,
    database,
  }) => {
    const http = client(baseURL)
    const user = await createUser()
    const credentials = () => new URLSearchParams({ email: user.email, password: user.password })

    // A session id an attacker planted in the browser before the log-in is never adopted.
    const planted = randomBytes(20).toString('hex')
    const first = await http.post('/login', credentials(), { sessionId: planted })
    expect(first.status).toBe(302)
    const cookies = setCookies(first)
    expect(cookies.map((cookie) => cookie.name).sort()).toEqual(['concord_flash', SESSION, 'lng'])
    for (const cookie of cookies) {
      expect(cookie.attributes.has('httponly'), `${cookie.name} HttpOnly`).toBe(true)
      expect(cookie.attributes.get('samesite')?.toLowerCase(), `${cookie.name} SameSite`).toBe('lax')
      // The e2e server runs as in production (NODE_ENV=production).
      expect(cookie.attributes.has('secure'), `${cookie.name} Secure`).toBe(true)
      expect(cookie.attributes.get('path'), `${cookie.name} Path`).toBe('/')
    }
    const firstId = sessionCookieOf(first)!.value
    expect(firstId).not.toBe(planted)
    expect(database.select().from(sessions).where(eq(sessions.id, planted)).all()).toEqual([])
    expect(await signsIn(http, firstId)).toBe(true)

    // Logging in again from a signed-in browser: another new id, and the earlier session ends.
    const second = await http.post('/login', credentials(), { sessionId: firstId })
    expect(second.status).toBe(302)
    const secondId = sessionCookieOf(second)!.value
    expect(secondId).not.toBe(firstId)
    expect(await signsIn(http, secondId)).toBe(true)
    expect(await signsIn(http, firstId)).toBe(false)
  })

  test('log-out ends the session on the server, not only in the browser', async ({ baseURL, createUser, lucia, database }) => {
    const http = client(baseURL)
    const user = await createUser()
    const session = await lucia.createSession(user.id, {})
    expect(await signsIn(http, session.id)).toBe(true)
    const out = await http.post('/logout', new URLSearchParams(), { sessionId: session.id })
    expect(out.status).toBe(302)
    const cleared = sessionCookieOf(out)!
    expect(cleared.value).toBe('')
    expect(cleared.attributes.get('max-age')).toBe('0')
    // Replaying the old cookie gets nowhere.
    expect(await signsIn(http, session.id)).toBe(false)
    expect(database.select().from(sessions).where(eq(sessions.id, session.id)).all()).toEqual([])
  })

  test('a password change ends every session of the account and starts a new one', async ({ baseURL, createUser, lucia }) => {
    const http = client(baseURL)
    const user = await createUser()
    const here = await lucia.createSession(user.id, {})
    const elsewhere = await lucia.createSession(user.id, {})
    const newPassword = `new-${randomBytes(8).toString('hex')}`
    const changed = await http.post(
      '/account',
      new URLSearchParams({ intent: 'password', currentPassword: user.password, newPassword, confirmPassword: newPassword }),
      { sessionId: here.id },
    )
    expect(changed.status).toBe(302)
    const fresh = sessionCookieOf(changed)!.value
    expect([here.id, elsewhere.id]).not.toContain(fresh)
    expect(await signsIn(http, here.id)).toBe(false)
    expect(await signsIn(http, elsewhere.id)).toBe(false)
    expect(await signsIn(http, fresh)).toBe(true)
  })

  test('sessions expire; one used in the second half of its 14 days is renewed for 14 more', async ({ baseURL, createUser, database }) => {
    const http = client(baseURL)
    const user = await createUser()
    const day = 24 * 3600
    const now = Math.floor(Date.now() / 1000)
    const id = () => randomBytes(20).toString('hex')
    const young = { id: id(), userId: user.id, expiresAt: now + 13 * day }
    const old = { id: id(), userId: user.id, expiresAt: now + 2 * day }
    const expired = { id: id(), userId: user.id, expiresAt: now - 60 }
    database.insert(sessions).values([young, old, expired]).run()
    const expiryOf = (sessionId: string) => database.select().from(sessions).where(eq(sessions.id, sessionId)).get()?.expiresAt

    // In the first half of its life: used, not renewed.
    const first = await http.get('/', young.id)
    expect(first.status).toBe(200)
    expect(sessionCookieOf(first)).toBeUndefined()
    expect(expiryOf(young.id)).toBe(young.expiresAt)

    // In the second half: the same id, renewed in the database and in the browser.
    const second = await http.get('/', old.id)
    expect(second.status).toBe(200)
    const renewed = sessionCookieOf(second)!
    expect(renewed.value).toBe(old.id)
    expect(expiryOf(old.id)).toBeGreaterThanOrEqual(now + 14 * day - 60)
    // The browser keeps the cookie as long (Max-Age, in seconds from now).
    expect(Number(renewed.attributes.get('max-age'))).toBeGreaterThanOrEqual(14 * day - 60)

    // Past its expiry: refused, cleared in the browser and deleted.
    const late = await http.get('/account', expired.id)
    expect(late.status).toBe(401)
    expect(sessionCookieOf(late)?.value).toBe('')
    expect(expiryOf(expired.id)).toBeUndefined()
  })
})

test.describe('cross-site request forgery', () => {
  /** Every route with an action, from the manifest of the running build; params filled with 1. */
  async function actionPaths(base: string) {
    const html = await (await fetch(base + '/')).text()
    const manifestUrl = /\/build\/manifest-[A-Za-z0-9]+\.js/.exec(html)?.[0]
    if (!manifestUrl) throw new Error('e2e: no route manifest named in the page')
    const source = await (await fetch(base + manifestUrl)).text()
    const manifest = JSON.parse(source.replace(/^window\.__remixManifest=/, '').replace(/;\s*$/, '')) as {
      routes: Record<string, { id: string; parentId?: string; path?: string; hasAction: boolean }>
    }
    const fullPath = (id: string): string => {
      const route = manifest.routes[id]!
      const parent = route.parentId ? fullPath(route.parentId) : ''
      return [parent, route.path ?? ''].filter(Boolean).join('/')
    }
    return Object.values(manifest.routes)
      .filter((route) => route.hasAction)
      .map((route) => '/' + fullPath(route.id).replace(/:[A-Za-z]+/g, '1').replace(/\*$/, 'anything'))
  }

  test('every action refuses a POST from another origin or from an opaque one, even with a valid session', async ({
    baseURL,
    createUser,
    lucia,
  }) => {
    const http = client(baseURL)
    const admin = await createUser({ role: 'admin' })
    const session = await lucia.createSession(admin.id, {})
    const paths = await actionPaths(http.base)
    // The routes that change things are there, and a new one would be too.
    expect(paths).toEqual(expect.arrayContaining(['/login', '/logout', '/signup', '/account', '/admin/users', '/rounds/1/comment']))
    for (const path of paths) {
      // The document form and the data request of single fetch.
      for (const url of [path, `${path === '/' ? '/_root' : path}.data`]) {
        for (const origin of [ATTACKER, 'null', 'http://localhost.attacker.example']) {
          const response = await http.post(url, new URLSearchParams({ intent: 'anything' }), { sessionId: session.id, origin })
          expect.soft(response.status, `POST ${url} from ${origin}`).toBe(403)
          expect.soft(await response.text(), `POST ${url} from ${origin}`).toBe('Cross-origin request refused')
        }
      }
    }
    // Nothing was done: the log-out above was refused, so the session still signs in.
    expect(await signsIn(http, session.id)).toBe(true)
  })

  test('a comment forged from another origin is refused and not stored; the same form from Concord is', async ({
    baseURL,
    createUser,
    lucia,
    database,
  }) => {
    const http = client(baseURL)
    const { db: consultationDb, consultation } = prepareConsultation(process.env.DATABASE_PATH!)
    consultationDb.$client.close()
    const participant = await createUser()
    const session = await lucia.createSession(participant.id, {})
    const text = `Forged ${randomBytes(6).toString('hex')}`
    const forged = await http.post(`/rounds/${consultation.roundId}/comment`, commentForm(consultation.roundId, text), {
      sessionId: session.id,
      origin: ATTACKER,
    })
    expect(forged.status).toBe(403)
    expect(database.select().from(comments).where(eq(comments.text, text)).all()).toEqual([])

    const genuine = await http.post(`/rounds/${consultation.roundId}/comment`, commentForm(consultation.roundId, text), { sessionId: session.id })
    expect(genuine.status).toBe(302)
    expect(database.select({ text: comments.text }).from(comments).where(eq(comments.text, text)).all()).toEqual([{ text }])
  })
})

test.describe('headers', () => {
  function directives(policy: string | null) {
    const map = new Map<string, string[]>()
    for (const part of (policy ?? '').split(';')) {
      const [name, ...values] = part.trim().split(/\s+/)
      if (name) map.set(name, values)
    }
    return map
  }

  test('every kind of answer carries the security headers', async ({ baseURL }) => {
    const http = client(baseURL)
    const answers = {
      page: await http.get('/login'),
      'not found': await http.get('/no-such-page'),
      'resource route': await http.get('/locales/fr/common'),
      'static file': await http.get('/favicon.svg'),
      health: await http.get('/healthz'),
      'refused POST': await http.post('/logout', new URLSearchParams(), { origin: ATTACKER }),
    }
    for (const [kind, response] of Object.entries(answers)) {
      await response.body?.cancel()
      const policy = directives(response.headers.get('Content-Security-Policy'))
      expect(policy.get('frame-ancestors'), kind).toEqual(["'none'"])
      expect(policy.get('object-src'), kind).toEqual(["'none'"])
      expect(policy.get('base-uri'), kind).toEqual(["'none'"])
      expect(policy.get('default-src'), kind).toEqual(["'self'"])
      expect(response.headers.get('X-Content-Type-Options'), kind).toBe('nosniff')
      expect(response.headers.get('X-Frame-Options'), kind).toBe('DENY')
      expect(response.headers.get('Referrer-Policy'), kind).toBe('strict-origin-when-cross-origin')
      const permissions = response.headers.get('Permissions-Policy') ?? ''
      for (const feature of ['camera', 'microphone', 'geolocation', 'payment', 'usb']) expect(permissions, kind).toContain(`${feature}=()`)
    }
  })

  test('scripts run only with the response’s nonce, a new one each time', async ({ baseURL }) => {
    const http = client(baseURL)
    const nonces: string[] = []
    for (const path of ['/', '/login', '/no-such-page']) {
      const response = await http.get(path)
      const scripts = directives(response.headers.get('Content-Security-Policy')).get('script-src') ?? []
      expect(scripts).not.toContain("'unsafe-inline'")
      expect(scripts).not.toContain("'unsafe-eval'")
      expect(scripts.filter((source) => !/^'(self|nonce-[A-Za-z0-9+/=]+)'$/.test(source)), path).toEqual([])
      const nonce = scripts.find((source) => source.startsWith("'nonce-"))?.slice("'nonce-".length, -1)
      expect(nonce, path).toBeTruthy()
      nonces.push(nonce!)
      const html = await response.text()
      const tags = [...html.matchAll(/<script\b[^>]*>/g)].map((match) => match[0])
      expect(tags.length, path).toBeGreaterThan(0)
      for (const tag of tags) expect(tag, path).toContain(`nonce="${nonce}"`)
      // No inline event handlers either: CSP would block them.
      expect(html, path).not.toMatch(/\son[a-z]+="/)
    }
    expect(new Set(nonces).size).toBe(nonces.length)
  })

  test('in the browser the pages run with no policy violation, and a script without the nonce does not run', async ({
    page,
    axe,
    browser,
  }) => {
    const watch = () => {
      const found: string[] = []
      ;(window as unknown as { __violations: string[] }).__violations = found
      document.addEventListener('securitypolicyviolation', (event) => found.push(`${event.violatedDirective} ${event.blockedURI}`))
    }
    await page.addInitScript(watch)
    await page.goto('/')
    await waitForHydration(page)
    await axe()
    // A client-side navigation loads route modules and locale files under the same policy.
    await page.locator('a[href="/consultations"]').first().click()
    await expect(page).toHaveURL(/\/consultations$/)
    await waitForHydration(page)
    await axe()
    expect(await page.evaluate(() => (window as unknown as { __violations: string[] }).__violations)).toEqual([])

    // An injected inline script, as an XSS would add, is blocked (in a page of its own: the refusal is logged as an error).
    const context = await browser.newContext()
    try {
      const other = await context.newPage()
      await other.addInitScript(watch)
      await other.goto(page.url())
      const ran = await other.evaluate(() => {
        const script = document.createElement('script')
        script.textContent = 'window.__injected = true'
        document.body.append(script)
        return (window as unknown as { __injected?: boolean }).__injected === true
      })
      expect(ran).toBe(false)
      await expect
        .poll(() => other.evaluate(() => (window as unknown as { __violations: string[] }).__violations.join('\n')))
        .toMatch(/script-src/)
    } finally {
      await context.close()
    }
  })
})
