/**
 * The figures of a round's consolidated position summary, computed with SQL aggregates over the
 * whole round (never by loading every comment). Counting rules, stated in the summary's method:
 * - only submitted comments that moderators have not hidden count;
 * - a campaign (a duplicate group at or above the round's threshold) counts once, as its earliest
 *   member, and its number of signatories is reported beside it;
 * - a lens (region, sub-region, regional organization, category, language) restricts every figure.
 */
import path from 'node:path'
import { MessageChannel, receiveMessageOnPort, Worker } from 'node:worker_threads'
import { sql, type SQL } from 'drizzle-orm'
import { SQLiteSyncDialect } from 'drizzle-orm/sqlite-core'
import { POSITIONS, STAKEHOLDER_CATEGORIES, type Position, type StakeholderCategory } from '#db/schema/index'
import { connectionOf, type Db } from '~/utils/db.server'
import { projectRoot } from '~/utils/paths.server'
import { scanColumns, type Columns } from './scan-columns.js'

export type Lens = {
  region?: string
  subregion?: string
  organization?: string
  /** With organization: everyone outside it instead of its members. */
  outside?: boolean
  category?: StakeholderCategory
  language?: string
}

const EMPTY = Object.freeze({})

/** The lens as a condition on the comments of the table aliased `alias` (c or m, our own names). */
function lensWhere(lens: Lens, alias: 'c' | 'm' = 'c'): SQL {
  const a = sql.raw(alias)
  const parts: SQL[] = [sql`1 = 1`]
  if (lens.region) parts.push(sql`${a}.region_code = ${lens.region}`)
  if (lens.subregion) parts.push(sql`${a}.subregion_code = ${lens.subregion}`)
  if (lens.organization) {
    const members = sql`(select country_code from regional_organization_members where organization_key = ${lens.organization})`
    parts.push(
      lens.outside
        ? sql`(${a}.country_code is null or ${a}.country_code not in ${members})`
        : sql`${a}.country_code in ${members}`,
    )
  }
  if (lens.category) parts.push(sql`${a}.category = ${lens.category}`)
  if (lens.language) parts.push(sql`${a}.declared_language = ${lens.language}`)
  return sql.join(parts, sql` and `)
}

/**
 * What a counted comment says and where it comes from: the columns the figures group by, in two
 * parts of a few thousand combinations each (together they are almost as many as the comments).
 */
type Kind = {
  clauseId: number | null
  category: StakeholderCategory
  position: Position | null
  consent: string
  imported: boolean
  proposes: boolean
  /** The clause and position a quote of this kind stands for, when it may be quoted. */
  quoteKey: string | null
  /** The category's bit, for the categories an author was counted in. */
  categoryBit: number
  /** Counted comments of this kind, those of them that stand for a campaign, and their signatories. */
  counted: number
  campaigns: number
  signatories: number
}

type Origin = { countryCode: string | null; regionCode: string | null; language: string | null; counted: number }

/** A counted comment the figures name: a campaign's, a quote or a proposal. */
type Unit = {
  id: number
  kind: Kind
  origin: Origin
  /** Duplicate group, 0 for none; for a campaign's counted member, the campaign and its signatories. */
  group: number
  campaign: number
  signatories: number
}

/** A proposed amendment text, or the several of one duplicate group. */
type Proposal = { clauseId: number | null; first: number; comments: number; members: number[]; campaigns: Unit[]; plain: number }

/**
 * The round's counted comments ("units") under a lens, tallied in one pass: a campaign (a duplicate
 * group at or above the round's threshold) counts only through its earliest visible member, which
 * carries the campaign's number of signatories. Under a lens a campaign is its members seen through
 * the lens: counted once if any of them is, through the earliest of them, with that many signatories.
 */
type Units = {
  /** Every visible submitted comment under the lens, counted or not, and how many were imported. */
  visible: number
  imported: number
  kinds: Kind[]
  origins: Origin[]
  /** Distinct authors by category, each imported comment one. */
  participants: Map<StakeholderCategory, number>
  /** Own outcome, else the duplicate group's; null while pending. */
  outcomes: Map<string | null, number>
  /** The moderators' concerns: by concern, category and region; by clause and concern. */
  confirmed: Map<string, Map<Kind, Map<Origin, number>>>
  /** By confirmed concern, its quotable comments with the highest suggestion score for it (earliest first on ties), best first. */
  concernQuotes: Map<string, { unit: Unit; score: number }[]>
  /** The quotable comment with the highest suggestion score, by clause and position. */
  clauseQuotes: Map<string, { unit: Unit; best: number }>
  /** By clause, then by duplicate group (or minus the comment's id, alone). */
  proposals: Map<number | null, Map<number, Proposal>>
  campaigns: Unit[]
  /** Reviewed comments whose confirmed concerns differ from the suggested ones, in the whole round. */
  changed: number
}

