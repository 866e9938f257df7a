/**
 * `npm run bench`: Concord at 10,000, 100,000 and 1,000,000 comments in one round, on this machine.
 *
 *   npm run bench -- [--sizes 10000,100000,1000000] [--quick] [--duration S] [--import-rows N] [--reuse] [--load-processes N]
 *
 * For each size: a reproducible synthetic round (bench/build-db.ts), its summary built and published,
 * the production build served by server.js (one process per core, WEB_CONCURRENCY) and driven by
 * autocannon from other processes (bench/load.ts, two side by side) with 20 connections in all, scenario by scenario, with the
 * server's resident memory sampled throughout; the same pages again with the page cache off
 * (PAGE_CACHE_MS=0); the module functions behind each page timed on their own (bench/queries.ts);
 * and the two floors of the same run: bench/floor-server.ts (node:http + better-sqlite3, the same
 * indexed read and the same insert) and /healthz, a Remix resource route of the same build that
 * renders nothing and reads no translation; beside the submissions, the framework's floor for a form
 * POST, the language switcher's action (/language) without a session. Every scenario also gets the
 * processor time the server's processes and the load generators used per answer, and the
 * submissions the rate both cores would allow at that cost and at the cost of what no submission
 * can do without. Then `concord comments import` on a generated file, and its floor
 * (bench/import-floor.ts): the same rows stored by better-sqlite3 alone.
 * Writes bench/results.json and prints the table. Work files go to bench/out/ (git-ignored).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import Database from 'better-sqlite3'
import { stringify } from 'csv-stringify/sync'
import { projectRoot } from '~/utils/paths.server'
import { UNREACHABLE_RATE_LIMITS } from '../e2e/rate-limit-env'
import type { RoundInfo } from './build-db'
import { loadSentences } from './corpus'
import { generate } from './generate'
import type { LoadResult, LoadSpec } from './load'
import { percentile } from './percentile'
import type { QueryTimings } from './queries'

const OUT = path.join(projectRoot, 'bench', 'out')
const APP_PORT = 3307
const FLOOR_PORT = 3308
const CONNECTIONS = 20
const CORES = os.cpus().length
/** Server processes, as WEB_CONCURRENCY: one per core. */
const WORKERS = CORES
const UNCACHED = 'page cache off: '
const LANGUAGES = ['en', 'fr', 'es', 'ar', 'ru', 'zh']
/** Bump when the generated databases change, so --reuse does not pick up an older one. */
const DATA_VERSION = 1

function option(name: string) {
  const index = process.argv.indexOf(`--${name}`)
  return index >= 0 ? process.argv[index + 1] : undefined
}
const quick = process.argv.includes('--quick')
const reuse = process.argv.includes('--reuse')
const sizes = (option('sizes') ?? '10000,100000,1000000').split(',').map(Number)
if (sizes.some((size) => !Number.isInteger(size) || size < 100))
  throw new Error('--sizes: whole numbers of comments, at least 100, separated by commas')
const duration = Number(option('duration') ?? (quick ? 3 : 10))
const warmup = quick ? 1 : 2
const importRows = Number(option('import-rows') ?? (quick ? 10_000 : 100_000))
/**
 * Load generators per scenario, side by side: one autocannon process is one thread, and on large
 * answers (a published summary, 45 KB) it spends a core parsing them before the server is busy.
 */
const LOAD_PROCESSES = Number(option('load-processes') ?? 2)
if (!Number.isInteger(LOAD_PROCESSES) || LOAD_PROCESSES < 1 || LOAD_PROCESSES > CONNECTIONS)
  throw new Error(`--load-processes: a whole number from 1 to ${CONNECTIONS}`)

const say = (message: string) => process.stderr.write(`[bench] ${message}\n`)
const node = process.execPath
const tsx = ['--import', 'tsx']

