import { and, asc, eq, inArray, sql } from 'drizzle-orm'
import { commentConcerns, comments, concernModels, concerns } from '#db/schema/index'
import { appendAudit } from '~/modules/moderation/audit.server'
import { connectionOf, prepared, type Db } from '~/utils/db.server'
import type { TaxonomyEntry } from './default-taxonomy'
import {
  createModel,
  deserialize,
  learn,
  needsRebuild,
  relabel,
  serialize,
  setTaxonomy,
  suggestFor,
  type ConcernModel,
  type Suggestion,
} from './model'
import { analyze, features } from './text'

/**
 * Each round's suggestion model lives in concern_models and, for speed, in this process's memory,
 * kept per database connection (round ids are only unique within one database: tests open many)
 * with the version it was read at: a stored model's updated_at, which tells whether another process
 * (or a moderator) changed it since; for a round none is stored for (a database from before rounds
 * stored theirs at creation, or no round of that id yet), its taxonomy's rows as stored, so that
 * each comment submitted to it does not compile the keywords anew and a taxonomy changed since is
 * read as it is now.
 */
type Cached = { model: ConcernModel; updatedAt: number; version: string }
const caches = new WeakMap<ReturnType<typeof connectionOf>, Map<number, Cached>>()
function cacheOf(db: Db) {
  const connection = connectionOf(db)
  let cache = caches.get(connection)
  if (!cache) caches.set(connection, (cache = new Map()))
  return cache
}

const savedVersion = (updatedAt: number) => `saved ${updatedAt}`

/** The round's taxonomy as stored (its JSON text, not parsed): the version of a model not stored. */
function taxonomyVersion(db: Db, roundId: number) {
  const rows = prepared<{ key: string; labels: string; keywords: string }>(
    db,
    'select key, labels, keywords from concerns where round_id = ? order by sort_order, id',
  ).all(roundId)
  return `taxonomy ${rows.map((row) => `${row.key}\u0000${row.labels}\u0000${row.keywords}`).join('\u0001')}`
}

function taxonomyOf(db: Db, roundId: number): TaxonomyEntry[] {
  return db
    .select({ key: concerns.key, labels: concerns.labels, keywords: concerns.keywords })
    .from(concerns)
    .where(eq(concerns.roundId, roundId))
    .orderBy(asc(concerns.sortOrder), asc(concerns.id))
    .all()
    .map((row) => ({
      key: row.key,
      labels: row.labels as Record<string, string>,
      keywords: row.keywords as Record<string, string[]>,
    }))
}

export function loadModel(db: Db, roundId: number): ConcernModel {
  // One indexed lookup per call: whether the stored model changed since this process cached it.
  const stored = prepared<{ updatedAt: number }>(db, 'select updated_at as updatedAt from concern_models where round_id = ?').get(roundId)
  const version = stored ? savedVersion(stored.updatedAt) : taxonomyVersion(db, roundId)
  const cached = cacheOf(db).get(roundId)
  if (cached?.version === version) return cached.model
  let model: ConcernModel
  if (stored) {
    const row = db.select({ state: concernModels.state }).from(concernModels).where(eq(concernModels.roundId, roundId)).get()
    try {
      model = deserialize(typeof row?.state === 'string' ? row.state : JSON.stringify(row?.state))
      if (needsRebuild(model)) model = rebuildModel(db, roundId)
    } catch {
      model = rebuildModel(db, roundId)
    }
  } else {
    // Its taxonomy's keywords alone.
    model = createModel(taxonomyOf(db, roundId))
  }
  cacheOf(db).set(roundId, { model, updatedAt: stored?.updatedAt ?? 0, version })
  return model
}

function saveModel(db: Db, roundId: number, model: ConcernModel, now: Date) {
  // Strictly increasing over the stored value (read inside the writing transaction, so whichever
  // process saved last), so two saves in one millisecond still tell other processes to reload.
  const stored = prepared<{ updatedAt: number }>(db, 'select updated_at as updatedAt from concern_models where round_id = ?').get(roundId)
  const previous = Math.max(stored?.updatedAt ?? 0, cacheOf(db).get(roundId)?.updatedAt ?? 0)
  const updatedAt = new Date(Math.max(now.getTime(), previous + 1))
  const state = serialize(model)
  db.insert(concernModels)
    .values({ roundId, state, examples: model.docs, updatedAt })
    .onConflictDoUpdate({ target: concernModels.roundId, set: { state, examples: model.docs, updatedAt } })
    .run()
  cacheOf(db).set(roundId, { model, updatedAt: updatedAt.getTime(), version: savedVersion(updatedAt.getTime()) })
}

/** Runs a change to the cached model; if the transaction around it fails, the cache is dropped. */
function withModel<T>(db: Db, roundId: number, change: (model: ConcernModel) => T): T {
  const model = loadModel(db, roundId)
  try {
    return change(model)
  } catch (error) {
    cacheOf(db).delete(roundId)
    throw error
  }
}