const SCAN_PAGE = 20_000
/** Representative quotes per concern. */
const QUOTES_PER_GROUP = 3

/**
 * A round whose comments' ids span at least this many is read in two threads (scanColumns),
 * each half on its own connection, when nothing else is written meanwhile (tests lower it).
 */
export const scanSettings = { parallelFrom: 50_000 }
/** How many passes were read in two halves, and how many of those again in one (something was written meanwhile). */
export const scanCounts = { split: 0, again: 0 }
const SCAN_WORKER = path.join(projectRoot, 'app', 'modules', 'summaries', 'scan.worker.js')
/** Turns drizzle's SQL into text and parameters, for the statements both threads run. */
const dialect = new SQLiteSyncDialect()

/** What the pass reads of a round besides its comments, in the same snapshot as them. */
type RoundRead = {
  campaignGroups: Set<number>
  own: Map<number, string>
  ofGroup: Map<number, string>
  confirmed: Map<number, { key: string; score: number | null }[]>
  /** Reviewed comments whose confirmed concerns differ from the suggested ones (not under a lens). */
  changed: number
  /** The comments' rows as columns, in parts that follow one another in id order. */
  parts: Columns[]
}

/**
 * Reads the round's visible submitted comments under the lens, each row with the columns the
 * figures group by packed as two JSON arrays (parsed once per distinct combination), with the
 * dispositions, campaigns and confirmed concerns the pass needs, all in one snapshot. A large round
 * is read in two halves at once, this thread reading the lower and a worker thread (scan.worker.js)
 * the upper, each on its own connection: reading the rows is most of the pass's time (the worker
 * also counts the changed suggestions, while this thread reads the rest of the round). The two
 * halves are one snapshot when no other connection committed from before either began until both
 * ended (PRAGMA data_version is unchanged); otherwise the round is read again in one.
 */
function readRound(db: Db, roundId: number, lens: Lens): RoundRead {
  const sqlite = connectionOf(db)
  const query = dialect.sqlToQuery(sql`
    select c.id, coalesce(c.duplicate_group_id, 0), c.author_id,
      json_array(c.clause_id, c.category, c.position, c.consent, c.imported, c.proposed_text is not null),
      json_array(c.country_code, c.region_code, c.declared_language),
      case when c.consent != 'private' and c.position is not null then
        (select max(s.score) from comment_concerns s where s.comment_id = c.id and s.source = 'suggested') end
    from comments c
    where c.round_id = ${roundId} and c.status = 'submitted' and c.moderation = 'visible' and ${lensWhere(lens)}
      and c.id > ? and c.id <= ?
    order by c.id limit ${sql.raw(String(SCAN_PAGE))}`)
  const span = db.get<{ low: number | null; high: number | null }>(sql`
    select min(id) as low, max(id) as high from comments where round_id = ${roundId}`)!
  const low = (span.low ?? 1) - 1
  const high = span.high ?? 0
  const changes = dialect.sqlToQuery(changedSuggestions(roundId))
  // The round up to a comment id, and the changed suggestions unless the worker counts them.
  const read = (to: number, counting: boolean): RoundRead =>
    db.transaction(() => ({
      ...roundContext(db, roundId),
      changed: counting ? (sqlite.prepare(changes.sql).pluck().get(...changes.params) as number) : 0,
      parts: [scanColumns(sqlite.prepare(query.sql), query.params, low, to, SCAN_PAGE)],
    }))
  if (high - low < scanSettings.parallelFrom || sqlite.inTransaction || sqlite.memory) return read(high, true)

  const version = () => sqlite.pragma('data_version', { simple: true })
  const before = version()
  const middle = low + Math.floor((high - low) / 2)
  const flag = new SharedArrayBuffer(4)
  const { port1, port2 } = new MessageChannel()
  const worker = new Worker(SCAN_WORKER, {
    workerData: { file: sqlite.name, query: query.sql, params: query.params, from: middle, to: high, pageSize: SCAN_PAGE, count: changes, port: port2, flag },
    transferList: [port2],
  })
  // Failures come back as messages; the thread ends by itself.
  worker.on('error', () => {})
  try {
    const lower = read(middle, false)
    const done = new Int32Array(flag)
    while (Atomics.load(done, 0) === 0) Atomics.wait(done, 0, 0, 1000)
    const reply = receiveMessageOnPort(port1)?.message as { columns: Columns; count: number } | { error: string } | undefined
    if (!reply || 'error' in reply) throw new Error(`Reading the round's comments failed: ${reply?.error ?? 'no answer'}`)
    scanCounts.split++
    if (version() === before) return { ...lower, changed: reply.count, parts: [...lower.parts, reply.columns] }
  } finally {
    port1.close()
  }
  scanCounts.again++
  return read(high, true)
}

