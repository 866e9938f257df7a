import { and, asc, desc, eq, inArray, lt, ne, sql, type SQL } from 'drizzle-orm'
import { auditLog, clauses, commentConcerns, comments, concerns, duplicateGroups, rounds, users } from '#db/schema/index'
import type { CountDimension, StakeholderCategory } from '#db/schema/index'
import { characterCount } from '~/modules/comments/comments.schema'
import { commentHistory } from '~/modules/comments/comments.server'
import { countedLanguages, countWhere } from '~/modules/comments/counts.server'
import type { Db } from '~/utils/db.server'
import { appendAudit } from './audit.server'
import { HIDE_REASONS, NOTE_MAX, RESTORE_REASONS, type HideReason, type QueueState, type RestoreReason } from './queue.schema'

/**
 * The moderators' work on the comments of a round: the queue, one comment under review, hiding and
 * restoring (each a command in one transaction with its audit entry), the audit log as moderators
 * read it, and the public figures of what was hidden.
 */

export type QueueFilters = {
  clause?: number | 'whole'
  category?: StakeholderCategory
  region?: string
  language?: string
  /** A concern key of the round, from any source (author, suggestion, moderator). */
  concern?: string
  state?: QueueState
}

/** A keyset position in the queue's order (see QUEUE_ORDER). */
export type QueueCursor = { rank: 0 | 1; at: number; id: number }

export const QUEUE_PAGE_SIZE = 25
export const AUDIT_PAGE_SIZE = 50
const EXCERPT_LENGTH = 160

/** 0 while a visible comment waits for a moderator's decision, 1 once decided or hidden. */
const needsReview = sql<0 | 1>`(case when ${comments.moderation} = 'visible' and ${comments.reviewState} = 'unreviewed' then 0 else 1 end)`
/** When the comment was submitted (imports without a date count from their creation). */
const submittedAt = sql<number>`coalesce(${comments.submittedAt}, ${comments.createdAt})`
/**
 * The same, negated, and the negated id: with needsReview these are the expressions of the index
 * comments_round_queue_idx (db/schema/comments.ts), so the queue's order is the index's and a page
 * reads as many index entries as it shows, however many comments the round has.
 */
const laterFirst = sql<number>`(case when ${comments.submittedAt} is null then -${comments.createdAt} else -${comments.submittedAt} end)`
const newerFirst = sql<number>`(-${comments.id})`
const hasSuggestion = sql`exists (select 1 from ${commentConcerns} where ${commentConcerns.commentId} = ${comments.id} and ${commentConcerns.source} = 'suggested')`
const rowState = sql<QueueState>`(case
  when ${comments.moderation} = 'hidden' then 'hidden'
  when ${comments.reviewState} = 'reviewed' then 'confirmed'
  when ${hasSuggestion} then 'suggested'
  else 'unreviewed' end)`

/** Unreviewed before reviewed, then newest first; the id breaks ties. */
const QUEUE_ORDER = [asc(needsReview), asc(laterFirst), asc(newerFirst)]
const REVERSE_ORDER = [desc(needsReview), desc(laterFirst), desc(newerFirst)]
/** The order as one ascending row value, for keyset comparisons. */
const orderKey = sql`(${needsReview}, ${laterFirst}, ${newerFirst})`
const keyOf = (cursor: QueueCursor) => sql`(${cursor.rank}, ${-cursor.at}, ${-cursor.id})`
/** The rank every comment in a state has: a state filter fixes the first term of the order. */
const STATE_RANK: Record<QueueState, 0 | 1> = { unreviewed: 0, suggested: 0, confirmed: 1, hidden: 1 }

/**
 * The queue's order under these filters. With a state chosen, the rank is the same for every row
 * and is left out, so that SQLite reads the rows in the index's order instead of sorting them.
 */
function orderOf(filters: QueueFilters, reverse = false) {
  const order = reverse ? REVERSE_ORDER : QUEUE_ORDER
  return filters.state ? order.slice(1) : order
}

