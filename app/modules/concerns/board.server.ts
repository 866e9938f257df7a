import { and, asc, eq, inArray, sql, type SQL } from 'drizzle-orm'
import { STAKEHOLDER_CATEGORIES, type StakeholderCategory } from '#db/schema/accounts'
import { clauses, commentConcerns, comments, concerns, type Position } from '#db/schema/index'
import { appendAudit } from '~/modules/moderation/audit.server'
import { SUPPORTED_LANGUAGES, type Language } from '~/modules/i18n/i18n'
import type { Db } from '~/utils/db.server'
import { confirmConcerns, suggestedKeys } from './concerns.server'
import type { BoardView } from './concerns.schema'

/**
 * The concern board of a round: how many comments carry each concern, confirmed by a moderator or
 * only suggested (by the model or the author) and not yet decided, across stakeholder categories and
 * M49 regions; the comments of one concern; bulk decisions on them; and each concern's key points.
 *
 * A comment counts for a concern when it is submitted and visible and either a moderator confirmed
 * the concern for it, or no moderator has decided on its concerns yet (it has no moderator label at
 * all) and the model suggested the concern or its author chose it. Once a moderator decided, the
 * comment counts only under the concerns the moderator gave it.
 */

export type Tally = { confirmed: number; pending: number }

const emptyTally = (): Tally => ({ confirmed: 0, pending: 0 })

/** The region of a comment without a country (an imported row). */
export const NO_REGION = 'none'

type AggregateRow = { concernId: number; confirmed: number; category: StakeholderCategory; regionCode: string | null; n: number }

/** One grouped query: comments per concern, decision, stakeholder category and M49 region. */
function aggregate(db: Db, roundId: number, concernId?: number) {
  const only = concernId === undefined ? sql`` : sql`and cc.concern_id = ${concernId}`
  return db.all<AggregateRow>(sql`
    select l.concern_id as concernId, l.confirmed as confirmed, c.category as category, c.region_code as regionCode, count(*) as n
    from (
      select cc.comment_id, cc.concern_id, max(cc.source = 'moderator') as confirmed
      from comment_concerns cc
      join concerns k on k.id = cc.concern_id
      where k.round_id = ${roundId} ${only}
      group by cc.comment_id, cc.concern_id
    ) l
    join comments c on c.id = l.comment_id
    where c.round_id = ${roundId} and c.status = 'submitted' and c.moderation = 'visible'
      and (l.confirmed = 1 or not exists (
        select 1 from comment_concerns m where m.comment_id = l.comment_id and m.source = 'moderator'))
    group by 1, 2, 3, 4`)
}

function concernRows(db: Db, roundId: number) {
  return db
    .select({ id: concerns.id, key: concerns.key, labels: concerns.labels, keyPoints: concerns.keyPoints })
    .from(concerns)
    .where(eq(concerns.roundId, roundId))
    .orderBy(asc(concerns.sortOrder), asc(concerns.id))
    .all()
}

function tallies(rows: AggregateRow[]) {
  const total = emptyTally()
  const byCategory = Object.fromEntries(STAKEHOLDER_CATEGORIES.map((category) => [category, emptyTally()])) as Record<
    StakeholderCategory,
    Tally
  >
  const byRegion: Record<string, Tally> = {}
  for (const row of rows) {
    const bucket = row.confirmed ? 'confirmed' : 'pending'
    total[bucket] += row.n
    const category = (byCategory[row.category] ??= emptyTally())
    category[bucket] += row.n
    const region = (byRegion[row.regionCode ?? NO_REGION] ??= emptyTally())
    region[bucket] += row.n
  }
  return { ...total, byCategory, byRegion }
}

/**
 * Every concern of the round, in taxonomy order, with its comments confirmed and pending, by
 * stakeholder category and by M49 region, and its key points (two queries in all).
 */
