import fs from 'node:fs'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import os from 'node:os'
import path from 'node:path'
import zlib from 'node:zlib'
import Database from 'better-sqlite3'
import compression from 'compression'
import express from 'express'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
// The server's own middleware (plain JavaScript beside server.js).
import { pageCache } from '../../page-cache.js'
import { PAGE_LIFETIME_HEADER, PAGE_LIFETIME_MS } from '~/utils/http.server'

/**
 * A server like Concord's: a nonce per response, the page cache, then a "page" that says how many
 * times it was rendered and what the database holds.
 */
function serve(file: string, ttlMs: number) {
  const writer = new Database(file)
  writer.pragma('journal_mode = WAL')
  writer.exec('create table if not exists notes (text text)')
  let renders = 0
  let nonces = 0
  const app = express()
  app.use(compression())
  app.use((req, res, next) => {
    res.locals.cspNonce = `nonce${++nonces}x`
    res.setHeader('Content-Security-Policy', `script-src 'nonce-${res.locals.cspNonce}'`)
    next()
  })
  app.use(pageCache({ databasePath: file, ttlMs, skip: (req: express.Request) => req.path === '/skipped' }))
  app.get('/write', (req, res) => {
    writer.prepare('insert into notes values (?)').run(String(req.query.text))
    res.type('text/plain').send('written')
  })
  app.get('/no-store', (req, res) => {
    renders += 1
    res.set('Cache-Control', 'no-store').type('html').send(`<p>${renders}</p>`)
  })
  app.get('/cookie', (req, res) => {
    renders += 1
    res.cookie('flash', 'x').type('html').send(`<p>${renders}</p>`)
  })
  app.get('/data', (req, res) => {
    renders += 1
    res.type('text/x-script').send(`[${renders}]`)
  })
  app.get('/missing', (req, res) => {
    renders += 1
    res.status(404).type('html').send(`<p>${renders}</p>`)
  })
  app.get('/lasting', (req, res) => {
    renders += 1
    const notes = writer.prepare('select count(*) from notes').pluck().get()
    res.set(PAGE_LIFETIME_HEADER, String(req.query.ms)).type('html').send(`<p>lasting render ${renders}, notes ${notes}</p>`)
  })
  app.get('/slow', (req, res) => {
    renders += 1
    const render = renders
    setTimeout(() => res.type('html').send(`<p>slow render ${render}</p>`), 300)
  })
  app.get('*', (req, res) => {
    renders += 1
    const notes = writer.prepare('select count(*) from notes').pluck().get()
    const nonce = res.locals.cspNonce as string
    res.type('html')
    res.write(`<script nonce="${nonce}">1</script>`)
    res.end(`<p>render ${renders}, notes ${notes}, cookie ${req.get('cookie') ?? ''}, language ${req.get('accept-language') ?? ''}</p>`)
  })
  const server = app.listen(0, '127.0.0.1')
  return {
    server,
    writer,
    get renders() {
      return renders
    },
    url: () => `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
  }
}

let dir: string
let app: ReturnType<typeof serve>
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'concord-page-cache-'))
})
afterEach(async () => {
  await new Promise((resolve) => app.server.close(resolve))
  app.writer.close()
  fs.rmSync(dir, { recursive: true, force: true })
})

/** The answer's bytes as sent (fetch would decompress them), with its headers. */
const raw = (pathname: string, headers: Record<string, string>) =>
  new Promise<{ headers: http.IncomingHttpHeaders; body: Buffer }>((resolve, reject) => {
    http
      .get(app.url() + pathname, { headers }, (response) => {
        const chunks: Buffer[] = []
        response.on('data', (chunk: Buffer) => chunks.push(chunk))
        response.on('end', () => resolve({ headers: response.headers, body: Buffer.concat(chunks) }))
      })
      .on('error', reject)
  })

const get = async (pathname: string, headers: Record<string, string> = {}) => {
  const response = await fetch(app.url() + pathname, { headers })
  return {
    status: response.status,
    text: await response.text(),
    length: response.headers.get('content-length'),
    lifetime: response.headers.get(PAGE_LIFETIME_HEADER),
  }
}

describe('the page cache', () => {
  it('renders a page once while the database is unchanged, and sends it as rendered, compressed to those who accept it', async () => {
    app = serve(path.join(dir, 'a.db'), 60_000)
    await new Promise((resolve) => app.server.once('listening', resolve))
    const first = await raw('/rounds/1', { 'accept-encoding': 'identity' })
    const plain = await raw('/rounds/1', { 'accept-encoding': 'identity' })
    const gzipped = await raw('/rounds/1', { 'accept-encoding': 'br;q=0.5, gzip' })
    expect(app.renders).toBe(1)
    expect(first.body.toString()).toContain('nonce="nonce1x"')
    // The page and the policy of its rendering, its nonce included, whatever this response's nonce.
    expect(plain.body.equals(first.body)).toBe(true)
    expect(plain.headers['content-security-policy']).toBe("script-src 'nonce-nonce1x'")
    expect(plain.headers['content-encoding']).toBeUndefined()
    expect(Number(plain.headers['content-length'])).toBe(plain.body.length)
    expect(gzipped.headers['content-encoding']).toBe('gzip')
    expect(gzipped.headers['content-security-policy']).toBe("script-src 'nonce-nonce1x'")
    expect(gzipped.headers.vary).toMatch(/accept-encoding/i)
    expect(Number(gzipped.headers['content-length'])).toBe(gzipped.body.length)
    expect(zlib.gunzipSync(gzipped.body).equals(first.body)).toBe(true)
  })

  it('sends brotli to browsers that take it at least as gladly as gzip, each encoding made once', async () => {
    app = serve(path.join(dir, 'b.db'), 60_000)
    await new Promise((resolve) => app.server.once('listening', resolve))
    const first = await raw('/rounds/1', { 'accept-encoding': 'identity' })
    // As Chromium asks over HTTPS: gzip named first, but brotli is as welcome and smaller.
    const chromium = await raw('/rounds/1', { 'accept-encoding': 'gzip, deflate, br, zstd' })
    const again = await raw('/rounds/1', { 'accept-encoding': 'br' })
    const gzipOnly = await raw('/rounds/1', { 'accept-encoding': 'gzip, br;q=0' })
    const none = await raw('/rounds/1', {})
    expect(app.renders).toBe(1)
    expect(chromium.headers['content-encoding']).toBe('br')
    expect(chromium.headers.vary).toMatch(/accept-encoding/i)
    expect(chromium.headers['content-security-policy']).toBe("script-src 'nonce-nonce1x'")
    expect(Number(chromium.headers['content-length'])).toBe(chromium.body.length)
    expect(zlib.brotliDecompressSync(chromium.body).equals(first.body)).toBe(true)
    expect(again.body.equals(chromium.body)).toBe(true)
    expect(gzipOnly.headers['content-encoding']).toBe('gzip')
    expect(zlib.gunzipSync(gzipOnly.body).equals(first.body)).toBe(true)
    expect(none.headers['content-encoding']).toBeUndefined()
    expect(none.body.equals(first.body)).toBe(true)
  })

  it('keeps the page itself when a middleware in front compressed its first answer', async () => {
    app = serve(path.join(dir, 'g.db'), 60_000)
    await new Promise((resolve) => app.server.once('listening', resolve))
    const fresh = await raw('/rounds/2', { 'accept-encoding': 'gzip' })
    expect(fresh.headers['content-encoding']).toBe('gzip')
    expect(zlib.gunzipSync(fresh.body).toString()).toContain('render 1')
    // What was kept is the page itself, not the compressed stream of its first answer.
    const plain = await raw('/rounds/2', { 'accept-encoding': 'identity' })
    expect(plain.body.toString()).toContain('render 1')
    expect(app.renders).toBe(1)
  })

  it('renders again after any write to the database, from this connection or another', async () => {
    const file = path.join(dir, 'b.db')
    app = serve(file, 60_000)
    await new Promise((resolve) => app.server.once('listening', resolve))
    expect((await get('/rounds/1')).text).toContain('notes 0')
    await get('/write?text=a')
    expect((await get('/rounds/1')).text).toContain('notes 1')
    const other = new Database(file)
    other.prepare('insert into notes values (?)').run('b')
    other.close()
    expect((await get('/rounds/1')).text).toContain('notes 2')
    expect(app.renders).toBe(3)
  })

  it('keeps pages apart by cookie and language, and keeps them no longer than its time', async () => {
    app = serve(path.join(dir, 'c.db'), 150)
    await new Promise((resolve) => app.server.once('listening', resolve))
    const moderator = await get('/queue', { cookie: 'concord_session=moderator' })
    const other = await get('/queue', { cookie: 'concord_session=someone' })
    const arabic = await get('/queue', { cookie: 'concord_session=someone', 'accept-language': 'ar' })
    expect(moderator.text).toContain('cookie concord_session=moderator')
    expect(other.text).toContain('cookie concord_session=someone')
    expect(arabic.text).toContain('language ar')
    expect(app.renders).toBe(3)
    await new Promise((resolve) => setTimeout(resolve, 300))
    await get('/queue', { cookie: 'concord_session=moderator' })
    expect(app.renders).toBe(4)
  })

  it('renders a page whose time ran out once, giving the others the page it replaces meanwhile', async () => {
    app = serve(path.join(dir, 'f.db'), 300)
    await new Promise((resolve) => app.server.once('listening', resolve))
    expect((await get('/slow')).text).toContain('slow render 1')
    await new Promise((resolve) => setTimeout(resolve, 350))
    // One reader renders it again; the two who come while it does get the page it replaces.
    const again = get('/slow')
    await new Promise((resolve) => setTimeout(resolve, 50))
    const others = await Promise.all([get('/slow'), get('/slow')])
    expect(others.map((other) => other.text)).toEqual(['<p>slow render 1</p>', '<p>slow render 1</p>'])
    expect((await again).text).toContain('slow render 2')
    expect(app.renders).toBe(2)
    // Never a page older than twice its time: after that a reader waits for the rendering under way.
    await new Promise((resolve) => setTimeout(resolve, 650))
    const late = get('/slow')
    await new Promise((resolve) => setTimeout(resolve, 50))
    expect((await get('/slow')).text).toContain('slow render 3')
    expect((await late).text).toContain('slow render 3')
    expect(app.renders).toBe(3)
  })

  it('renders a page not kept yet once for all who ask for it at the same time', async () => {
    app = serve(path.join(dir, 'h.db'), 60_000)
    await new Promise((resolve) => app.server.once('listening', resolve))
    const answers = await Promise.all(Array.from({ length: 5 }, () => get('/slow')))
    expect(answers.map((answer) => answer.text)).toEqual(Array(5).fill('<p>slow render 1</p>'))
    expect(app.renders).toBe(1)
    // A page that is not kept is rendered for each of them, one after the other's rendering.
    const before = app.renders
    await Promise.all([get('/no-store'), get('/no-store'), get('/no-store')])
    expect(app.renders - before).toBe(3)
  })

  it('does not keep answers with no-store, a cookie, another status or type, or skipped paths', async () => {
    app = serve(path.join(dir, 'd.db'), 60_000)
    await new Promise((resolve) => app.server.once('listening', resolve))
    for (const pathname of ['/no-store', '/cookie', '/data', '/missing', '/skipped']) {
      const before = app.renders
      await get(pathname)
      await get(pathname)
      expect(app.renders - before, pathname).toBe(2)
    }
  })

  it('is told by the comment form never to keep it: its one-time keys keep two tabs apart', async () => {
    const { headers } = await import('../routes/rounds.$roundId.comment')
    const none = new Headers()
    const said = new Headers(headers({ actionHeaders: none, loaderHeaders: none, parentHeaders: none, errorHeaders: undefined }))
    expect(said.get('Cache-Control')).toContain('no-store')
  })

  it('keeps a page that depends only on the data as long as it says, until the data changes, and never sends the word on', async () => {
    app = serve(path.join(dir, 'g.db'), 150)
    await new Promise((resolve) => app.server.once('listening', resolve))
    const first = await get('/lasting?ms=60000')
    expect(first.text).toBe('<p>lasting render 1, notes 0</p>')
    expect(first.lifetime).toBeNull()
    await new Promise((resolve) => setTimeout(resolve, 300))
    const kept = await get('/lasting?ms=60000')
    expect(kept.text).toBe('<p>lasting render 1, notes 0</p>')
    expect(kept.lifetime).toBeNull()
    await get('/write?text=a')
    expect((await get('/lasting?ms=60000')).text).toBe('<p>lasting render 2, notes 1</p>')
    // A page whose time is up when it is made (the clock changes it now) is not kept at all.
    await get('/lasting?ms=0')
    await get('/lasting?ms=0')
    expect(app.renders).toBe(4)
  })

  it('is told by the public comments and the moderation queue that they depend only on the data', async () => {
    const none = new Headers()
    const args = { actionHeaders: none, loaderHeaders: none, parentHeaders: none, errorHeaders: undefined }
    for (const route of [await import('../routes/rounds.$roundId.comments'), await import('../routes/moderate.rounds.$roundId.queue._index')])
      expect(new Headers(route.headers(args)).get(PAGE_LIFETIME_HEADER)).toBe(String(PAGE_LIFETIME_MS))
  })

  it('is off when its time is 0, and still never sends the lifetime on', async () => {
    app = serve(path.join(dir, 'e.db'), 0)
    await new Promise((resolve) => app.server.once('listening', resolve))
    await get('/rounds/1')
    await get('/rounds/1')
    expect(app.renders).toBe(2)
    expect((await get('/lasting?ms=60000')).lifetime).toBeNull()
    await get('/lasting?ms=60000')
    expect(app.renders).toBe(4)
  })
})