/**
 * Rows after (or before) a position in the queue's order. With a state chosen and the position at
 * that state's rank, the same condition on time and id alone lets SQLite start reading the index
 * at the position instead of at the start of the rank.
 */
function beyond(filters: QueueFilters, cursor: QueueCursor, direction: '>' | '<') {
  const condition = sql`${orderKey} ${sql.raw(direction)} ${keyOf(cursor)}`
  if (!filters.state || STATE_RANK[filters.state] !== cursor.rank) return condition
  return sql`${condition} and (${laterFirst}, ${newerFirst}) ${sql.raw(direction)} (${-cursor.at}, ${-cursor.id})`
}

function queueWhere(roundId: number, filters: QueueFilters): SQL[] {
  const where: SQL[] = [eq(comments.roundId, roundId), eq(comments.status, 'submitted')]
  if (filters.clause === 'whole') where.push(sql`${comments.clauseId} is null`)
  else if (filters.clause !== undefined) where.push(eq(comments.clauseId, filters.clause))
  if (filters.category) where.push(eq(comments.category, filters.category))
  if (filters.region) where.push(eq(comments.regionCode, filters.region))
  if (filters.language) where.push(eq(comments.declaredLanguage, filters.language))
  if (filters.concern) {
    where.push(sql`exists (
      select 1 from ${commentConcerns} inner join ${concerns} on ${concerns.id} = ${commentConcerns.concernId}
      where ${commentConcerns.commentId} = ${comments.id} and ${concerns.roundId} = ${roundId} and ${concerns.key} = ${filters.concern})`)
  }
  // Each state also names its rank in the queue's order, so the index is entered at that rank
  // instead of being read from the start.
  switch (filters.state) {
    case 'unreviewed':
      where.push(sql`${needsReview} = 0`, eq(comments.moderation, 'visible'), eq(comments.reviewState, 'unreviewed'))
      break
    case 'suggested':
      where.push(sql`${needsReview} = 0`, eq(comments.moderation, 'visible'), eq(comments.reviewState, 'unreviewed'), hasSuggestion)
      break
    case 'confirmed':
      where.push(sql`${needsReview} = 1`, eq(comments.moderation, 'visible'), eq(comments.reviewState, 'reviewed'))
      break
    case 'hidden':
      where.push(sql`${needsReview} = 1`, eq(comments.moderation, 'hidden'))
      break
  }
  return where
}

export type ConcernTag = { key: string; labels: Partial<Record<string, string>>; score: number | null }
export type CommentConcerns = { author: ConcernTag[]; suggested: ConcernTag[]; moderator: ConcernTag[] }

/** The concerns of the given comments by source, suggestions best first: one query for all. */
function concernsOf(db: Db, commentIds: number[]) {
  const result = new Map<number, CommentConcerns>(commentIds.map((id) => [id, { author: [], suggested: [], moderator: [] }]))
  if (!commentIds.length) return result
  const rows = db
    .select({
      commentId: commentConcerns.commentId,
      source: commentConcerns.source,
      score: commentConcerns.score,
      key: concerns.key,
      labels: concerns.labels,
    })
    .from(commentConcerns)
    .innerJoin(concerns, eq(concerns.id, commentConcerns.concernId))
    .where(inArray(commentConcerns.commentId, commentIds))
    .orderBy(desc(sql`coalesce(${commentConcerns.score}, 0)`), asc(concerns.sortOrder), asc(concerns.id))
    .all()
  for (const row of rows) result.get(row.commentId)?.[row.source].push({ key: row.key, labels: row.labels, score: row.score })
  return result
}

/**
 * The number of comments the queue shows under these filters, from the round's counts when they
 * hold it: no filter or one of clause, category, region and language, with or without a state
 * other than "suggested"; "suggested" alone. Null otherwise (the concern filter, "suggested" with
 * another filter, two filters or more).
 */
