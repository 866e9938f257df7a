import { and, eq, inArray, sql } from 'drizzle-orm'
import { comments, duplicateGroups, rounds } from '#db/schema/index'
import { prepared, type Db } from '~/utils/db.server'
import { appendAudit } from './audit.server'
import { bands, bestNear, CANDIDATES_PER_BAND, minhash, nearCandidatesQuery, normalizeForDuplicates, textHash, type Candidate } from './duplicates'

/** The fingerprints stored with a comment: the exact hash and the MinHash signature. */
export function fingerprint(text: string) {
  const normalized = normalizeForDuplicates(text)
  return { textHash: textHash(normalized), minhash: minhash(normalized) }
}

/** A group's size and campaign flag from its submitted members, counted once, off the (group, status) index alone. */
export const REFRESH_GROUP = `
  update duplicate_groups set size = members.n, is_campaign = members.n >= rounds.campaign_threshold
  from (select count(*) as n from comments where duplicate_group_id = @group and status = 'submitted') as members, rounds
  where duplicate_groups.id = @group and rounds.id = duplicate_groups.round_id`

function refreshGroup(db: Db, groupId: number) {
  prepared(db, REFRESH_GROUP).run({ group: groupId })
}

/** An identical submitted comment of the round: one already in a group first, then the oldest. */
export const FIND_EXACT = `
  select id, duplicate_group_id as groupId from comments
  where round_id = ? and text_hash = ? and id != ? and status = 'submitted'
  order by duplicate_group_id is null, id limit 1`

/** The candidates findDuplicate compares a signature with (duplicates.ts). */
const FIND_NEAR = nearCandidatesQuery(CANDIDATES_PER_BAND)

const INSERT_SKETCH = 'insert or ignore into comment_sketches (round_id, band, value, comment_id) values (?, ?, ?, ?)'
const CREATE_GROUP = `
  insert into duplicate_groups (round_id, kind, confirmed, size, is_campaign, representative_comment_id, created_at)
  values (?, ?, 0, 0, 0, ?, ?)`
const SET_GROUP = 'update comments set duplicate_group_id = ? where id = ?'
const MARK_NEAR = "update duplicate_groups set kind = 'near' where id = ?"

export type DuplicateMatch = { id: number; groupId: number | null; kind: 'exact' | 'near' }

/**
 * The comment of the round a comment would join: an identical one (same normalised text) if there
 * is one, else the most similar at or above NEAR_SIMILARITY among the oldest CANDIDATES_PER_BAND of
 * each band it shares (the oldest on a tie). `commentId` is left out (0: none). Uses the (round_id,
 * text_hash) index and the LSH band table; sees what the caller's transaction wrote.
 */
export function findDuplicate(
  db: Db,
  args: { roundId: number; commentId: number; textHash: string; minhash: string | null; parts: readonly string[] | null },
): DuplicateMatch | null {
  const { roundId, commentId } = args
  const exact = prepared<{ id: number; groupId: number | null }>(db, FIND_EXACT).get(roundId, args.textHash, commentId)
  if (exact) return { ...exact, kind: 'exact' }
  if (!args.minhash || !args.parts) return null
  const candidates = prepared<Candidate>(db, FIND_NEAR).all(...args.parts.flatMap((value, band) => [roundId, band, value]), commentId)
  const near = bestNear(args.minhash, candidates)
  return near ? { id: near.id, groupId: near.groupId, kind: 'near' } : null
}

/**
 * Places a just-submitted comment in a duplicate group (findDuplicate's match) and its LSH bands in
 * the index. Runs in the submitting transaction, with prepared statements.
 */
export function groupDuplicates(db: Db, args: { commentId: number; roundId: number; textHash: string; minhash: string | null; now: Date }) {
  const { commentId, roundId, now } = args
  const parts = args.minhash ? bands(args.minhash) : null
  const match = findDuplicate(db, { ...args, parts })
  if (parts) {
    const insertSketch = prepared(db, INSERT_SKETCH)
    for (let band = 0; band < parts.length; band++) insertSketch.run(roundId, band, parts[band], commentId)
  }
  if (!match) return null
  let groupId = match.groupId
  if (groupId === null) {
    groupId = Number(prepared(db, CREATE_GROUP).run(roundId, match.kind, match.id, now.getTime()).lastInsertRowid)
    prepared(db, SET_GROUP).run(groupId, match.id)
  } else if (match.kind === 'near') {
    prepared(db, MARK_NEAR).run(groupId)
  }
  prepared(db, SET_GROUP).run(groupId, commentId)
  refreshGroup(db, groupId)
  return groupId
}

