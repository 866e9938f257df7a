/**
 * The floor the application is measured against: node:http and better-sqlite3 on the same database,
 * with no framework, no React, no translation, no validation beyond reading the fields.
 *
 *   GET  /comments?before=ID  the same indexed read as the public comments page: one keyset page of
 *                             the round's public comments, newest first, written out as HTML;
 *   POST /comment             the same insert as a submission: the comment, its first revision and
 *                             the round's counter, in one transaction; answered with a redirect.
 *
 * Usage: DATABASE_PATH=FILE PORT=N node --import tsx bench/floor-server.ts ROUND_ID
 */
import crypto from 'node:crypto'
import http from 'node:http'
import Database from 'better-sqlite3'

const roundId = Number(process.argv[2])
const sqlite = new Database(process.env.DATABASE_PATH!)
sqlite.pragma('journal_mode = WAL')
sqlite.pragma('synchronous = NORMAL')
sqlite.pragma('busy_timeout = 5000')
sqlite.pragma('cache_size = -64000')

const page = sqlite.prepare(`
  select c.id, cl.label, c.position, c.text, c.proposed_text as proposedText, c.declared_language as language, c.consent,
    c.author_name as authorName, c.organization_name as organizationName, c.category, c.country_code as country, c.submitted_at as submittedAt
  from comments c left join clauses cl on cl.id = c.clause_id
  where c.round_id = ? and c.status = 'submitted' and c.moderation = 'visible' and c.consent != 'private' and c.id < ?
  order by c.id desc limit 21`)
const insert = sqlite.prepare(`
  insert into comments (round_id, clause_id, position, text, declared_language, consent, status, receipt, idempotency_key, category,
    country_code, created_at, submitted_at, updated_at)
  values (?, ?, ?, ?, ?, ?, 'submitted', ?, ?, 'civil_society', 'KE', ?, ?, ?)`)
const revision = sqlite.prepare(`
  insert into comment_revisions (comment_id, revision, status, clause_id, position, text, declared_language, consent, created_at)
  values (?, 1, 'submitted', ?, ?, ?, ?, ?, ?)`)
const count = sqlite.prepare('update rounds set submitted_count = submitted_count + 1 where id = ?')
const submit = sqlite.transaction((form: URLSearchParams) => {
  const now = Date.now()
  const clause = form.get('clause') === 'whole' ? null : Number(form.get('clause'))
  const text = form.get('text') ?? ''
  const id = Number(
    insert.run(roundId, clause, form.get('position'), text, form.get('language') || null, form.get('consent'), crypto.randomUUID(), `floor:${form.get('idempotencyKey')}`, now, now, now)
      .lastInsertRowid,
  )
  revision.run(id, clause, form.get('position'), text, form.get('language') || null, form.get('consent'), now)
  count.run(roundId)
  return id
})

const escape = (value: unknown) =>
  String(value ?? '').replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`)

const server = http.createServer((request, response) => {
  const url = new URL(request.url ?? '/', 'http://floor')
  if (request.method === 'GET' && url.pathname === '/comments') {
    const rows = page.all(roundId, Number(url.searchParams.get('before')) || Number.MAX_SAFE_INTEGER) as Record<string, unknown>[]
    let html = '<!doctype html><html lang="en"><meta charset="utf-8"><title>Comments</title><ol>'
    for (const row of rows.slice(0, 20)) {
      html += `<li id="c-${row.id}"><p>${escape(row.label)} ${escape(row.position)} ${escape(row.category)} ${escape(row.country)}`
      html += row.consent === 'named' ? ` ${escape(row.authorName)} ${escape(row.organizationName)}` : ''
      html += `</p><p lang="${escape(row.language)}">${escape(row.text)}</p>${row.proposedText ? `<p>${escape(row.proposedText)}</p>` : ''}`
      html += `<time>${new Date(Number(row.submittedAt)).toISOString()}</time></li>`
    }
    html += `</ol>${rows.length > 20 ? `<a href="/comments?before=${rows[19]!.id}">next</a>` : ''}</html>`
    response.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' })
    response.end(html)
    return
  }
  if (request.method === 'POST' && url.pathname === '/comment') {
    const chunks: Buffer[] = []
    request.on('data', (chunk: Buffer) => chunks.push(chunk))
    request.on('end', () => {
      const id = submit(new URLSearchParams(Buffer.concat(chunks).toString('utf8')))
      response.writeHead(302, { Location: `/comment#c-${id}` })
      response.end()
    })
    return
  }
  response.writeHead(404).end()
})
server.keepAliveTimeout = 65_000
server.listen(Number(process.env.PORT), '127.0.0.1', () => process.stdout.write('listening\n'))
process.on('SIGTERM', () => server.close(() => process.exit(0)))
