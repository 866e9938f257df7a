// A short-lived cache of rendered pages, in front of the Remix handler (see the README's decision on
// page caching). A page is kept for PAGE_CACHE_MS (1 s by default; 0 turns the cache off) and only
// while the database is unchanged: every request reads SQLite's `PRAGMA data_version` on a
// connection of its own, which changes whenever any other connection — of this process or another —
// commits. So a reader never sees a page older than the last write, and a burst of readers of the
// same page costs one rendering a second instead of one each.
//
// A page that depends on nothing but the database and the request (the public comments, the
// moderation queue, a published summary: no "in 3 days", no state that the clock turns) says how
// long it may be kept in the response header X-Concord-Page-Lifetime (milliseconds; see
// app/utils/http.server.ts, pageLifetime), which this cache removes before the answer leaves: such
// a page is kept that long, still only while the database is unchanged.
//
// The key is everything a page is made of besides the database and the clock: the URL, the cookies
// (the session, so a moderator's queue is theirs alone) and Accept-Language. Only GET answers with
// status 200, an HTML body, no Set-Cookie and no `no-store` are kept: a page that must differ on
// each visit (the comment form, whose one-time idempotency keys keep two tabs' comments apart) says
// `no-store`.
//
// A kept page is sent as it was rendered, byte for byte, with the Content-Security-Policy it was
// rendered under, and compressed once for each encoding asked for, the first time one is: brotli to
// a browser that takes it at least as gladly as gzip (every browser does over HTTPS; a published
// summary is 47 KB as brotli, 68 KB as gzip, 409 KB as rendered), else gzip, else the page
// itself. Its scripts' nonce is therefore the same for every reader of that page while it is kept.
// A nonce guards against markup injected into a page that would carry the page's nonce; a kept
// page's bytes were fixed when it was rendered, before anybody could have read its nonce, and no
// other page shares it.
import zlib from 'node:zlib'
import Database from 'better-sqlite3'
import { LRUCache } from 'lru-cache'
import Negotiator from 'negotiator'

const CACHEABLE_TYPES = /^text\/html\b/
const MAX_PAGE_BYTES = 1024 * 1024
/** Set by a page that may be kept longer than the default (app/utils/http.server.ts). */
const LIFETIME_HEADER = 'x-concord-page-lifetime'
/** However long a page asks to be kept. */
const MAX_LIFETIME_MS = 10 * 60 * 1000
/** Memory a kept page takes besides its bytes. */
const PAGE_OVERHEAD = 512

/**
 * How a kept page is compressed for each encoding: brotli at quality 7, about 14 ms for the largest
 * page (a published summary, 410 KB: 47 KB, where quality 5 gives 49 KB in 11 ms and quality 11
 * 39 KB in 1.2 s), gzip at its default level, about 7 ms.
 */
const COMPRESS = {
  br: (body) =>
    zlib.brotliCompressSync(body, {
      params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 7, [zlib.constants.BROTLI_PARAM_SIZE_HINT]: body.length },
    }),
  gzip: (body) => zlib.gzipSync(body),
}
const ENCODINGS = ['br', 'gzip', 'identity']
/** On a tie in the browser's preferences, the smaller answer. */
const PREFERRED = ['br', 'gzip']

/** Takes the page's own lifetime off the response as its head is written, so that it never leaves. */
function takeLifetime(res) {
  let lifetime = null
  const writeHead = res.writeHead
  res.writeHead = function (...args) {
    const value = Number(res.getHeader(LIFETIME_HEADER))
    if (Number.isFinite(value) && value >= 0) lifetime = Math.min(value, MAX_LIFETIME_MS)
    res.removeHeader(LIFETIME_HEADER)
    return writeHead.apply(this, args)
  }
  return () => lifetime
}

/**
 * Express middleware. `databasePath` is the application's SQLite file; `ttlMs` how long a page is
 * kept at most; `maxBytes` the memory the kept pages may use together; `skip` the requests never kept.
 *
 * @param {{ databasePath: string, ttlMs: number, maxBytes?: number, skip?: (req: import('express').Request) => boolean }} options
 * @returns {import('express').RequestHandler}
 */