/** The round's campaigns, dispositions and confirmed concerns (with the suggestion's score for each). */
function roundContext(db: Db, roundId: number): Omit<RoundRead, 'parts' | 'changed'> {
  const campaignGroups = new Set(
    db.values<[number]>(sql`select id from duplicate_groups where round_id = ${roundId} and is_campaign = 1`).map(([id]) => id),
  )
  const own = new Map<number, string>()
  const ofGroup = new Map<number, string>()
  for (const [commentId, groupId, outcome] of db.values<[number | null, number | null, string]>(sql`
    select comment_id, duplicate_group_id, outcome from dispositions where round_id = ${roundId}`)) {
    if (commentId !== null) own.set(commentId, outcome)
    if (groupId !== null) ofGroup.set(groupId, outcome)
  }
  const concernKeys = new Map(db.values<[number, string]>(sql`select id, key from concerns where round_id = ${roundId}`))
  const confirmed = new Map<number, { key: string; score: number | null }[]>()
  // The suggestions' scores looked up in comment order, where one lookup's pages are the next one's.
  for (const [commentId, concernId, score] of db.values<[number, number, number | null]>(sql`
    with m as materialized (
      select m.comment_id, m.concern_id from concerns k join comment_concerns m on m.concern_id = k.id and m.source = 'moderator'
      where k.round_id = ${roundId} order by m.comment_id, m.concern_id)
    select m.comment_id, m.concern_id, s.score from m
    left join comment_concerns s on s.comment_id = m.comment_id and s.concern_id = m.concern_id and s.source = 'suggested'`)) {
    const key = concernKeys.get(concernId)!
    const list = confirmed.get(commentId)
    if (list) list.push({ key, score })
    else confirmed.set(commentId, [{ key, score }])
  }
  return { campaignGroups, own, ofGroup, confirmed }
}

/**
 * Reviewed comments whose confirmed concerns differ from their suggested ones: each reviewed
 * comment (off the partial index of the reviewed ones, without reading its row) and its two lists
 * of concern ids, read from comment_concerns' primary key (comment, concern, source) in concern order.
 */
const changedSuggestions = (roundId: number) => sql`
  select count(*) from comments c indexed by comments_round_reviewed_idx
  where c.round_id = ${roundId} and c.review_state = 'reviewed' and c.status = 'submitted'
    and coalesce((select group_concat(m.concern_id) from comment_concerns m where m.comment_id = c.id and m.source = 'moderator'), '')
      != coalesce((select group_concat(s.concern_id) from comment_concerns s where s.comment_id = c.id and s.source = 'suggested'), '')`

/**
 * Tallies every figure in one pass over the round's counted comments in id order (readRound):
 * SQLite sorting a million rows for each grouping took seconds apiece, one pass over them takes
 * less than reading them.
 */