export function concernBoard(db: Db, roundId: number) {
  const rows = aggregate(db, roundId)
  const byConcern = new Map<number, AggregateRow[]>()
  for (const row of rows) {
    const list = byConcern.get(row.concernId)
    if (list) list.push(row)
    else byConcern.set(row.concernId, [row])
  }
  const regions = [...new Set(rows.map((row) => row.regionCode ?? NO_REGION))].sort()
  return {
    regions,
    concerns: concernRows(db, roundId).map((concern) => ({
      key: concern.key,
      labels: concern.labels as Record<string, string>,
      keyPoints: concern.keyPoints as Record<string, string>,
      ...tallies(byConcern.get(concern.id) ?? []),
    })),
  }
}

/** One concern of the round with its totals, or null. */
export function getBoardConcern(db: Db, roundId: number, key: string) {
  const concern = db
    .select({ id: concerns.id, key: concerns.key, labels: concerns.labels, keyPoints: concerns.keyPoints })
    .from(concerns)
    .where(and(eq(concerns.roundId, roundId), eq(concerns.key, key)))
    .get()
  if (!concern) return null
  const { confirmed, pending } = tallies(aggregate(db, roundId, concern.id))
  return {
    key: concern.key,
    labels: concern.labels as Record<string, string>,
    keyPoints: concern.keyPoints as Record<string, string>,
    confirmed,
    pending,
  }
}

export const BOARD_PAGE_SIZE = 25

export type BoardComment = {
  id: number
  text: string
  language: string | null
  category: StakeholderCategory
  countryCode: string | null
  regionCode: string | null
  position: Position | null
  clauseLabel: string | null
  imported: boolean
  confirmed: boolean
  /** The model's score for this concern, when it suggested it. */
  score: number | null
  byAuthor: boolean
  /** The concerns a moderator gave the comment (when decided), else those suggested and chosen. */
  moderatorKeys: string[]
  suggestedKeys: string[]
  authorKeys: string[]
}

/**
 * The comments of one concern (see the module comment), oldest first, a page after the comment id
 * `cursor` (keyset pagination: any page costs what the first does). `view` keeps only the confirmed
 * or only the pending ones. Null when the round has no such concern.
 */
export function concernComments(
  db: Db,
  roundId: number,
  concernKey: string,
  cursor: number | null = null,
  options: { view?: BoardView; pageSize?: number } = {},
) {
  const pageSize = options.pageSize ?? BOARD_PAGE_SIZE
  const view = options.view ?? 'all'
  const concern = db
    .select({ id: concerns.id })
    .from(concerns)
    .where(and(eq(concerns.roundId, roundId), eq(concerns.key, concernKey)))
    .get()
  if (!concern) return null
  const confirmedHere = sql`exists (select 1 from comment_concerns x
    where x.comment_id = ${comments.id} and x.concern_id = ${concern.id} and x.source = 'moderator')`
  const pendingHere = sql`(exists (select 1 from comment_concerns x
      where x.comment_id = ${comments.id} and x.concern_id = ${concern.id} and x.source in ('author', 'suggested'))
    and not exists (select 1 from comment_concerns m where m.comment_id = ${comments.id} and m.source = 'moderator'))`
  const where: SQL[] = [
    eq(comments.roundId, roundId),
    eq(comments.status, 'submitted'),
    eq(comments.moderation, 'visible'),
    sql`${comments.id} in (select cc.comment_id from comment_concerns cc where cc.concern_id = ${concern.id})`,
    view === 'confirmed' ? confirmedHere : view === 'pending' ? pendingHere : sql`(${confirmedHere} or ${pendingHere})`,
  ]
  if (cursor !== null) where.push(sql`${comments.id} > ${cursor}`)
  const rows = db
    .select({
      id: comments.id,
      text: comments.text,
      language: comments.declaredLanguage,
      category: comments.category,
      countryCode: comments.countryCode,
      regionCode: comments.regionCode,
      position: comments.position,
      clauseLabel: clauses.label,
      imported: comments.imported,
    })
    .from(comments)
    .leftJoin(clauses, eq(clauses.id, comments.clauseId))
    .where(and(...where))
    .orderBy(asc(comments.id))
    .limit(pageSize + 1)
    .all()
  const page = rows.slice(0, pageSize)
  const labels = page.length
    ? db
        .select({ commentId: commentConcerns.commentId, key: concerns.key, source: commentConcerns.source, score: commentConcerns.score })
        .from(commentConcerns)
        .innerJoin(concerns, eq(concerns.id, commentConcerns.concernId))
        .where(
          inArray(
            commentConcerns.commentId,
            page.map((row) => row.id),
          ),
        )
        .orderBy(asc(concerns.sortOrder), asc(concerns.id))
        .all()
    : []
  const result: BoardComment[] = page.map((row) => {
    const mine = labels.filter((label) => label.commentId === row.id)
    const keys = (source: 'author' | 'suggested' | 'moderator') => mine.filter((label) => label.source === source).map((label) => label.key)
    const here = mine.filter((label) => label.key === concernKey)
    return {
      ...row,
      confirmed: here.some((label) => label.source === 'moderator'),
      score: here.find((label) => label.source === 'suggested')?.score ?? null,
      byAuthor: here.some((label) => label.source === 'author'),
      moderatorKeys: keys('moderator'),
      suggestedKeys: keys('suggested'),
      authorKeys: keys('author'),
    }
  })
  return { comments: result, nextCursor: rows.length > pageSize ? page[page.length - 1]!.id : null }
}

