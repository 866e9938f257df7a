import { and, eq, inArray, ne, sql } from 'drizzle-orm'
import { commentSketches, comments, duplicateGroups, rounds } from '#db/schema/index'
import type { Db } from '~/utils/db.server'
import { appendAudit } from './audit.server'
import { bands, minhash, NEAR_SIMILARITY, normalizeForDuplicates, similarity, textHash } from './duplicates'

/** The fingerprints stored with a comment: the exact hash and the MinHash signature. */
export function fingerprint(text: string) {
  const normalized = normalizeForDuplicates(text)
  return { textHash: textHash(normalized), minhash: minhash(normalized) }
}

function refreshGroup(db: Db, groupId: number) {
  db.run(sql`
    update ${duplicateGroups} set
      size = (select count(*) from ${comments} where ${comments.duplicateGroupId} = ${groupId} and ${comments.status} = 'submitted'),
      is_campaign = (select count(*) from ${comments} where ${comments.duplicateGroupId} = ${groupId} and ${comments.status} = 'submitted')
        >= (select ${rounds.campaignThreshold} from ${rounds} where ${rounds.id} = ${duplicateGroups.roundId})
    where ${duplicateGroups.id} = ${groupId}`)
}

/**
 * Places a just-submitted comment in a duplicate group: with an identical comment (same normalised
 * text) if there is one, else with the most similar comment at or above NEAR_SIMILARITY. Runs in
 * the submitting transaction; the lookups use the (round_id, text_hash) index and the LSH band table.
 */
export function groupDuplicates(db: Db, args: { commentId: number; roundId: number; textHash: string; minhash: string | null; now: Date }) {
  const { commentId, roundId, now } = args
  let match: { id: number; groupId: number | null; kind: 'exact' | 'near' } | null = null
  const exact = db
    .select({ id: comments.id, groupId: comments.duplicateGroupId })
    .from(comments)
    .where(
      and(
        eq(comments.roundId, roundId),
        eq(comments.textHash, args.textHash),
        ne(comments.id, commentId),
        eq(comments.status, 'submitted'),
      ),
    )
    .orderBy(sql`${comments.duplicateGroupId} is null`, comments.id)
    .limit(1)
    .get()
  if (exact) match = { ...exact, kind: 'exact' }
  if (!match && args.minhash) {
    const parts = bands(args.minhash)
    const candidates = db
      .selectDistinct({ id: comments.id, groupId: comments.duplicateGroupId, minhash: comments.minhash })
      .from(commentSketches)
      .innerJoin(comments, eq(comments.id, commentSketches.commentId))
      .where(
        and(
          eq(commentSketches.roundId, roundId),
          sql`(${sql.join(
            parts.map((value, band) => sql`(${commentSketches.band} = ${band} and ${commentSketches.value} = ${value})`),
            sql` or `,
          )})`,
          ne(comments.id, commentId),
          eq(comments.status, 'submitted'),
        ),
      )
      .limit(200)
      .all()
    let best = NEAR_SIMILARITY
    for (const candidate of candidates) {
      const score = candidate.minhash ? similarity(args.minhash, candidate.minhash) : 0
      if (score >= best) {
        best = score
        match = { id: candidate.id, groupId: candidate.groupId, kind: 'near' }
      }
    }
  }
  if (args.minhash) {
    db.insert(commentSketches)
      .values(bands(args.minhash).map((value, band) => ({ roundId, band, value, commentId })))
      .onConflictDoNothing()
      .run()
  }
  if (!match) return null
  let groupId = match.groupId
  if (groupId === null) {
    groupId = db
      .insert(duplicateGroups)
      .values({ roundId, kind: match.kind, representativeCommentId: match.id, size: 0, createdAt: now })
      .returning({ id: duplicateGroups.id })
      .get().id
    db.update(comments).set({ duplicateGroupId: groupId }).where(eq(comments.id, match.id)).run()
  } else if (match.kind === 'near') {
    db.update(duplicateGroups).set({ kind: 'near' }).where(eq(duplicateGroups.id, groupId)).run()
  }
  db.update(comments).set({ duplicateGroupId: groupId }).where(eq(comments.id, commentId)).run()
  refreshGroup(db, groupId)
  return groupId
}

/** Takes a comment out of its group and its sketches out of the index (on edit or withdrawal). */
export function ungroupComment(db: Db, commentId: number) {
  const row = db.select({ groupId: comments.duplicateGroupId }).from(comments).where(eq(comments.id, commentId)).get()
  db.delete(commentSketches).where(eq(commentSketches.commentId, commentId)).run()
  if (!row?.groupId) return
  db.update(comments).set({ duplicateGroupId: null }).where(eq(comments.id, commentId)).run()
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