/** Takes a comment out of its group and its sketches out of the index (on edit or withdrawal). */
export function ungroupComment(db: Db, commentId: number) {
  const row = prepared<{ groupId: number | null }>(db, 'select duplicate_group_id as groupId from comments where id = ?').get(commentId)
  prepared(db, 'delete from comment_sketches where comment_id = ?').run(commentId)
  if (!row?.groupId) return
  prepared(db, SET_GROUP).run(null, commentId)
  refreshGroup(db, row.groupId)
}

type Actor = { actorId: string; reason?: string | null; now?: Date }

export function confirmGroup(db: Db, roundId: number, groupId: number, actor: Actor) {
  return db.transaction((tx) => {
    const group = tx
      .select()
      .from(duplicateGroups)
      .where(and(eq(duplicateGroups.id, groupId), eq(duplicateGroups.roundId, roundId)))
      .get()
    if (!group) return false
    tx.update(duplicateGroups).set({ confirmed: true }).where(eq(duplicateGroups.id, groupId)).run()
    appendAudit(tx as unknown as Db, {
      roundId,
      actorId: actor.actorId,
      action: 'duplicates.confirm',
      subjectType: 'duplicate_group',
      subjectId: groupId,
      reason: actor.reason,
      before: { confirmed: group.confirmed },
      after: { confirmed: true },
    })
    return true
  })
}

/** Moves the given comments out of a group into a new one (or out of any group when only one). */
export function splitGroup(db: Db, roundId: number, groupId: number, commentIds: number[], actor: Actor) {
  const now = actor.now ?? new Date()
  return db.transaction((tx) => {
    const members = tx
      .select({ id: comments.id })
      .from(comments)
      .where(and(eq(comments.duplicateGroupId, groupId), eq(comments.roundId, roundId), inArray(comments.id, commentIds)))
      .all()
      .map((row) => row.id)
    if (!members.length || members.length !== new Set(commentIds).size) return null
    let newGroupId: number | null = null
    if (members.length > 1) {
      newGroupId = tx
        .insert(duplicateGroups)
        .values({ roundId, kind: 'near', confirmed: true, representativeCommentId: members[0], createdAt: now })
        .returning({ id: duplicateGroups.id })
        .get().id
    }
    tx.update(comments).set({ duplicateGroupId: newGroupId }).where(inArray(comments.id, members)).run()
    refreshGroup(tx as unknown as Db, groupId)
    if (newGroupId) refreshGroup(tx as unknown as Db, newGroupId)
    appendAudit(tx as unknown as Db, {
      roundId,
      actorId: actor.actorId,
      action: 'duplicates.split',
      subjectType: 'duplicate_group',
      subjectId: groupId,
      reason: actor.reason,
      before: { groupId, comments: members },
      after: { groupId: newGroupId, comments: members },
    })
    return { newGroupId }
  })
}

/** Merges the second group into the first. */
export function mergeGroups(db: Db, roundId: number, intoGroupId: number, fromGroupId: number, actor: Actor) {
  if (intoGroupId === fromGroupId) return false
  return db.transaction((tx) => {
    const groups = tx
      .select({ id: duplicateGroups.id, size: duplicateGroups.size })
      .from(duplicateGroups)
      .where(and(eq(duplicateGroups.roundId, roundId), inArray(duplicateGroups.id, [intoGroupId, fromGroupId])))
      .all()
    if (groups.length !== 2) return false
    tx.update(comments).set({ duplicateGroupId: intoGroupId }).where(eq(comments.duplicateGroupId, fromGroupId)).run()
    tx.update(duplicateGroups).set({ confirmed: true, kind: 'near' }).where(eq(duplicateGroups.id, intoGroupId)).run()
    refreshGroup(tx as unknown as Db, intoGroupId)
    refreshGroup(tx as unknown as Db, fromGroupId)
    appendAudit(tx as unknown as Db, {
      roundId,
      actorId: actor.actorId,
      action: 'duplicates.merge',
      subjectType: 'duplicate_group',
      subjectId: intoGroupId,
      reason: actor.reason,
      before: { groups: groups.map((group) => ({ id: group.id, size: group.size })) },
      after: { groupId: intoGroupId },
    })
    return true
  })
}

// ---------------------------------------------------------------------------------------------
// The moderators' page of duplicates and campaigns: listing and the campaign threshold.
// ---------------------------------------------------------------------------------------------