export type BoardError = 'concernUnknown' | 'sameConcern' | 'commentUnknown'

type Act = { roundId: number; actorId: string; reason?: string | null; now?: Date }

/** The submitted comments of the round among `ids`, with the concerns moderators gave them. */
function selection(db: Db, roundId: number, ids: number[]) {
  const found = db
    .select({ id: comments.id })
    .from(comments)
    .where(and(eq(comments.roundId, roundId), eq(comments.status, 'submitted'), inArray(comments.id, ids)))
    .all()
  if (found.length !== ids.length) return null
  const rows = db
    .select({ commentId: commentConcerns.commentId, key: concerns.key, source: commentConcerns.source })
    .from(commentConcerns)
    .innerJoin(concerns, eq(concerns.id, commentConcerns.concernId))
    .where(inArray(commentConcerns.commentId, ids))
    .all()
  return new Map(
    ids.map((id) => {
      const mine = rows.filter((row) => row.commentId === id)
      return [
        id,
        {
          moderator: mine.filter((row) => row.source === 'moderator').map((row) => row.key),
          proposed: mine.filter((row) => row.source !== 'moderator').map((row) => row.key),
        },
      ]
    }),
  )
}

/**
 * Moves the selected comments from concern `from` to `to`: in each comment's moderator labels,
 * `from` is replaced by `to` (a comment no moderator decided yet gets `to` alone), through
 * confirmConcerns, so the model learns the decision and each comment's change is in the audit log.
 * Every selected comment must be of the round and carry `from` (confirmed, or pending); otherwise
 * nothing changes.
 */
export function moveComments(
  db: Db,
  args: Act & { from: string; to: string; commentIds: number[] },
): { ok: true; moved: number } | { ok: false; error: BoardError } {
  const ids = [...new Set(args.commentIds)]
  if (args.from === args.to) return { ok: false, error: 'sameConcern' }
  if (!ids.length) return { ok: false, error: 'commentUnknown' }
  return db.transaction((transaction) => {
    const tx = transaction as unknown as Db
    const known = tx
      .select({ key: concerns.key })
      .from(concerns)
      .where(and(eq(concerns.roundId, args.roundId), inArray(concerns.key, [args.from, args.to])))
      .all()
    if (known.length !== 2) return { ok: false as const, error: 'concernUnknown' as const }
    const current = selection(tx, args.roundId, ids)
    if (!current) return { ok: false as const, error: 'commentUnknown' as const }
    const keysByComment = new Map<number, string[]>()
    for (const [id, labels] of current) {
      const decided = labels.moderator.length > 0
      const carries = decided ? labels.moderator.includes(args.from) : labels.proposed.includes(args.from)
      if (!carries) return { ok: false as const, error: 'commentUnknown' as const }
      keysByComment.set(id, [...new Set([...labels.moderator.filter((key) => key !== args.from), args.to])])
    }
    const result = confirmConcerns(tx, {
      roundId: args.roundId,
      keysByComment,
      actorId: args.actorId,
      reason: args.reason ?? null,
      now: args.now,
    })
    if (!result.ok) return { ok: false as const, error: result.error }
    return { ok: true as const, moved: keysByComment.size }
  })
}

