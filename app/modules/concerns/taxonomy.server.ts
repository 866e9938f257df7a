import { and, asc, eq, inArray, max, sql } from 'drizzle-orm'
import { commentConcerns, comments, concerns, rounds, type Translated } from '#db/schema/index'
import { appendAudit } from '~/modules/moderation/audit.server'
import type { Db } from '~/utils/db.server'
import { refreshModel, resuggestUndecided } from './concerns.server'
import type { TaxonomyEntry } from './default-taxonomy'

/**
 * Commands on a round's concern taxonomy: add, rename, edit keywords, merge, split, and set the whole
 * taxonomy from a file. Each is one transaction that writes its audit entry and, since suggestions
 * must follow the new taxonomy, relearns the round's suggestion model; where keywords or concerns
 * changed, the comments no moderator has decided yet are suggested again.
 */

export type TaxonomyError = 'roundUnknown' | 'concernUnknown' | 'keyTaken' | 'sameConcern' | 'commentUnknown'

type Act = { roundId: number; actorId: string | null; reason?: string | null; now?: Date }

type Failure<E extends string> = { ok: false; error: E }
const fail = <E extends string>(error: E): Failure<E> => ({ ok: false, error })

function asTx(tx: unknown) {
  return tx as Db
}

function roundExists(db: Db, roundId: number) {
  return Boolean(db.select({ id: rounds.id }).from(rounds).where(eq(rounds.id, roundId)).get())
}

function findConcern(db: Db, roundId: number, key: string) {
  return (
    db
      .select({
        id: concerns.id,
        key: concerns.key,
        labels: concerns.labels,
        keywords: concerns.keywords,
        keyPoints: concerns.keyPoints,
        sortOrder: concerns.sortOrder,
      })
      .from(concerns)
      .where(and(eq(concerns.roundId, roundId), eq(concerns.key, key)))
      .get() ?? null
  )
}

function nextSortOrder(db: Db, roundId: number) {
  const row = db.select({ last: max(concerns.sortOrder) }).from(concerns).where(eq(concerns.roundId, roundId)).get()
  return (row?.last ?? -1) + 1
}

/** Keeps suggestions in step with the taxonomy; call last inside the act's transaction. */
function relearn(db: Db, roundId: number, now: Date, resuggest: boolean) {
  refreshModel(db, roundId, now)
  if (resuggest) resuggestUndecided(db, roundId, now)
}

/** JSON objects compared whatever the order of their keys. */
function sameJson(a: unknown, b: unknown): boolean {
  const canonical = (value: unknown): unknown =>
    value && typeof value === 'object' && !Array.isArray(value)
      ? Object.fromEntries(
          Object.entries(value as Record<string, unknown>)
            .filter(([, v]) => v !== undefined)
            .sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0))
            .map(([k, v]) => [k, canonical(v)]),
        )
      : Array.isArray(value)
        ? value.map(canonical)
        : value
  return JSON.stringify(canonical(a)) === JSON.stringify(canonical(b))
}

// ---------------------------------------------------------------------------------------------
// Queries

/**
 * The round's concerns with their labels, keywords and how many comments carry each, by source
 * (one grouped query for the counts).
 */
export function listTaxonomy(db: Db, roundId: number) {
  const rows = db
    .select({
      id: concerns.id,
      key: concerns.key,
      labels: concerns.labels,
      keywords: concerns.keywords,
      keyPoints: concerns.keyPoints,
      sortOrder: concerns.sortOrder,
    })
    .from(concerns)
    .where(eq(concerns.roundId, roundId))
    .orderBy(asc(concerns.sortOrder), asc(concerns.id))
    .all()
  const counts = usage(db, roundId)
  return rows.map((row) => ({
    ...row,
    labels: row.labels as Record<string, string>,
    keywords: row.keywords as Record<string, string[]>,
    keyPoints: row.keyPoints as Record<string, string>,
    uses: counts.get(row.id) ?? { author: 0, suggested: 0, moderator: 0 },
  }))
}

/** Rows of comment_concerns per concern of the round and source. */
function usage(db: Db, roundId: number) {
  const rows = db
    .select({ concernId: commentConcerns.concernId, source: commentConcerns.source, n: sql<number>`count(*)` })
    .from(commentConcerns)
    .innerJoin(concerns, eq(concerns.id, commentConcerns.concernId))
    .where(eq(concerns.roundId, roundId))
    .groupBy(commentConcerns.concernId, commentConcerns.source)
    .all()
  const result = new Map<number, { author: number; suggested: number; moderator: number }>()
  for (const row of rows) {
    const entry = result.get(row.concernId) ?? { author: 0, suggested: 0, moderator: 0 }
    entry[row.source] = row.n
    result.set(row.concernId, entry)
  }
  return result
}

