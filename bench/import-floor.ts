/**
 * The floor `concord comments import` is measured against: better-sqlite3 alone storing the same
 * rows of the same file into the same database, with no framework, no validation and no analysis.
 *
 * Each row of the file becomes what an import stores for it: the comment with every one of its
 * indexes, its first revision (one insert…select at the end, as the import does), eight MinHash band
 * rows and one suggested concern, in one transaction, with the counting triggers set aside. What
 * the analysis would compute (the text's hash, its signature and bands, the suggestion) is replaced
 * by values drawn from the row's number, spread over the indexes as real ones are; nothing is
 * grouped and the counts are not brought up to date. So the floor stores at least as fast as any
 * import of the file could on this machine with this schema: the import's rate over the floor's is
 * what its parsing, checking, analysis and grouping cost.
 *
 * Usage: node --import tsx bench/import-floor.ts DATABASE ROUND_ID FILE.csv
 * Prints one line of JSON: { rows, seconds, rowsPerSecond }, the seconds from opening the file to
 * the commit.
 */
import fs from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import Database from 'better-sqlite3'
import { parse } from 'csv-parse/sync'
import { drizzle } from 'drizzle-orm/better-sqlite3'
import { migrate } from 'drizzle-orm/better-sqlite3/migrator'

const [databaseFile, round, csvFile] = process.argv.slice(2)
if (!databaseFile || !round || !csvFile) throw new Error('usage: bench/import-floor.ts DATABASE ROUND_ID FILE.csv')
const roundId = Number(round)

const sqlite = new Database(databaseFile)
sqlite.pragma('journal_mode = WAL')
sqlite.pragma('synchronous = NORMAL')
sqlite.pragma('cache_size = -32000')
// The schema as Concord's migrations leave it (the import command applies them too), before the clock starts.
migrate(drizzle(sqlite), { migrationsFolder: path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'db', 'migrations') })

/** MurmurHash3's finaliser: well-spread 32-bit values from a row's number, in place of real hashes. */
function spread(value: number) {
  let h = value >>> 0
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b)
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35)
  return (h ^ (h >>> 16)) >>> 0
}
const hex = (value: number) => value.toString(16).padStart(8, '0')

const started = performance.now()
const rows = parse(fs.readFileSync(csvFile), { columns: true, bom: true }) as Record<string, string>[]
const clauses = new Map(
  (
    sqlite
      .prepare('select label, id from clauses where version_id = (select version_id from rounds where id = ?)')
      .all(roundId) as { label: string; id: number }[]
  ).map((clause) => [clause.label, clause.id]),
)
const concerns = sqlite.prepare('select id from concerns where round_id = ?').pluck().all(roundId) as number[]
const countries = new Map(
  (sqlite.prepare('select code, region_code as region, subregion_code as subregion from countries').all() as {
    code: string
    region: string | null
    subregion: string | null
  }[]).map((country) => [country.code, country]),
)

const COUNTING_TRIGGERS = ['comment_counts_insert', 'comment_counts_suggestion_insert']
const insertComment = sqlite.prepare(`
  insert into comments (round_id, clause_id, author_id, external_id, imported, position, text, proposed_text,
    declared_language, detected_language, consent, status, review_state, receipt, category, organization_name,
    country_code, region_code, subregion_code, duplicate_group_id, text_hash, minhash, created_at, submitted_at, updated_at)
  values (?, ?, null, ?, 1, ?, ?, ?, ?, null, 'anonymous', 'submitted', 'unreviewed', ?, ?, ?, ?, ?, ?, null, ?, ?, ?, ?, ?)`)
const insertSketch = sqlite.prepare('insert or ignore into comment_sketches (round_id, band, value, comment_id) values (?, ?, ?, ?)')
const insertConcern = sqlite.prepare(
  "insert into comment_concerns (comment_id, concern_id, source, score, created_at) values (?, ?, 'suggested', 0.5, ?)",
)

const store = sqlite.transaction(() => {
  const triggers = sqlite
    .prepare(`select name, sql from sqlite_master where type = 'trigger' and name in (${COUNTING_TRIGGERS.map(() => '?').join(', ')})`)
    .all(...COUNTING_TRIGGERS) as { name: string; sql: string }[]
  for (const trigger of triggers) sqlite.exec(`drop trigger "${trigger.name}"`)
  const at = Date.now()
  const salt = spread(at)
  let firstId: number | null = null
  let lastId = 0
  rows.forEach((row, i) => {
    const seed = spread(salt ^ i)
    const country = row.country ? countries.get(row.country) : undefined
    let signature = ''
    for (let k = 0; k < 32; k++) signature += hex(spread(seed + k))
    const id = Number(
      insertComment.run(
        roundId,
        row.clause ? (clauses.get(row.clause) ?? null) : null,
        row.external_id || null,
        row.position,
        row.text,
        row.proposed_text || null,
        row.language || null,
        // A receipt is unique: twelve characters from the row's number.
        `F${hex(seed)}${i.toString(36).padStart(4, '0')}`,
        row.stakeholder_category,
        row.organization || null,
        row.country || null,
        country?.region ?? null,
        country?.subregion ?? null,
        hex(seed).repeat(8),
        signature,
        at,
        at,
        at,
      ).lastInsertRowid,
    )
    firstId ??= id
    lastId = id
    // Campaigns share bands: a row's bands repeat those of a row a few hundred before it now and then.
    const bandSeed = i % 10 === 9 ? spread(salt ^ (i - 300)) : seed
    for (let band = 0; band < 8; band++) insertSketch.run(roundId, band, hex(spread(bandSeed ^ band)), id)
    if (concerns.length) insertConcern.run(id, concerns[seed % concerns.length], at)
  })
  if (firstId !== null) {
    sqlite
      .prepare(
        `insert into comment_revisions
           (comment_id, revision, status, clause_id, position, text, proposed_text, declared_language, consent, created_at)
         select id, 1, status, clause_id, position, text, proposed_text, declared_language, consent, ?
         from comments where round_id = ? and id between ? and ? and imported = 1`,
      )
      .run(at, roundId, firstId, lastId)
  }
  sqlite.prepare('update rounds set submitted_count = submitted_count + ? where id = ?').run(rows.length, roundId)
  for (const trigger of triggers) sqlite.exec(trigger.sql)
})
store.immediate()
const seconds = (performance.now() - started) / 1000
sqlite.close()
process.stdout.write(JSON.stringify({ rows: rows.length, seconds, rowsPerSecond: rows.length / seconds }) + '\n')