function runNode(args: string[], env: Record<string, string> = {}) {
  const result = spawnSync(node, args, {
    cwd: projectRoot,
    env: { ...process.env, ...env },
    encoding: 'utf8',
    maxBuffer: 1 << 28,
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  if (result.status !== 0) throw new Error(`node ${args.join(' ')} failed with status ${result.status}`)
  return result.stdout
}

/**
 * runNode without blocking this process: the load generator runs this way, so that the servers'
 * memory sampler (a timer in this process) keeps sampling while the load is on.
 */
function runNodeAsync(args: string[]) {
  return new Promise<string>((resolve, reject) => {
    const child = spawn(node, args, { cwd: projectRoot, env: process.env, stdio: ['ignore', 'pipe', 'inherit'] })
    const chunks: Buffer[] = []
    child.stdout.on('data', (chunk: Buffer) => chunks.push(chunk))
    child.on('error', reject)
    child.on('close', (status) => {
      if (status === 0) resolve(Buffer.concat(chunks).toString('utf8'))
      else reject(new Error(`node ${args.join(' ')} failed with status ${status}`))
    })
  })
}

function removeDatabase(file: string) {
  for (const suffix of ['', '-journal', '-wal', '-shm']) fs.rmSync(file + suffix, { force: true })
}

async function waitForHealth(port: number, child: ChildProcess, pathname: string) {
  const deadline = Date.now() + 120_000
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the server on port ${port} exited with ${child.exitCode}`)
    try {
      const response = await fetch(`http://127.0.0.1:${port}${pathname}`)
      if (response.status < 500) return
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 200))
  }
  throw new Error(`the server on port ${port} did not answer`)
}

/**
 * A figure of a process added up over it and its children (cluster workers), read from /proc
 * (Linux) by `own`; 0 for a process that has gone.
 */
function overTree(pid: number, own: (pid: number) => number): number {
  try {
    const children = fs
      .readdirSync(`/proc/${pid}/task`)
      .flatMap((task) =>
        fs.readFileSync(`/proc/${pid}/task/${task}/children`, 'utf8').trim().split(/\s+/).filter(Boolean),
      )
      .map(Number)
    return own(pid) + children.reduce((sum, child) => sum + overTree(child, own), 0)
  } catch {
    return 0
  }
}

