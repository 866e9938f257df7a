import { spawn } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { test, expect } from '@playwright/test'
import Database from 'better-sqlite3'
import {
  accountWithSession,
  commentForm,
  prepareConsultation,
  root,
  startServer,
  temporaryFolder,
  type Account,
  type ServerProcess,
} from './server-process'

/**
 * Nothing acknowledged is lost: a production server killed with SIGKILL in the middle of a load of
 * comment submissions, then restarted, has every comment it answered with a redirect, and its
 * database passes PRAGMA integrity_check (WAL with synchronous=NORMAL; see the README). And an
 * online backup taken under the same load is whole and restores as the README says.
 * No page is visited, so no browser is started and there is nothing for axe to scan.
 */
let folder: string
const servers: ServerProcess[] = []

test.beforeEach(() => {
  folder = temporaryFolder('durability')
})
test.afterEach(async () => {
  for (const server of servers.splice(0)) await server.stop()
  fs.rmSync(folder, { recursive: true, force: true })
})

async function serve(databasePath: string) {
  const server = await startServer(databasePath)
  servers.push(server)
  return server
}

/** Participants with sessions, in a database with an open round. */
async function consultation(databasePath: string, people: number) {
  const { db, consultation } = prepareConsultation(databasePath)
  const accounts: Account[] = []
  for (let i = 0; i < people; i++) accounts.push(await accountWithSession(db, 'participant', `author${i}`))
  db.$client.close()
  return { roundId: consultation.roundId, accounts }
}

type Acknowledged = { id: number; text: string; sessionId: string }

/**
 * Submits comments from several participants at once, `concurrency` requests in flight, until
 * `stop()` says so or the server stops answering. A redirect to the comment (#c-<id>) is the success
 * answer a participant sees; anything else than a redirect or a refused connection fails the test.
 */
function submitLoad(url: string, roundId: number, accounts: Account[], concurrency: number, onAcknowledged: (all: Acknowledged[]) => void) {
  const acknowledged: Acknowledged[] = []
  let stopped = false
  let inFlight = 0
  let sent = 0
  const worker = async (index: number) => {
    while (!stopped) {
      const account = accounts[index % accounts.length]!
      sent += 1
      const text = `Comment ${sent} from worker ${index}: States should notify each other of incidents within ${sent} hours.`
      inFlight += 1
      let response: Response
      try {
        response = await fetch(`${url}/rounds/${roundId}/comment`, {
          method: 'POST',
          body: commentForm(roundId, text),
          headers: { Origin: url, Cookie: `concord_session=${account.sessionId}` },
          redirect: 'manual',
        })
      } catch {
        // The connection was cut or refused: the server is gone. No answer, so no promise was made.
        inFlight -= 1
        return
      }
      inFlight -= 1
      const location = response.headers.get('Location') ?? ''
      await response.body?.cancel()
      const id = /#c-(\d+)$/.exec(location)?.[1]
      if (response.status !== 302 || !id) throw new Error(`e2e: a submission was answered ${response.status} ${location}`)
      acknowledged.push({ id: Number(id), text, sessionId: account.sessionId })
      onAcknowledged(acknowledged)
    }
  }
  const done = Promise.all(Array.from({ length: concurrency }, (_, index) => worker(index)))
  return {
    acknowledged,
    inFlight: () => inFlight,
    stop: async () => {
      stopped = true
      await done
    },
    done,
  }
}

function commentsById(databasePath: string) {
  const sqlite = new Database(databasePath, { readonly: true, fileMustExist: true })
  try {
    const rows = sqlite.prepare('select id, text, status from comments').all() as { id: number; text: string; status: string }[]
    return { integrity: sqlite.pragma('integrity_check', { simple: true }), rows: new Map(rows.map((row) => [row.id, row])) }
  } finally {
    sqlite.close()
  }
}

function everyTable(databasePath: string) {
  const sqlite = new Database(databasePath, { readonly: true, fileMustExist: true })
  try {
    const tables = sqlite.prepare("select name from sqlite_master where type = 'table' and name not like 'sqlite_%' order by name").pluck().all() as string[]
    return Object.fromEntries(tables.map((table) => [table, sqlite.prepare(`select * from "${table}" order by rowid`).all()]))
  } finally {
    sqlite.close()
  }
}

