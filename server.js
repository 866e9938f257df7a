// Concord's HTTP server: the Remix build behind Express, with the security headers, a per-response
// CSP nonce, same-origin checks on every state-changing request, and graceful shutdown.
import cluster from 'node:cluster'
import crypto from 'node:crypto'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const root = path.dirname(fileURLToPath(import.meta.url))
process.env.NODE_ENV ??= 'production'
const port = Number(process.env.PORT || 3000)
const host = process.env.HOST || '0.0.0.0'
const maxBodyBytes = Number(process.env.MAX_BODY_BYTES || 2 * 1024 * 1024)

// Several processes (WEB_CONCURRENCY, default 1): Node's cluster module over the one SQLite file in
// WAL mode, so that a machine's cores all serve. The first process becomes a primary that serves
// nothing: it starts one worker, and the others once the first listens (so migrations and reference
// data are applied once, by the first), starts a worker again when one dies, passes SIGTERM/SIGINT on
// to the workers and exits when they have all stopped, with code 1 if any did. Workers share the
// port and run everything below; what they share lives in SQLite (sessions, rate limits, the concern
// model's version) or in files (checked import files and import jobs).
const concurrency = Math.max(1, Math.floor(Number(process.env.WEB_CONCURRENCY || 1)))
if (concurrency > 1 && cluster.isPrimary) {
  // One flash-cookie secret for all workers: a cookie set by one is read by another.
  process.env.SESSION_SECRET ||= crypto.randomBytes(32).toString('hex')
  // V8's heap in each worker: a young generation of two 4 MB halves (16 MB each by default) and an
  // old one grown to at most 1.6 times what a collection leaves (V8 otherwise lets it grow up to four
  // times). Under load that keeps the processes together well over 100 MB smaller, under 500 MB at a
  // million comments, for about 0.15 ms more processor time a request (README, decision 25). Flags
  // given to node are kept and win.
  const given = `${process.env.NODE_OPTIONS ?? ''} ${process.execArgv.join(' ')}`
  const heapFlags = ['--max-semi-space-size=4', '--heap-growing-percent=60'].filter((flag) => !given.includes(flag.split('=')[0]))
  cluster.setupPrimary({ execArgv: [...heapFlags, ...process.execArgv] })
  let stopping = false
  let failed = false
  let listened = false
  cluster.fork().once('listening', () => {
    listened = true
    for (let i = 1; i < concurrency; i++) cluster.fork()
  })
  cluster.on('exit', (worker, code, signal) => {
    // The first worker could not start (a port in use, a database it cannot open): stop too.
    if (!listened) process.exit(code || 1)
    if (code !== 0) failed = true
    if (stopping) {
      if (!Object.keys(cluster.workers ?? {}).length) process.exit(failed ? 1 : 0)
      return
    }
    console.log(JSON.stringify({ level: 'warn', msg: 'worker stopped, starting another', code, signal }))
    setTimeout(() => cluster.fork(), 1000)
  })
  const stop = (signal) => {
    if (stopping) return
    stopping = true
    for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill(signal)
  }
  process.on('SIGTERM', () => stop('SIGTERM'))
  process.on('SIGINT', () => stop('SIGINT'))
  // The primary stays here; only workers go on to serve.
  await new Promise(() => {})
}

// What serving needs, loaded by the processes that serve: the primary stays a small process.
const [{ createRequestHandler }, { default: express }, { default: compression }, { default: helmet }, { pageCache }] = await Promise.all([
  import('@remix-run/express'),
  import('express'),
  import('compression'),
  import('helmet'),
  import('./page-cache.js'),
])
const build = await import(path.join(root, 'build/index.js'))
const app = express()
app.disable('x-powered-by')
app.set('trust proxy', process.env.TRUST_PROXY === '1')

// Scripts, styles and data compressed for browsers that accept them (all do). HTML pages are
// compressed by the page cache, once for every reader of a kept page: compressing each rendering as
// React streams it cost a third of the pages a second the server renders (decision 24).
app.use(compression({ filter: (req, res) => !/^text\/html\b/.test(String(res.getHeader('Content-Type') ?? '')) && compression.filter(req, res) }))
app.use((req, res, next) => {
  res.locals.cspNonce = crypto.randomBytes(16).toString('base64')
  next()
})
app.use(
  helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        'default-src': ["'self'"],
        'script-src': ["'self'", (req, res) => `'nonce-${res.locals.cspNonce}'`],
        'style-src': ["'self'"],
        'img-src': ["'self'", 'data:'],
        'font-src': ["'self'"],
        'connect-src': ["'self'"],
        'form-action': ["'self'"],
        'frame-ancestors': ["'none'"],
        'base-uri': ["'none'"],
        'object-src': ["'none'"],
      },
    },
    crossOriginEmbedderPolicy: false,
    // As frame-ancestors 'none', for browsers that only know the older header.
    xFrameOptions: { action: 'deny' },
    strictTransportSecurity: process.env.HSTS === '1',
    referrerPolicy: { policy: 'strict-origin-when-cross-origin' },
  }),
)
app.use((req, res, next) => {
  res.setHeader('Permissions-Policy', 'camera=(), microphone=(), geolocation=(), payment=(), usb=()')
  next()
})

