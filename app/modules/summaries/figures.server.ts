/**
 * The figures of a round's consolidated position summary, computed with SQL aggregates over the
 * whole round (never by loading every comment). Counting rules, stated in the summary's method:
 * - only submitted comments that moderators have not hidden count;
 * - a campaign (a duplicate group at or above the round's threshold) counts once, as its earliest
 *   member, and its number of signatories is reported beside it;
 * - a lens (region, sub-region, regional organization, category, language) restricts every figure.
 */
import { sql, type SQL } from 'drizzle-orm'
import { POSITIONS, STAKEHOLDER_CATEGORIES, type Position, type StakeholderCategory } from '#db/schema/index'
import type { Db } from '~/utils/db.server'

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
 * The round's visible submitted comments under a lens, each marked `counted` when it is a counted
 * comment ("unit"): a campaign counts only through its earliest visible member, which carries the
 * campaign's signatory count. Under a
 * lens a campaign is its members seen through the lens: counted once if any of them is, through the
 * earliest of them, with that many signatories. Only the columns the figures group and filter by; texts are read from
 * the comments by id for the few rows shown (quotes, amendments, campaigns), with a cross join so
 * that SQLite looks them up by id rather than reading the whole comments table.
 */
function visibleSelect(roundId: number, lens: Lens) {
  return sql`
    with reps as (
      select m.duplicate_group_id as group_id, min(m.id) as id, count(*) as signatories
      from comments m join duplicate_groups g on g.id = m.duplicate_group_id and g.is_campaign = 1
      where m.round_id = ${roundId} and m.status = 'submitted' and m.moderation = 'visible'
        and ${lensWhere(lens, 'm')}
      group by m.duplicate_group_id
    )
    select c.id, c.clause_id, c.category, c.position, c.country_code, c.region_code, c.declared_language, c.consent,
      c.author_id, c.duplicate_group_id, c.imported, c.proposed_text is not null as proposes,
      coalesce(r.signatories, 0) as signatories, r.group_id as campaign_id, (g.id is null or c.id = r.id) as counted
    from comments c
    left join duplicate_groups g on g.id = c.duplicate_group_id and g.is_campaign = 1
    left join reps r on r.group_id = g.id
    where c.round_id = ${roundId} and c.status = 'submitted' and c.moderation = 'visible'
      and ${lensWhere(lens)}`
}

/** The comments the figures being computed now read from temp.summary_visible (see withUnits). */
let materialized: { roundId: number; lens: string } | null = null
const lensKey = (lens: Lens) => JSON.stringify(Object.entries(lens).sort(([a], [b]) => (a < b ? -1 : 1)))

function visible(roundId: number, lens: Lens) {
  return materialized && materialized.roundId === roundId && materialized.lens === lensKey(lens)
    ? sql`temp.summary_visible`
    : sql`(${visibleSelect(roundId, lens)})`
}

/** The counted comments as the common table expression `units` of a query. */
function units(roundId: number, lens: Lens) {
  return sql`with units as (select * from ${visible(roundId, lens)} where counted)`
}

/**
 * Runs `compute` with the round's visible comments under the lens written once into a temporary
 * table (of this connection) that every figure's query reads, instead of each query finding them
 * again among the whole rows of all the round's comments. Nested calls for the same round and lens
 * reuse the table.
 */
export function withUnits<T>(db: Db, roundId: number, lens: Lens, compute: () => T): T {
  const key = lensKey(lens)
  if (materialized?.roundId === roundId && materialized.lens === key) return compute()
  const outer = materialized
  const fill = (round: number, filter: Lens) => {
    db.run(sql`create temp table if not exists summary_visible (
      id integer primary key, clause_id integer, category text, position text, country_code text, region_code text,
      declared_language text, consent text, author_id text, duplicate_group_id integer, imported integer, proposes integer,
      signatories integer, campaign_id integer, counted integer)`)
    db.run(sql`delete from temp.summary_visible`)
    db.run(sql`insert into temp.summary_visible ${visibleSelect(round, filter)}`)
  }
  fill(roundId, lens)
  materialized = { roundId, lens: key }
  try {
    return compute()
  } finally {
    db.run(sql`delete from temp.summary_visible`)
    materialized = null
    // An outer computation for another round or lens gets its table back.
    if (outer) {
      fill(outer.roundId, Object.fromEntries(JSON.parse(outer.lens) as [string, unknown][]) as Lens)
      materialized = outer
    }
  }
}

type SaidRow = {
  clauseId: number | null
  category: StakeholderCategory
  position: Position | null
  consent: string
  campaign: number
  signatories: number
  n: number
}