/**
 * The comments a moderator confirmed with a concern, oldest first, at most `limit` (for the split
 * form): the ones a split can move.
 */
export function confirmedComments(db: Db, roundId: number, key: string, limit: number) {
  const rows = db
    .select({
      id: comments.id,
      text: comments.text,
      language: comments.declaredLanguage,
      category: comments.category,
      countryCode: comments.countryCode,
    })
    .from(commentConcerns)
    .innerJoin(concerns, eq(concerns.id, commentConcerns.concernId))
    .innerJoin(comments, eq(comments.id, commentConcerns.commentId))
    .where(and(eq(concerns.roundId, roundId), eq(concerns.key, key), eq(commentConcerns.source, 'moderator'), eq(comments.roundId, roundId)))
    .orderBy(asc(comments.id))
    .limit(limit + 1)
    .all()
  return { comments: rows.slice(0, limit), more: rows.length > limit }
}

// ---------------------------------------------------------------------------------------------
// Commands

/** Adds a concern at the end of the round's taxonomy. */
export function addConcern(db: Db, args: Act & { concern: TaxonomyEntry }): { ok: true; key: string } | Failure<TaxonomyError> {
  const now = args.now ?? new Date()
  const result = db.transaction((transaction) => {
    const tx = asTx(transaction)
    if (!roundExists(tx, args.roundId)) return fail('roundUnknown' as const)
    if (findConcern(tx, args.roundId, args.concern.key)) return fail('keyTaken' as const)
    const { key, labels, keywords } = args.concern
    tx.insert(concerns)
      .values({ roundId: args.roundId, key, labels, keywords, keyPoints: {}, sortOrder: nextSortOrder(tx, args.roundId) })
      .run()
    appendAudit(
      tx,
      {
        roundId: args.roundId,
        actorId: args.actorId,
        action: 'concern.add',
        subjectType: 'concern',
        subjectId: key,
        reason: args.reason ?? null,
        before: null,
        after: { key, labels, keywords },
      },
      now,
    )
    relearn(tx, args.roundId, now, true)
    return { ok: true as const, key }
  })
  return result
}

/** Replaces a concern's labels (its key stays: comments and files refer to it). */
export function renameConcern(
  db: Db,
  args: Act & { key: string; labels: Record<string, string> },
): { ok: true; changed: boolean } | Failure<TaxonomyError> {
  const now = args.now ?? new Date()
  return db.transaction((transaction) => {
    const tx = asTx(transaction)
    const concern = findConcern(tx, args.roundId, args.key)
    if (!concern) return fail('concernUnknown' as const)
    if (sameJson(concern.labels, args.labels)) return { ok: true as const, changed: false }
    tx.update(concerns).set({ labels: args.labels }).where(eq(concerns.id, concern.id)).run()
    appendAudit(
      tx,
      {
        roundId: args.roundId,
        actorId: args.actorId,
        action: 'concern.rename',
        subjectType: 'concern',
        subjectId: concern.key,
        reason: args.reason ?? null,
        before: { labels: concern.labels },
        after: { labels: args.labels },
      },
      now,
    )
    relearn(tx, args.roundId, now, false)
    return { ok: true as const, changed: true }
  })
}

/** Replaces a concern's keyword hints; undecided comments are suggested again. */
export function setConcernKeywords(
  db: Db,
  args: Act & { key: string; keywords: Record<string, string[]> },
): { ok: true; changed: boolean } | Failure<TaxonomyError> {
  const now = args.now ?? new Date()
  const result = db.transaction((transaction) => {
    const tx = asTx(transaction)
    const concern = findConcern(tx, args.roundId, args.key)
    if (!concern) return fail('concernUnknown' as const)
    if (sameJson(concern.keywords, args.keywords)) return { ok: true as const, changed: false }
    tx.update(concerns).set({ keywords: args.keywords }).where(eq(concerns.id, concern.id)).run()
    appendAudit(
      tx,
      {
        roundId: args.roundId,
        actorId: args.actorId,
        action: 'concern.keywords',
        subjectType: 'concern',
        subjectId: concern.key,
        reason: args.reason ?? null,
        before: { keywords: concern.keywords },
        after: { keywords: args.keywords },
      },
      now,
    )
    relearn(tx, args.roundId, now, true)
    return { ok: true as const, changed: true }
  })
  return result
}

function unionKeywords(a: Translated<string[]>, b: Translated<string[]>) {
  const result: Record<string, string[]> = {}
  for (const language of new Set([...Object.keys(a), ...Object.keys(b)])) {
    result[language] = [...new Set([...(a[language] ?? []), ...(b[language] ?? [])])]
  }
  return result
}