export function pageCache({ databasePath, ttlMs, maxBytes = 16 * 1024 * 1024, skip = () => false }) {
  if (!ttlMs || ttlMs <= 0)
    return (req, res, next) => {
      takeLifetime(res)
      next()
    }
  const pages = new LRUCache({ maxSize: maxBytes, sizeCalculation: (page) => page.bytes })
  // Pages being rendered, each with the promise of its rendering's end. Meanwhile the others asking
  // for the page get the one it replaces if its time ran out only lately (the data is the same; only
  // the clock moved), or else wait for the rendering and take its page: a page is rendered by one
  // request at a time instead of by every reader that arrives in the same instant.
  const rendering = new Map()
  let version = null
  let dataVersion = () => 0
  const openVersion = () => {
    try {
      const sqlite = new Database(databasePath, { readonly: true, fileMustExist: true })
      const statement = sqlite.prepare('PRAGMA data_version').pluck()
      dataVersion = () => statement.get()
      version = dataVersion()
      return true
    } catch {
      return false
    }
  }

  return (req, res, next) => {
    if (req.method !== 'GET' || skip(req)) return next()
    // The database is created by the first request's migrations; until then nothing is kept.
    if (version === null && !openVersion()) return next()
    const key = `${req.originalUrl}\u0001${req.get('cookie') ?? ''}\u0001${req.get('accept-language') ?? ''}`
    answer(key, req, res, next, false)
  }

  function answer(key, req, res, next, waited) {
    const now = dataVersion()
    if (now !== version) {
      pages.clear()
      version = now
    }
    const page = pages.get(key)
    const age = page ? Date.now() - page.storedAt : 0
    // Fresh, or out of time by less than its own time again while another request renders it anew.
    const pending = rendering.get(key)
    const usable = page && (age <= page.ttl || (pending && age <= 2 * page.ttl))
    if (usable) {
      // Its headers as rendered (the policy with its nonce included), over this response's own.
      res.status(page.status)
      for (const [name, value] of page.headers) res.setHeader(name, value)
      res.vary('Accept-Encoding')
      const encoding = new Negotiator(req).encoding(ENCODINGS, PREFERRED) ?? 'identity'
      let body = page.body
      if (encoding !== 'identity') {
        body = page.encoded[encoding]
        if (!body) {
          body = page.encoded[encoding] = COMPRESS[encoding](page.body)
          page.bytes += body.length
          // Kept again, for its size to count the compressed copy (the cache measures a page when it is set).
          if (pages.peek(key) === page) {
            pages.delete(key)
            pages.set(key, page)
          }
        }
        res.setHeader('Content-Encoding', encoding)
      }
      res.setHeader('Content-Length', body.length)
      res.end(body)
      return
    }
    if (pending && !waited) {
      // Once: if that rendering's page is not kept (or the data changed meanwhile), render it here.
      pending.then(() => answer(key, req, res, next, true))
      return
    }
    const seen = now
    const lifetime = takeLifetime(res)
    let rendered
    const promise = new Promise((resolve) => (rendered = resolve))
    if (!pending) rendering.set(key, promise)
    res.once('close', () => {
      if (rendering.get(key) === promise) rendering.delete(key)
      rendered()
    })
    const chunks = []
    let bytes = 0
    let keep = true
    const write = res.write.bind(res)
    const end = res.end.bind(res)
    const collect = (chunk, encoding) => {
      if (!keep || chunk == null || typeof chunk === 'function') return
      const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk, typeof encoding === 'string' ? encoding : 'utf8')
      bytes += buffer.length
      if (bytes > MAX_PAGE_BYTES) {
        keep = false
        chunks.length = 0
      } else chunks.push(buffer)
    }
    res.write = (chunk, encoding, callback) => {
      collect(chunk, encoding)
      return write(chunk, encoding, callback)
    }
    res.end = (chunk, encoding, callback) => {
      collect(chunk, encoding)
      const result = end(chunk, encoding, callback)
      const type = String(res.getHeader('content-type') ?? '')
      const control = String(res.getHeader('cache-control') ?? '')
      if (keep && res.statusCode === 200 && CACHEABLE_TYPES.test(type) && !res.hasHeader('set-cookie') && !/no-store/.test(control)) {
        // Kept only if nothing was written meanwhile: the page may have read the older data.
        const ttl = lifetime() ?? ttlMs
        if (dataVersion() === seen && ttl > 0) {
          const body = Buffer.concat(chunks)
          const headers = Object.entries(res.getHeaders()).filter(([name]) => !EXCLUDED_HEADERS.has(name))
          pages.set(key, { status: 200, headers, body, encoded: {}, bytes: body.length + PAGE_OVERHEAD, ttl, storedAt: Date.now() })
        }
      }
      return result
    }
    next()
  }
}

// Set again for each response: the length and encoding from the body sent, the others by Node.
const EXCLUDED_HEADERS = new Set(['content-length', 'content-encoding', 'transfer-encoding', 'connection', 'date', 'keep-alive'])