function loadUnits(db: Db, roundId: number, lens: Lens): Units {
  const { campaignGroups, own, ofGroup, confirmed, changed, parts } = readRound(db, roundId, lens)
  const units: Units = {
    changed,
    visible: 0,
    imported: 0,
    kinds: [],
    origins: [],
    participants: new Map(),
    outcomes: new Map(),
    confirmed: new Map(),
    concernQuotes: new Map(),
    clauseQuotes: new Map(),
    proposals: new Map(),
    campaigns: [],
  }
  const kinds = new Map<string, Kind>()
  const origins = new Map<string, Origin>()
  // Authors by number, and for each the categories (one bit each) already counted for them.
  const authorNumbers = new Map<string, number>()
  const partLists = parts.map((part) => ({
    kinds: part.kinds.map((said) => {
      let kind = kinds.get(said)
      if (!kind) {
        kind = parseKind(said)
        kinds.set(said, kind)
        units.kinds.push(kind)
      }
      return kind
    }),
    origins: part.origins.map((from) => {
      let origin = origins.get(from)
      if (!origin) {
        const [countryCode, regionCode, language] = JSON.parse(from) as [string | null, string | null, string | null]
        origin = { countryCode, regionCode, language, counted: 0 }
        origins.set(from, origin)
        units.origins.push(origin)
      }
      return origin
    }),
    authors: Int32Array.from(part.authors, (author) => {
      let number = authorNumbers.get(author)
      if (number === undefined) authorNumbers.set(author, (number = authorNumbers.size))
      return number
    }),
  }))
  const counted = new Uint16Array(authorNumbers.size)
  const represented = new Map<number, Unit>()
  for (let p = 0; p < parts.length; p++) {
    const lists = partLists[p]!
    for (const chunk of parts[p]!.chunks) {
      for (let index = 0; index < chunk.length; index++) {
        const id = chunk.ids[index]!
        const group = chunk.groups[index]!
        const author = chunk.authors[index]!
        const kind = lists.kinds[chunk.kinds[index]!]!
        const origin = lists.origins[chunk.origins[index]!]!
        const best = chunk.best[index]!
        units.visible++
        if (kind.imported) units.imported++
        const campaign = group && campaignGroups.has(group) ? group : 0
        if (campaign) {
          const first = represented.get(campaign)
          if (first) {
            // A later member of a campaign already counted: one more signatory of its first member.
            first.signatories++
            first.kind.signatories++
            continue
          }
          kind.campaigns++
          kind.signatories++
        }
        kind.counted++
        origin.counted++
        // The comment as the figures name it, made only when one does.
        let unit: Unit | undefined
        if (campaign) {
          unit = { id, kind, origin, group, campaign, signatories: 1 }
          represented.set(campaign, unit)
          units.campaigns.push(unit)
        }

        if (author < 0) tally(units.participants, kind.category, 1)
        else {
          const number = lists.authors[author]!
          if (!(counted[number]! & kind.categoryBit)) {
            counted[number]! |= kind.categoryBit
            tally(units.participants, kind.category, 1)
          }
        }

        const outcome = own.get(id) ?? (group ? ofGroup.get(group) : undefined) ?? null
        units.outcomes.set(outcome, (units.outcomes.get(outcome) ?? 0) + 1)

        if (kind.quoteKey) {
          const leader = units.clauseQuotes.get(kind.quoteKey)
          if (!leader || (!Number.isNaN(best) && (Number.isNaN(leader.best) || best > leader.best)))
            units.clauseQuotes.set(kind.quoteKey, { unit: (unit ??= plainUnit(id, kind, origin, group)), best })
        }

        for (const { key, score } of confirmed.get(id) ?? []) {
          let byKind = units.confirmed.get(key)
          if (!byKind) units.confirmed.set(key, (byKind = new Map()))
          let byOrigin = byKind.get(kind)
          if (!byOrigin) byKind.set(kind, (byOrigin = new Map()))
          byOrigin.set(origin, (byOrigin.get(origin) ?? 0) + 1)
          if (kind.consent !== 'private') {
            // The ids ascend: a later comment goes before another only with a higher score.
            let leaders = units.concernQuotes.get(key)
            if (!leaders) units.concernQuotes.set(key, (leaders = []))
            const value = score ?? 0
            if (leaders.length < QUOTES_PER_GROUP || value > leaders[leaders.length - 1]!.score) {
              let at = leaders.length
              while (at > 0 && value > leaders[at - 1]!.score) at--
              leaders.splice(at, 0, { unit: (unit ??= plainUnit(id, kind, origin, group)), score: value })
              if (leaders.length > QUOTES_PER_GROUP) leaders.pop()
            }
          }
        }

        if (kind.position === 'amend' && kind.proposes && kind.consent !== 'private') {
          let ofClause = units.proposals.get(kind.clauseId)
          if (!ofClause) units.proposals.set(kind.clauseId, (ofClause = new Map()))
          let proposal = ofClause.get(group || -id)
          if (!proposal)
            ofClause.set(group || -id, (proposal = { clauseId: kind.clauseId, first: id, comments: 0, members: [], campaigns: [], plain: 0 }))
          proposal.comments++
          proposal.members.push(id)
          if (unit?.campaign) proposal.campaigns.push(unit)
          else proposal.plain++
        }
      }
    }
  }
  return units
}

const plainUnit = (id: number, kind: Kind, origin: Origin, group: number): Unit => ({ id, kind, origin, group, campaign: 0, signatories: 0 })

function parseKind(columns: string): Kind {
  const [clauseId, category, position, consent, imported, proposes] = JSON.parse(columns) as [
    number | null,
    StakeholderCategory,
    Position | null,
    string,
    number,
    number,
  ]
  return {
    clauseId,
    category,
    position,
    consent,
    imported: imported === 1,
    proposes: proposes === 1,
    quoteKey: consent !== 'private' && position ? `${clauseId ?? 'whole'}:${position}` : null,
    categoryBit: 1 << STAKEHOLDER_CATEGORIES.indexOf(category),
    counted: 0,
    campaigns: 0,
    signatories: 0,
  }
}