/** Groups shown per page, and members shown per group (the rest are counted). */
export const GROUP_PAGE_SIZE = 20
export const GROUP_MEMBERS_SHOWN = 50
export const GROUP_EXCERPT_LENGTH = 240
export const CAMPAIGN_THRESHOLD_MIN = 2
export const CAMPAIGN_THRESHOLD_MAX = 100_000

/** Where a page of groups starts: after the group of this size and id (largest first, then newest). */
export type GroupCursor = { size: number; id: number }

/** "5.12" → { size: 5, id: 12 }; anything else → null. */
export function parseGroupCursor(value: string | null | undefined): GroupCursor | null {
  const match = /^(\d{1,9})\.([1-9]\d{0,11})$/.exec(value ?? '')
  if (!match) return null
  return { size: Number(match[1]), id: Number(match[2]) }
}

export function formatGroupCursor(cursor: GroupCursor) {
  return `${cursor.size}.${cursor.id}`
}

/**
 * The id of a group's representative comment as SQL over a group aliased `alias`: the stored one
 * while it is still a submitted member, else the group's oldest submitted member.
 */
export function representativeIdSql(alias: string) {
  const g = sql.raw(alias)
  return sql<number | null>`coalesce(
    (select r.id from comments r where r.id = ${g}.representative_comment_id and r.duplicate_group_id = ${g}.id and r.status = 'submitted'),
    (select min(r.id) from comments r where r.duplicate_group_id = ${g}.id and r.status = 'submitted'))`
}

/**
 * The figures at the top of the page: the round's campaign threshold, and how many groups (of two
 * comments or more), campaigns and grouped comments it has. Null when the round does not exist.
 */
export function duplicatesOverview(db: Db, roundId: number) {
  const round = db.select({ threshold: rounds.campaignThreshold }).from(rounds).where(eq(rounds.id, roundId)).get()
  if (!round) return null
  const totals = db
    .select({
      groups: sql<number>`count(*)`,
      campaigns: sql<number>`coalesce(sum(${duplicateGroups.isCampaign}), 0)`,
      comments: sql<number>`coalesce(sum(${duplicateGroups.size}), 0)`,
    })
    .from(duplicateGroups)
    .where(and(eq(duplicateGroups.roundId, roundId), sql`${duplicateGroups.size} >= 2`))
    .get()
  return { threshold: round.threshold, groups: totals?.groups ?? 0, campaigns: totals?.campaigns ?? 0, comments: totals?.comments ?? 0 }
}

export type GroupMember = {
  id: number
  groupId: number
  clauseLabel: string | null
  category: string
  countryCode: string | null
  language: string | null
  excerpt: string
  truncated: boolean
  hidden: boolean
}

type GroupRow = {
  id: number
  kind: 'exact' | 'near'
  confirmed: number
  size: number
  isCampaign: number
  representativeId: number | null
  representativeText: string | null
  representativeLanguage: string | null
  representativeClause: string | null
}

/**
 * One page of a round's duplicate groups of two comments or more, largest first (keyset on size and
 * id), each with its representative text and its first GROUP_MEMBERS_SHOWN submitted members. Two
 * queries, whatever the number of groups on the page.
 */
export function listDuplicateGroups(db: Db, roundId: number, cursor: GroupCursor | null, limit = GROUP_PAGE_SIZE) {
  const after = cursor ? sql`and (g.size < ${cursor.size} or (g.size = ${cursor.size} and g.id < ${cursor.id}))` : sql``
  const rows = db.all<GroupRow>(sql`
    select g.id as id, g.kind as kind, g.confirmed as confirmed, g.size as size, g.is_campaign as isCampaign,
      rep.id as representativeId, rep.text as representativeText,
      coalesce(rep.declared_language, rep.detected_language) as representativeLanguage,
      cl.label as representativeClause
    from duplicate_groups g
    left join comments rep on rep.id = ${representativeIdSql('g')}
    left join clauses cl on cl.id = rep.clause_id
    where g.round_id = ${roundId} and g.size >= 2 ${after}
    order by g.size desc, g.id desc
    limit ${limit + 1}`)
  const page = rows.slice(0, limit)
  const last = page[page.length - 1]
  const next = rows.length > limit && last ? { size: last.size, id: last.id } : null
  const ids = page.map((row) => row.id)
  const memberRows = ids.length
    ? db.all<Omit<GroupMember, 'truncated' | 'hidden'> & { length: number; moderation: string }>(sql`
        select id, groupId, clauseLabel, category, countryCode, language, excerpt, length, moderation from (
          select c.id as id, c.duplicate_group_id as groupId, cl.label as clauseLabel, c.category as category,
            c.country_code as countryCode, coalesce(c.declared_language, c.detected_language) as language,
            substr(c.text, 1, ${GROUP_EXCERPT_LENGTH}) as excerpt, length(c.text) as length, c.moderation as moderation,
            row_number() over (partition by c.duplicate_group_id order by c.id) as rank
          from comments c
          left join clauses cl on cl.id = c.clause_id
          where c.round_id = ${roundId} and c.status = 'submitted'
            and c.duplicate_group_id in (${sql.join(
              ids.map((id) => sql`${id}`),
              sql`, `,
            )})
        ) where rank <= ${GROUP_MEMBERS_SHOWN}
        order by groupId, id`)
    : []
  const members = new Map<number, GroupMember[]>()
  for (const { length, moderation, ...member } of memberRows) {
    const list = members.get(member.groupId) ?? []
    list.push({ ...member, truncated: length > GROUP_EXCERPT_LENGTH, hidden: moderation === 'hidden' })
    members.set(member.groupId, list)
  }
  return {
    groups: page.map((row) => ({
      id: row.id,
      kind: row.kind,
      confirmed: Boolean(row.confirmed),
      size: row.size,
      isCampaign: Boolean(row.isCampaign),
      representative:
        row.representativeId !== null && row.representativeText !== null
          ? {
              id: row.representativeId,
              text: row.representativeText,
              language: row.representativeLanguage,
              clauseLabel: row.representativeClause,
            }
          : null,
      members: members.get(row.id) ?? [],
    })),
    next,
  }
}

