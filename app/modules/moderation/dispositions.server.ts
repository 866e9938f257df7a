import { and, eq, sql } from 'drizzle-orm'
import { comments, dispositions, duplicateGroups, OUTCOMES, type Translated } from '#db/schema/index'
import { SUPPORTED_LANGUAGES } from '~/modules/i18n/i18n'
import type { Db } from '~/utils/db.server'
import { appendAudit } from './audit.server'
import { representativeIdSql } from './duplicates.server'

export type Outcome = (typeof OUTCOMES)[number]
export { OUTCOMES }

/** A disposition is recorded for one comment or for one duplicate group (then it applies to all its members). */
export type DispositionTarget = { kind: 'comment' | 'group'; id: number }

/** The longest reason, in characters as a reader counts them, per language. */
export const REASON_MAX = 4000
export const DISPOSITION_PAGE_SIZE = 50
const EXCERPT_LENGTH = 200
const CLAUSE_EXCERPT_LENGTH = 80

/** "comment-12" or "group-3" (the URL segment of the recording page) → the target, else null. */
export function parseTarget(value: string | null | undefined): DispositionTarget | null {
  const match = /^(comment|group)-([1-9]\d{0,11})$/.exec(value ?? '')
  if (!match) return null
  return { kind: match[1] as 'comment' | 'group', id: Number(match[2]) }
}

export function targetKey(target: DispositionTarget) {
  return `${target.kind}-${target.id}`
}

export function isOutcome(value: unknown): value is Outcome {
  return typeof value === 'string' && (OUTCOMES as readonly string[]).includes(value)
}

function characters(text: string) {
  let count = 0
  for (const _ of text) count++
  return count
}

/** The reason as stored: trimmed texts in the interface languages, empty ones left out, languages in a fixed order. */
export function cleanReason(reason: Partial<Record<string, string | null | undefined>>) {
  const cleaned: Record<string, string> = {}
  for (const language of SUPPORTED_LANGUAGES) {
    const text = reason[language]?.trim()
    if (text) cleaned[language] = text
  }
  return cleaned
}

export type DispositionError =
  | 'targetUnknown'
  | 'clauseUnknown'
  | 'reasonRequired'
  | 'reasonTooLong'
  | 'reasonLanguage'
  | 'outcomeInvalid'

export type RecordResult =
  | { ok: true; dispositionId: number; created: boolean; changed: boolean }
  | { ok: false; error: DispositionError }

export type DispositionInput = {
  roundId: number
  target: DispositionTarget
  outcome: Outcome
  /** Keyed by language; at least one non-empty text. */
  reason: Partial<Record<string, string | null | undefined>>
  nextClauseId: number | null
  actorId: string
  now?: Date
}

/** The clause, if it is one of a later version (higher number) of the same norm as the round's version. */
function laterClause(db: Db, roundId: number, clauseId: number) {
  return db.get<{ id: number }>(sql`
    select c.id as id
    from rounds r
    join norm_versions rv on rv.id = r.version_id
    join norm_versions v on v.norm_id = rv.norm_id and v.number > rv.number
    join clauses c on c.version_id = v.id
    where r.id = ${roundId} and c.id = ${clauseId}`)
}

/** The target, if it belongs to the round: a submitted comment, or a group of two comments or more. */
function targetInRound(db: Db, roundId: number, target: DispositionTarget) {
  if (target.kind === 'comment') {
    return db
      .select({ id: comments.id })
      .from(comments)
      .where(and(eq(comments.id, target.id), eq(comments.roundId, roundId), eq(comments.status, 'submitted')))
      .get()
  }
  return db
    .select({ id: duplicateGroups.id })
    .from(duplicateGroups)
    .where(
      and(eq(duplicateGroups.id, target.id), eq(duplicateGroups.roundId, roundId), sql`${duplicateGroups.size} >= 2`),
    )
    .get()
}

/**
 * Records what became of a comment or a duplicate group — or changes it (one disposition per target)
 * — with the audit entry 'disposition.record' (before and after), in one transaction. The target must
 * belong to the round; the next clause, if any, to a later version of the round's norm. Nothing is
 * stored when anything is wrong; saving the same disposition again changes nothing and logs nothing.
 */