/** The confirmed concerns of a round's comments, learnt from scratch (after a merge, split or rename). */
export function rebuildModel(db: Db, roundId: number): ConcernModel {
  const model = createModel(taxonomyOf(db, roundId))
  const rows = db
    .select({
      commentId: comments.id,
      text: comments.text,
      language: comments.declaredLanguage,
      keys: sql<string>`group_concat(${concerns.key}, char(31))`,
    })
    .from(commentConcerns)
    .innerJoin(comments, eq(comments.id, commentConcerns.commentId))
    .innerJoin(concerns, eq(concerns.id, commentConcerns.concernId))
    .where(and(eq(comments.roundId, roundId), eq(commentConcerns.source, 'moderator')))
    .groupBy(comments.id)
    .orderBy(asc(comments.id))
    .all()
  for (const row of rows) learn(model, features(analyze(row.text, row.language)), row.keys.split('\u001f'))
  return model
}

/** After moderators change the taxonomy: the model takes the new concerns and is relearnt. */
export function refreshModel(db: Db, roundId: number, now = new Date()) {
  const model = rebuildModel(db, roundId)
  setTaxonomy(model, taxonomyOf(db, roundId))
  saveModel(db, roundId, model, now)
}

/**
 * Stores the suggested concerns of a comment, with their scores, in place of earlier suggestions.
 * Called inside the transaction that submits the comment.
 */
export function suggestConcerns(
  db: Db,
  args: {
    roundId: number
    commentId: number
    now: Date
    /** suggestedConcerns of the comment's text, worked out before the transaction. */
    suggested: Suggestion[]
  },
) {
  const { suggested } = args
  prepared(db, "delete from comment_concerns where comment_id = ? and source = 'suggested'").run(args.commentId)
  if (!suggested.length) return []
  const ids = concernIds(db, args.roundId)
  const insert = prepared(db, "insert into comment_concerns (comment_id, concern_id, source, score, created_at) values (?, ?, 'suggested', ?, ?)")
  for (const suggestion of suggested) {
    const concernId = ids.get(suggestion.key)
    if (concernId) insert.run(args.commentId, concernId, suggestion.score, args.now.getTime())
  }
  return suggested
}

/** The concerns the round's model suggests for a text in a language, best first. */
export function suggestedConcerns(db: Db, roundId: number, text: string, language: string | null): Suggestion[] {
  return suggestFor(text, language, loadModel(db, roundId)).suggested.map(({ key, score }) => ({ key, score }))
}

/**
 * The round's concern ids by key, read at each use (a prepared lookup of a few rows): kept in memory,
 * they would go stale when another server process or the command line changes the taxonomy.
 */
function concernIds(db: Db, roundId: number) {
  const rows = prepared<{ id: number; key: string }>(db, 'select id, key from concerns where round_id = ?').all(roundId)
  return new Map(rows.map((row) => [row.key, row.id]))
}

export type ConfirmError = 'commentUnknown' | 'concernUnknown'

/**
 * A moderator's decision on the concerns of comments: they replace any earlier decision, the model
 * learns from them (or is corrected, when a decision changes), the comments count as reviewed, and
 * each change is in the audit log. `keysByComment` maps comment ids to concern keys.
 */
export function confirmConcerns(
  db: Db,
  args: { roundId: number; keysByComment: Map<number, string[]>; actorId: string; reason?: string | null; now?: Date },
): { ok: true; changed: number } | { ok: false; error: ConfirmError } {
  const now = args.now ?? new Date()
  const commentIds = [...args.keysByComment.keys()]
  if (!commentIds.length) return { ok: true, changed: 0 }
  return db.transaction((tx) => {
    const t = tx as unknown as Db
    const rows = t
      .select({ id: comments.id, text: comments.text, language: comments.declaredLanguage })
      .from(comments)
      .where(and(eq(comments.roundId, args.roundId), inArray(comments.id, commentIds)))
      .all()
    if (rows.length !== commentIds.length) return { ok: false as const, error: 'commentUnknown' as const }
    const ids = new Map(
      t
        .select({ id: concerns.id, key: concerns.key })
        .from(concerns)
        .where(eq(concerns.roundId, args.roundId))
        .all()
        .map((row) => [row.key, row.id]),
    )
    for (const keys of args.keysByComment.values()) {
      if (keys.some((key) => !ids.has(key))) return { ok: false as const, error: 'concernUnknown' as const }
    }
    const existing = t
      .select({ commentId: commentConcerns.commentId, source: commentConcerns.source, key: concerns.key, score: commentConcerns.score })
      .from(commentConcerns)
      .innerJoin(concerns, eq(concerns.id, commentConcerns.concernId))
      .where(inArray(commentConcerns.commentId, commentIds))
      .all()
    return withModel(t, args.roundId, (model) => {
      let changed = 0
      for (const row of rows) {
        const after = [...new Set(args.keysByComment.get(row.id)!)].sort()
        const mine = existing.filter((entry) => entry.commentId === row.id)
        const before = mine.filter((entry) => entry.source === 'moderator').map((entry) => entry.key).sort()
        const reviewedBefore = before.length > 0
        t.delete(commentConcerns)
          .where(and(eq(commentConcerns.commentId, row.id), eq(commentConcerns.source, 'moderator')))
          .run()
        if (after.length) {
          t.insert(commentConcerns)
            .values(after.map((key) => ({ commentId: row.id, concernId: ids.get(key)!, source: 'moderator' as const, createdAt: now })))
            .run()
        }
        t.update(comments).set({ reviewState: 'reviewed' }).where(eq(comments.id, row.id)).run()
        const tokens = features(analyze(row.text, row.language))
        if (!reviewedBefore) learn(model, tokens, after)
        else if (!relabel(model, tokens, before, after)) learn(model, tokens, after)
        if (JSON.stringify(before) !== JSON.stringify(after)) changed++
        appendAudit(t, {
          roundId: args.roundId,
          actorId: args.actorId,
          action: 'concerns.confirm',
          subjectType: 'comment',
          subjectId: row.id,
          reason: args.reason ?? null,
          before: {
            moderator: before,
            suggested: mine.filter((entry) => entry.source === 'suggested').map((entry) => `${entry.key}:${entry.score?.toFixed(2)}`),
          },
          after: { moderator: after },
        }, now)
      }
      saveModel(t, args.roundId, model, now)
      return { ok: true as const, changed }
    })
  })
}

