import fs from 'node:fs'
import { randomUUID } from 'node:crypto'
import path from 'node:path'
import { type Page, type Response } from '@playwright/test'
import { eq } from 'drizzle-orm'
import { comments } from '#db/schema/index'
import type { Db } from '~/utils/db.server'
import { expect, test, waitForHydration } from './fixtures'
import { translator } from './locales'
import { accountWithSession, extraPort, prepareConsultation, startServer, temporaryFolder, type Account, type ServerProcess } from './server-process'

/**
 * The rate limits, on a server of this spec's own with low limits (the shared e2e server has them
 * out of reach). Every request comes from 127.0.0.1, so each test counts against its own action.
 */
const base = `http://localhost:${extraPort}`
test.use({ baseURL: base })

let folder: string
let server: ServerProcess
let db: Db
let roundId: number
let participant: Account
let moderator: Account

test.beforeAll(async () => {
  folder = temporaryFolder('rate-limits')
  const databasePath = path.join(folder, 'concord.db')
  const prepared = prepareConsultation(databasePath)
  db = prepared.db
  roundId = prepared.consultation.roundId
  participant = await accountWithSession(db, 'participant')
  moderator = await accountWithSession(db, 'moderator')
  server = await startServer(databasePath, {
    RATE_LIMIT_LOGIN_ACCOUNT: '2/600',
    RATE_LIMIT_SIGNUP_ACCOUNT: '1/600',
    RATE_LIMIT_COMMENT_ACCOUNT: '1/600',
    RATE_LIMIT_EXPORT_IP: '3/600',
    RATE_LIMIT_EXPORT_ACCOUNT: '1/600',
  })
})

test.afterAll(async () => {
  await server?.stop()
  db?.$client.close()
  if (folder) fs.rmSync(folder, { recursive: true, force: true })
})

function nextPost(page: Page, pathname: string) {
  return page.waitForResponse((response: Response) => response.request().method() === 'POST' && new URL(response.url()).pathname === pathname)
}

async function signIn(page: Page, account: Account) {
  await page.context().addCookies([{ name: 'concord_session', value: account.sessionId, domain: 'localhost', path: '/', httpOnly: true, secure: true, sameSite: 'Lax' }])
}

async function failLogIn(page: Page, email: string, t: ReturnType<typeof translator>, pathname: string) {
  await page.getByLabel(t('accounts:fields.email')).fill(email)
  await page.getByLabel(t('accounts:fields.password')).fill('not the password')
  const answer = nextPost(page, pathname)
  await page.getByRole('button', { name: t('accounts:login.submit') }).click()
  return answer
}

test.describe('log-in, without JavaScript, in French', () => {
  test.use({ javaScriptEnabled: false, locale: 'fr-FR' })
  const fr = translator('fr')

  test('the third try on one account gets a 429 page with Retry-After and the message in French', async ({ page, axe }) => {
    const email = `someone-${randomUUID().slice(0, 8)}@example.org`
    await page.goto('/login')
    await axe()
    expect((await failLogIn(page, email, fr, '/login')).status()).toBe(400)
    await expect(page.getByRole('alert')).toHaveText(fr('accounts:errors.loginFailed'))
    expect((await failLogIn(page, email, fr, '/login')).status()).toBe(400)
    const limited = await failLogIn(page, email, fr, '/login')
    expect(limited.status()).toBe(429)
    expect(Number(limited.headers()['retry-after'])).toBeGreaterThan(0)
    expect(Number(limited.headers()['retry-after'])).toBeLessThanOrEqual(600)
    await expect(page.getByRole('alert')).toHaveText(fr('errors.rateLimited'))
    await expect(page.getByLabel(fr('accounts:fields.email'))).toHaveValue(email)
    await axe()
  })
})

test.describe('log-in, with JavaScript, in Russian', () => {
  test.use({ locale: 'ru-RU' })
  const ru = translator('ru')

  test('the data request answers 429 with Retry-After, and the form says so in Russian', async ({ page, axe }) => {
    const email = `someone-${randomUUID().slice(0, 8)}@example.org`
    await page.goto('/login')
    await waitForHydration(page)
    await axe()
    for (let i = 0; i < 2; i++) expect((await failLogIn(page, email, ru, '/login.data')).status()).toBe(400)
    const limited = await failLogIn(page, email, ru, '/login.data')
    expect(limited.status()).toBe(429)
    expect(Number(limited.headers()['retry-after'])).toBeGreaterThan(0)
    await expect(page.getByRole('alert')).toHaveText(ru('errors.rateLimited'))
    await expect(page).toHaveURL(/\/login$/)
    await axe()
  })
})