function countedTotal(db: Db, roundId: number, filters: QueueFilters) {
  if (filters.concern) return null
  if (filters.state === 'suggested') {
    const alone = filters.clause === undefined && !filters.category && !filters.region && !filters.language
    return alone ? countWhere(db, roundId, 'suggested', '', 'unreviewed') : null
  }
  const chosen: [CountDimension, string][] = []
  if (filters.clause !== undefined) chosen.push(['clause', filters.clause === 'whole' ? '' : String(filters.clause)])
  if (filters.category) chosen.push(['category', filters.category])
  if (filters.region) chosen.push(['region', filters.region])
  if (filters.language) chosen.push(['language', filters.language])
  if (chosen.length > 1) return null
  const [dimension, value] = chosen[0] ?? ['all', '']
  return countWhere(db, roundId, dimension, value, filters.state ?? 'submitted')
}

/**
 * Counts under filters the counts do not hold stop here: beyond it the queue says "more than" this
 * many. An exact figure for a rare combination in a million comments would read every comment of
 * its most selective filter on every page; the moderator needs the order of magnitude, and the
 * pages themselves are read off the queue's index whatever the total.
 */
export const QUEUE_COUNT_LIMIT = 1000

/**
 * The number of comments under filters the counts do not hold, counted from the rows up to
 * QUEUE_COUNT_LIMIT + 1: those with the concern found through the concern's own index, the rest
 * through the index of the filter that leaves the fewest comments (by the round's counts), so the
 * work is at most that filter's comments, not the round's.
 */
function countRows(db: Db, roundId: number, filters: QueueFilters) {
  const where = queueWhere(roundId, { ...filters, concern: undefined })
  if (filters.concern) {
    where.push(sql`${comments.id} in (
      select cc.comment_id from ${commentConcerns} cc
      where cc.concern_id = (select k.id from ${concerns} k where k.round_id = ${roundId} and k.key = ${filters.concern}))`)
    return db.get<{ n: number }>(sql`select count(*) as n from (select 1 from ${comments} where ${and(...where)} limit ${QUEUE_COUNT_LIMIT + 1})`)!.n
  }
  const candidates: [string, number][] = []
  if (filters.clause !== undefined) {
    candidates.push(['comments_round_clause_idx', countWhere(db, roundId, 'clause', filters.clause === 'whole' ? '' : String(filters.clause))])
  }
  if (filters.category) candidates.push(['comments_round_category_idx', countWhere(db, roundId, 'category', filters.category)])
  if (filters.region) candidates.push(['comments_round_region_idx', countWhere(db, roundId, 'region', filters.region)])
  if (filters.language) candidates.push(['comments_round_language_idx', countWhere(db, roundId, 'language', filters.language)])
  candidates.sort((a, b) => a[1] - b[1])
  const index = candidates[0]?.[0] ?? 'comments_round_status_idx'
  return db.get<{ n: number }>(
    sql`select count(*) as n from (select 1 from ${comments} indexed by ${sql.raw(index)} where ${and(...where)} limit ${QUEUE_COUNT_LIMIT + 1})`,
  )!.n
}

/** The start of a text, cut at a word boundary where one is near, never inside a character. */
export function excerpt(text: string, length = EXCERPT_LENGTH) {
  const characters = Array.from(text.replace(/\s+/g, ' ').trim())
  if (characters.length <= length) return characters.join('')
  const cut = characters.slice(0, length).join('')
  const space = cut.lastIndexOf(' ')
  return `${(space > length * 0.6 ? cut.slice(0, space) : cut).trimEnd()}…`
}

/**
 * One page of a round's submitted comments for moderators, in the queue's order: comments waiting
 * for a decision first, then newest first. Keyset pagination: `cursor` is the last row of the page
 * before, so no page repeats or skips a row while others are being reviewed.
 */