let current: { db: Db; roundId: number; lens: string; units: Units } | null = null
const lensKey = (lens: Lens) => JSON.stringify(Object.entries(lens).sort(([a], [b]) => (a < b ? -1 : 1)))

/** The units of the round under the lens: those of the enclosing withUnits, else read now. */
function unitsOf(db: Db, roundId: number, lens: Lens) {
  return current && current.db === db && current.roundId === roundId && current.lens === lensKey(lens)
    ? current.units
    : loadUnits(db, roundId, lens)
}

/**
 * Runs `compute` with the round's counted comments under the lens read once, for every figure
 * computed inside it for the same round and lens. Nested calls for the same round and lens reuse
 * them; another round or lens reads its own.
 */
export function withUnits<T>(db: Db, roundId: number, lens: Lens, compute: () => T): T {
  const key = lensKey(lens)
  if (current?.db === db && current.roundId === roundId && current.lens === key) return compute()
  const outer = current
  current = { db, roundId, lens: key, units: loadUnits(db, roundId, lens) }
  try {
    return compute()
  } finally {
    current = outer
  }
}

/** Rows of comments by id, a few hundred ids a query. */
function commentsById<T extends unknown[]>(db: Db, ids: number[], columns: SQL) {
  const rows = new Map<number, T>()
  for (let start = 0; start < ids.length; start += 500) {
    const chunk = ids.slice(start, start + 500)
    for (const row of db.values<[number, ...T]>(sql`select id, ${columns} from comments where id in (${sql.join(
      chunk.map((id) => sql`${id}`),
      sql`, `,
    )})`))
      rows.set(row[0], row.slice(1) as T)
  }
  return rows
}

/** Clause ids in SQLite's order: the whole draft (null) first, then ascending. */
const clauseOrder = (a: number | null, b: number | null) => (a === b ? 0 : a === null ? -1 : b === null ? 1 : a - b)
const byText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0)

export type PositionCounts = Record<Position, number> & { total: number; net: number | null }

function emptyCounts(): PositionCounts {
  return { support: 0, amend: 0, oppose: 0, neutral: 0, total: 0, net: null }
}

/** Net support: (support − oppose) / all who took a position, from −1 (all oppose) to +1. */
function withNet(counts: PositionCounts) {
  counts.net = counts.total ? (counts.support - counts.oppose) / counts.total : null
  return counts
}

/**
 * Divergence of a clause: the spread of net support across stakeholder categories, weighted by how
 * many of each spoke — the weighted standard deviation of the categories' net support, from 0
 * (every category equally for or against) to 1 (half the weight at +1, half at −1).
 */
export function divergence(byCategory: { net: number | null; total: number }[]) {
  const spoken = byCategory.filter((entry) => entry.total > 0 && entry.net !== null)
  const weight = spoken.reduce((sum, entry) => sum + entry.total, 0)
  if (spoken.length < 2 || weight === 0) return null
  const mean = spoken.reduce((sum, entry) => sum + entry.total * entry.net!, 0) / weight
  const variance = spoken.reduce((sum, entry) => sum + entry.total * (entry.net! - mean) ** 2, 0) / weight
  return Math.sqrt(variance)
}

function tally<K extends string>(map: Map<K, number>, key: K | null | undefined, n: number) {
  if (key === null || key === undefined) return
  map.set(key, (map.get(key) ?? 0) + n)
}

const sorted = <K extends string>(map: Map<K, number>) =>
  [...map.entries()].map(([key, count]) => ({ key, count })).sort((a, b) => b.count - a.count || (a.key < b.key ? -1 : 1))

export function buildFigures(db: Db, roundId: number, lens: Lens = EMPTY) {
  return withUnits(db, roundId, lens, () => computeFigures(db, roundId, lens))
}