test('sign-up: the second try for one email address gets 429, whatever the answer to the first', async () => {
  const email = `newcomer-${randomUUID().slice(0, 8)}@example.org`
  const form = () =>
    new URLSearchParams({ email, password: 'a long enough password', displayName: 'Newcomer', category: 'research', country: 'BR', language: 'es' })
  const post = () => fetch(`${base}/signup`, { method: 'POST', body: form(), headers: { Origin: base, 'Accept-Language': 'es' }, redirect: 'manual' })
  expect((await post()).status).toBe(302)
  const again = await post()
  expect(again.status).toBe(429)
  expect(again.headers.get('Retry-After')).toMatch(/^\d+$/)
  // Not "this address is taken": the limit answers before the address is looked up.
  expect(await again.text()).toContain(translator('es')('errors.rateLimited'))
})

test.describe('comments, without JavaScript, in Spanish', () => {
  test.use({ javaScriptEnabled: false, locale: 'es-ES' })
  const es = translator('es')

  test('a second submission within the limit’s time gets 429, keeps what was typed and stores nothing', async ({ page, axe }) => {
    await signIn(page, participant)
    await page.goto(`/rounds/${roundId}/comment`)
    await axe()
    const submit = async (text: string) => {
      const form = page.locator('form#comment-whole')
      await form.getByRole('radio', { name: es('comments:positions.support') }).check()
      await form.getByLabel(es('comments:form.text'), { exact: true }).fill(text)
      await form.getByRole('radio', { name: es('comments:consent.named') }).check()
      const answer = nextPost(page, `/rounds/${roundId}/comment`)
      await form.getByRole('button', { name: es('comments:form.submit'), exact: true }).click()
      return answer
    }
    expect((await submit('Los Estados deberían cooperar en materia de incidentes.')).status()).toBe(302)
    await expect(page.getByRole('status')).toContainText(es('comments:flash.submitted', { receipt: '|' }).split('|')[0]!)
    const second = 'Una segunda opinión, enviada demasiado pronto.'
    const limited = await submit(second)
    expect(limited.status()).toBe(429)
    expect(limited.headers()['retry-after']).toMatch(/^\d+$/)
    await expect(page.locator('form#comment-whole').getByText(es('errors.rateLimited'))).toBeVisible()
    await expect(page.locator('form#comment-whole').getByLabel(es('comments:form.text'), { exact: true })).toHaveValue(second)
    await axe()
    const stored = db.select({ text: comments.text }).from(comments).where(eq(comments.authorId, participant.id)).all()
    expect(stored.map((row) => row.text)).toEqual(['Los Estados deberían cooperar en materia de incidentes.'])
  })
})

test.describe('exports, per account and per address', () => {
  test.use({ javaScriptEnabled: false, locale: 'ar' })
  const ar = translator('ar')

  test('the moderator’s second download and the address’s fourth export get 429, as a page in Arabic or as JSON', async ({ page, axe }) => {
    const download = () =>
      fetch(`${base}/moderate/rounds/${roundId}/export/download?format=csv`, { headers: { Cookie: `concord_session=${moderator.sessionId}` } })
    const first = await download()
    expect(first.status).toBe(200)
    await first.text()
    // The moderator's own limit (1 per 10 minutes), with the address at 2 of 3.
    const second = await download()
    expect(second.status).toBe(429)
    expect(second.headers.get('Retry-After')).toMatch(/^\d+$/)
    expect(await second.text()).toBe(`${translator('en')('errors.rateLimited')}\n`)
    // The address's third export goes through (no summary is published: 404).
    const third = await fetch(`${base}/rounds/${roundId}/summary.json`)
    expect(third.status).toBe(404)
    // The fourth, a browser following a link: a page in the reader's language, right to left.
    const answer = await page.goto(`/rounds/${roundId}/summary.csv`)
    expect(answer?.status()).toBe(429)
    expect(answer?.headers()['retry-after']).toMatch(/^\d+$/)
    await expect(page.locator('html')).toHaveAttribute('lang', 'ar')
    await expect(page.locator('html')).toHaveAttribute('dir', 'rtl')
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(ar('errors.429.title'))
    await expect(page.getByText(ar('errors.rateLimited'))).toBeVisible()
    await axe()
    // A program asking for JSON gets JSON.
    const json = await fetch(`${base}/rounds/${roundId}/summary.json`, { headers: { Accept: 'application/json', 'Accept-Language': 'zh-CN' } })
    expect(json.status).toBe(429)
    expect(await json.json()).toEqual({ error: translator('zh')('errors.rateLimited'), retryAfter: Number(json.headers.get('Retry-After')) })
  })
})
