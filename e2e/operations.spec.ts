import fs from 'node:fs'
import http from 'node:http'
import path from 'node:path'
import { randomUUID } from 'node:crypto'
import { type Page } from '@playwright/test'
import Database from 'better-sqlite3'
import { expect, test, waitForHydration } from './fixtures'
import { translator } from './locales'
import {
  accountWithSession,
  commentForm,
  extraPort,
  prepareConsultation,
  startServer,
  temporaryFolder,
  type ServerProcess,
} from './server-process'

/**
 * Operations: the health endpoint, graceful shutdown on SIGTERM, and a log with no personal data.
 * The last two run on a production server of this spec's own, whose output the test reads.
 */
const en = translator('en')
let folder: string
let server: ServerProcess | null = null

test.beforeEach(() => {
  folder = temporaryFolder('operations')
})
test.afterEach(async () => {
  await server?.stop()
  server = null
  fs.rmSync(folder, { recursive: true, force: true })
})

test('/healthz answers 200 "ok", never cached, and is left out of the request log', async ({ request }) => {
  const response = await request.get('/healthz')
  expect(response.status()).toBe(200)
  expect(await response.text()).toBe('ok')
  expect(response.headers()['cache-control']).toBe('no-store')

  const databasePath = path.join(folder, 'concord.db')
  prepareConsultation(databasePath).db.$client.close()
  server = await startServer(databasePath)
  const before = server.output()
  expect((await fetch(`${server.url}/healthz`)).status).toBe(200)
  expect((await fetch(`${server.url}/login`)).status).toBe(200)
  await server.waitForOutput(/"path":"\/login"/)
  expect(server.output().slice(before.length)).not.toContain('/healthz')
})

test('SIGTERM lets a request in flight finish, refuses new ones, and exits 0', async () => {
  const databasePath = path.join(folder, 'concord.db')
  const { db, consultation } = prepareConsultation(databasePath)
  const participant = await accountWithSession(db, 'participant')
  db.$client.close()
  server = await startServer(databasePath)
  const running = server

  // A comment submission whose body is held back: the client sends its headers with
  // "Expect: 100-continue", and the server's "100 Continue" proves it has taken the request.
  const text = `Sent across the shutdown ${randomUUID()}`
  const body = commentForm(consultation.roundId, text).toString()
  const agent = new http.Agent({ keepAlive: true })
  const request = http.request(`${running.url}/rounds/${consultation.roundId}/comment`, {
    method: 'POST',
    agent,
    headers: {
      Expect: '100-continue',
      'Content-Type': 'application/x-www-form-urlencoded',
      'Content-Length': Buffer.byteLength(body),
      Origin: running.url,
      Cookie: `concord_session=${participant.sessionId}`,
    },
  })
  const answered = new Promise<http.IncomingMessage>((resolve, reject) => {
    request.on('response', resolve)
    request.on('error', reject)
  })
  const accepted = new Promise<void>((resolve) => request.on('continue', resolve))
  request.flushHeaders()
  await accepted

  running.child.kill('SIGTERM')
  await running.waitForOutput(/"msg":"shutting down","signal":"SIGTERM","inFlight":1\}/)
  // Stopped listening: a new connection is refused.
  await expect(fetch(`${running.url}/healthz`)).rejects.toThrow()

  // The rest of the body arrives after the signal; the comment is saved and answered.
  request.end(body)
  const response = await answered
  response.resume()
  expect(response.statusCode).toBe(302)
  expect(response.headers.location).toMatch(/#c-\d+$/)
  expect(await running.exited).toEqual({ code: 0, signal: null })
  expect(running.output()).toContain('"msg":"stopped"')
  expect(running.output()).not.toContain('shutdown timed out')
  agent.destroy()

  const sqlite = new Database(databasePath, { readonly: true })
  expect(sqlite.prepare('select text, status from comments').all()).toEqual([{ text, status: 'submitted' }])
  sqlite.close()
})

