import path from 'node:path'
import { randomUUID } from 'node:crypto'
import { eq } from 'drizzle-orm'
import { comments } from '#db/schema/index'
import { form, ROLES, startApp, type RoleName, type TestApp } from './app'
import { AUTHORIZATION_MATRIX, MAY_EVER_READ, type Secret } from './authorization-matrix'

/**
 * Every route of the built route manifest, asked by every role with GET and POST (and, for pages,
 * the data request a client-side navigation makes), answers as AUTHORIZATION_MATRIX says, and shows
 * participant A's draft, hidden comment and the moderator's note only to whom it may.
 */

let app: TestApp
const errors: string[] = []

beforeAll(async () => {
  // A 500 is reported by the matrix with its route; the logged error is kept for the message.
  vi.mocked(console.error).mockImplementation((...args: unknown[]) => {
    errors.push(args.map((arg) => (arg instanceof Error ? (arg.stack ?? arg.message) : String(arg))).join(' '))
  })
  app = await startApp()
}, 120_000)

afterAll(() => app?.close())

const SECRETS: Secret[] = ['draft', 'hidden', 'hiddenNote']

function leaks(body: string, role: RoleName, allowed: Partial<Record<Secret, RoleName[]>> = {}) {
  return SECRETS.filter((secret) => body.includes(app.fixtures.secrets[secret]) && !(allowed[secret] ?? []).includes(role))
}

/** The single-fetch URL a client-side navigation requests for a page ("/" is "/_root.data"). */
function dataUrl(url: string) {
  const parsed = new URL(url, 'http://localhost')
  parsed.pathname = parsed.pathname === '/' ? '/_root.data' : `${parsed.pathname}.data`
  return parsed.pathname + parsed.search
}

describe('the authorization matrix', () => {
  it('has an entry for every route of the build, and the build is that of the route files', async () => {
    const built = Object.keys(app.build.routes).sort()
    expect(Object.keys(AUTHORIZATION_MATRIX).sort()).toEqual(built)
    // A route file added since the last `npm run build` is in neither: read the files too.
    const { flatRoutes } = (await import(
      /* @vite-ignore */ '@remix-run/dev/dist/config/flat-routes.js'
    )) as { flatRoutes: (appDirectory: string, ignored: string[]) => Record<string, unknown> }
    const config = ((await import(/* @vite-ignore */ path.resolve(import.meta.dirname, '../../remix.config.js'))) as { default: { ignoredRouteFiles: string[] } }).default
    const files = Object.keys(flatRoutes(path.resolve(import.meta.dirname, '..'), config.ignoredRouteFiles))
    expect(['root', ...files].sort(), 'the build is stale: run `npm run build`').toEqual(built)
  })

  it('answers every route, role and method as the matrix says, revealing nothing it should not', async () => {
    const problems: string[] = []
    for (const [id, entry] of Object.entries(AUTHORIZATION_MATRIX)) {
      const route = app.build.routes[id]
      if (!route) continue
      const url = entry.url(app.fixtures)
      const isPage = Boolean(route.module.default)
      for (const role of ROLES) {
        for (const method of ['GET', 'POST'] as const) {
          const response = await app.request(role, url, method === 'POST' ? { method, body: form({}) } : {})
          const body = await response.text()
          const expected = entry[method][role]
          if (response.status !== expected) problems.push(`${method} ${url} as ${role}: ${response.status}, expected ${expected}`)
          const leaked = leaks(body, role, entry.reveals)
          if (leaked.length) problems.push(`${method} ${url} as ${role} shows ${leaked.join(', ')}`)
        }
        if (!isPage || id === 'root') continue
        // The data request of a client-side navigation runs the same loaders: the same refusal, no more shown.
        const data = await app.request(role, dataUrl(url))
        const body = await data.text()
        const expected = entry.GET[role]
        const expectedData = expected >= 300 && expected < 400 ? 202 : expected
        if (data.status !== expectedData) problems.push(`GET ${dataUrl(url)} as ${role}: ${data.status}, expected ${expectedData}`)
        const leaked = leaks(body, role, entry.reveals)
        if (leaked.length) problems.push(`GET ${dataUrl(url)} as ${role} shows ${leaked.join(', ')}`)
      }
    }
    expect(problems, errors.join('\n\n')).toEqual([])
    expect(errors).toEqual([])
  }, 600_000)

  it('never lets a secret out to someone who may not read it anywhere', () => {
    for (const entry of Object.values(AUTHORIZATION_MATRIX)) {
      for (const secret of SECRETS) {
        for (const role of entry.reveals?.[secret] ?? []) expect(MAY_EVER_READ[secret]).toContain(role)
      }
    }
  })
})

describe('a participant’s comments are theirs alone', () => {
  function commentRow(id: number) {
    return app.db
      .select({ text: comments.text, status: comments.status, language: comments.declaredLanguage, updatedAt: comments.updatedAt })
      .from(comments)
      .where(eq(comments.id, id))
      .get()
  }

  const intruders: RoleName[] = ['otherParticipant', 'moderator', 'admin', 'otherViewer']

  it.each(intruders)('%s can neither edit, submit, withdraw nor relabel participant A’s comments', async (role) => {
    const f = app.fixtures
    const before = [f.draft, f.submitted, f.hidden].map(commentRow)
    const attempts: Record<string, string>[] = [
      { intent: 'submit', commentId: String(f.draft), clause: 'whole', position: 'support', text: 'Overwritten by someone else.', consent: 'named', language: 'en', idempotencyKey: randomUUID() },
      { intent: 'draft', commentId: String(f.submitted), clause: String(f.clause), position: 'oppose', text: 'Overwritten by someone else.', consent: 'anonymous', language: 'en', idempotencyKey: randomUUID() },
      { intent: 'withdraw', commentId: String(f.submitted), confirm: 'yes' },
      { intent: 'language', commentId: String(f.hidden), language: 'fr' },
    ]
    for (const fields of attempts) {
      const response = await app.request(role, `/rounds/${f.openRound}/comment`, { method: 'POST', body: form(fields) })
      expect([403, 404], `${fields.intent} as ${role}`).toContain(response.status)
    }
    expect([f.draft, f.submitted, f.hidden].map(commentRow)).toEqual(before)
  })

  it('the author can, which shows the attempts above were well-formed', async () => {
    const f = app.fixtures
    const response = await app.request('participant', `/rounds/${f.openRound}/comment`, {
      method: 'POST',
      body: form({ intent: 'language', commentId: String(f.hidden), language: 'fr' }),
    })
    expect(response.status).toBe(302)
    expect(commentRow(f.hidden)?.language).toBe('fr')
  })
})