export function listQueue(db: Db, roundId: number, filters: QueueFilters, cursor?: QueueCursor | null, limit = QUEUE_PAGE_SIZE) {
  const where = queueWhere(roundId, filters)
  const counted = countedTotal(db, roundId, filters)
  const rowsCounted = counted === null ? countRows(db, roundId, filters) : null
  /** More comments match than were counted (see QUEUE_COUNT_LIMIT): `total` is then that limit. */
  const moreThanTotal = rowsCounted !== null && rowsCounted > QUEUE_COUNT_LIMIT
  const total = counted ?? Math.min(rowsCounted!, QUEUE_COUNT_LIMIT)
  if (cursor) where.push(beyond(filters, cursor, '>'))
  const rows = db
    .select({
      id: comments.id,
      rank: needsReview,
      at: submittedAt,
      clauseLabel: clauses.label,
      position: comments.position,
      category: comments.category,
      countryCode: comments.countryCode,
      regionCode: comments.regionCode,
      language: comments.declaredLanguage,
      text: comments.text,
      state: rowState,
      hiddenReason: comments.hiddenReason,
      groupId: duplicateGroups.id,
      groupSize: duplicateGroups.size,
      groupCampaign: duplicateGroups.isCampaign,
    })
    .from(comments)
    .leftJoin(clauses, eq(clauses.id, comments.clauseId))
    .leftJoin(duplicateGroups, eq(duplicateGroups.id, comments.duplicateGroupId))
    .where(and(...where))
    .orderBy(...orderOf(filters))
    .limit(limit + 1)
    .all()
  const page = rows.slice(0, limit)
  const tags = concernsOf(
    db,
    page.map((row) => row.id),
  )
  const last = page[page.length - 1]
  return {
    total,
    moreThanTotal,
    items: page.map(({ rank, at, text, groupId, groupSize, groupCampaign, ...row }) => ({
      ...row,
      /** Where the row stands in the queue now, for the review view's previous and next. */
      cursor: { rank, at, id: row.id } satisfies QueueCursor,
      submittedAt: new Date(at),
      excerpt: excerpt(text),
      group: groupId === null ? null : { id: groupId, size: groupSize ?? 0, campaign: Boolean(groupCampaign) },
      concerns: tags.get(row.id)!,
    })),
    nextCursor: rows.length > limit && last ? ({ rank: last.rank, at: last.at, id: last.id } satisfies QueueCursor) : null,
  }
}

/** One submitted comment of the round in full, for the review view; null if it is not one. */
export function getReviewItem(db: Db, roundId: number, commentId: number) {
  const row = db
    .select({
      id: comments.id,
      clauseId: comments.clauseId,
      clauseLabel: clauses.label,
      position: comments.position,
      text: comments.text,
      proposedText: comments.proposedText,
      language: comments.declaredLanguage,
      detectedLanguage: comments.detectedLanguage,
      consent: comments.consent,
      imported: comments.imported,
      externalId: comments.externalId,
      category: comments.category,
      organizationName: comments.organizationName,
      authorName: comments.authorName,
      countryCode: comments.countryCode,
      regionCode: comments.regionCode,
      subregionCode: comments.subregionCode,
      moderation: comments.moderation,
      hiddenReason: comments.hiddenReason,
      hiddenNote: comments.hiddenNote,
      reviewState: comments.reviewState,
      state: rowState,
      submittedAt,
      groupId: duplicateGroups.id,
      groupKind: duplicateGroups.kind,
      groupSize: duplicateGroups.size,
      groupConfirmed: duplicateGroups.confirmed,
      groupCampaign: duplicateGroups.isCampaign,
      groupRepresentative: duplicateGroups.representativeCommentId,
    })
    .from(comments)
    .leftJoin(clauses, eq(clauses.id, comments.clauseId))
    .leftJoin(duplicateGroups, eq(duplicateGroups.id, comments.duplicateGroupId))
    .where(and(eq(comments.id, commentId), eq(comments.roundId, roundId), eq(comments.status, 'submitted')))
    .get()
  if (!row) return null
  const { groupId, groupKind, groupSize, groupConfirmed, groupCampaign, groupRepresentative, submittedAt: at, ...comment } = row
  return {
    ...comment,
    submittedAt: new Date(at),
    group:
      groupId === null
        ? null
        : {
            id: groupId,
            kind: groupKind!,
            size: groupSize ?? 0,
            confirmed: Boolean(groupConfirmed),
            campaign: Boolean(groupCampaign),
            representativeId: groupRepresentative,
          },
    concerns: concernsOf(db, [row.id]).get(row.id)!,
    history: commentHistory(db, row.id),
  }
}