// Refuse state-changing requests from other origins (CSRF), and bodies over the limit.
app.use((req, res, next) => {
  if (req.method === 'GET' || req.method === 'HEAD' || req.method === 'OPTIONS') return next()
  const origin = req.get('origin')
  if (origin && origin !== 'null') {
    let sameOrigin = false
    try {
      sameOrigin = new URL(origin).host === req.get('host')
    } catch {
      sameOrigin = false
    }
    if (!sameOrigin) return res.status(403).type('text/plain').send('Cross-origin request refused')
  } else if (origin === 'null') {
    return res.status(403).type('text/plain').send('Cross-origin request refused')
  }
  // A body must say its length, so the limit below holds before anything is read (browsers always do).
  if (req.get('transfer-encoding') && !req.get('content-length')) {
    return res.status(411).type('text/plain').send('Length required')
  }
  const length = Number(req.get('content-length') || 0)
  // Comment files of up to 50 MB go to the import route, which answers a translated 413 itself.
  const importPath = /^\/moderate\/rounds\/\d+\/import(?:\.data)?$/
  const limit = importPath.test(req.path) ? Math.max(maxBodyBytes, 60 * 1024 * 1024) : maxBodyBytes
  if (length > limit) return res.status(413).type('text/plain').send('Request body too large')
  next()
})

// One JSON line per request: no query string, address, cookie or body, so no personal data.
app.use((req, res, next) => {
  const started = process.hrtime.bigint()
  res.on('finish', () => {
    if (req.path === '/healthz') return
    const ms = Number(process.hrtime.bigint() - started) / 1e6
    // originalUrl: req.path is relative to a mount point (/build) by the time the response ends.
    const line = { level: 'info', msg: 'request', method: req.method, path: req.originalUrl.split('?')[0], status: res.statusCode, ms: Math.round(ms * 10) / 10 }
    process.stdout.write(JSON.stringify(line) + '\n')
  })
  next()
})

app.use('/build', express.static(path.join(root, 'public/build'), { immutable: true, maxAge: '1y' }))
// The files of public/ outside build/, looked up only for their own paths rather than on disk for every page.
const publicFiles = express.static(path.join(root, 'public'), { maxAge: '1h' })
app.get('/favicon.svg', publicFiles)
app.use(
  pageCache({
    databasePath: process.env.DATABASE_PATH || path.join(root, 'data', 'concord.db'),
    ttlMs: Number(process.env.PAGE_CACHE_MS ?? 1000),
    skip: (req) => req.path === '/healthz',
  }),
)
// clientAddress: what the rate limits count per address (req.ip honours TRUST_PROXY).
app.all('*', createRequestHandler({ build, getLoadContext: (req, res) => ({ cspNonce: res.locals.cspNonce, clientAddress: req.ip }) }))

// Errors outside Remix (a malformed URL, say): a JSON log line naming the kind of error only (its
// message may quote what was sent), instead of Express's stack trace on stderr.
app.use((error, req, res, next) => {
  const status = Number.isInteger(error?.status) && error.status >= 400 && error.status < 600 ? error.status : 500
  process.stderr.write(JSON.stringify({ level: 'error', msg: 'request failed', method: req.method, status, error: error?.name ?? 'Error' }) + '\n')
  if (res.headersSent) return next(error)
  res.status(status).type('text/plain').send(status === 500 ? 'Internal server error' : 'Bad request')
})

const server = app.listen(port, host, () => {
  console.log(JSON.stringify({ level: 'info', msg: 'listening', port }))
})
server.keepAliveTimeout = 65_000

// Graceful shutdown: stop accepting, let requests in flight finish, then exit. A keep-alive
// connection is closed as soon as its last response is done; a response that starts during the
// shutdown says Connection: close. After SHUTDOWN_TIMEOUT_MS the process exits anyway, with code 1.
const shutdownTimeoutMs = Number(process.env.SHUTDOWN_TIMEOUT_MS || 10_000)
let shuttingDown = false
let inFlight = 0
server.on('request', (req, res) => {
  inFlight += 1
  if (shuttingDown && !res.headersSent) res.setHeader('Connection', 'close')
  res.on('close', () => {
    inFlight -= 1
    if (shuttingDown) setImmediate(() => server.closeIdleConnections())
  })
})

function shutdown(signal) {
  if (shuttingDown) return
  shuttingDown = true
  console.log(JSON.stringify({ level: 'info', msg: 'shutting down', signal, inFlight }))
  server.close(() => {
    console.log(JSON.stringify({ level: 'info', msg: 'stopped' }))
    process.exit(0)
  })
  server.closeIdleConnections()
  setTimeout(() => {
    console.log(JSON.stringify({ level: 'warn', msg: 'shutdown timed out', inFlight }))
    process.exit(1)
  }, shutdownTimeoutMs).unref()
}
process.on('SIGTERM', () => shutdown('SIGTERM'))
process.on('SIGINT', () => shutdown('SIGINT'))
// A worker whose primary is gone (killed with SIGKILL, say) stops too, rather than serve on unsupervised.
if (cluster.isWorker) process.on('disconnect', () => shutdown('disconnect'))
