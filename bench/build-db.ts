/**
 * Builds the benchmark's databases, fast:
 *
 *   node --import tsx bench/build-db.ts template FILE
 *     a migrated database with the demo consultation (its open "Second reading" is the round the
 *     benchmark fills);
 *   node --import tsx bench/build-db.ts round TEMPLATE FILE COUNT [SEED]
 *     a copy of the template whose open round holds COUNT synthetic comments, and prints what the
 *     load generator needs (ids, filters, sessions) as JSON on standard output.
 *
 * The comments are inserted with prepared statements in large transactions, secondary indexes
 * dropped during the load and built again afterwards. Every table the read pages and the write path
 * use is filled as the application fills it: comments with the author snapshot, fingerprints and
 * their LSH bands, a first revision, suggested, authors' and moderators' concerns with scores,
 * duplicate groups and campaigns, dispositions, the round's counters, users and organizations.
 * Two parts of the arrival of a comment are drawn from the seed instead of computed, because at a
 * million comments they would take most of an hour: the language (the generator knows it; the
 * application's detector is measured by the import figure) and the suggested concerns.
 */
import fs from 'node:fs'
import crypto from 'node:crypto'
import Database from 'better-sqlite3'
import { HIDE_REASONS } from '#db/schema/comments'
import { normalizeForDuplicates, textHash, bands } from '~/modules/moderation/duplicates'
import { projectRoot } from '~/utils/paths.server'
import { loadSentences } from './corpus'
import { checkSignatures, fastMinhash } from './fingerprint'
import { CAMPAIGNS, createRandom, generate, type Generated } from './generate'

const DAY = 24 * 60 * 60 * 1000
const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ'
const BATCH = 20_000
export const BENCH_PARTICIPANTS = 20

export type RoundInfo = {
  roundId: number
  comments: number
  submitted: number
  clauseIds: number[]
  concernKeys: string[]
  moderatorId: string
  /** Session cookies (name=value) of a moderator and of participants who may comment. */
  moderatorCookie: string
  participants: { userId: string; cookie: string }[]
  /** Filter values of one public comment: every filter at once finds at least that comment. */
  allFilters: { clause: number; category: string; region: string; position: string; language: string }
  /** A public comment near the oldest end of the round: the "before" of a deep keyset page. */
  deepBefore: number
  buildSeconds: number
  /** summaryFigures of the whole round, called directly, and publishSummary (figures, hash, audit). */
  summaryBuildMs: number
  summaryPublishMs: number
}

function log(message: string) {
  process.stderr.write(`[build-db] ${message}\n`)
}

async function template(file: string) {
  for (const suffix of ['', '-journal', '-wal', '-shm']) fs.rmSync(file + suffix, { force: true })
  process.env.DATABASE_PATH = file
  // The process-wide client, opened on DATABASE_PATH and migrated, is the one the seed's modules use.
  const { db } = await import('~/utils/db.server')
  const { seedDemo } = await import('#db/seed/demo')
  await seedDemo(db)
  db.$client.pragma('wal_checkpoint(TRUNCATE)')
  db.$client.pragma('journal_mode = DELETE')
  db.$client.close()
}

function sessionId() {
  // lucia's session ids: 25 characters of lower-case base 32 (its own alphabet does not matter to it).
  return crypto.randomBytes(20).toString('hex').slice(0, 25)
}