/**
 * Merges concern `from` into `into`: every comment_concerns row of `from` moves to `into`, one per
 * (comment, source) — where a comment already has `into` from the same source the row of `from` goes
 * (a suggestion keeps the higher score) — `from` is deleted, and `into` gains its keyword hints and,
 * in languages where it has none, its key points.
 */
export function mergeConcerns(
  db: Db,
  args: Act & { from: string; into: string },
): { ok: true; moved: { author: number; suggested: number; moderator: number } } | Failure<TaxonomyError> {
  const now = args.now ?? new Date()
  if (args.from === args.into) return fail('sameConcern')
  const result = db.transaction((transaction) => {
    const tx = asTx(transaction)
    const from = findConcern(tx, args.roundId, args.from)
    const into = findConcern(tx, args.roundId, args.into)
    if (!from || !into) return fail('concernUnknown' as const)
    const rows = tx
      .select({ commentId: commentConcerns.commentId, source: commentConcerns.source })
      .from(commentConcerns)
      .where(eq(commentConcerns.concernId, from.id))
      .all()
    const moved = { author: 0, suggested: 0, moderator: 0 }
    for (const row of rows) moved[row.source]++
    const moderatorComments = rows
      .filter((row) => row.source === 'moderator')
      .map((row) => row.commentId)
      .sort((a, b) => a - b)
    // A suggestion of both keeps the higher score; then rows of `from` that `into` already has go.
    tx.run(sql`
      update comment_concerns set score = max(coalesce(score, 0), coalesce((
        select a.score from comment_concerns a
        where a.concern_id = ${from.id} and a.comment_id = comment_concerns.comment_id and a.source = 'suggested'), 0))
      where concern_id = ${into.id} and source = 'suggested'
        and exists (select 1 from comment_concerns a
          where a.concern_id = ${from.id} and a.comment_id = comment_concerns.comment_id and a.source = 'suggested')`)
    tx.run(sql`
      delete from comment_concerns
      where concern_id = ${from.id}
        and exists (select 1 from comment_concerns b
          where b.concern_id = ${into.id} and b.comment_id = comment_concerns.comment_id and b.source = comment_concerns.source)`)
    tx.update(commentConcerns).set({ concernId: into.id }).where(eq(commentConcerns.concernId, from.id)).run()
    tx.delete(concerns).where(eq(concerns.id, from.id)).run()
    const keywords = unionKeywords(into.keywords, from.keywords)
    const keyPoints = { ...(from.keyPoints as Record<string, string>), ...(into.keyPoints as Record<string, string>) }
    tx.update(concerns).set({ keywords, keyPoints }).where(eq(concerns.id, into.id)).run()
    appendAudit(
      tx,
      {
        roundId: args.roundId,
        actorId: args.actorId,
        action: 'concern.merge',
        subjectType: 'concern',
        subjectId: into.key,
        reason: args.reason ?? null,
        before: {
          from: { key: from.key, labels: from.labels, keywords: from.keywords, keyPoints: from.keyPoints, rows: moved, moderatorComments },
          into: { key: into.key, labels: into.labels, keywords: into.keywords, keyPoints: into.keyPoints },
        },
        after: { into: { key: into.key, labels: into.labels, keywords, keyPoints }, deleted: from.key },
      },
      now,
    )
    relearn(tx, args.roundId, now, true)
    return { ok: true as const, moved }
  })
  return result
}

/**
 * Splits a concern: creates a new one and moves to it the moderator labels `from` of the chosen
 * comments, which must all carry `from` from a moderator.
 */