export function recordDisposition(db: Db, input: DispositionInput): RecordResult {
  if (!isOutcome(input.outcome)) return { ok: false, error: 'outcomeInvalid' }
  if (Object.keys(input.reason).some((language) => !(SUPPORTED_LANGUAGES as readonly string[]).includes(language))) {
    return { ok: false, error: 'reasonLanguage' }
  }
  const reason = cleanReason(input.reason)
  if (!Object.keys(reason).length) return { ok: false, error: 'reasonRequired' }
  if (Object.values(reason).some((text) => characters(text) > REASON_MAX)) return { ok: false, error: 'reasonTooLong' }
  const now = input.now ?? new Date()
  const { roundId, target } = input
  return db.transaction((tx) => {
    const txDb = tx as unknown as Db
    if (!targetInRound(txDb, roundId, target)) return { ok: false as const, error: 'targetUnknown' as const }
    if (input.nextClauseId !== null && !laterClause(txDb, roundId, input.nextClauseId)) {
      return { ok: false as const, error: 'clauseUnknown' as const }
    }
    const existing = tx
      .select({
        id: dispositions.id,
        outcome: dispositions.outcome,
        reason: dispositions.reason,
        nextClauseId: dispositions.nextClauseId,
        decidedBy: dispositions.decidedBy,
        decidedAt: dispositions.decidedAt,
      })
      .from(dispositions)
      .where(
        target.kind === 'comment'
          ? and(eq(dispositions.commentId, target.id), eq(dispositions.roundId, roundId))
          : and(eq(dispositions.duplicateGroupId, target.id), eq(dispositions.roundId, roundId)),
      )
      .get()
    const after = { outcome: input.outcome, reason, nextClauseId: input.nextClauseId }
    if (
      existing &&
      existing.outcome === after.outcome &&
      existing.nextClauseId === after.nextClauseId &&
      JSON.stringify(cleanReason(existing.reason)) === JSON.stringify(reason)
    ) {
      return { ok: true as const, dispositionId: existing.id, created: false, changed: false }
    }
    let dispositionId: number
    if (existing) {
      tx.update(dispositions)
        .set({ ...after, decidedBy: input.actorId, decidedAt: now })
        .where(eq(dispositions.id, existing.id))
        .run()
      dispositionId = existing.id
    } else {
      dispositionId = tx
        .insert(dispositions)
        .values({
          roundId,
          commentId: target.kind === 'comment' ? target.id : null,
          duplicateGroupId: target.kind === 'group' ? target.id : null,
          ...after,
          decidedBy: input.actorId,
          decidedAt: now,
        })
        .returning({ id: dispositions.id })
        .get().id
    }
    appendAudit(
      txDb,
      {
        roundId,
        actorId: input.actorId,
        action: 'disposition.record',
        subjectType: target.kind === 'comment' ? 'comment' : 'duplicate_group',
        subjectId: target.id,
        reason: Object.values(reason)[0] ?? null,
        before: existing
          ? { outcome: existing.outcome, reason: existing.reason, nextClauseId: existing.nextClauseId }
          : null,
        after,
      },
      now,
    )
    return { ok: true as const, dispositionId, created: !existing, changed: true }
  })
}

export type AppliedDisposition = {
  /** Where it was recorded: for the comment itself, or for its duplicate group. */
  source: 'comment' | 'group'
  dispositionId: number
  groupId: number | null
  outcome: Outcome
  reason: Translated<string>
  nextClauseId: number | null
  decidedAt: Date
}

/** The disposition that applies to a comment: its own, else its duplicate group's; null when none. One query. */
export function dispositionFor(db: Db, commentId: number): AppliedDisposition | null {
  const row = db.get<{
    ownId: number | null
    groupDispositionId: number | null
    groupId: number | null
    outcome: Outcome
    reason: string
    nextClauseId: number | null
    decidedAt: number
  }>(sql`
    select own.id as ownId, grp.id as groupDispositionId, c.duplicate_group_id as groupId,
      coalesce(own.outcome, grp.outcome) as outcome,
      case when own.id is not null then own.reason else grp.reason end as reason,
      case when own.id is not null then own.next_clause_id else grp.next_clause_id end as nextClauseId,
      case when own.id is not null then own.decided_at else grp.decided_at end as decidedAt
    from comments c
    left join dispositions own on own.comment_id = c.id
    left join dispositions grp on own.id is null and grp.duplicate_group_id = c.duplicate_group_id
    where c.id = ${commentId} and (own.id is not null or grp.id is not null)`)
  if (!row) return null
  return {
    source: row.ownId !== null ? 'comment' : 'group',
    dispositionId: (row.ownId ?? row.groupDispositionId)!,
    groupId: row.groupId,
    outcome: row.outcome,
    reason: JSON.parse(row.reason) as Translated<string>,
    nextClauseId: row.nextClauseId,
    decidedAt: new Date(row.decidedAt),
  }
}