/** Resident memory of a process and its children in bytes. */
function rssOf(pid: number): number {
  return overTree(pid, (one) => {
    const match = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${one}/status`, 'utf8'))
    return match ? Number(match[1]) * 1024 : 0
  })
}

/** Clock ticks a second, for the processor times in /proc/PID/stat. */
const CLOCK_TICKS = (() => {
  const result = spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' })
  return Number(result.stdout?.trim()) || 100
})()

/** Processor time (user and system) a process and its children have used, in ms. */
function cpuOf(pid: number): number {
  return overTree(pid, (one) => {
    // The fields after the command's name, which is in parentheses and may hold spaces.
    const fields = fs.readFileSync(`/proc/${one}/stat`, 'utf8').replace(/^.*\) /s, '').split(' ')
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS
  })
}

class Server {
  peak = 0
  private sampler: NodeJS.Timeout | undefined
  private constructor(readonly child: ChildProcess) {}

  static async start(args: string[], env: Record<string, string>, port: number, health: string, log: string) {
    const out = fs.openSync(log, 'w')
    const child = spawn(node, args, {
      cwd: projectRoot,
      env: { ...process.env, ...env, PORT: String(port) },
      stdio: ['ignore', out, out],
    })
    fs.closeSync(out)
    const server = new Server(child)
    await waitForHealth(port, child, health)
    server.sampler = setInterval(() => server.sample(), 100)
    return server
  }

  sample() {
    if (this.child.pid) this.peak = Math.max(this.peak, rssOf(this.child.pid))
  }

  /** Starts a new window of peak memory; returns the peak of the one that ends. */
  window() {
    this.sample()
    const peak = this.peak
    this.peak = this.child.pid ? rssOf(this.child.pid) : 0
    return peak
  }

  rss() {
    return this.child.pid ? rssOf(this.child.pid) : 0
  }

  /** Processor time used so far by the server's processes, in ms. */
  cpuMs() {
    return this.child.pid ? cpuOf(this.child.pid) : 0
  }

  async stop() {
    clearInterval(this.sampler)
    if (this.child.exitCode !== null) return
    const exited = new Promise((resolve) => this.child.once('exit', resolve))
    this.child.kill('SIGTERM')
    await exited
  }
}

type Scenario = LoadResult & {
  name: string
  rssPeakMB: number
  /** Processor time per answer, in ms: the server's processes', and the load generators'. */
  serverCpuMsPerRequest: number
  generatorCpuMsPerRequest: number
  floor?: string
}

/**
 * Drives one scenario for `seconds` with LOAD_PROCESSES load generators side by side, the
 * connections shared among them, and merges what they measured: their requests and answers added
 * up, and the percentiles taken over all of their latencies together.
 */
async function drive(file: string, spec: Omit<LoadSpec, 'connections' | 'duration'>, seconds: number): Promise<LoadResult> {
  const parts = Array.from({ length: LOAD_PROCESSES }, (_, index) => {
    const partFile = file.replace(/\.json$/, `-${index}.json`)
    const latencies = file.replace(/\.json$/, `-${index}.latencies`)
    const connections = Math.floor(CONNECTIONS / LOAD_PROCESSES) + (index < CONNECTIONS % LOAD_PROCESSES ? 1 : 0)
    fs.writeFileSync(partFile, JSON.stringify({ ...spec, connections, duration: seconds, part: { index, latencies } }))
    return { partFile, latencies }
  })
  const results = await Promise.all(parts.map(async ({ partFile }) => JSON.parse(await runNodeAsync([...tsx, 'bench/load.ts', partFile])) as LoadResult))
  // Each file is its generator's Float64Array of latencies, as written.
  const files = parts.map(({ latencies }) => fs.readFileSync(latencies))
  const all = new Float64Array(files.reduce((sum, bytes) => sum + bytes.byteLength / 8, 0))
  let offset = 0
  for (const bytes of files) {
    all.set(new Float64Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 8), offset)
    offset += bytes.byteLength / 8
  }
  all.sort()
  const requests = results.reduce((sum, result) => sum + result.requests, 0)
  const statuses: Record<string, number> = {}
  for (const result of results) for (const [status, n] of Object.entries(result.statuses)) statuses[status] = (statuses[status] ?? 0) + n
  return {
    requests,
    seconds: Math.max(...results.map((result) => result.seconds)),
    // Each generator's own rate, added up: they run over the same seconds, give or take their start.
    rps: results.reduce((sum, result) => sum + result.rps, 0),
    p50: percentile(all, 50),
    p95: percentile(all, 95),
    p99: percentile(all, 99),
    max: all[all.length - 1] ?? 0,
    statuses,
    errors: results.reduce((sum, result) => sum + result.errors, 0),
    bytesPerResponse: requests ? results.reduce((sum, result) => sum + result.bytesPerResponse * result.requests, 0) / requests : 0,
    cpuMs: results.reduce((sum, result) => sum + result.cpuMs, 0),
    ...(spec.submit ? { accepted: results.flatMap((result) => result.accepted ?? []) } : {}),
  }
}

async function load(name: string, spec: Omit<LoadSpec, 'connections' | 'duration'>, server: Server): Promise<Scenario> {
  const file = path.join(OUT, `load-${name.replace(/[^a-z0-9]+/gi, '-')}.json`)
  if (!spec.submit) await drive(file, spec, warmup)
  server.window()
  const cpuBefore = server.cpuMs()
  const result = await drive(file, spec, duration)
  const serverCpuMs = server.cpuMs() - cpuBefore
  const rssPeakMB = server.window() / 2 ** 20
  const perRequest = (ms: number) => (result.requests ? ms / result.requests : 0)
  const scenario = {
    name,
    ...result,
    rssPeakMB,
    serverCpuMsPerRequest: perRequest(serverCpuMs),
    generatorCpuMsPerRequest: perRequest(result.cpuMs),
  }
  say(
    `${name}: ${result.rps.toFixed(0)} req/s, p50 ${result.p50.toFixed(1)} ms, p95 ${result.p95.toFixed(
      1,
    )} ms, p99 ${result.p99.toFixed(1)} ms, errors ${result.errors}, RSS ${rssPeakMB.toFixed(0)} MB, processor ${scenario.serverCpuMsPerRequest.toFixed(
      2,
    )} ms a request (load generators ${scenario.generatorCpuMsPerRequest.toFixed(2)} ms)`,
  )
  return scenario
}

/**
 * Every page request in the reader languages in turn, so each language's strings are read, and
 * accepting compressed answers as every browser does (Chromium's Accept-Encoding, without zstd).
 */
function pages(paths: string[], headers: Record<string, string> = {}) {
  return paths.flatMap((pathname) =>
    LANGUAGES.map((language) => ({
      path: pathname,
      headers: { ...headers, 'accept-language': language, 'accept-encoding': 'gzip, deflate, br' },
    })),
  )
}

function databaseFigures(file: string, info: RoundInfo) {
  const sqlite = new Database(file, { readonly: true })
  const bytes = fs.statSync(file).size
  const tables: Record<string, number> = {}
  try {
    const rows = sqlite
      .prepare(
        'select tbl_name as name, sum(pgsize) as bytes from dbstat join sqlite_master using (name) group by tbl_name order by 2 desc',
      )
      .all() as {
      name: string
      bytes: number
    }[]
    for (const row of rows) tables[row.name] = row.bytes
  } catch {
    // dbstat is not compiled in: the file size alone
  }
  sqlite.close()
  return { bytes, bytesPerComment: bytes / info.comments, tables }
}

function verifySubmissions(file: string, accepted: { userId: string; key: string }[]) {
  const sqlite = new Database(file, { readonly: true })
  const find = sqlite.prepare('select 1 from comments where idempotency_key = ?').pluck()
  const missing = accepted.filter(({ userId, key }) => !find.get(`${userId}:${key}`)).length
  sqlite.close()
  return missing
}

async function measureSize(size: number) {
  const info = buildRound(size)
  const pristine = path.join(OUT, `round-${size}.db`)
  const database = databaseFigures(pristine, info)
  say(`${size}: ${(database.bytes / 2 ** 20).toFixed(0)} MB, ${database.bytesPerComment.toFixed(0)} bytes per comment`)

  const file = path.join(OUT, `run-${size}.db`)
  removeDatabase(file)
  fs.copyFileSync(pristine, file)

  say(`${size}: module functions`)
  const queries = JSON.parse(
    runNode([...tsx, 'bench/queries.ts', file, JSON.stringify(info)], { DATABASE_PATH: file }),
  ) as QueryTimings

  const round = `/rounds/${info.roundId}`
  const filters = info.allFilters
  const moderator = { cookie: info.moderatorCookie }
  const url = `http://127.0.0.1:${APP_PORT}`
  // The server as `npm start` runs it (its page cache on), and again with the page cache off
  // (PAGE_CACHE_MS=0), so that every page is rendered for every request.
  const startApp = (pageCacheMs: string, log: string) =>
    Server.start(
      ['server.js'],
      {
        NODE_ENV: 'production',
        DATABASE_PATH: file,
        INSECURE_COOKIES: '1',
        SESSION_SECRET: 'concord-benchmark-flash-secret',
        WEB_CONCURRENCY: process.env.WEB_CONCURRENCY ?? String(WORKERS),
        PAGE_CACHE_MS: pageCacheMs,
        // Twenty clients submitting as fast as they can are not people: the limits out of reach.
        ...UNREACHABLE_RATE_LIMITS,
        RATE_LIMIT_DATABASE_PATH: ':memory:',
      },
      APP_PORT,
      '/healthz',
      path.join(OUT, log),
    )
  let app = await startApp('1000', `server-${size}.log`)
  const rssIdleMB = app.rss() / 2 ** 20
  const scenarios: Scenario[] = []
  const run = async (name: string, spec: Omit<LoadSpec, 'connections' | 'duration'>, floor?: string) => {
    scenarios.push({ ...(await load(`${size}-${name}`, spec, app)), name, floor })
  }
  const reads = async (suffix: string) => {
    await run(suffix + 'static floor (/healthz)', { url, requests: [{ path: '/healthz' }] })
    await run(suffix + 'round page', { url, requests: pages([round]) }, 'read')
    await run(suffix + 'comments, first page', { url, requests: pages([`${round}/comments`]) }, 'read')
    await run(
      suffix + 'comments, one filter each',
      {
        url,
        requests: pages([
          `${round}/comments?clause=${filters.clause}`,
          `${round}/comments?category=${filters.category}`,
          `${round}/comments?region=${filters.region}`,
          `${round}/comments?position=${filters.position}`,
          `${round}/comments?language=${filters.language}`,
        ]),
      },
      'read',
    )
    await run(
      suffix + 'comments, every filter',
      {
        url,
        requests: pages([
          `${round}/comments?clause=${filters.clause}&category=${filters.category}&region=${filters.region}&position=${filters.position}&language=${filters.language}`,
        ]),
      },
      'read',
    )
    await run(
      suffix + 'comments, deep page',
      { url, requests: pages([`${round}/comments?before=${info.deepBefore}`]) },
      'read',
    )
    await run(suffix + 'moderation queue', { url, requests: pages([`/moderate${round}/queue`], moderator) }, 'read')
    await run(
      suffix + 'moderation queue, filtered',
      {
        url,
        requests: pages(
          [
            `/moderate${round}/queue?state=unreviewed`,
            `/moderate${round}/queue?clause=${filters.clause}`,
            `/moderate${round}/queue?language=${filters.language}&category=${filters.category}`,
            `/moderate${round}/queue?concern=${info.concernKeys[0]}`,
          ],
          moderator,
        ),
      },
      'read',
    )
    await run(suffix + 'published summary', { url, requests: pages([`${round}/summary`]) }, 'read')
  }
  try {
    await reads('')
    // The framework's own floor for a form POST: the language switcher's action, anonymous, reads
    // a two-field form and answers with a redirect and a cookie, without touching the database.
    await run('form POST floor (/language)', { url, requests: [{ path: '/language', form: { lng: 'fr', redirectTo: round } }] })
    const tag = `b${Date.now().toString(36)}`
    await run(
      'comment submission',
      { url, submit: { path: `${round}/comment`, tag, participants: info.participants, clauseIds: info.clauseIds } },
      'insert',
    )
  } finally {
    await app.stop()
  }
  app = await startApp('0', `server-${size}-uncached.log`)
  try {
    await reads(UNCACHED)
  } finally {
    await app.stop()
  }
  const submission = scenarios.find((scenario) => scenario.name === 'comment submission')!
  const accepted = submission.accepted ?? []
  const missing = verifySubmissions(file, accepted)
  say(`${size}: ${accepted.length} submissions answered with success, ${missing} of them missing from the database`)
  delete submission.accepted

  const floorUrl = `http://127.0.0.1:${FLOOR_PORT}`
  const floor = await Server.start(
    [...tsx, 'bench/floor-server.ts', String(info.roundId)],
    { DATABASE_PATH: file },
    FLOOR_PORT,
    '/comments',
    path.join(OUT, `floor-${size}.log`),
  )
  const floors: Scenario[] = []
  try {
    floors.push({
      ...(await load(`${size}-floor-read`, { url: floorUrl, requests: [{ path: '/comments' }] }, floor)),
      name: 'read floor (node:http + SQLite)',
    })
    floors.push({
      ...(await load(
        `${size}-floor-insert`,
        {
          url: floorUrl,
          submit: {
            path: '/comment',
            tag: `f${Date.now().toString(36)}`,
            participants: info.participants,
            clauseIds: info.clauseIds,
          },
        },
        floor,
      )),
      name: 'insert floor (node:http + SQLite)',
    })
    delete floors[1]!.accepted
  } finally {
    await floor.stop()
  }
  const floorOf = { read: floors[0]!, insert: floors[1]! }
  for (const scenario of scenarios) {
    if (!scenario.floor) continue
    const own = floorOf[scenario.floor as 'read' | 'insert']
    // The static floor of the same server: the one with or without its page cache.
    const prefix = scenario.name.startsWith(UNCACHED) ? UNCACHED : ''
    const staticFloor = scenarios.find((other) => other.name === `${prefix}static floor (/healthz)`)!
    Object.assign(scenario, { ofFloor: scenario.rps / own.rps, ofStatic: scenario.rps / staticFloor.rps })
  }
  const postFloor = scenarios.find((scenario) => scenario.name === 'form POST floor (/language)')!
  // What the processors allow: every core busy with the server's and the load generators' work per
  // comment, as measured, and nothing else.
  const processorBound = (CORES * 1000) / (submission.serverCpuMsPerRequest + submission.generatorCpuMsPerRequest)
  // What no submission through this stack can do without, each part measured on its own in this
  // run: the framework's form POST, the analysis the target names, the insert (the insert floor's
  // processor time less the read floor's, which is at least its HTTP) and the load generators'
  // share. Their sum bounds the rate from above even if Concord added nothing of its own.
  const irreducible = {
    formPostMs: postFloor.serverCpuMsPerRequest,
    analysisMs: queries.timings['comments: analyseText (a submitted comment)']!.meanMs,
    insertMs: Math.max(0, floorOf.insert.serverCpuMsPerRequest - floorOf.read.serverCpuMsPerRequest),
    loadGeneratorsMs: submission.generatorCpuMsPerRequest,
  }
  const irreducibleMs = Object.values(irreducible).reduce((sum, ms) => sum + ms, 0)
  Object.assign(submission, {
    ofPostFloor: submission.rps / postFloor.rps,
    processorBound,
    irreducible: { ...irreducible, totalMs: irreducibleMs, bound: (CORES * 1000) / irreducibleMs },
  })
  return {
    comments: size,
    submittedInRound: info.submitted,
    buildSeconds: info.buildSeconds,
    summaryBuildMs: queries.summaryBuildMs,
    database,
    rssIdleMB,
    rssPeakMB: Math.max(...scenarios.map((scenario) => scenario.rssPeakMB)),
    submissions: { accepted: accepted.length, missing },
    scenarios,
    floors,
    queries,
  }
}

function buildRound(size: number): RoundInfo {
  const templateFile = path.join(OUT, 'template.db')
  const file = path.join(OUT, `round-${size}.db`)
  const infoFile = path.join(OUT, `info-${size}.json`)
  if (reuse && fs.existsSync(file) && fs.existsSync(infoFile)) {
    const saved = JSON.parse(fs.readFileSync(infoFile, 'utf8')) as RoundInfo & { version?: number }
    if (saved.version === DATA_VERSION) {
      say(`${size}: reusing ${path.relative(projectRoot, file)}`)
      return saved
    }
  }
  if (!fs.existsSync(templateFile) || !reuse) {
    say('template database (migrations and the demo consultation)')
    runNode([...tsx, 'bench/build-db.ts', 'template', templateFile], { DATABASE_PATH: templateFile })
  }
  say(`${size}: building the round`)
  const info = JSON.parse(
    runNode([...tsx, 'bench/build-db.ts', 'round', templateFile, file, String(size)], { DATABASE_PATH: file }),
  ) as RoundInfo
  fs.writeFileSync(infoFile, JSON.stringify({ ...info, version: DATA_VERSION }))
  say(`${size}: built in ${info.buildSeconds.toFixed(1)} s`)
  return info
}

/** `concord comments import` of a generated file into the demo's open round, timed from outside. */
function measureImport(rows: number) {
  const templateFile = path.join(OUT, 'template.db')
  const file = path.join(OUT, 'import.db')
  const csv = path.join(OUT, `import-${rows}.csv`)
  removeDatabase(file)
  fs.copyFileSync(templateFile, file)
  const sqlite = new Database(file, { readonly: true })
  const roundId = sqlite.prepare("select id from rounds where title = 'Second reading'").pluck().get() as number
  const labels = sqlite
    .prepare('select label from clauses where version_id = (select version_id from rounds where id = ?)')
    .pluck()
    .all(roundId) as string[]
  sqlite.close()
  const generated = Array.from(generate(rows, labels, loadSentences(projectRoot), 99), (item) => item.row)
  fs.writeFileSync(csv, stringify(generated, { header: true }))
  say(`import: ${rows} rows`)
  const started = performance.now()
  const output = runNode(['app/cli/concord.js', 'comments', 'import', '--round', String(roundId), csv], {
    DATABASE_PATH: file,
  })
  const seconds = (performance.now() - started) / 1000
  const reported = /([\d,]+) rows\/s/.exec(output)
  // The floor: the same rows stored into a fresh copy of the same database by better-sqlite3 alone.
  removeDatabase(file)
  fs.copyFileSync(templateFile, file)
  const floor = JSON.parse(runNode([...tsx, 'bench/import-floor.ts', file, String(roundId), csv])) as {
    rows: number
    seconds: number
    rowsPerSecond: number
  }
  const result = {
    rows,
    seconds,
    rowsPerSecond: rows / seconds,
    reportedRowsPerSecond: reported ? Number(reported[1]!.replace(/,/g, '')) : null,
    floor,
    ofFloor: rows / seconds / floor.rowsPerSecond,
    output: output.trim().split('\n'),
  }
  say(
    `import: ${result.rowsPerSecond.toFixed(0)} rows/s from the outside (the command says ${
      result.reportedRowsPerSecond ?? '?'
    } rows/s); the storage floor ${floor.rowsPerSecond.toFixed(0)} rows/s`,
  )
  return result
}

function table(results: Awaited<ReturnType<typeof measureSize>>[], importResult: ReturnType<typeof measureImport>) {
  const lines = [
    '| comments | scenario | req/s | p50 ms | p95 ms | p99 ms | errors | × own floor | × static floor | peak RSS MB | server CPU ms/req | load CPU ms/req |',
    '|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
  ]
  const number = (value: number, digits = 0) =>
    value.toLocaleString('en', { maximumFractionDigits: digits, minimumFractionDigits: digits })
  for (const result of results) {
    for (const scenario of [...result.scenarios, ...result.floors] as (Scenario & {
      ofFloor?: number
      ofStatic?: number
    })[]) {
      lines.push(
        `| ${number(result.comments)} | ${scenario.name} | ${number(scenario.rps)} | ${number(
          scenario.p50,
          1,
        )} | ${number(scenario.p95, 1)} | ${number(scenario.p99, 1)} | ${scenario.errors} | ${
          scenario.ofFloor ? number(scenario.ofFloor, 2) : ''
        } | ${scenario.ofStatic ? number(scenario.ofStatic, 2) : ''} | ${number(scenario.rssPeakMB)} | ${number(
          scenario.serverCpuMsPerRequest,
          2,
        )} | ${number(scenario.generatorCpuMsPerRequest, 2)} |`,
      )
    }
  }
  for (const result of results) {
    const submission = result.scenarios.find((scenario) => scenario.name === 'comment submission') as Scenario & {
      ofPostFloor: number
      processorBound: number
      irreducible: Record<'formPostMs' | 'analysisMs' | 'insertMs' | 'loadGeneratorsMs' | 'totalMs' | 'bound', number>
    }
    const parts = submission.irreducible
    lines.push(
      '',
      `${number(result.comments)}: comment submission ${number(submission.rps)}/s, × form POST floor ${number(
        submission.ofPostFloor,
        2,
      )}; ${number(submission.serverCpuMsPerRequest, 2)} ms of the server's processor time a comment and ${number(
        submission.generatorCpuMsPerRequest,
        2,
      )} ms of the load generators': ${CORES} cores allow at most ${number(submission.processorBound)} a second. ` +
        `What no submission can do without: the form POST ${number(parts.formPostMs, 2)} ms + the analysis ${number(
          parts.analysisMs,
          2,
        )} ms + the insert ${number(parts.insertMs, 2)} ms + the load generators ${number(parts.loadGeneratorsMs, 2)} ms = ${number(
          parts.totalMs,
          2,
        )} ms: at most ${number(parts.bound)} a second`,
    )
  }
  lines.push(
    '',
    '| comments | build s | summary figures ms | DB MB | bytes/comment | submissions ok / missing |',
    '|---:|---:|---:|---:|---:|---|',
  )
  for (const result of results) {
    lines.push(
      `| ${number(result.comments)} | ${number(result.buildSeconds, 1)} | ${number(result.summaryBuildMs)} | ${number(
        result.database.bytes / 2 ** 20,
      )} | ${number(result.database.bytesPerComment)} | ${result.submissions.accepted} / ${
        result.submissions.missing
      } |`,
    )
  }
  lines.push(
    '',
    `concord comments import: ${number(importResult.rows)} rows in ${number(importResult.seconds, 1)} s = ${number(
      importResult.rowsPerSecond,
    )} rows/s (the command reports ${importResult.reportedRowsPerSecond ?? '?'} rows/s); storage floor (bench/import-floor.ts) ${number(
      importResult.floor.rowsPerSecond,
    )} rows/s, × floor ${number(importResult.ofFloor, 2)}`,
  )
  return lines.join('\n')
}

fs.mkdirSync(OUT, { recursive: true })
say('npm run build')
const build = spawnSync('npm', ['run', 'build'], { cwd: projectRoot, stdio: ['ignore', 'ignore', 'inherit'] })
if (build.status !== 0) throw new Error('npm run build failed')
const results = []
for (const size of sizes) results.push(await measureSize(size))
const importResult = measureImport(importRows)
const report = {
  command: `npm run bench -- ${process.argv.slice(2).join(' ')}`.trim(),
  date: new Date().toISOString(),
  quick,
  durationSeconds: duration,
  connections: CONNECTIONS,
  loadProcesses: LOAD_PROCESSES,
  machine: {
    cpus: os.cpus().length,
    model: os.cpus()[0]?.model ?? '',
    memoryGB: os.totalmem() / 2 ** 30,
    node: process.version,
    loadAverage: os.loadavg(),
  },
  sizes: results,
  import: importResult,
}
fs.writeFileSync(path.join(projectRoot, 'bench', 'results.json'), JSON.stringify(report, null, 2) + '\n')
process.stdout.write(table(results, importResult) + '\n')
