import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import { createRequestHandler, type ServerBuild } from '@remix-run/node'
import type { Db } from '~/utils/db.server'
import { UNREACHABLE_RATE_LIMITS } from '../../e2e/rate-limit-env'
import type { Scenario } from './scenario'

/**
 * The production build (build/index.js, made by `npm run build`) answering requests in this
 * process, on a database of its own seeded with the demo consultation and a few more fixtures, as
 * the built server would answer them: the same route modules, loaders, actions and error boundaries.
 * It skips server.js (headers, Origin check, body limit), which the end-to-end tests cover.
 */

/** Who sends a request. */
export const ROLES = ['visitor', 'participant', 'otherParticipant', 'moderator', 'viewer', 'otherViewer', 'admin'] as const
export type RoleName = (typeof ROLES)[number]

export type Fixtures = Scenario & {
  /** An import job of the moderator in the open round (jobs live in the server's memory). */
  importJob: string
  userIds: Record<Exclude<RoleName, 'visitor'>, string>
}

export type TestApp = {
  db: Db
  build: ServerBuild
  fixtures: Fixtures
  /** Answers a request as the role (a fresh session each time, so a log-out does not spoil the next request). */
  request: (role: RoleName, url: string, init?: RequestInit & { language?: string }) => Promise<Response>
  /** A signed-in cookie header for the role ('' for a visitor). */
  cookie: (role: RoleName) => Promise<string>
  close: () => void
}

const projectRoot = path.resolve(import.meta.dirname, '..', '..')
export const BUILD_FILE = path.join(projectRoot, 'build', 'index.js')
const ORIGIN = 'http://localhost'

let started: Promise<TestApp> | undefined

/** The app of this test file (one per vitest worker: the build reads the process-wide database). */
export function startApp() {
  return (started ??= start())
}

async function start(): Promise<TestApp> {
  if (!fs.existsSync(BUILD_FILE)) throw new Error('No production build in build/: run `npm run build` before these tests.')
  const template = process.env.CONCORD_TEST_TEMPLATE
  if (!template) throw new Error('CONCORD_TEST_TEMPLATE is not set: run the tests through vitest')
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'concord-app-'))
  const file = path.join(dir, 'concord.db')
  fs.copyFileSync(template, file)
  const { openDatabase } = await import('~/utils/db.server')
  const db = openDatabase(file)
  const fixtures = await seed(db)
  // The build's db.server keeps the process-wide client it finds on globalThis: this one.
  globalThis.__concordDb = db
  // These tests send far more sign-ups, log-ins and comments than a person would: every limit out
  // of reach (read on first use), as on the e2e servers. app/utils/rate-limit.server.test.ts tests them.
  Object.assign(process.env, UNREACHABLE_RATE_LIMITS)
  const build = (await import(/* @vite-ignore */ pathToFileURL(BUILD_FILE).href)) as ServerBuild
  const handler = createRequestHandler(build, 'production')
  const { createLucia } = await import('~/utils/auth.server')
  const lucia = createLucia(db)

  async function cookie(role: RoleName) {
    if (role === 'visitor') return ''
    const session = await lucia.createSession(fixtures.userIds[role], {})
    return lucia.createSessionCookie(session.id).serialize().split(';')[0]!
  }

  return {
    db,
    build,
    fixtures,
    cookie,
    async request(role, url, init = {}) {
      const headers = new Headers(init.headers)
      headers.set('Accept-Language', init.language ?? 'en')
      const session = await cookie(role)
      if (session) headers.set('Cookie', [session, headers.get('Cookie')].filter(Boolean).join('; '))
      if (init.method && init.method !== 'GET') {
        headers.set('Origin', ORIGIN)
        headers.set('Host', new URL(ORIGIN).host)
      }
      // Let the event loop reach its I/O phase between requests: thousands of in-process requests
      // are a chain of promises that never does, and the test worker then misses vitest's replies to
      // its progress reports for over a minute ("Timeout calling onTaskUpdate").
      await new Promise((resolve) => setImmediate(resolve))
      return handler(new Request(new URL(url, ORIGIN), { ...init, headers }), { cspNonce: '' })
    },
    close() {
      db.$client.close()
      fs.rmSync(dir, { recursive: true, force: true })
    },
  }
}

async function seed(db: Db): Promise<Fixtures> {
  const { seedScenario } = await import('./scenario')
  const { startImportJob } = await import('~/modules/comments/transfer.server')
  const scenario = await seedScenario(db, { tag: 'matrix' })
  const job = startImportJob(db, { roundId: scenario.openRound, userId: scenario.users.moderator.id, rows: [], fileName: 'comments.csv' })
  const userIds = Object.fromEntries(Object.entries(scenario.users).map(([account, user]) => [account, user.id])) as Fixtures['userIds']
  return { ...scenario, importJob: job.id, userIds }
}

/** A URL-encoded form body. */
export function form(fields: Record<string, string | string[]>) {
  const body = new URLSearchParams()
  for (const [name, value] of Object.entries(fields)) for (const item of [value].flat()) body.append(name, item)
  return body
}