type OriginRow = { countryCode: string | null; regionCode: string | null; language: string | null; n: number }

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
  // Two sorts of the counted comments: by what they say (clause, category, position, consent,
  // campaign) and by where they come from (country, its region, language); each gives at most a few
  // thousand rows, summed below.
  const said = db.all<SaidRow>(sql`
    ${units(roundId, lens)}
    select c.clause_id as clauseId, c.category, c.position, c.consent, (c.campaign_id is not null) as campaign,
      sum(c.signatories) as signatories, count(*) as n
    from units c group by 1, 2, 3, 4, 5`)
  const origin = db.all<OriginRow>(sql`
    ${units(roundId, lens)}
    select c.country_code as countryCode, c.region_code as regionCode, c.declared_language as language, count(*) as n
    from units c group by 1, 2, 3`)

  const clauses = db.all<{ id: number; label: string; position: number }>(sql`
    select cl.id, cl.label, cl.position from clauses cl join rounds r on r.version_id = cl.version_id
    where r.id = ${roundId} order by cl.position`)

  const participants = db.all<{ category: StakeholderCategory; n: number }>(sql`
    ${units(roundId, lens)}
    select c.category, count(distinct coalesce(c.author_id, 'import:' || c.id)) as n from units c group by 1`)

  const allComments = db.get<{ n: number; imported: number }>(sql`
    select count(*) as n, coalesce(sum(c.imported), 0) as imported from ${visible(roundId, lens)} c`)

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
  for (const row of said) {
    unitsCount += row.n
    tally(byCategory, row.category, row.n)
    tally(byConsent, row.consent, row.n)
    if (row.campaign) {
      campaigns += row.n
      signatories += row.signatories
    }
    const clauseKey = row.clauseId ?? 'whole'
    let categories = perClause.get(clauseKey)
    if (!categories) perClause.set(clauseKey, (categories = new Map()))
    let counts = categories.get(row.category)
    if (!counts) categories.set(row.category, (counts = emptyCounts()))
    if (row.position) {
      counts[row.position] += row.n
      counts.total += row.n
    }
  }
  for (const row of origin) {
    tally(byRegion, row.regionCode, row.n)
    tally(byCountry, row.countryCode, row.n)
    tally(byLanguage, row.language ?? 'und', row.n)
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
      comments: allComments?.n ?? 0,
      imported: allComments?.imported ?? 0,
      counted: unitsCount,
      participants: participants.reduce((sum, row) => sum + row.n, 0),
      participantsByCategory: STAKEHOLDER_CATEGORIES.map((category) => ({
        key: category,
        count: participants.find((row) => row.category === category)?.n ?? 0,
      })),
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
    method: methodFigures(db, roundId),
  }
}

export type Figures = ReturnType<typeof buildFigures>

/** Each concern across categories and regions: comments whose concerns a moderator confirmed. */
function concernFigures(db: Db, roundId: number, lens: Lens) {
  const rows = db.all<{ key: string; category: StakeholderCategory; regionCode: string | null; n: number }>(sql`
    ${units(roundId, lens)}
    select k.key, c.category, c.region_code as regionCode, count(*) as n
    from units c
    join comment_concerns cc on cc.comment_id = c.id and cc.source = 'moderator'
    join concerns k on k.id = cc.concern_id
    group by 1, 2, 3`)
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
  const rows = db.all<{ outcome: string | null; n: number }>(sql`
    ${units(roundId, lens)}
    select coalesce(own.outcome, grp.outcome) as outcome, count(*) as n
    from units c
    left join dispositions own on own.comment_id = c.id
    left join dispositions grp on grp.duplicate_group_id = c.duplicate_group_id
    group by 1`)
  const count = (outcome: string | null) => rows.find((row) => row.outcome === outcome)?.n ?? 0
  return {
    accepted: count('accepted'),
    partly_accepted: count('partly_accepted'),
    noted: count('noted'),
    not_accepted: count('not_accepted'),
    pending: count(null),
  }
}