test.describe('the log of a whole session', () => {
  test.use({ baseURL: `http://localhost:${extraPort}` })

  test('sign-up, log-in, comment and moderation leave JSON lines with no email, password, text or session id', async ({
    page,
    axe,
    context,
  }) => {
    test.setTimeout(180_000)
    const databasePath = path.join(folder, 'concord.db')
    const { db, consultation } = prepareConsultation(databasePath)
    const moderator = await accountWithSession(db, 'moderator')
    db.$client.close()
    server = await startServer(databasePath)

    const email = `log-check-${randomUUID().slice(0, 8)}@example.org`
    const password = `secret-${randomUUID()}`
    const wrongPassword = `wrong-${randomUUID()}`
    const displayName = `Zainab Log-Check ${randomUUID().slice(0, 4)}`
    const organization = `Observatory ${randomUUID().slice(0, 6)}`
    const commentText = `My confidential view ${randomUUID()}: incident reports should stay within the region.`
    const note = `Moderator note ${randomUUID()}`
    const sessionIds = new Set<string>([moderator.sessionId])
    const keepSessionId = async () => {
      for (const cookie of await context.cookies()) if (cookie.name === 'concord_session' && cookie.value) sessionIds.add(cookie.value)
    }
    const submit = (target: Page, name: string) => target.getByRole('button', { name, exact: true }).click()

    // Sign up.
    await page.goto('/signup')
    await waitForHydration(page)
    await axe()
    await page.getByLabel(en('accounts:fields.email')).fill(email)
    await page.getByLabel(en('accounts:fields.password'), { exact: true }).fill(password)
    await page.getByLabel(en('accounts:fields.displayName')).fill(displayName)
    await page.getByLabel(en('accounts:fields.organization')).fill(organization)
    await page.getByLabel(en('accounts:fields.category')).selectOption('civil_society')
    await page.getByLabel(en('accounts:fields.country')).selectOption('NG')
    await submit(page, en('accounts:signup.submit'))
    await expect(page).toHaveURL(/\/account$/)
    await keepSessionId()
    await axe()

    // Log out; a failed log-in; log in.
    await submit(page, en('nav.logout'))
    await expect(page.getByRole('status')).toHaveText(en('accounts:flash.loggedOut'))
    await page.goto('/login')
    await waitForHydration(page)
    await page.getByLabel(en('accounts:fields.email')).fill(email)
    await page.getByLabel(en('accounts:fields.password')).fill(wrongPassword)
    await submit(page, en('accounts:login.submit'))
    await expect(page.getByRole('alert')).toHaveText(en('accounts:errors.loginFailed'))
    await axe()
    await page.getByLabel(en('accounts:fields.password')).fill(password)
    await submit(page, en('accounts:login.submit'))
    await expect(page.getByRole('status')).toHaveText(en('accounts:flash.loggedIn'))
    await keepSessionId()

    // Comment on the draft as a whole.
    await page.goto(`/rounds/${consultation.roundId}/comment`)
    await waitForHydration(page)
    await axe()
    const form = page.locator('form#comment-whole')
    await form.getByRole('radio', { name: en('comments:positions.amend') }).check()
    await form.getByLabel(en('comments:form.text'), { exact: true }).fill(commentText)
    await form.getByRole('radio', { name: en('comments:consent.named') }).check()
    await form.getByRole('button', { name: en('comments:form.submit'), exact: true }).click()
    await expect(page.getByRole('status')).toContainText(en('comments:flash.submitted', { receipt: '|' }).split('|')[0]!)
    await axe()
    await submit(page, en('nav.logout'))
    await expect(page.getByRole('status')).toHaveText(en('accounts:flash.loggedOut'))

    // The moderator logs in and hides the comment with a note.
    await page.goto('/login')
    await waitForHydration(page)
    await page.getByLabel(en('accounts:fields.email')).fill(moderator.email)
    await page.getByLabel(en('accounts:fields.password')).fill(moderator.password)
    await submit(page, en('accounts:login.submit'))
    await expect(page.getByRole('status')).toHaveText(en('accounts:flash.loggedIn'))
    await keepSessionId()
    const sqlite = new Database(databasePath, { readonly: true })
    const commentId = sqlite.prepare('select id from comments where text = ?').pluck().get(commentText) as number
    await page.goto(`/moderate/rounds/${consultation.roundId}/queue/${commentId}`)
    await waitForHydration(page)
    await axe()
    const hide = page.locator('section[aria-labelledby="hide-heading"]')
    await hide.getByLabel(en('moderation:review.reason')).selectOption('off_topic')
    await hide.getByLabel(en('moderation:review.note')).fill(note)
    await hide.getByRole('button', { name: en('moderation:review.hide'), exact: true }).click()
    await expect(page.getByRole('status')).toBeVisible()
    await axe()
    expect(sqlite.prepare('select moderation from comments where id = ?').pluck().get(commentId)).toBe('hidden')
    for (const id of sqlite.prepare('select id from sessions').pluck().all() as string[]) sessionIds.add(id)
    sqlite.close()

    await server.stop()
    const log = server.output()
    const lines = log.split('\n').filter((line) => line.trim())
    // Structured: every line is one JSON object with a level and a message.
    for (const line of lines) {
      const entry = JSON.parse(line) as { level?: unknown; msg?: unknown }
      expect(['info', 'warn', 'error'], line).toContain(entry.level)
      expect(typeof entry.msg, line).toBe('string')
    }
    // The whole session is there, as requests…
    for (const path of ['/signup', '/login', `/rounds/${consultation.roundId}/comment`, `/moderate/rounds/${consultation.roundId}/queue/${commentId}`]) {
      expect(log).toMatch(new RegExp(`"method":"POST","path":"${path.replace(/\//g, '\\/')}(\\.data)?","status":(200|202|302)`))
    }
    expect(log).toMatch(/"path":"\/build\/_assets\/[^"]+\.css"/)
    // …and none of what is personal or secret.
    const secrets = { email, moderatorEmail: moderator.email, password, wrongPassword, moderatorPassword: moderator.password, displayName, organization, commentText, note }
    for (const [name, secret] of Object.entries(secrets)) {
      for (const form of new Set([secret, encodeURIComponent(secret), secret.toLowerCase()])) expect(log, `${name} in the log`).not.toContain(form)
    }
    expect(sessionIds.size).toBeGreaterThanOrEqual(3)
    for (const id of sessionIds) expect(log, 'a session id in the log').not.toContain(id)
    expect(log).not.toMatch(/[\w.+-]+@[\w-]+\.[\w.]+/)
  })
})
