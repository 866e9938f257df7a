import fs from 'node:fs'
import http from 'node:http'
import { test, expect } from '@playwright/test'
import Database from 'better-sqlite3'
import { translator } from './locales'
import { accountWithSession, commentForm, prepareConsultation, startServer, temporaryFolder, type ServerProcess } from './server-process'

/**
 * WEB_CONCURRENCY=2: two server processes behind one port (Node's cluster), one SQLite file. Each
 * request below goes on a connection of its own, which the cluster hands to the workers in turn, so
 * a comment is submitted to one worker and its confirmation read from the other. No page is visited
 * in a browser, so there is nothing for axe to scan.
 */
let folder: string
let server: ServerProcess | null = null

test.beforeEach(() => {
  folder = temporaryFolder('cluster')
})
test.afterEach(async () => {
  await server?.stop()
  server = null
  fs.rmSync(folder, { recursive: true, force: true })
})

type Answer = { status: number; location: string | undefined; cookies: string[]; body: string }

/** One request on a connection of its own (no keep-alive agent). */
function send(url: string, options: { method?: string; cookie: string; body?: string }): Promise<Answer> {
  const target = new URL(url)
  return new Promise((resolve, reject) => {
    const request = http.request(
      {
        host: target.hostname,
        port: target.port,
        path: target.pathname + target.search,
        method: options.method ?? 'GET',
        agent: false,
        headers: {
          cookie: options.cookie,
          'accept-language': 'en',
          ...(options.body ? { 'content-type': 'application/x-www-form-urlencoded', origin: target.origin } : {}),
        },
      },
      (response) => {
        let body = ''
        response.setEncoding('utf8')
        response.on('data', (chunk: string) => (body += chunk))
        response.on('end', () =>
          resolve({
            status: response.statusCode ?? 0,
            location: response.headers.location,
            cookies: (response.headers['set-cookie'] ?? []).map((cookie) => cookie.split(';')[0]!),
            body,
          }),
        )
      },
    )
    request.on('error', reject)
    request.end(options.body)
  })
}

test('two server processes share the port, the database, sessions and the flash message of a redirect', async () => {
  const databasePath = `${folder}/concord.db`
  const { db, consultation } = prepareConsultation(databasePath)
  const account = await accountWithSession(db, 'participant', 'cluster')
  db.$client.close()
  server = await startServer(databasePath, { WEB_CONCURRENCY: '2', INSECURE_COOKIES: '1' })
  // Both workers listen (the second starts once the first has migrated the database).
  await server.waitForOutput(/"msg":"listening"[^\n]*\n[^]*"msg":"listening"/)
  const workers = fs.readFileSync(`/proc/${server.child.pid}/task/${server.child.pid}/children`, 'utf8').trim().split(/\s+/)
  expect(workers).toHaveLength(2)

  const t = translator('en')
  const session = `concord_session=${account.sessionId}`
  const sqlite = new Database(databasePath, { readonly: true })
  const receiptOf = sqlite.prepare('select receipt from comments where idempotency_key = ?').pluck()
  for (let i = 0; i < 6; i++) {
    const form = commentForm(consultation.roundId, `Comment number ${i} on the draft, sent to whichever process answers.`)
    const posted = await send(`${server.url}/rounds/${consultation.roundId}/comment`, { method: 'POST', cookie: session, body: form.toString() })
    expect(posted.status).toBe(302)
    const flash = posted.cookies.find((cookie) => cookie.startsWith('concord_flash='))
    expect(flash).toBeTruthy()
    const receipt = receiptOf.get(`${account.id}:${form.get('idempotencyKey')}`) as string
    expect(receipt).toMatch(/^[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}$/)
    // The page the redirect leads to, from the next connection: the other worker reads the flash cookie the first signed.
    const page = await send(new URL(posted.location!, server.url).toString(), { cookie: `${session}; ${flash}` })
    expect(page.status).toBe(200)
    expect(page.body).toContain(t('comments:flash.submitted', { receipt }))
  }
  expect(sqlite.prepare('select count(*) from comments').pluck().get()).toBe(6)
  sqlite.close()

  // SIGTERM reaches both workers through the primary; all three processes end, with code 0.
  expect(await server.stop()).toEqual({ code: 0, signal: null })
  expect(server.output().match(/"msg":"stopped"/g)).toHaveLength(2)
})