function computeFigures(db: Db, roundId: number, lens: Lens) {
  const units = unitsOf(db, roundId, lens)
  const clauses = db.all<{ id: number; label: string; position: number }>(sql`
    select cl.id, cl.label, cl.position from clauses cl join rounds r on r.version_id = cl.version_id
    where r.id = ${roundId} order by cl.position`)

  const participants = units.participants
  // Participation
  const byCategory = new Map<StakeholderCategory, number>()
  const byRegion = new Map<string, number>()
  const byCountry = new Map<string, number>()
  const byLanguage = new Map<string, number>()
  const byConsent = new Map<string, number>()
  let unitsCount = 0
  let campaigns = 0
  let signatories = 0
  const perClause = new Map<number | 'whole', Map<StakeholderCategory, PositionCounts>>()
  for (const kind of units.kinds) {
    if (!kind.counted) continue
    unitsCount += kind.counted
    tally(byCategory, kind.category, kind.counted)
    tally(byConsent, kind.consent, kind.counted)
    campaigns += kind.campaigns
    signatories += kind.signatories
    const clauseKey = kind.clauseId ?? 'whole'
    let categories = perClause.get(clauseKey)
    if (!categories) perClause.set(clauseKey, (categories = new Map()))
    let counts = categories.get(kind.category)
    if (!counts) categories.set(kind.category, (counts = emptyCounts()))
    if (kind.position) {
      counts[kind.position] += kind.counted
      counts.total += kind.counted
    }
  }
  for (const origin of units.origins) {
    if (!origin.counted) continue
    tally(byRegion, origin.regionCode, origin.counted)
    tally(byCountry, origin.countryCode, origin.counted)
    tally(byLanguage, origin.language ?? 'und', origin.counted)
  }

  const clauseFigures = [{ id: null as number | null, label: null as string | null }, ...clauses.map((c) => ({ id: c.id, label: c.label }))].map(
    (clause) => {
      const categories = perClause.get(clause.id ?? 'whole') ?? new Map<StakeholderCategory, PositionCounts>()
      const all = emptyCounts()
      const rows = STAKEHOLDER_CATEGORIES.map((category) => {
        const counts = withNet(categories.get(category) ?? emptyCounts())
        for (const position of POSITIONS) all[position] += counts[position]
        all.total += counts.total
        return { category, ...counts }
      })
      return { clauseId: clause.id, label: clause.label, all: withNet(all), byCategory: rows, divergence: divergence(rows) }
    },
  )
  const ranked = clauseFigures
    .filter((clause) => clause.clauseId !== null && clause.divergence !== null)
    .sort((a, b) => a.divergence! - b.divergence! || (b.all.net ?? 0) - (a.all.net ?? 0))
    .map((clause) => ({ clauseId: clause.clauseId!, label: clause.label!, divergence: clause.divergence!, net: clause.all.net }))

  return {
    lens,
    participation: {
      comments: units.visible,
      imported: units.imported,
      counted: unitsCount,
      participants: [...participants.values()].reduce((sum, n) => sum + n, 0),
      participantsByCategory: STAKEHOLDER_CATEGORIES.map((category) => ({ key: category, count: participants.get(category) ?? 0 })),
      byCategory: STAKEHOLDER_CATEGORIES.map((category) => ({ key: category, count: byCategory.get(category) ?? 0 })),
      byRegion: sorted(byRegion),
      byCountry: sorted(byCountry),
      byLanguage: sorted(byLanguage),
      named: byConsent.get('named') ?? 0,
      anonymous: byConsent.get('anonymous') ?? 0,
      unpublished: byConsent.get('private') ?? 0,
      campaigns,
      campaignSignatories: signatories,
    },
    clauses: clauseFigures,
    consensus: ranked,
    concerns: concernFigures(db, roundId, lens),
    dispositions: dispositionFigures(db, roundId, lens),
    method: methodFigures(db, roundId, units.changed),
  }
}

export type Figures = ReturnType<typeof buildFigures>

/** Each concern across categories and regions: comments whose concerns a moderator confirmed. */
function concernFigures(db: Db, roundId: number, lens: Lens) {
  const rows: { key: string; category: StakeholderCategory; regionCode: string | null; n: number }[] = []
  for (const [key, byKind] of unitsOf(db, roundId, lens).confirmed)
    for (const [kind, byOrigin] of byKind) for (const [origin, n] of byOrigin) rows.push({ key, category: kind.category, regionCode: origin.regionCode, n })
  const concerns = db.all<{ key: string; labels: string; keyPoints: string; sortOrder: number }>(sql`
    select key, labels, key_points as keyPoints, sort_order as sortOrder from concerns where round_id = ${roundId} order by sort_order, id`)
  return concerns.map((concern) => {
    const mine = rows.filter((row) => row.key === concern.key)
    const byRegion = new Map<string, number>()
    for (const row of mine) tally(byRegion, row.regionCode, row.n)
    return {
      key: concern.key,
      labels: JSON.parse(concern.labels) as Record<string, string>,
      keyPoints: JSON.parse(concern.keyPoints) as Record<string, string>,
      total: mine.reduce((sum, row) => sum + row.n, 0),
      byCategory: STAKEHOLDER_CATEGORIES.map((category) => ({
        key: category,
        count: mine.filter((row) => row.category === category).reduce((sum, row) => sum + row.n, 0),
      })),
      byRegion: sorted(byRegion),
    }
  })
}

