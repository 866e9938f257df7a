/**
 * Measures Concord's two write paths on this machine.
 *
 *   node --import tsx bench/write-paths.ts import [--rows 20000] [--keep]
 *     imports seeded synthetic rows (bench/generate.ts) with `npx concord comments import` into the
 *     demo's open round, three ways: every row with its language, half of them without (detected, the
 *     generator's mix), none with one; then the mixed file again into the round that now holds them;
 *     and the floor, the mixed file's rows stored by better-sqlite3 alone (bench/import-floor.ts).
 *
 *   node --import tsx bench/write-paths.ts http [--connections 20] [--seconds 20] [--port 3306] [--workers 2]
 *     starts the production server (`npm run build` first) on a fresh seeded database, signs in
 *     participants directly in the database, and drives the round's comment form with autocannon:
 *     signed-in POSTs that submit a comment (validation, language detection, concern suggestion,
 *     duplicate check). Afterwards every comment that got a success answer must be in the database.
 *
 * `--app DIR` runs another built checkout of Concord (an earlier commit, say) on the same inputs.
 * Databases live in the system's temporary folder. Figures are printed as a table, with the
 * processor time used, which depends less than the wall time on what else the machine is doing.
 */
import { execFileSync, spawn } from 'node:child_process'
import crypto from 'node:crypto'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import Database from 'better-sqlite3'
import { stringify } from 'csv-stringify/sync'
import { UNREACHABLE_RATE_LIMITS } from '../e2e/rate-limit-env'
import { loadSentences } from './corpus'
import { generateRows, type Row } from './generate'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
// One folder per checkout, so two checkouts measured on one machine keep their own databases.
const tmp = path.join(os.tmpdir(), 'concord-write-paths', path.basename(root))
/** --app DIR measures another checkout of Concord (built), e.g. an earlier commit, with the same inputs. */
const appIndex = process.argv.indexOf('--app')
const app = appIndex > 0 ? path.resolve(process.argv[appIndex + 1]!) : root
/** Scripts are named relative to the working directory, so command lines stay short. */
const cli = path.relative(process.cwd(), path.join(app, 'app', 'cli', 'concord.js'))

function option(name: string, fallback: number) {
  const index = process.argv.indexOf(`--${name}`)
  return index > 0 ? Number(process.argv[index + 1]) : fallback
}

/** A migrated database with the demo consultation, made once and copied for each run. */
function seededDatabase() {
  fs.mkdirSync(tmp, { recursive: true })
  const file = path.join(tmp, 'seeded.db')
  if (!fs.existsSync(file)) {
    execFileSync(process.execPath, [cli, 'demo', 'seed'], { env: { ...process.env, DATABASE_PATH: file }, stdio: 'inherit' })
    const db = new Database(file)
    db.pragma('wal_checkpoint(TRUNCATE)')
    db.close()
  }
  return file
}

function freshCopy(name: string) {
  const target = path.join(tmp, `${name}.db`)
  for (const suffix of ['', '-wal', '-shm']) fs.rmSync(target + suffix, { force: true })
  fs.copyFileSync(seededDatabase(), target)
  return target
}

/** The demo's open round (the second reading) and its clause labels. */
function openRound(file: string) {
  const db = new Database(file, { readonly: true })
  const round = db.prepare('select id, version_id as versionId from rounds order by opens_at desc limit 1').get() as {
    id: number
    versionId: number
  }
  const labels = (db.prepare('select label from clauses where version_id = ?').all(round.versionId) as { label: string }[]).map(
    (row) => row.label,
  )
  db.close()
  return { roundId: round.id, labels }
}

function writeCsv(file: string, rows: Row[]) {
  fs.writeFileSync(file, stringify(rows, { header: true, columns: Object.keys(rows[0]!) }))
}

/**
 * Runs the command under /usr/bin/time: the wall time, and the processor time of the command and its
 * threads (user + system), which does not depend on what else the machine is doing.
 */
function runImport(database: string, roundId: number, file: string) {
  const timing = path.join(tmp, 'time.txt')
  execFileSync('/usr/bin/time', ['-f', '%e %U %S', '-o', timing, process.execPath, cli, 'comments', 'import', '--round', String(roundId), file], {
    env: { ...process.env, DATABASE_PATH: database },
    stdio: ['ignore', 'pipe', 'ignore'],
  })
  const [wall, user, system] = fs.readFileSync(timing, 'utf8').trim().split(/\s+/).map(Number)
  return { seconds: wall!, cpu: user! + system! }
}