test('kill -9 in the middle of a load of submissions loses no comment that was acknowledged', async () => {
  test.setTimeout(240_000)
  const databasePath = path.join(folder, 'concord.db')
  const { roundId, accounts } = await consultation(databasePath, 4)
  const server = await serve(databasePath)

  const KILL_AT = 150
  let inFlightAtKill = -1
  const load = submitLoad(server.url, roundId, accounts, 6, (acknowledged) => {
    if (acknowledged.length === KILL_AT) {
      inFlightAtKill = load.inFlight()
      server.child.kill('SIGKILL')
    }
  })
  await load.done
  expect(await server.exited).toEqual({ code: null, signal: 'SIGKILL' })
  // The kill came mid-load: other submissions were waiting for their answer.
  expect(inFlightAtKill).toBeGreaterThan(0)
  const acknowledged = load.acknowledged
  expect(acknowledged.length).toBeGreaterThanOrEqual(KILL_AT)

  const restarted = await serve(databasePath)
  const after = commentsById(databasePath)
  expect(after.integrity).toBe('ok')
  const missing = acknowledged.filter((comment) => after.rows.get(comment.id)?.text !== comment.text)
  expect(missing, 'acknowledged comments missing after the restart').toEqual([])
  expect(acknowledged.every((comment) => after.rows.get(comment.id)?.status === 'submitted')).toBe(true)

  // The restarted server serves them: the last acknowledged comment is on its author's page.
  const last = acknowledged.at(-1)!
  const page = await fetch(`${restarted.url}/my/comments`, { headers: { Cookie: `concord_session=${last.sessionId}` } })
  expect(page.status).toBe(200)
  expect(await page.text()).toContain(last.text)
})

test('an online backup under load is whole, and restoring it as the README says gives the same database', async () => {
  test.setTimeout(240_000)
  const databasePath = path.join(folder, 'concord.db')
  const { roundId, accounts } = await consultation(databasePath, 3)
  const server = await serve(databasePath)
  let startBackup: (snapshot: Acknowledged[]) => void = () => {}
  const backupStarted = new Promise<Acknowledged[]>((resolve) => (startBackup = resolve))
  const load = submitLoad(server.url, roundId, accounts, 4, (acknowledged) => {
    if (acknowledged.length === 40) startBackup(acknowledged.slice())
  })

  // `npx concord backup FILE` while the comments keep coming.
  const before = await backupStarted
  const backupFile = path.join(folder, 'backup.db')
  const backup = spawn(process.execPath, ['app/cli/concord.js', 'backup', backupFile], {
    cwd: root,
    env: { ...process.env, DATABASE_PATH: databasePath },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  backup.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()))
  backup.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()))
  const code = await new Promise<number | null>((resolve) => backup.on('exit', resolve))
  const acknowledgedDuringBackup = load.acknowledged.length - before.length
  await load.stop()
  expect(code, output).toBe(0)
  expect(output).toMatch(/^OK: backup written to .*backup\.db \(\d+ pages, integrity ok\)\n$/)
  // The server went on answering while the backup ran.
  expect(acknowledgedDuringBackup).toBeGreaterThan(0)

  const copy = commentsById(backupFile)
  expect(copy.integrity).toBe('ok')
  expect(before.filter((comment) => copy.rows.get(comment.id)?.text !== comment.text)).toEqual([])
  const backedUp = everyTable(backupFile)

  // Restoring, as in the README: stop the server, put the file in place, drop -wal and -shm, start.
  expect(await server.stop()).toEqual({ code: 0, signal: null })
  fs.copyFileSync(backupFile, databasePath)
  for (const suffix of ['-wal', '-shm']) fs.rmSync(databasePath + suffix, { force: true })
  const restored = await serve(databasePath)
  expect(commentsById(databasePath).integrity).toBe('ok')
  expect(everyTable(databasePath)).toEqual(backedUp)
  const first = before[0]!
  const page = await fetch(`${restored.url}/my/comments`, { headers: { Cookie: `concord_session=${first.sessionId}` } })
  expect(page.status).toBe(200)
  expect(await page.text()).toContain(first.text)
})