/**
 * Accepts the model's suggestions for the selected comments: each comment's moderator labels become
 * those it had plus the concerns suggested for it, through confirmConcerns. A comment for which this
 * changes nothing (no suggestion it does not already carry) is left as it is and counted as
 * unchanged. Every selected comment must be a submitted comment of the round.
 */
export function acceptSuggestions(
  db: Db,
  args: Act & { commentIds: number[] },
): { ok: true; accepted: number; unchanged: number } | { ok: false; error: BoardError } {
  const ids = [...new Set(args.commentIds)]
  if (!ids.length) return { ok: false, error: 'commentUnknown' }
  return db.transaction((transaction) => {
    const tx = transaction as unknown as Db
    const current = selection(tx, args.roundId, ids)
    if (!current) return { ok: false as const, error: 'commentUnknown' as const }
    const suggested = suggestedKeys(tx, args.roundId, ids)
    const keysByComment = new Map<number, string[]>()
    for (const [id, labels] of current) {
      const after = [...new Set([...labels.moderator, ...(suggested.get(id) ?? [])])]
      if (after.length > labels.moderator.length) keysByComment.set(id, after)
    }
    if (keysByComment.size) {
      const result = confirmConcerns(tx, {
        roundId: args.roundId,
        keysByComment,
        actorId: args.actorId,
        reason: args.reason ?? null,
        now: args.now,
      })
      if (!result.ok) return { ok: false as const, error: result.error }
    }
    return { ok: true as const, accepted: keysByComment.size, unchanged: ids.length - keysByComment.size }
  })
}

/**
 * Writes a concern's key points in the interface languages given: a text replaces that language's
 * key points, an empty one removes them; other languages stay. Audited as 'concern.keyPoints'.
 */
export function setKeyPoints(
  db: Db,
  args: Act & { concernKey: string; keyPoints: Partial<Record<Language, string | undefined>> },
): { ok: true; changed: boolean } | { ok: false; error: 'concernUnknown' } {
  const now = args.now ?? new Date()
  return db.transaction((transaction) => {
    const tx = transaction as unknown as Db
    const concern = tx
      .select({ id: concerns.id, keyPoints: concerns.keyPoints })
      .from(concerns)
      .where(and(eq(concerns.roundId, args.roundId), eq(concerns.key, args.concernKey)))
      .get()
    if (!concern) return { ok: false as const, error: 'concernUnknown' as const }
    const before = concern.keyPoints as Record<string, string>
    const after: Record<string, string> = { ...before }
    for (const language of SUPPORTED_LANGUAGES) {
      if (!(language in args.keyPoints)) continue
      const text = args.keyPoints[language]?.trim()
      if (text) after[language] = text
      else delete after[language]
    }
    const changed = Object.keys({ ...before, ...after }).some((language) => before[language] !== after[language])
    if (!changed) return { ok: true as const, changed: false }
    tx.update(concerns).set({ keyPoints: after }).where(eq(concerns.id, concern.id)).run()
    appendAudit(
      tx,
      {
        roundId: args.roundId,
        actorId: args.actorId,
        action: 'concern.keyPoints',
        subjectType: 'concern',
        subjectId: args.concernKey,
        reason: args.reason ?? null,
        before: { keyPoints: before },
        after: { keyPoints: after },
      },
      now,
    )
    return { ok: true as const, changed: true }
  })
}
