import { spawn, type ChildProcess } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { signupSchema } from '~/modules/accounts/accounts.schema'
import { createUser } from '~/modules/accounts/accounts.server'
import { createNorm } from '~/modules/norms/norms.server'
import { createRound } from '~/modules/rounds/rounds.server'
import type { Role } from '#db/schema/index'
import { createLucia } from '~/utils/auth.server'
import { openDatabase, prepareDatabase, type Db } from '~/utils/db.server'
import { UNREACHABLE_RATE_LIMITS } from './rate-limit-env'

/**
 * Production servers of a spec's own (`node server.js`), for what the shared e2e server cannot be
 * put through: kill -9, SIGTERM, low rate limits, reading its log. They listen on the extra port,
 * E2E_PORT + 10 unless E2E_EXTRA_PORT says otherwise, one at a time, each on a database in a
 * temporary folder.
 */
export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
export const extraPort = Number(process.env.E2E_EXTRA_PORT || Number(process.env.E2E_PORT || 3210) + 10)

export function temporaryFolder(label: string) {
  return fs.mkdtempSync(path.join(os.tmpdir(), `concord-${label}-`))
}

export type ServerProcess = {
  url: string
  child: ChildProcess
  /** Everything the server wrote to stdout and stderr so far. */
  output: () => string
  /** Resolves when the process has ended. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>
  /** Resolves when a line of its output matches. */
  waitForOutput: (pattern: RegExp) => Promise<void>
  /** SIGTERM, and waits for the end. */
  stop: () => Promise<{ code: number | null; signal: NodeJS.Signals | null }>
}

/** Starts `node server.js` on the extra port and waits until /healthz answers. */
export async function startServer(databasePath: string, env: Record<string, string> = {}): Promise<ServerProcess> {
  const url = `http://localhost:${extraPort}`
  const child = spawn(process.execPath, ['server.js'], {
    cwd: root,
    env: {
      ...process.env,
      NODE_ENV: 'production',
      PORT: String(extraPort),
      HOST: '127.0.0.1',
      DATABASE_PATH: databasePath,
      RATE_LIMIT_DATABASE_PATH: path.join(path.dirname(databasePath), 'rate-limits.db'),
      ...UNREACHABLE_RATE_LIMITS,
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  const waiters: { pattern: RegExp; resolve: () => void }[] = []
  const collect = (chunk: Buffer) => {
    output += chunk.toString('utf8')
    for (const waiter of waiters.splice(0)) {
      if (waiter.pattern.test(output)) waiter.resolve()
      else waiters.push(waiter)
    }
  }
  child.stdout!.on('data', collect)
  child.stderr!.on('data', collect)
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  )
  const server: ServerProcess = {
    url,
    child,
    output: () => output,
    exited,
    waitForOutput: (pattern) =>
      new Promise<void>((resolve, reject) => {
        if (pattern.test(output)) return resolve()
        waiters.push({ pattern, resolve })
        void exited.then(() => reject(new Error(`e2e: the server ended before writing ${pattern}:\n${output}`)))
      }),
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM')
      return exited
    },
  }
  let ended = false
  void exited.then(() => (ended = true))
  for (;;) {
    if (ended) throw new Error(`e2e: the server on port ${extraPort} did not start:\n${output}`)
    const healthy = await fetch(`${url}/healthz`).then(
      (response) => response.ok,
      () => false,
    )
    if (healthy) return server
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
}

export type SmallConsultation = { roundId: number; clauseIds: number[] }

/**
 * A migrated database with one draft norm and one round open to every stakeholder category: what
 * a participant needs to comment. Made in this process, through Concord's own commands.
 */
export function prepareConsultation(databasePath: string): { db: Db; consultation: SmallConsultation } {
  const db = prepareDatabase(openDatabase(databasePath))
  const versionId = createNorm(
    db,
    {
      sourceLanguage: 'en',
      title: 'Norms of responsible state behaviour in cyberspace',
      preamble: '',
      clauses: [
        { label: '1', heading: null, text: 'States should not knowingly allow their territory to be used for harmful ICT acts.' },
        { label: '2', heading: null, text: 'States should cooperate to exchange information on ICT incidents.' },
      ],
    },
    null,
  )
  const hour = 3_600_000
  const round = createRound(
    db,
    {
      versionId,
      title: 'Open reading',
      opensAt: new Date(Date.now() - hour),
      closesAt: new Date(Date.now() + 30 * 24 * hour),
      eligibleCategories: ['tech_firm', 'research', 'civil_society', 'regional_body', 'government', 'other'],
    },
    null,
  )
  if (!round.ok) throw new Error(`e2e: could not open a round: ${round.error}`)
  const clauseIds = db.$client.prepare('select id from clauses where version_id = ? order by id').pluck().all(versionId) as number[]
  return { db, consultation: { roundId: round.roundId, clauseIds } }
}

export type Account = { id: string; email: string; password: string; sessionId: string }

/** An account with a session of its own, made straight in the database. */
export async function accountWithSession(db: Db, role: Role = 'participant', label: string = role): Promise<Account> {
  const email = `e2e-${label}-${randomUUID().slice(0, 8)}@example.org`
  const password = `pw-${randomUUID()}`
  const input = signupSchema.parse({
    email,
    password,
    displayName: `E2E ${label}`,
    category: 'civil_society',
    country: 'KE',
    language: 'en',
  })
  const created = await createUser(db, { ...input, role })
  if (!created.ok) throw new Error(`e2e: could not create a user: ${JSON.stringify(created.errors)}`)
  const session = await createLucia(db).createSession(created.userId, {})
  return { id: created.userId, email, password, sessionId: session.id }
}

/** A comment submitted as a browser without JavaScript would: a form POST, answered with a redirect. */
export function commentForm(roundId: number, text: string, extra: Record<string, string> = {}) {
  return new URLSearchParams({
    intent: 'submit',
    clause: 'whole',
    position: 'support',
    text,
    consent: 'named',
    idempotencyKey: randomUUID().replace(/-/g, ''),
    ...extra,
  })
}