function importBench() {
  const load = os.loadavg()
  const count = option('rows', 20_000)
  const sentences = loadSentences(root)
  const database = freshCopy('import')
  const { roundId, labels } = openRound(database)
  const mixed = generateRows(count, labels, sentences)
  const files = {
    given: mixed.map((row, i) => ({ ...row, external_id: `given-${i}`, language: row.language || languageOf(row, sentences) })),
    mixed,
    detected: mixed.map((row, i) => ({ ...row, external_id: `detected-${i}`, language: '' })),
    again: mixed.map((row, i) => ({ ...row, external_id: `again-${i}` })),
  }
  const results: { run: string; rows: number; roundBefore: number; seconds: number; 'rows/s': number; 'cpu s': number; 'cpu µs/row': number }[] = []
  for (const [name, rows] of Object.entries(files)) {
    // Each kind into a fresh round, except "again", which goes into the round the mixed file filled.
    const target = name === 'again' ? path.join(tmp, 'import-mixed.db') : freshCopy(`import-${name}`)
    const before = (new Database(target, { readonly: true }).prepare('select count(*) as n from comments where round_id = ?').get(roundId) as { n: number }).n
    const file = path.join(tmp, `${name}.csv`)
    writeCsv(file, rows)
    const { seconds, cpu } = runImport(target, roundId, file)
    results.push({
      run: name,
      rows: rows.length,
      roundBefore: before,
      seconds,
      'rows/s': Math.round(rows.length / seconds),
      'cpu s': cpu,
      'cpu µs/row': Math.round((cpu * 1e6) / rows.length),
    })
  }
  // The floor: the mixed file's rows stored into a fresh copy by better-sqlite3 alone (bench/import-floor.ts).
  const floorTarget = freshCopy('import-floor')
  const floor = JSON.parse(
    execFileSync(process.execPath, ['--import', 'tsx', path.join(root, 'bench', 'import-floor.ts'), floorTarget, String(roundId), path.join(tmp, 'mixed.csv')], {
      encoding: 'utf8',
    }),
  ) as { rows: number; seconds: number; rowsPerSecond: number }
  console.log(`load average at the start (1, 5, 15 min): ${load.map((value) => value.toFixed(1)).join(' ')}`)
  console.table(results)
  console.log(
    `storage floor (bench/import-floor.ts, the mixed file): ${floor.rows} rows in ${floor.seconds.toFixed(2)} s = ${Math.round(floor.rowsPerSecond)} rows/s`,
  )
  return results
}

/** The language a generated row was composed in, for rows the generator left without one. */
function languageOf(row: Row, sentences: Record<string, string[]>) {
  for (const [language, list] of Object.entries(sentences)) if (list.some((sentence) => row.text.includes(sentence))) return language
  return 'en'
}

// ---------------------------------------------------------------------------------------------
// HTTP
// ---------------------------------------------------------------------------------------------

const AUTOCANNON: string = 'autocannon'
type AutocannonResult = {
  requests: { total: number; average: number }
  latency: { p50: number; p99: number }
  non2xx: number
  errors: number
  '2xx': number
  '3xx': number
}