/** How grouping was done: suggestions confirmed or changed, hidden comments by reason. */
function methodFigures(db: Db, roundId: number) {
  // Reviewed comments whose confirmed concerns differ from their suggested ones, as lists of
  // concern ids read in the order of comment_concerns' primary key (comment, concern, source; the
  // unary + keeps SQLite on that key instead of sorting), each list then finding its comment by
  // id; the reviewed and unreviewed totals come from the round's counts.
  const changed = db.get<{ n: number }>(sql`
    with keys as (
      select comment_id,
        group_concat(case when source = 'moderator' then concern_id end) as mine,
        group_concat(case when source = 'suggested' then concern_id end) as suggested
      from comment_concerns
      where source in ('moderator', 'suggested') and +concern_id in (select id from concerns where round_id = ${roundId})
      group by comment_id
    )
    select count(*) as n from keys cross join comments c on c.id = keys.comment_id
    where coalesce(keys.mine, '') != coalesce(keys.suggested, '')
      and c.round_id = ${roundId} and c.status = 'submitted' and c.review_state = 'reviewed'`)!.n
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

const QUOTES_PER_GROUP = 3

/**
 * Representative quotes, by a stated method: for each concern, the published comments confirmed
 * with it that the suggestion model finds most typical of it (highest suggestion score for that
 * concern, earliest first on ties), up to three; for each clause and position, the published comment
 * most typical of its leading concern. Quotes stay in their original language, with a moderator's
 * translations beside them. Unpublished comments are never quoted; anonymous ones carry no name.
 */
export function representativeQuotes(db: Db, roundId: number, lens: Lens = EMPTY) {
  const byConcern = db.all<Omit<Quote, 'translations'>>(sql`
    ${units(roundId, lens)}
    select q.commentId, q.groupKey, t.text, q.language, q.category, q.countryCode,
      case when q.consent = 'named' then t.author_name end as authorName,
      case when q.consent = 'named' then t.organization_name end as organization
    from (
      select c.id as commentId, k.key as groupKey, c.declared_language as language, c.category,
        c.country_code as countryCode, c.consent,
        row_number() over (partition by k.key order by coalesce(s.score, 0) desc, c.id) as rank
      from units c
      join comment_concerns cc on cc.comment_id = c.id and cc.source = 'moderator'
      join concerns k on k.id = cc.concern_id
      left join comment_concerns s on s.comment_id = c.id and s.concern_id = cc.concern_id and s.source = 'suggested'
      where c.consent != 'private'
    ) q cross join comments t on t.id = q.commentId
    where q.rank <= ${QUOTES_PER_GROUP}
    order by q.groupKey, q.rank`)
  const byClause = db.all<Omit<Quote, 'translations'>>(sql`
    ${units(roundId, lens)}
    , best as (
      select comment_id, max(score) as score from comment_concerns where source = 'suggested' group by comment_id
    )
    select q.commentId, q.groupKey, t.text, q.language, q.category, q.countryCode,
      case when q.consent = 'named' then t.author_name end as authorName,
      case when q.consent = 'named' then t.organization_name end as organization
    from (
      select c.id as commentId, coalesce(c.clause_id, 'whole') || ':' || c.position as groupKey,
        c.declared_language as language, c.category, c.country_code as countryCode, c.consent,
        row_number() over (partition by c.clause_id, c.position order by best.score desc nulls last, c.id) as rank
      from units c left join best on best.comment_id = c.id
      where c.consent != 'private' and c.position is not null
    ) q cross join comments t on t.id = q.commentId
    where q.rank = 1`)
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
  return db.all<{ clauseId: number | null; proposedText: string; language: string | null; proposers: number }>(sql`
    ${units(roundId, lens)}
    select clauseId, proposedText, language, proposers from (
      select c.clause_id as clauseId, min(t.proposed_text) as proposedText, min(c.declared_language) as language,
        sum(max(c.signatories, 1)) as proposers,
        row_number() over (partition by c.clause_id order by count(*) desc, min(c.id)) as rank
      from units c cross join comments t on t.id = c.id
      where c.position = 'amend' and c.proposes and c.consent != 'private'
      group by c.clause_id, coalesce(c.duplicate_group_id, -c.id)
    ) where rank <= ${perClause}
    order by clauseId, proposers desc`)
}

export type ClauseConcern = { clauseId: number | null; key: string; count: number }

/**
 * The concerns raised on each clause (and on the whole draft, clauseId null): counted comments whose
 * concern a moderator confirmed, by the counting rules above (a campaign once), most raised first.
 */
export function clauseConcerns(db: Db, roundId: number, lens: Lens = EMPTY): ClauseConcern[] {
  return db.all<ClauseConcern>(sql`
    ${units(roundId, lens)}
    select c.clause_id as clauseId, k.key, count(*) as count
    from units c
    join comment_concerns cc on cc.comment_id = c.id and cc.source = 'moderator'
    join concerns k on k.id = cc.concern_id
    group by c.clause_id, k.key
    order by c.clause_id, count desc, k.key`)
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
  return db.all<CampaignFigure>(sql`
    ${units(roundId, lens)}
    select c.campaign_id as groupId, c.clause_id as clauseId, c.position, c.signatories, c.id as commentId,
      case when c.consent != 'private' then t.text end as text, c.declared_language as language
    from units c cross join comments t on t.id = c.id
    where c.campaign_id is not null
    order by c.signatories desc, c.id`)
}