export type MyDisposition = {
  commentId: number
  source: 'comment' | 'group'
  outcome: Outcome
  /** Every language the moderators wrote the reason in. */
  reason: Record<string, string>
  /** The round's source language: the reason's fallback when there is none in the reader's. */
  sourceLanguage: string
  nextClauseLabel: string | null
  nextVersionNumber: number | null
  /** A round on the next version, where readers can read the clause; null when there is none. */
  nextRoundId: number | null
}

/**
 * For each of the user's comments that has one, the disposition that applies to it (its own, else
 * its group's) with where it led, in one query.
 */
export function myDispositions(db: Db, userId: string): MyDisposition[] {
  const rows = db.all<Omit<MyDisposition, 'reason'> & { reason: string }>(sql`
    select c.id as commentId,
      case when own.id is not null then 'comment' else 'group' end as source,
      coalesce(own.outcome, grp.outcome) as outcome,
      case when own.id is not null then own.reason else grp.reason end as reason,
      r.source_language as sourceLanguage,
      cl.label as nextClauseLabel,
      v.number as nextVersionNumber,
      (select min(nr.id) from rounds nr where nr.version_id = v.id) as nextRoundId
    from comments c
    join rounds r on r.id = c.round_id
    left join dispositions own on own.comment_id = c.id
    left join dispositions grp on own.id is null and grp.duplicate_group_id = c.duplicate_group_id
    left join clauses cl on cl.id = case when own.id is not null then own.next_clause_id else grp.next_clause_id end
    left join norm_versions v on v.id = cl.version_id
    where c.author_id = ${userId} and c.status != 'draft' and (own.id is not null or grp.id is not null)
    order by c.id desc`)
  return rows.map((row) => ({ ...row, reason: JSON.parse(row.reason) as Record<string, string> }))
}

export type OutcomeFilter = Outcome | 'none'

export type DispositionCursor = { rank: number; size: number; id: number }

export function parseDispositionCursor(value: string | null | undefined): DispositionCursor | null {
  const match = /^([01])\.(\d{1,9})\.([1-9]\d{0,11})$/.exec(value ?? '')
  if (!match) return null
  return { rank: Number(match[1]), size: Number(match[2]), id: Number(match[3]) }
}

export function formatDispositionCursor(cursor: DispositionCursor) {
  return `${cursor.rank}.${cursor.size}.${cursor.id}`
}

/**
 * What a moderator decides on in a round, as SQL: every duplicate group of two comments or more
 * (rank 0), and every submitted comment outside such a group (rank 1) — plus a member of a group
 * that has a disposition of its own — each with its disposition, if any.
 */
function itemsSql(roundId: number) {
  return sql`
    with items as (
      select 0 as rank, 'group' as kind, g.id as id, g.size as size, g.kind as duplicateKind, g.is_campaign as campaign,
        null as groupId, rep.clause_id as clauseId, null as category, null as countryCode,
        coalesce(rep.declared_language, rep.detected_language) as language,
        substr(rep.text, 1, ${EXCERPT_LENGTH}) as excerpt, length(rep.text) as length,
        d.outcome as outcome, d.next_clause_id as nextClauseId, d.decided_at as decidedAt
      from duplicate_groups g
      left join comments rep on rep.id = ${representativeIdSql('g')}
      left join dispositions d on d.duplicate_group_id = g.id
      where g.round_id = ${roundId} and g.size >= 2
      union all
      select 1, 'comment', c.id, 1, null, 0,
        cg.id, c.clause_id, c.category, c.country_code,
        coalesce(c.declared_language, c.detected_language),
        substr(c.text, 1, ${EXCERPT_LENGTH}), length(c.text),
        d.outcome, d.next_clause_id, d.decided_at
      from comments c
      left join duplicate_groups cg on cg.id = c.duplicate_group_id and cg.size >= 2
      left join dispositions d on d.comment_id = c.id
      where c.round_id = ${roundId} and c.status = 'submitted'
        and ((cg.id is null and c.moderation = 'visible') or d.id is not null)
    )`
}

type ItemRow = {
  rank: number
  kind: 'group' | 'comment'
  id: number
  size: number
  duplicateKind: 'exact' | 'near' | null
  campaign: number
  groupId: number | null
  clauseLabel: string | null
  category: string | null
  countryCode: string | null
  language: string | null
  excerpt: string | null
  length: number | null
  outcome: Outcome | null
  nextClauseLabel: string | null
  nextVersionNumber: number | null
  decidedAt: number | null
}