export function splitConcern(
  db: Db,
  args: Act & { from: string; concern: TaxonomyEntry; commentIds: number[] },
): { ok: true; key: string; moved: number } | Failure<TaxonomyError> {
  const now = args.now ?? new Date()
  const commentIds = [...new Set(args.commentIds)].sort((a, b) => a - b)
  if (!commentIds.length) return fail('commentUnknown')
  const result = db.transaction((transaction) => {
    const tx = asTx(transaction)
    const from = findConcern(tx, args.roundId, args.from)
    if (!from) return fail('concernUnknown' as const)
    if (findConcern(tx, args.roundId, args.concern.key)) return fail('keyTaken' as const)
    const carrying = tx
      .select({ commentId: commentConcerns.commentId })
      .from(commentConcerns)
      .innerJoin(comments, eq(comments.id, commentConcerns.commentId))
      .where(
        and(
          eq(commentConcerns.concernId, from.id),
          eq(commentConcerns.source, 'moderator'),
          eq(comments.roundId, args.roundId),
          inArray(commentConcerns.commentId, commentIds),
        ),
      )
      .all()
    if (carrying.length !== commentIds.length) return fail('commentUnknown' as const)
    const { key, labels, keywords } = args.concern
    const created = tx
      .insert(concerns)
      .values({ roundId: args.roundId, key, labels, keywords, keyPoints: {}, sortOrder: nextSortOrder(tx, args.roundId) })
      .returning({ id: concerns.id })
      .get()
    tx.update(commentConcerns)
      .set({ concernId: created.id })
      .where(
        and(eq(commentConcerns.concernId, from.id), eq(commentConcerns.source, 'moderator'), inArray(commentConcerns.commentId, commentIds)),
      )
      .run()
    appendAudit(
      tx,
      {
        roundId: args.roundId,
        actorId: args.actorId,
        action: 'concern.split',
        subjectType: 'concern',
        subjectId: from.key,
        reason: args.reason ?? null,
        before: { from: from.key, comments: commentIds },
        after: { from: from.key, into: { key, labels, keywords }, comments: commentIds },
      },
      now,
    )
    relearn(tx, args.roundId, now, true)
    return { ok: true as const, key, moved: commentIds.length }
  })
  return result
}

export type InUse = { key: string; author: number; suggested: number; moderator: number }

export type SetTaxonomyResult =
  | { ok: true; added: string[]; updated: string[]; removed: string[]; unchanged: string[] }
  | { ok: false; error: 'roundUnknown' }
  | { ok: false; error: 'concernsInUse'; inUse: InUse[] }

/**
 * Sets a round's whole taxonomy (the command line's `concerns set`): the concerns given are added
 * or updated by key (labels and keywords replaced, order as given); the round's other concerns are
 * removed only when no comment carries them. With `force`, a concern that only machine suggestions
 * carry is removed too (its suggestions go with it); a concern an author or a moderator gave to a
 * comment is never removed here — merge it into another first. Nothing is merged, and on any
 * refusal nothing changes.
 */
export function setRoundTaxonomy(db: Db, args: Act & { concerns: TaxonomyEntry[]; force?: boolean }): SetTaxonomyResult {
  const now = args.now ?? new Date()
  const result = db.transaction((transaction): SetTaxonomyResult => {
    const tx = asTx(transaction)
    if (!roundExists(tx, args.roundId)) return { ok: false, error: 'roundUnknown' }
    const current = listTaxonomy(tx, args.roundId)
    const wanted = new Set(args.concerns.map((concern) => concern.key))
    const leaving = current.filter((concern) => !wanted.has(concern.key))
    const inUse = leaving
      .filter((concern) => concern.uses.author + concern.uses.moderator + (args.force ? 0 : concern.uses.suggested) > 0)
      .map((concern) => ({ key: concern.key, ...concern.uses }))
    if (inUse.length) return { ok: false, error: 'concernsInUse', inUse }

    const byKey = new Map(current.map((concern) => [concern.key, concern]))
    const added: string[] = []
    const updated: string[] = []
    const unchanged: string[] = []
    if (leaving.length) {
      tx.delete(concerns)
        .where(
          and(
            eq(concerns.roundId, args.roundId),
            inArray(
              concerns.id,
              leaving.map((concern) => concern.id),
            ),
          ),
        )
        .run()
    }
    args.concerns.forEach((concern, sortOrder) => {
      const existing = byKey.get(concern.key)
      if (!existing) {
        tx.insert(concerns)
          .values({ roundId: args.roundId, key: concern.key, labels: concern.labels, keywords: concern.keywords, keyPoints: {}, sortOrder })
          .run()
        added.push(concern.key)
        return
      }
      if (sameJson(existing.labels, concern.labels) && sameJson(existing.keywords, concern.keywords) && existing.sortOrder === sortOrder) {
        unchanged.push(concern.key)
        return
      }
      tx.update(concerns)
        .set({ labels: concern.labels, keywords: concern.keywords, sortOrder })
        .where(eq(concerns.id, existing.id))
        .run()
      updated.push(concern.key)
    })
    const removed = leaving.map((concern) => concern.key)
    if (added.length || updated.length || removed.length) {
      appendAudit(
        tx,
        {
          roundId: args.roundId,
          actorId: args.actorId,
          action: 'taxonomy.set',
          subjectType: 'round',
          subjectId: args.roundId,
          reason: args.reason ?? null,
          before: current.map((concern) => ({ key: concern.key, labels: concern.labels, keywords: concern.keywords })),
          after: { concerns: args.concerns, added, updated, removed },
        },
        now,
      )
      relearn(tx, args.roundId, now, true)
    }
    return { ok: true, added, updated, removed, unchanged }
  })
  return result
}