async function round(templateFile: string, file: string, count: number, seed: number) {
  const started = performance.now()
  for (const suffix of ['', '-journal', '-wal', '-shm']) fs.rmSync(file + suffix, { force: true })
  fs.copyFileSync(templateFile, file)
  const sqlite = new Database(file)
  sqlite.pragma('journal_mode = OFF')
  sqlite.pragma('synchronous = OFF')
  sqlite.pragma('locking_mode = EXCLUSIVE')
  sqlite.pragma('temp_store = MEMORY')
  sqlite.pragma('cache_size = -1000000')
  sqlite.pragma('foreign_keys = OFF')

  const now = Date.now()
  const round = sqlite.prepare("select id, version_id as versionId, opens_at as opensAt, campaign_threshold as threshold from rounds where title = 'Second reading'").get() as {
    id: number
    versionId: number
    opensAt: number
    threshold: number
  }
  const roundId = round.id
  const clauses = sqlite.prepare('select id, label from clauses where version_id = ? order by position').all(round.versionId) as { id: number; label: string }[]
  const clauseIdOf = new Map(clauses.map((clause) => [clause.label, clause.id]))
  const concernRows = sqlite.prepare('select id, key from concerns where round_id = ? order by sort_order, id').all(roundId) as { id: number; key: string }[]
  const countries = new Map(
    (sqlite.prepare('select code, region_code as region, subregion_code as subregion from countries').all() as { code: string; region: string; subregion: string }[]).map(
      (row) => [row.code, row],
    ),
  )
  const moderator = sqlite.prepare("select id from users where role = 'moderator' order by created_at limit 1").get() as { id: string }
  const passwordHash = (sqlite.prepare('select password_hash as hash from users limit 1').get() as { hash: string }).hash

  // Secondary indexes and triggers of the tables filled here go while the rows go in.
  const tables = ['comments', 'comment_concerns', 'comment_revisions', 'comment_sketches', 'users']
  const marks = tables.map(() => '?').join(', ')
  const deferred = sqlite
    .prepare(`select type, name, sql from sqlite_master where type in ('index', 'trigger') and sql is not null and tbl_name in (${marks})`)
    .all(...tables) as { type: 'index' | 'trigger'; name: string; sql: string }[]
  for (const entry of deferred) sqlite.exec(`drop ${entry.type} "${entry.name}"`)

  const sentences = loadSentences(projectRoot)
  const random = createRandom(seed ^ 0x5eed)
  const { int, pick, chance } = random

  const insertOrganization = sqlite.prepare('insert or ignore into organizations (name, name_key, created_at) values (?, ?, ?)')
  const organizationIds = new Map<string, number>()
  const organizationId = (name: string) => {
    if (!name) return null
    let id = organizationIds.get(name)
    if (id === undefined) {
      insertOrganization.run(name, name.toLowerCase(), now)
      id = (sqlite.prepare('select id from organizations where name_key = ?').get(name.toLowerCase()) as { id: number }).id
      organizationIds.set(name, id)
    }
    return id
  }
  const insertUser = sqlite.prepare(`
    insert into users (id, email, display_name, password_hash, organization_id, category, country_code, language, role, created_at)
    values (?, ?, ?, ?, ?, ?, ?, ?, 'participant', ?)`)
  const insertComment = sqlite.prepare(`
    insert into comments (id, round_id, clause_id, author_id, external_id, imported, position, text, proposed_text, declared_language,
      detected_language, consent, status, moderation, hidden_reason, review_state, receipt, category, organization_name, author_name,
      country_code, region_code, subregion_code, duplicate_group_id, text_hash, minhash, created_at, submitted_at, updated_at)
    values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
  const insertRevision = sqlite.prepare(`
    insert into comment_revisions (comment_id, revision, status, clause_id, position, text, proposed_text, declared_language, consent, created_at)
    values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
  const insertSketch = sqlite.prepare('insert or ignore into comment_sketches (round_id, band, value, comment_id) values (?, ?, ?, ?)')
  const insertConcern = sqlite.prepare('insert or ignore into comment_concerns (comment_id, concern_id, source, score, created_at) values (?, ?, ?, ?, ?)')
  const insertGroup = sqlite.prepare(
    'insert into duplicate_groups (round_id, kind, confirmed, size, is_campaign, representative_comment_id, created_at) values (?, ?, 0, 0, 0, ?, ?)',
  )
  const setGroup = sqlite.prepare('update comments set duplicate_group_id = ? where id = ?')
  const insertDisposition = sqlite.prepare(`
    insert or ignore into dispositions (round_id, comment_id, duplicate_group_id, outcome, reason, decided_by, decided_at)
    values (?, ?, ?, ?, ?, ?, ?)`)

  let nextId = ((sqlite.prepare('select max(id) as id from comments').get() as { id: number | null }).id ?? 0) + 1
  const firstId = nextId
  type Author = { id: string; name: string; category: string; country: string; organization: string }
  const authors: Author[] = []
  const campaignGroups: (number | null)[] = Array.from({ length: CAMPAIGNS }, () => null)
  const campaignFirst: (number | null)[] = Array.from({ length: CAMPAIGNS }, () => null)
  // Exact duplicates: the first submitted comment with each text hash, and its group once it has one.
  const exact = new Map<string, { id: number; groupId: number | null }>()
  const fingerprints = new Map<string, { hash: string; signature: string | null }>()
  const span = Math.max(now - round.opensAt - 60 * 60 * 1000, DAY)
  let submitted = 0

  const receipt = () => {
    let code = ''
    for (let i = 0; i < 12; i++) code += CROCKFORD[int(0, 31)]
    return `${code.slice(0, 4)}-${code.slice(4, 8)}-${code.slice(8, 12)}`
  }
  const labels = clauses.map((clause) => clause.label)
  checkSignatures(Array.from(generate(Math.min(count, 500), labels, sentences, seed), (generated) => generated.row.text))
  const rows = generate(count, labels, sentences, seed)
  const insertBatch = sqlite.transaction((batch: { index: number; generated: Generated }[]) => {
    for (const { index, generated } of batch) {
      const { row, language, campaign } = generated
      const id = nextId++
      const at = round.opensAt + Math.floor((span * index) / count)
      // One comment in seven comes from an imported file; the rest from participants, a third of them
      // writing more than one comment.
      const imported = chance(14)
      let author: Author | null = null
      if (!imported) {
        if (!authors.length || chance(45)) {
          author = {
            id: crypto.randomBytes(8).toString('hex'),
            name: `Participant ${authors.length + 1}`,
            category: row.stakeholder_category,
            country: row.country,
            organization: row.organization,
          }
          insertUser.run(
            author.id,
            `participant-${authors.length + 1}@bench.example.org`,
            author.name,
            passwordHash,
            organizationId(author.organization),
            author.category,
            author.country,
            pick(['ar', 'en', 'es', 'fr', 'ru', 'zh']),
            at,
          )
          authors.push(author)
        } else author = pick(authors)
      }
      const consent = imported ? 'anonymous' : pick(['named', 'named', 'named', 'anonymous', 'anonymous', 'anonymous', 'private'])
      const status = imported || chance(96.5) ? 'submitted' : chance(60) ? 'draft' : 'withdrawn'
      const hidden = status === 'submitted' && chance(1)
      // Moderators work from the oldest comments on: most of the first 40 % are reviewed.
      const reviewed = status === 'submitted' && !hidden && (index < count * 0.4 ? chance(70) : chance(3))
      const category = author?.category ?? row.stakeholder_category
      const countryCode = author?.country ?? row.country
      const country = countries.get(countryCode)!
      const clauseId = row.clause ? clauseIdOf.get(row.clause)! : null
      const declared = row.language || language

      let prints = campaign !== null ? fingerprints.get(row.text) : undefined
      if (!prints) {
        const normalized = normalizeForDuplicates(row.text)
        prints = { hash: textHash(normalized), signature: fastMinhash(normalized) }
        if (campaign !== null) fingerprints.set(row.text, prints)
      }

      // Duplicate groups, as submitting places a comment: its campaign's group, or the group of the
      // first submitted comment with the same text.
      let groupId: number | null = null
      if (status === 'submitted') {
        if (campaign !== null) {
          if (campaignFirst[campaign] === null) campaignFirst[campaign] = id
          else {
            if (campaignGroups[campaign] === null) {
              campaignGroups[campaign] = Number(insertGroup.run(roundId, 'near', campaignFirst[campaign], at).lastInsertRowid)
              setGroup.run(campaignGroups[campaign], campaignFirst[campaign])
            }
            groupId = campaignGroups[campaign] ?? null
          }
        } else {
          const first = exact.get(prints.hash)
          if (!first) exact.set(prints.hash, { id, groupId: null })
          else {
            if (first.groupId === null) {
              first.groupId = Number(insertGroup.run(roundId, 'exact', first.id, at).lastInsertRowid)
              setGroup.run(first.groupId, first.id)
            }
            groupId = first.groupId
          }
        }
      }

      insertComment.run(
        id,
        roundId,
        clauseId,
        author?.id ?? null,
        imported ? row.external_id : null,
        imported ? 1 : 0,
        row.position,
        row.text,
        row.proposed_text || null,
        declared,
        language,
        consent,
        status,
        hidden ? 'hidden' : 'visible',
        hidden ? pick(HIDE_REASONS) : null,
        reviewed ? 'reviewed' : 'unreviewed',
        receipt(),
        category,
        author?.organization || row.organization || null,
        consent === 'named' ? author!.name : null,
        countryCode,
        country.region,
        country.subregion,
        groupId,
        prints.hash,
        prints.signature,
        at,
        status === 'draft' ? null : at,
        at,
      )
      insertRevision.run(id, 1, status === 'draft' ? 'draft' : 'submitted', clauseId, row.position, row.text, row.proposed_text || null, declared, consent, at)
      if (status === 'withdrawn') {
        insertRevision.run(id, 2, 'withdrawn', clauseId, row.position, row.text, row.proposed_text || null, declared, consent, at)
      }
      if (status !== 'submitted') continue
      submitted++
      if (prints.signature) {
        const parts = bands(prints.signature)
        for (let band = 0; band < parts.length; band++) insertSketch.run(roundId, band, parts[band], id)
      }
      // Suggested concerns with their scores (0 to 3), the author's own (a quarter of the
      // participants tick some), and the moderators' decision on reviewed comments.
      const suggested = new Set<number>()
      const wanted = pick([0, 1, 1, 1, 2, 2, 3])
      while (suggested.size < wanted) suggested.add(int(0, concernRows.length - 1))
      let best = 0.5
      for (const index of suggested) {
        const score = 0.5 + int(0, 49) / 100
        best = Math.max(best, score)
        insertConcern.run(id, concernRows[index]!.id, 'suggested', score, at)
      }
      if (author && chance(25)) insertConcern.run(id, concernRows[int(0, concernRows.length - 1)]!.id, 'author', null, at)
      if (reviewed) {
        const confirmed = suggested.size && chance(80) ? [...suggested][0]! : int(0, concernRows.length - 1)
        insertConcern.run(id, concernRows[confirmed]!.id, 'moderator', null, at)
        if (chance(2)) {
          insertDisposition.run(roundId, id, null, pick(['accepted', 'partly_accepted', 'noted', 'not_accepted']), JSON.stringify({ en: 'Considered in the revision of the draft.' }), moderator.id, at)
        }
      }
    }
  })

  let batch: Parameters<typeof insertBatch>[0] = []
  let index = 0
  for (const generated of rows) {
    batch.push({ index: index++, generated })
    if (batch.length === BATCH) {
      insertBatch(batch)
      batch = []
      if (index % 100_000 === 0) log(`${index} comments`)
    }
  }
  if (batch.length) insertBatch(batch)
  exact.clear()
  fingerprints.clear()
  log(`${count} comments inserted in ${((performance.now() - started) / 1000).toFixed(1)} s; building indexes`)

  for (const entry of deferred.filter((item) => item.type === 'index')) sqlite.exec(entry.sql)
  for (const entry of deferred.filter((item) => item.type === 'trigger')) sqlite.exec(entry.sql)
  log(`indexes built at ${((performance.now() - started) / 1000).toFixed(1)} s`)

  sqlite.exec(`
    update duplicate_groups set
      size = (select count(*) from comments c where c.duplicate_group_id = duplicate_groups.id and c.status = 'submitted'),
      is_campaign = (select count(*) from comments c where c.duplicate_group_id = duplicate_groups.id and c.status = 'submitted') >= ${round.threshold}
    where round_id = ${roundId}`)
  // The moderators answered every campaign.
  for (const groupId of campaignGroups) {
    if (groupId !== null) {
      insertDisposition.run(roundId, null, groupId, 'noted', JSON.stringify({ en: 'The campaign is counted once, with its signatories.' }), moderator.id, now)
    }
  }
  sqlite.prepare('update rounds set submitted_count = submitted_count + ? where id = ?').run(submitted, roundId)

  // Sessions: a moderator, and participants of the round for the submissions.
  const expires = Math.floor((now + 14 * DAY) / 1000)
  const insertSession = sqlite.prepare('insert into sessions (id, user_id, expires_at) values (?, ?, ?)')
  const moderatorSession = sessionId()
  insertSession.run(moderatorSession, moderator.id, expires)
  const participants = authors.slice(0, BENCH_PARTICIPANTS).map((author) => {
    const id = sessionId()
    insertSession.run(id, author.id, expires)
    return { userId: author.id, cookie: `concord_session=${id}` }
  })
  const middle = sqlite
    .prepare(`
      select clause_id as clause, category, region_code as region, position, declared_language as language from comments
      where round_id = ? and status = 'submitted' and moderation = 'visible' and consent != 'private' and clause_id is not null and id >= ?
      order by id limit 1`)
    .get(roundId, firstId + Math.floor(count / 2)) as RoundInfo['allFilters']
  const deep = sqlite
    .prepare(`
      select id from comments where round_id = ? and status = 'submitted' and moderation = 'visible' and consent != 'private' and id >= ?
      order by id limit 1`)
    .get(roundId, firstId + Math.floor(count / 50)) as { id: number }
  sqlite.pragma('locking_mode = NORMAL')
  sqlite.pragma('journal_mode = WAL')
  sqlite.close()

  const buildSeconds = (performance.now() - started) / 1000
  // The summary: built once as the moderators' preview builds it, then published.
  process.env.DATABASE_PATH = file
  const { db } = await import('~/utils/db.server')
  const { summaryFigures, publishSummary } = await import('~/modules/summaries/summaries.server')
  const { recountComments } = await import('~/modules/comments/counts.server')
  // The triggers that keep the counts were set aside during the load: count once, as they would have.
  recountComments(db)
  let clock = performance.now()
  summaryFigures(db, roundId)
  const summaryBuildMs = performance.now() - clock
  clock = performance.now()
  publishSummary(db, { roundId, actorId: moderator.id })
  const summaryPublishMs = performance.now() - clock
  db.$client.pragma('wal_checkpoint(TRUNCATE)')
  db.$client.close()

  const info: RoundInfo = {
    roundId,
    comments: count,
    submitted,
    clauseIds: clauses.map((clause) => clause.id),
    concernKeys: concernRows.map((concern) => concern.key),
    moderatorId: moderator.id,
    moderatorCookie: `concord_session=${moderatorSession}`,
    participants,
    allFilters: middle,
    deepBefore: deep.id,
    buildSeconds,
    summaryBuildMs,
    summaryPublishMs,
  }
  return info
}

const [command, ...args] = process.argv.slice(2)
if (command === 'template' && args[0]) await template(args[0])
else if (command === 'round' && args.length >= 3) {
  const info = await round(args[0]!, args[1]!, Number(args[2]), Number(args[3] ?? 20261127))
  process.stdout.write(JSON.stringify(info) + '\n')
} else {
  process.stderr.write('usage: build-db.ts template FILE | round TEMPLATE FILE COUNT [SEED]\n')
  process.exitCode = 2
}