export type ReviewItem = NonNullable<ReturnType<typeof getReviewItem>>

/**
 * The comments before and after one comment in the queue's order under the same filters, whether
 * or not the comment itself still matches them (after it was hidden or confirmed, say).
 *
 * `from` is where the comment stood when the moderator opened it, carried in the review URL: once
 * confirmed or hidden it moves behind every comment still waiting, and going on from its new place
 * would skip those. A `from` that is not this comment's (another id, another time of submission)
 * is ignored and its place now is used. The comment itself is never its own neighbour.
 */
export function neighbours(db: Db, roundId: number, commentId: number, filters: QueueFilters, from?: QueueCursor | null) {
  const current = db
    .select({ rank: needsReview, at: submittedAt })
    .from(comments)
    .where(and(eq(comments.id, commentId), eq(comments.roundId, roundId), eq(comments.status, 'submitted')))
    .get()
  if (!current) return { position: null, previous: null, next: null }
  const position: QueueCursor =
    from && from.id === commentId && from.at === current.at ? from : { rank: current.rank, at: current.at, id: commentId }
  const others = [...queueWhere(roundId, filters), ne(comments.id, commentId)]
  const cursor = { rank: needsReview, at: submittedAt, id: comments.id }
  const next = db
    .select(cursor)
    .from(comments)
    .where(and(...others, beyond(filters, position, '>')))
    .orderBy(...orderOf(filters))
    .limit(1)
    .get()
  const previous = db
    .select(cursor)
    .from(comments)
    .where(and(...others, beyond(filters, position, '<')))
    .orderBy(...orderOf(filters, true))
    .limit(1)
    .get()
  return { position, previous: previous ?? null, next: next ?? null }
}

export type ModerationError = 'commentUnknown' | 'reasonInvalid' | 'noteTooLong' | 'alreadyHidden' | 'notHidden'
export type ModerationResult = { ok: true } | { ok: false; error: ModerationError }

type ModerationAct = {
  roundId: number
  commentId: number
  reason: string
  note?: string | null
  actorId: string
  now?: Date
}

function cleanNote(note: string | null | undefined) {
  const trimmed = note?.trim()
  return trimmed ? trimmed : null
}

/**
 * Hides a submitted comment of the round from public pages, with a reason the author is shown and
 * an optional note, and records it in the audit log in the same transaction. The comment stays in
 * its duplicate group (the summary leaves hidden comments out).
 */
export function hideComment(db: Db, args: ModerationAct): ModerationResult {
  if (!(HIDE_REASONS as readonly string[]).includes(args.reason)) return { ok: false, error: 'reasonInvalid' }
  const note = cleanNote(args.note)
  if (note && characterCount(note) > NOTE_MAX) return { ok: false, error: 'noteTooLong' }
  const reason = args.reason as HideReason
  return db.transaction((tx): ModerationResult => {
    const t = tx as unknown as Db
    const scope = and(eq(comments.id, args.commentId), eq(comments.roundId, args.roundId), eq(comments.status, 'submitted'))
    const row = t
      .select({ moderation: comments.moderation, hiddenReason: comments.hiddenReason, hiddenNote: comments.hiddenNote })
      .from(comments)
      .where(scope)
      .get()
    if (!row) return { ok: false, error: 'commentUnknown' }
    if (row.moderation === 'hidden') return { ok: false, error: 'alreadyHidden' }
    t.update(comments).set({ moderation: 'hidden', hiddenReason: reason, hiddenNote: note }).where(scope).run()
    appendAudit(
      t,
      {
        roundId: args.roundId,
        actorId: args.actorId,
        action: 'comment.hide',
        subjectType: 'comment',
        subjectId: args.commentId,
        reason,
        before: row,
        after: { moderation: 'hidden', hiddenReason: reason, hiddenNote: note },
      },
      args.now,
    )
    return { ok: true }
  })
}