/**
 * One page of the round's groups and comments with and without a disposition, optionally only those
 * with one outcome ('none': without a disposition). Groups first, largest first; then comments.
 */
export function listDispositions(
  db: Db,
  roundId: number,
  options: { outcome?: OutcomeFilter; cursor?: DispositionCursor | null; limit?: number } = {},
) {
  const limit = options.limit ?? DISPOSITION_PAGE_SIZE
  const filter =
    options.outcome === 'none'
      ? sql`and i.outcome is null`
      : options.outcome
      ? sql`and i.outcome = ${options.outcome}`
      : sql``
  const cursor = options.cursor
  const after = cursor
    ? sql`and (i.rank > ${cursor.rank} or (i.rank = ${cursor.rank} and (i.size < ${cursor.size} or (i.size = ${cursor.size} and i.id > ${cursor.id}))))`
    : sql``
  const rows = db.all<ItemRow>(sql`
    ${itemsSql(roundId)}
    select i.rank as rank, i.kind as kind, i.id as id, i.size as size, i.duplicateKind as duplicateKind,
      i.campaign as campaign, i.groupId as groupId, cl.label as clauseLabel, i.category as category,
      i.countryCode as countryCode, i.language as language, i.excerpt as excerpt, i.length as length,
      i.outcome as outcome, ncl.label as nextClauseLabel, nv.number as nextVersionNumber, i.decidedAt as decidedAt
    from items i
    left join clauses cl on cl.id = i.clauseId
    left join clauses ncl on ncl.id = i.nextClauseId
    left join norm_versions nv on nv.id = ncl.version_id
    where 1 = 1 ${filter} ${after}
    order by i.rank, i.size desc, i.id
    limit ${limit + 1}`)
  const page = rows.slice(0, limit)
  const last = page[page.length - 1]
  return {
    items: page.map((row) => ({
      kind: row.kind,
      id: row.id,
      key: `${row.kind}-${row.id}`,
      size: row.size,
      duplicateKind: row.duplicateKind,
      isCampaign: Boolean(row.campaign),
      groupId: row.groupId,
      clauseLabel: row.clauseLabel,
      category: row.category,
      countryCode: row.countryCode,
      language: row.language,
      excerpt: row.excerpt ?? '',
      truncated: (row.length ?? 0) > EXCERPT_LENGTH,
      outcome: row.outcome,
      nextClauseLabel: row.nextClauseLabel,
      nextVersionNumber: row.nextVersionNumber,
      decidedAt: row.decidedAt === null ? null : new Date(row.decidedAt),
    })),
    next: rows.length > limit && last ? { rank: last.rank, size: last.size, id: last.id } : null,
  }
}

/**
 * How many of the round's items (groups and ungrouped comments) have each outcome, and how many
 * have none yet, with the number of comments they cover: one aggregate query.
 */
export function countDispositions(db: Db, roundId: number) {
  const rows = db.all<{ outcome: Outcome | null; items: number; comments: number }>(sql`
    ${itemsSql(roundId)}
    select outcome, count(*) as items, sum(size) as comments from items group by outcome`)
  const find = (outcome: Outcome | null) => rows.find((row) => row.outcome === outcome)
  const entries = [...OUTCOMES, 'none' as const].map((outcome) => {
    const row = find(outcome === 'none' ? null : outcome)
    return { outcome, items: row?.items ?? 0, comments: row?.comments ?? 0 }
  })
  return {
    byOutcome: entries,
    items: entries.reduce((sum, entry) => sum + entry.items, 0),
    comments: entries.reduce((sum, entry) => sum + entry.comments, 0),
  }
}

/** The clauses a disposition may lead to: those of later versions of the round's norm, in the reader's language where translated. */
export function nextClauseOptions(db: Db, roundId: number, language: string) {
  const rows = db.all<{
    id: number
    label: string
    versionNumber: number
    text: string
    length: number
    textLanguage: string
  }>(sql`
    select c.id as id, c.label as label, v.number as versionNumber,
      substr(coalesce(t.text, c.text), 1, ${CLAUSE_EXCERPT_LENGTH}) as text, length(coalesce(t.text, c.text)) as length,
      case when t.text is not null then ${language} else v.source_language end as textLanguage
    from rounds r
    join norm_versions rv on rv.id = r.version_id
    join norm_versions v on v.norm_id = rv.norm_id and v.number > rv.number
    join clauses c on c.version_id = v.id
    left join clause_translations t on t.clause_id = c.id and t.language = ${language}
    where r.id = ${roundId}
    order by v.number, c.position`)
  return rows.map(({ length, ...row }) => ({ ...row, truncated: length > CLAUSE_EXCERPT_LENGTH }))
}