async function httpBench() {
  const connections = option('connections', 20)
  const seconds = option('seconds', 20)
  const port = option('port', 3306)
  const workers = option('workers', 2)
  const database = freshCopy('http')
  const { roundId } = openRound(database)
  const sentences = loadSentences(root)
  const sessions = createParticipants(database, connections)
  const env = {
    ...process.env,
    NODE_ENV: 'production',
    PORT: String(port),
    DATABASE_PATH: database,
    INSECURE_COOKIES: '1',
    WEB_CONCURRENCY: String(workers),
    // A benchmark's twenty clients comment far more often than people do: every limit out of reach.
    ...UNREACHABLE_RATE_LIMITS,
    RATE_LIMIT_DATABASE_PATH: path.join(tmp, 'rate-limits.db'),
  } as NodeJS.ProcessEnv
  const count = () => {
    const db = new Database(database, { readonly: true })
    const n = (db.prepare("select count(*) as n from comments where round_id = ? and status = 'submitted'").get(roundId) as { n: number }).n
    db.close()
    return n
  }
  const before = count()
  // BENCH_SERVER_ARGS: extra node options for the server, such as --cpu-prof.
  const extra = (process.env.BENCH_SERVER_ARGS ?? '').split(' ').filter(Boolean)
  const server = spawn(process.execPath, [...extra, path.relative(process.cwd(), path.join(app, 'server.js'))], {
    env,
    stdio: ['ignore', 'ignore', 'inherit'],
  })
  try {
    await waitFor(`http://localhost:${port}/healthz`)
    // autocannon ships no types; the few fields read below are typed here.
    const loaded: unknown = await import(AUTOCANNON)
    const autocannon = (loaded as { default: (options: object) => Promise<AutocannonResult> }).default
    const texts = Object.entries(sentences).flatMap(([language, list]) =>
      list.slice(0, 400).map((sentence, i) => ({ language, text: `${sentence} ${list[(i * 7 + 3) % list.length]}` })),
    )
    let next = 0
    const body = () => {
      const { text } = texts[next++ % texts.length]!
      return new URLSearchParams({
        intent: 'submit',
        clause: 'whole',
        position: 'amend',
        text,
        consent: 'anonymous',
        idempotencyKey: crypto.randomUUID(),
      }).toString()
    }
    const url = `http://localhost:${port}/rounds/${roundId}/comment`
    const result = await autocannon({
      url,
      connections,
      duration: seconds,
      requests: [
        {
          method: 'POST',
          setupRequest: (request: { headers: Record<string, string> }, context: { session?: string }) => {
            context.session ??= sessions[Math.floor(Math.random() * sessions.length)]
            return {
              ...request,
              headers: {
                ...request.headers,
                'content-type': 'application/x-www-form-urlencoded',
                origin: `http://localhost:${port}`,
                cookie: `concord_session=${context.session}`,
              },
              body: body(),
            }
          },
        },
      ],
    })
    const cpu = processorSeconds(server.pid!)
    // A submission answers 303 to the comment page; every one answered so must be stored.
    const answered = result['3xx']
    const stored = count() - before
    const figures = {
      workers,
      requests: result.requests.total,
      answered,
      other: result.requests.total - answered,
      errors: result.errors,
      'comments/s': Math.round(answered / seconds),
      'p50 ms': result.latency.p50,
      'p99 ms': result.latency.p99,
      'server cpu ms/comment': Math.round((cpu * 1000) / Math.max(1, answered) * 10) / 10,
      stored,
      missing: Math.max(0, answered - stored),
    }
    console.table([figures])
    return figures
  } finally {
    server.kill('SIGTERM')
  }
}

/** Processor time (user + system, seconds) of a process and its children (the cluster's workers), from /proc. */
function processorSeconds(pid: number): number {
  const ticks = 100
  const stat = (id: number) => {
    try {
      const fields = fs.readFileSync(`/proc/${id}/stat`, 'utf8').split(') ')[1]!.split(' ')
      return (Number(fields[11]) + Number(fields[12])) / ticks
    } catch {
      return 0
    }
  }
  const children = (id: number): number[] => {
    try {
      return fs
        .readFileSync(`/proc/${id}/task/${id}/children`, 'utf8')
        .trim()
        .split(/\s+/)
        .filter(Boolean)
        .map(Number)
    } catch {
      return []
    }
  }
  return stat(pid) + children(pid).reduce((sum, child) => sum + processorSeconds(child), 0)
}

async function waitFor(url: string) {
  for (let i = 0; i < 200; i++) {
    try {
      if ((await fetch(url)).ok) return
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  throw new Error(`${url} did not answer`)
}

/** Participants with lucia sessions written straight into the database; returns the session ids. */
function createParticipants(file: string, count: number) {
  const db = new Database(file)
  const ids: string[] = []
  const template = db.prepare("select * from users where role = 'participant' and category is not null limit 1").get() as Record<string, unknown>
  const columns = Object.keys(template).filter((name) => name !== 'id' && name !== 'email')
  const insertUser = db.prepare(
    `insert into users (id, email, ${columns.join(', ')}) values (?, ?, ${columns.map(() => '?').join(', ')})`,
  )
  const insertSession = db.prepare('insert into sessions (id, user_id, expires_at) values (?, ?, ?)')
  db.transaction(() => {
    for (let i = 0; i < count; i++) {
      const userId = crypto.randomBytes(10).toString('hex')
      insertUser.run(userId, `bench-${i}-${userId}@example.org`, ...columns.map((name) => template[name]))
      const sessionId = crypto.randomBytes(20).toString('hex')
      insertSession.run(sessionId, userId, Math.floor(Date.now() / 1000) + 3600)
      ids.push(sessionId)
    }
  })()
  db.close()
  return ids
}

const mode = process.argv[2]
if (mode === 'import') importBench()
else if (mode === 'http') await httpBench()
else {
  console.error('usage: node --import tsx bench/write-paths.ts import|http [options]')
  process.exitCode = 2
}