/** The suggested concerns of the given comments, as moderators accept them in one action. */
export function suggestedKeys(db: Db, roundId: number, commentIds: number[]) {
  const result = new Map<number, string[]>(commentIds.map((id) => [id, []]))
  if (!commentIds.length) return result
  const rows = db
    .select({ commentId: commentConcerns.commentId, key: concerns.key })
    .from(commentConcerns)
    .innerJoin(concerns, eq(concerns.id, commentConcerns.concernId))
    .innerJoin(comments, eq(comments.id, commentConcerns.commentId))
    .where(and(eq(comments.roundId, roundId), inArray(commentConcerns.commentId, commentIds), eq(commentConcerns.source, 'suggested')))
    .all()
  for (const row of rows) result.get(row.commentId)?.push(row.key)
  return result
}

const RESUGGEST_BATCH = 500

/**
 * After the taxonomy changed (a concern added, merged or split, keywords edited): the suggestions of
 * the round's submitted comments on which no moderator has decided yet are computed again with the
 * current model and stored in place of the old ones. Comments a moderator decided keep the
 * suggestions they had, which the method figures compare with the decision. Runs in batches of
 * comments (a few queries per batch, none per comment); call it inside the act's transaction, after
 * refreshModel. Returns how many comments were suggested again.
 */
export function resuggestUndecided(db: Db, roundId: number, now = new Date()) {
  const model = loadModel(db, roundId)
  const ids = concernIds(db, roundId)
  let done = 0
  for (let after = 0; ; ) {
    const batch = db
      .select({ id: comments.id, text: comments.text, language: comments.declaredLanguage })
      .from(comments)
      .where(
        and(
          eq(comments.roundId, roundId),
          eq(comments.status, 'submitted'),
          sql`${comments.id} > ${after}`,
          sql`not exists (select 1 from ${commentConcerns} m where m.comment_id = ${comments.id} and m.source = 'moderator')`,
        ),
      )
      .orderBy(asc(comments.id))
      .limit(RESUGGEST_BATCH)
      .all()
    if (!batch.length) break
    after = batch[batch.length - 1]!.id
    const rows = batch.flatMap((comment) =>
      suggestFor(comment.text, comment.language, model).suggested.flatMap((suggestion) => {
        const concernId = ids.get(suggestion.key)
        return concernId
          ? [{ commentId: comment.id, concernId, source: 'suggested' as const, score: suggestion.score, createdAt: now }]
          : []
      }),
    )
    db.delete(commentConcerns)
      .where(
        and(
          inArray(
            commentConcerns.commentId,
            batch.map((comment) => comment.id),
          ),
          eq(commentConcerns.source, 'suggested'),
        ),
      )
      .run()
    // Five values a row: well under SQLite's limit of bound parameters per statement.
    for (let start = 0; start < rows.length; start += 1000) db.insert(commentConcerns).values(rows.slice(start, start + 1000)).run()
    done += batch.length
  }
  return done
}

/**
 * Learns comments whose concerns were confirmed elsewhere (the `concerns` column of an imported
 * file: labels a moderator gave), in the caller's transaction, and saves the model once.
 * `tokens` are the comment's features as suggestFor returns them.
 */
export function learnConfirmed(
  db: Db,
  roundId: number,
  examples: readonly { tokens: readonly string[]; keys: readonly string[] }[],
  now = new Date(),
) {
  if (!examples.length) return
  withModel(db, roundId, (model) => {
    for (const example of examples) learn(model, example.tokens, example.keys)
    saveModel(db, roundId, model, now)
  })
}