/** How comments were handled: a comment's own disposition, else its duplicate group's. */
function dispositionFigures(db: Db, roundId: number, lens: Lens) {
  const { outcomes } = unitsOf(db, roundId, lens)
  const count = (outcome: string | null) => outcomes.get(outcome) ?? 0
  return {
    accepted: count('accepted'),
    partly_accepted: count('partly_accepted'),
    noted: count('noted'),
    not_accepted: count('not_accepted'),
    pending: count(null),
  }
}

/** How grouping was done: suggestions confirmed or changed, hidden comments by reason. */
function methodFigures(db: Db, roundId: number, changed: number) {
  // The changed suggestions are counted with the pass (changedSuggestions); the reviewed and
  // unreviewed totals come from the round's counts.
  const states = db.all<{ state: string; n: number }>(sql`
    select review_state as state, coalesce(sum(n), 0) as n from comment_counts
    where round_id = ${roundId} and dimension = 'all' group by review_state`)
  const reviewed = states.find((row) => row.state === 'reviewed')?.n ?? 0
  const review = { reviewed, asSuggested: reviewed - changed, changed, unreviewed: states.find((row) => row.state === 'unreviewed')?.n ?? 0 }
  const hidden = db.all<{ reason: string; n: number }>(sql`
    select coalesce(hidden_reason, 'unspecified') as reason, count(*) as n from comments
    where round_id = ${roundId} and status = 'submitted' and moderation = 'hidden' group by 1 order by 2 desc`)
  const groups = db.get<{ groups: number; campaigns: number; grouped: number; threshold: number }>(sql`
    select count(*) as groups, coalesce(sum(is_campaign), 0) as campaigns, coalesce(sum(size), 0) as grouped,
      (select campaign_threshold from rounds where id = ${roundId}) as threshold
    from duplicate_groups where round_id = ${roundId} and size > 1`)
  return {
    reviewed: review.reviewed,
    confirmedAsSuggested: review.asSuggested,
    changedFromSuggestion: review.changed,
    unreviewed: review.unreviewed,
    hiddenByReason: hidden.map((row) => ({ key: row.reason, count: row.n })),
    duplicateGroups: groups?.groups ?? 0,
    campaigns: groups?.campaigns ?? 0,
    commentsInGroups: groups?.grouped ?? 0,
    campaignThreshold: groups?.threshold ?? 0,
  }
}

export type Quote = {
  commentId: number
  groupKey: string
  text: string
  language: string | null
  category: StakeholderCategory
  countryCode: string | null
  authorName: string | null
  organization: string | null
  translations: Record<string, string>
}


/**
 * Representative quotes, by a stated method: for each concern, the published comments confirmed
 * with it that the suggestion model finds most typical of it (highest suggestion score for that
 * concern, earliest first on ties), up to three; for each clause and position, the published comment
 * most typical of its leading concern. Quotes stay in their original language, with a moderator's
 * translations beside them. Unpublished comments are never quoted; anonymous ones carry no name.
 */
export function representativeQuotes(db: Db, roundId: number, lens: Lens = EMPTY) {
  const units = unitsOf(db, roundId, lens)
  // For each concern: its confirmed comments by the suggestion's score for it, earliest first on ties.
  const concernPicks = [...units.concernQuotes.entries()]
    .sort(([a], [b]) => byText(a, b))
    .flatMap(([groupKey, leaders]) => leaders.map(({ unit }) => ({ unit, groupKey })))
  // For each clause and position: the comment with the highest suggestion score, earliest on ties.
  const clausePicks = [...units.clauseQuotes.entries()]
    .map(([groupKey, { unit }]) => ({ unit, groupKey }))
    .sort((a, b) => clauseOrder(a.unit.kind.clauseId, b.unit.kind.clauseId) || byText(a.unit.kind.position ?? '', b.unit.kind.position ?? ''))
  const texts = commentsById<[string, string | null, string | null]>(
    db,
    [...concernPicks, ...clausePicks].map(({ unit }) => unit.id),
    sql`text, author_name, organization_name`,
  )
  const quote = ({ unit, groupKey }: { unit: Unit; groupKey: string }): Omit<Quote, 'translations'> => {
    const [text, authorName, organization] = texts.get(unit.id) ?? ['', null, null]
    const named = unit.kind.consent === 'named'
    return {
      commentId: unit.id,
      groupKey,
      text,
      language: unit.origin.language,
      category: unit.kind.category,
      countryCode: unit.origin.countryCode,
      authorName: named ? authorName : null,
      organization: named ? organization : null,
    }
  }
  const byConcern = concernPicks.map(quote)
  const byClause = clausePicks.map(quote)
  const ids = [...byConcern, ...byClause].map((quote) => quote.commentId)
  const translations = ids.length
    ? db.all<{ commentId: number; language: string; text: string }>(sql`
        select comment_id as commentId, language, text from comment_translations
        where comment_id in (${sql.join(
          ids.map((id) => sql`${id}`),
          sql`, `,
        )})`)
    : []
  const withTranslations = (quote: Omit<Quote, 'translations'>): Quote => ({
    ...quote,
    translations: Object.fromEntries(
      translations.filter((row) => row.commentId === quote.commentId).map((row) => [row.language, row.text]),
    ),
  })
  return { byConcern: byConcern.map(withTranslations), byClause: byClause.map(withTranslations) }
}