/** Makes a hidden comment of the round visible again, with a reason and an optional note, audited. */
export function restoreComment(db: Db, args: ModerationAct): ModerationResult {
  if (!(RESTORE_REASONS as readonly string[]).includes(args.reason)) return { ok: false, error: 'reasonInvalid' }
  const note = cleanNote(args.note)
  if (note && characterCount(note) > NOTE_MAX) return { ok: false, error: 'noteTooLong' }
  const reason = args.reason as RestoreReason
  return db.transaction((tx): ModerationResult => {
    const t = tx as unknown as Db
    const scope = and(eq(comments.id, args.commentId), eq(comments.roundId, args.roundId), eq(comments.status, 'submitted'))
    const row = t
      .select({ moderation: comments.moderation, hiddenReason: comments.hiddenReason, hiddenNote: comments.hiddenNote })
      .from(comments)
      .where(scope)
      .get()
    if (!row) return { ok: false, error: 'commentUnknown' }
    if (row.moderation !== 'hidden') return { ok: false, error: 'notHidden' }
    t.update(comments).set({ moderation: 'visible', hiddenReason: null, hiddenNote: null }).where(scope).run()
    appendAudit(
      t,
      {
        roundId: args.roundId,
        actorId: args.actorId,
        action: 'comment.restore',
        subjectType: 'comment',
        subjectId: args.commentId,
        reason,
        before: row,
        after: { moderation: 'visible', hiddenReason: null, hiddenNote: null, note },
      },
      args.now,
    )
    return { ok: true }
  })
}

/** Hidden comments of a round by reason (every reason, zeros included), for the public round page. */
export function publicModerationFigures(db: Db, roundId: number) {
  const rows = db
    .select({ reason: comments.hiddenReason, count: sql<number>`count(*)` })
    .from(comments)
    // The two states as literals, which is what lets SQLite use the partial index comments_round_hidden_idx.
    .where(and(eq(comments.roundId, roundId), sql`${comments.status} = 'submitted' and ${comments.moderation} = 'hidden'`))
    .groupBy(comments.hiddenReason)
    .all()
  const counts = new Map(rows.map((row) => [row.reason, row.count]))
  return {
    total: rows.reduce((sum, row) => sum + row.count, 0),
    byReason: HIDE_REASONS.map((reason) => ({ reason, count: counts.get(reason) ?? 0 })),
  }
}

export type ModerationFigures = ReturnType<typeof publicModerationFigures>

/** The clauses of the round's draft version, in order, for the clause filter. */
export function listRoundClauses(db: Db, roundId: number) {
  return db
    .select({ id: clauses.id, label: clauses.label })
    .from(clauses)
    .innerJoin(rounds, eq(rounds.versionId, clauses.versionId))
    .where(eq(rounds.id, roundId))
    .orderBy(asc(clauses.position))
    .all()
}

/** The languages the round's submitted comments are written in, for the language filter. */
export function listQueueLanguages(db: Db, roundId: number) {
  return countedLanguages(db, roundId, 'submitted')
}

/**
 * The round's audit entries, newest first, with the actor's display name. Keyset pagination on the
 * id: `before` is the last id of the page before.
 */
export function listAuditEntries(db: Db, roundId: number, before?: number | null, limit = AUDIT_PAGE_SIZE) {
  const rows = db
    .select({
      id: auditLog.id,
      actorId: auditLog.actorId,
      actorName: users.displayName,
      action: auditLog.action,
      subjectType: auditLog.subjectType,
      subjectId: auditLog.subjectId,
      reason: auditLog.reason,
      before: auditLog.before,
      after: auditLog.after,
      createdAt: auditLog.createdAt,
    })
    .from(auditLog)
    .leftJoin(users, eq(users.id, auditLog.actorId))
    .where(before ? and(eq(auditLog.roundId, roundId), lt(auditLog.id, before)) : eq(auditLog.roundId, roundId))
    .orderBy(desc(auditLog.id))
    .limit(limit + 1)
    .all()
  const entries = rows.slice(0, limit)
  return { entries, nextBefore: rows.length > limit ? entries[entries.length - 1]!.id : null }
}