/** Every group of two comments or more in the round, largest first: the choices of "merge with". */
export function listGroupChoices(db: Db, roundId: number) {
  return db
    .select({ id: duplicateGroups.id, size: duplicateGroups.size, kind: duplicateGroups.kind })
    .from(duplicateGroups)
    .where(and(eq(duplicateGroups.roundId, roundId), sql`${duplicateGroups.size} >= 2`))
    .orderBy(sql`${duplicateGroups.size} desc`, sql`${duplicateGroups.id} desc`)
    .all()
}

/** One group of the round (id and size), or null when it is not one of the round's. */
export function getDuplicateGroup(db: Db, roundId: number, groupId: number) {
  return (
    db
      .select({ id: duplicateGroups.id, size: duplicateGroups.size, confirmed: duplicateGroups.confirmed })
      .from(duplicateGroups)
      .where(and(eq(duplicateGroups.id, groupId), eq(duplicateGroups.roundId, roundId)))
      .get() ?? null
  )
}

export type ThresholdResult =
  | { ok: true; changed: boolean; campaigns: number }
  | { ok: false; error: 'roundUnknown' | 'thresholdInvalid' }

/**
 * Sets the size from which a duplicate group of the round counts as a campaign, and recomputes
 * is_campaign of every group of the round in one statement, with the audit entry, in one transaction.
 */
export function setCampaignThreshold(db: Db, roundId: number, threshold: number, actor: Actor): ThresholdResult {
  if (!Number.isInteger(threshold) || threshold < CAMPAIGN_THRESHOLD_MIN || threshold > CAMPAIGN_THRESHOLD_MAX) {
    return { ok: false, error: 'thresholdInvalid' }
  }
  return db.transaction((tx) => {
    const round = tx.select({ threshold: rounds.campaignThreshold }).from(rounds).where(eq(rounds.id, roundId)).get()
    if (!round) return { ok: false as const, error: 'roundUnknown' as const }
    const campaignIds = () =>
      tx
        .select({ id: duplicateGroups.id })
        .from(duplicateGroups)
        .where(and(eq(duplicateGroups.roundId, roundId), eq(duplicateGroups.isCampaign, true)))
        .orderBy(duplicateGroups.id)
        .all()
        .map((row) => row.id)
    const before = campaignIds()
    if (round.threshold === threshold) return { ok: true as const, changed: false, campaigns: before.length }
    tx.update(rounds).set({ campaignThreshold: threshold }).where(eq(rounds.id, roundId)).run()
    tx.update(duplicateGroups)
      .set({ isCampaign: sql`${duplicateGroups.size} >= ${threshold}` })
      .where(eq(duplicateGroups.roundId, roundId))
      .run()
    const after = campaignIds()
    appendAudit(
      tx as unknown as Db,
      {
        roundId,
        actorId: actor.actorId,
        action: 'duplicates.threshold',
        subjectType: 'round',
        subjectId: roundId,
        reason: actor.reason,
        before: { threshold: round.threshold, campaigns: before },
        after: { threshold, campaigns: after },
      },
      actor.now,
    )
    return { ok: true as const, changed: true, campaigns: after.length }
  })
}