/** Proposed amendments per clause, identical proposals grouped, most proposed first (published only). */
export function proposedAmendments(db: Db, roundId: number, lens: Lens = EMPTY, perClause = 5) {
  // Published amendments with a proposed text, grouped by clause and duplicate group (or alone): the
  // most proposed per clause (by comments, then earliest), then each clause's by proposers.
  const proposers = (proposal: Proposal) => proposal.campaigns.reduce((sum, unit) => sum + unit.signatories, proposal.plain)
  const chosen = [...unitsOf(db, roundId, lens).proposals.entries()]
    .sort(([a], [b]) => clauseOrder(a, b))
    .flatMap(([, ofClause]) =>
      [...ofClause.values()]
        .sort((a, b) => b.comments - a.comments || a.first - b.first)
        .slice(0, perClause)
        .sort((a, b) => proposers(b) - proposers(a)),
    )
  // Each group's text and language as SQLite orders them (the least), as the members give them.
  return chosen.map((proposal) => {
    let least: { proposedText: string; language: string | null } | undefined
    for (let start = 0; start < proposal.members.length; start += 500) {
      const row = db.get<{ proposedText: string; language: string | null }>(sql`
        select min(proposed_text) as proposedText, min(declared_language) as language from comments
        where id in (${sql.join(
          proposal.members.slice(start, start + 500).map((id) => sql`${id}`),
          sql`, `,
        )})`)!
      least = least
        ? {
            proposedText: byText(row.proposedText, least.proposedText) < 0 ? row.proposedText : least.proposedText,
            language: least.language === null || (row.language !== null && row.language < least.language) ? row.language : least.language,
          }
        : row
    }
    return { clauseId: proposal.clauseId, proposedText: least!.proposedText, language: least!.language, proposers: proposers(proposal) }
  })
}

export type ClauseConcern = { clauseId: number | null; key: string; count: number }

/**
 * The concerns raised on each clause (and on the whole draft, clauseId null): counted comments whose
 * concern a moderator confirmed, by the counting rules above (a campaign once), most raised first.
 */
export function clauseConcerns(db: Db, roundId: number, lens: Lens = EMPTY): ClauseConcern[] {
  const counts = new Map<number | null, Map<string, ClauseConcern>>()
  for (const [key, byKind] of unitsOf(db, roundId, lens).confirmed)
    for (const [kind, byOrigin] of byKind) {
      let ofClause = counts.get(kind.clauseId)
      if (!ofClause) counts.set(kind.clauseId, (ofClause = new Map()))
      const row = ofClause.get(key) ?? { clauseId: kind.clauseId, key, count: 0 }
      ofClause.set(key, row)
      for (const n of byOrigin.values()) row.count += n
    }
  return [...counts.values()]
    .flatMap((ofClause) => [...ofClause.values()])
    .sort((a, b) => clauseOrder(a.clauseId, b.clauseId) || b.count - a.count || byText(a.key, b.key))
}

export type CampaignFigure = {
  groupId: number
  clauseId: number | null
  position: Position | null
  signatories: number
  commentId: number
  text: string | null
  language: string | null
}

/**
 * Each campaign counted in the figures: its earliest visible member (the one counted) and its
 * number of signatories. The text is given only when that member consented to publication.
 */
export function campaignFigures(db: Db, roundId: number, lens: Lens = EMPTY): CampaignFigure[] {
  const units = unitsOf(db, roundId, lens)
  const counted = [...units.campaigns].sort((a, b) => b.signatories - a.signatories || a.id - b.id)
  const texts = commentsById<[string]>(
    db,
    counted.filter((unit) => unit.kind.consent !== 'private').map((unit) => unit.id),
    sql`text`,
  )
  return counted.map((unit) => ({
    groupId: unit.campaign,
    clauseId: unit.kind.clauseId,
    position: unit.kind.position,
    signatories: unit.signatories,
    commentId: unit.id,
    text: texts.get(unit.id)?.[0] ?? null,
    language: unit.origin.language,
  }))
}