type CommentRow = {
  id: number
  groupId: number | null
  groupSize: number | null
  clauseLabel: string | null
  position: string | null
  category: string
  countryCode: string | null
  language: string | null
  text: string
  proposedText: string | null
  moderation: string
}

/**
 * What the recording page shows of its target and its current disposition: the comment (with its
 * group, and the group's disposition, which applies while it has none of its own), or the group with
 * its representative text and first members. Null when the target is not one of the round's.
 */
export function getDispositionTarget(db: Db, roundId: number, target: DispositionTarget) {
  const own = db
    .select({
      outcome: dispositions.outcome,
      reason: dispositions.reason,
      nextClauseId: dispositions.nextClauseId,
      decidedAt: dispositions.decidedAt,
    })
    .from(dispositions)
    .where(
      and(
        eq(dispositions.roundId, roundId),
        target.kind === 'comment'
          ? eq(dispositions.commentId, target.id)
          : eq(dispositions.duplicateGroupId, target.id),
      ),
    )
    .get()
  const disposition = own ? { ...own, reason: cleanReason(own.reason) } : null
  if (target.kind === 'comment') {
    const comment = db.get<CommentRow>(sql`
      select c.id as id, g.id as groupId, g.size as groupSize, cl.label as clauseLabel, c.position as position,
        c.category as category, c.country_code as countryCode, coalesce(c.declared_language, c.detected_language) as language,
        c.text as text, c.proposed_text as proposedText, c.moderation as moderation
      from comments c
      left join duplicate_groups g on g.id = c.duplicate_group_id and g.size >= 2
      left join clauses cl on cl.id = c.clause_id
      where c.id = ${target.id} and c.round_id = ${roundId} and c.status = 'submitted'`)
    if (!comment) return null
    const group =
      comment.groupId !== null
        ? db
            .select({ outcome: dispositions.outcome })
            .from(dispositions)
            .where(eq(dispositions.duplicateGroupId, comment.groupId))
            .get() ?? null
        : null
    return { kind: 'comment' as const, comment, groupOutcome: group?.outcome ?? null, disposition }
  }
  const group = db.get<{
    id: number
    kind: 'exact' | 'near'
    size: number
    isCampaign: number
    confirmed: number
    representativeId: number | null
  }>(sql`
    select g.id as id, g.kind as kind, g.size as size, g.is_campaign as isCampaign, g.confirmed as confirmed,
      ${representativeIdSql('g')} as representativeId
    from duplicate_groups g
    where g.id = ${target.id} and g.round_id = ${roundId} and g.size >= 2`)
  if (!group) return null
  const members = db.all<CommentRow & { ownOutcome: Outcome | null }>(sql`
    select c.id as id, c.duplicate_group_id as groupId, null as groupSize, cl.label as clauseLabel, c.position as position,
      c.category as category, c.country_code as countryCode, coalesce(c.declared_language, c.detected_language) as language,
      substr(c.text, 1, ${EXCERPT_LENGTH}) as text, null as proposedText, c.moderation as moderation, d.outcome as ownOutcome
    from comments c
    left join clauses cl on cl.id = c.clause_id
    left join dispositions d on d.comment_id = c.id
    where c.duplicate_group_id = ${group.id} and c.round_id = ${roundId} and c.status = 'submitted'
    order by c.id
    limit 100`)
  const representative = group.representativeId
    ? db.get<CommentRow>(sql`
        select c.id as id, c.duplicate_group_id as groupId, null as groupSize, cl.label as clauseLabel, c.position as position,
          c.category as category, c.country_code as countryCode, coalesce(c.declared_language, c.detected_language) as language,
          c.text as text, c.proposed_text as proposedText, c.moderation as moderation
        from comments c left join clauses cl on cl.id = c.clause_id
        where c.id = ${group.representativeId}`) ?? null
    : null
  return {
    kind: 'group' as const,
    group: { ...group, isCampaign: Boolean(group.isCampaign), confirmed: Boolean(group.confirmed) },
    representative,
    members,
    disposition,
  }
}
