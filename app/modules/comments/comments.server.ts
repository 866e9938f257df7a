import crypto from 'node:crypto'
import { and, asc, desc, eq, inArray, sql, type SQL } from 'drizzle-orm'
import {
  clauses,
  commentConcerns,
  commentRevisions,
  comments,
  concerns,
  rounds,
} from '#db/schema/index'
import type { Position, StakeholderCategory } from '#db/schema/index'
import { suggestConcerns, suggestedConcerns } from '~/modules/concerns/concerns.server'
import type { Suggestion } from '~/modules/concerns/model'
import { fingerprint, groupDuplicates, ungroupComment } from '~/modules/moderation/duplicates.server'
import { commentRefusal } from '~/modules/rounds/rounds'
import { prepared, type Db } from '~/utils/db.server'
import type { CommentInput } from './comments.schema'
import { countWhere } from './counts.server'
import { detectLanguage } from './language.server'

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ'

/**
 * A receipt code a person can read out and type back: 12 Crockford base-32 characters, 60 bits,
 * from 12 random bytes (an import draws the bytes of all its receipts at once and passes each its own).
 */
export function newReceipt(bytes: Uint8Array = crypto.randomBytes(12)) {
  let code = ''
  for (let i = 0; i < 12; i++) code += CROCKFORD[bytes[i]! & 31]
  return `${code.slice(0, 4)}-${code.slice(4, 8)}-${code.slice(8, 12)}`
}

export type SaveError =
  | { status: 404; error: 'errors.roundUnknown' | 'errors.commentUnknown' }
  | { status: 409; error: 'errors.roundNotOpen' | 'errors.roundClosed' | 'errors.withdrawn' | 'errors.alreadySubmitted' }
  | { status: 403; error: 'errors.ineligible' }
  | { status: 400; error: string; field: 'clause' | 'concerns' }

export type SaveResult =
  | {
      ok: true
      commentId: number
      receipt: string
      status: 'draft' | 'submitted'
      replayed: boolean
      /** This save submitted the comment for the first time (a new comment, or a draft until now). */
      firstSubmission: boolean
    }
  | ({ ok: false } & SaveError)

const REFUSALS = {
  notOpenYet: { status: 409, error: 'errors.roundNotOpen' },
  closed: { status: 409, error: 'errors.roundClosed' },
  ineligible: { status: 403, error: 'errors.ineligible' },
} as const

/**
 * Saves a participant's comment as a draft or submits it, creating or editing it, in one transaction:
 * the round must be open and the author's category eligible at this moment (whatever the form said
 * when it was loaded), the clause must belong to the round's draft, and an edited comment must be the
 * author's own. A retried request with the same idempotency key returns the comment it created.
 * Every saved state is kept as a revision.
 */
export function saveComment(
  db: Db,
  args: { roundId: number; userId: string; input: CommentInput; now?: Date; analysis?: TextAnalysis },
): SaveResult {
  const { roundId, userId, input } = args
  const now = args.now ?? new Date()
  return db.transaction(
    (tx): SaveResult => {
      const t = tx as unknown as Db
      const roundRow = prepared<{ versionId: number; opensAt: number; closesAt: number; eligibleCategories: string }>(
        t,
        'select version_id as versionId, opens_at as opensAt, closes_at as closesAt, eligible_categories as eligibleCategories from rounds where id = ?',
      ).get(roundId)
      if (!roundRow) return { ok: false, status: 404, error: 'errors.roundUnknown' }
      const round = {
        versionId: roundRow.versionId,
        opensAt: new Date(roundRow.opensAt),
        closesAt: new Date(roundRow.closesAt),
        eligibleCategories: JSON.parse(roundRow.eligibleCategories) as StakeholderCategory[],
      }
      const author = prepared<{
        displayName: string
        category: StakeholderCategory
        countryCode: string
        organization: string | null
        regionCode: string
        subregionCode: string
      }>(
        t,
        `select u.display_name as displayName, u.category as category, u.country_code as countryCode, o.name as organization,
           c.region_code as regionCode, c.subregion_code as subregionCode
         from users u join countries c on c.code = u.country_code left join organizations o on o.id = u.organization_id
         where u.id = ?`,
      ).get(userId)
      if (!author) return { ok: false, status: 404, error: 'errors.roundUnknown' }
      const refusal = commentRefusal(round, author.category, now)
      if (refusal) return { ok: false, ...REFUSALS[refusal] }

      const scopedKey = input.idempotencyKey ? `${userId}:${input.idempotencyKey}` : null
      if (scopedKey && !input.commentId) {
        const earlier = prepared<{ id: number; receipt: string; status: 'draft' | 'submitted' | 'withdrawn' }>(
          t,
          'select id, receipt, status from comments where idempotency_key = ?',
        ).get(scopedKey)
        // The key made a comment that was withdrawn since: a replay must not bring it back, nor make a second one.
        if (earlier?.status === 'withdrawn') return { ok: false, status: 409, error: 'errors.withdrawn' }
        if (earlier) {
          return { ok: true, commentId: earlier.id, receipt: earlier.receipt, status: earlier.status, replayed: true, firstSubmission: false }
        }
      }

      let clauseId: number | null = null
      if (input.clause !== 'whole') {
        const clause = prepared<{ id: number }>(t, 'select id from clauses where id = ? and version_id = ?').get(Number(input.clause), round.versionId)
        if (!clause) return { ok: false, status: 400, error: 'errors.clauseUnknown', field: 'clause' }
        clauseId = clause.id
      }

      const keys = [...new Set(input.concerns)]
      const concernRows = keys.length
        ? prepared<{ id: number; key: string }>(t, 'select id, key from concerns where round_id = ? and key in (select value from json_each(?))').all(
            roundId,
            JSON.stringify(keys),
          )
        : []
      if (concernRows.length !== keys.length) return { ok: false, status: 400, error: 'errors.concernUnknown', field: 'concerns' }

      const { detected, language, prints, suggested } = args.analysis ?? analyseText(t, roundId, input)
      const proposedText = input.proposedText?.trim() ? input.proposedText : null
      const submitting = input.intent === 'submit'
      const fields = {
        textHash: prints.textHash,
        minhash: prints.minhash,
        clauseId,
        position: (input.position ?? null) as Position | null,
        text: input.text,
        proposedText,
        declaredLanguage: language,
        detectedLanguage: detected,
        consent: input.consent,
        category: author.category,
        organizationName: author.organization,
        authorName: input.consent === 'named' ? author.displayName : null,
        countryCode: author.countryCode,
        regionCode: author.regionCode,
        subregionCode: author.subregionCode,
        updatedAt: now,
      }

      let commentId: number
      let receipt: string
      let status: 'draft' | 'submitted'
      let firstSubmission = submitting
      if (input.commentId) {
        const existing = t
          .select({ id: comments.id, status: comments.status, receipt: comments.receipt })
          .from(comments)
          .where(and(eq(comments.id, input.commentId), eq(comments.authorId, userId), eq(comments.roundId, roundId)))
          .get()
        if (!existing) return { ok: false, status: 404, error: 'errors.commentUnknown' }
        if (existing.status === 'withdrawn') return { ok: false, status: 409, error: 'errors.withdrawn' }
        if (existing.status === 'submitted' && !submitting) return { ok: false, status: 409, error: 'errors.alreadySubmitted' }
        ungroupComment(t, existing.id)
        status = submitting ? 'submitted' : 'draft'
        firstSubmission = submitting && existing.status === 'draft'
        t.update(comments)
          .set({
            ...fields,
            status,
            submittedAt: existing.status === 'draft' && submitting ? now : undefined,
            reviewState: 'unreviewed',
          })
          .where(eq(comments.id, existing.id))
          .run()
        if (firstSubmission) prepared(t, COUNT_SUBMITTED).run(1, roundId)
        commentId = existing.id
        receipt = existing.receipt
      } else {
        // A new comment, the path of nearly every request: one prepared insert.
        status = submitting ? 'submitted' : 'draft'
        receipt = newReceipt()
        const at = now.getTime()
        commentId = Number(
          prepared(
            t,
            `insert into comments (round_id, author_id, status, receipt, idempotency_key, created_at, submitted_at, text_hash, minhash,
               clause_id, position, text, proposed_text, declared_language, detected_language, consent, category, organization_name,
               author_name, country_code, region_code, subregion_code, updated_at)
             values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
          ).run(
            roundId,
            userId,
            status,
            receipt,
            scopedKey,
            at,
            submitting ? at : null,
            fields.textHash,
            fields.minhash,
            fields.clauseId,
            fields.position,
            fields.text,
            fields.proposedText,
            fields.declaredLanguage,
            fields.detectedLanguage,
            fields.consent,
            fields.category,
            fields.organizationName,
            fields.authorName,
            fields.countryCode,
            fields.regionCode,
            fields.subregionCode,
            at,
          ).lastInsertRowid,
        )
        if (submitting) prepared(t, COUNT_SUBMITTED).run(1, roundId)
      }

      prepared(t, "delete from comment_concerns where comment_id = ? and source = 'author'").run(commentId)
      const insertConcern = prepared(t, "insert into comment_concerns (comment_id, concern_id, source, created_at) values (?, ?, 'author', ?)")
      for (const concern of concernRows) insertConcern.run(commentId, concern.id, now.getTime())
      if (status === 'submitted') {
        groupDuplicates(t, { commentId, roundId, textHash: prints.textHash, minhash: prints.minhash, now })
        suggestConcerns(t, { roundId, commentId, now, suggested })
      }
      addRevision(t, commentId, now)
      return { ok: true, commentId, receipt, status, replayed: false, firstSubmission }
    },
    // The write lock is taken at BEGIN: a transaction that read first and then wrote could find
    // another process's write in between and fail with SQLITE_BUSY instead of waiting its turn.
    { behavior: 'immediate' },
  )
}

/** What a save computes from the text alone: the detected language, the duplicate fingerprints, the suggested concerns. */
export type TextAnalysis = {
  detected: string | null
  /** The language given, else the detected one. */
  language: string | null
  prints: ReturnType<typeof fingerprint>
  suggested: Suggestion[]
}

export function analyseText(db: Db, roundId: number, input: Pick<CommentInput, 'text' | 'language'>): TextAnalysis {
  const detected = detectLanguage(input.text)
  const language = input.language?.trim() || detected
  return { detected, language, prints: fingerprint(input.text), suggested: suggestedConcerns(db, roundId, input.text, language) }
}

type Queued = { args: Parameters<typeof saveComment>[1]; resolve: (result: SaveResult) => void; reject: (error: unknown) => void }
const queues = new Map<Db, Queued[]>()

/**
 * saveComment for the web: the saves that arrive while this process is busy are committed together,
 * each in a savepoint of one immediate transaction (group commit: the pages they share, the round's
 * counters and the ends of its indexes, are written once; measured at about 1.5 ms less a comment).
 * A save that fails is rolled back alone; nobody is answered before the commit, so every comment
 * answered with a receipt is stored. Ordered as they arrived, so a replayed key finds its comment.
 */
export function submitComment(db: Db, args: Parameters<typeof saveComment>[1]): Promise<SaveResult> {
  // The text is analysed before the write lock is taken: meanwhile another process may write.
  const save = { ...args, analysis: args.analysis ?? analyseText(db, args.roundId, args.input) }
  return new Promise((resolve, reject) => {
    let queue = queues.get(db)
    if (!queue) {
      queue = []
      queues.set(db, queue)
      setImmediate(() => commitQueue(db))
    }
    queue.push({ args: save, resolve, reject })
  })
}

function commitQueue(db: Db) {
  const queue = queues.get(db) ?? []
  queues.delete(db)
  const outcomes: ({ saved: SaveResult } | { error: unknown })[] = []
  try {
    db.transaction(
      () => {
        // saveComment's own transaction becomes a savepoint inside this one.
        for (const item of queue) {
          try {
            outcomes.push({ saved: saveComment(db, item.args) })
          } catch (error) {
            outcomes.push({ error })
          }
        }
      },
      { behavior: 'immediate' },
    )
  } catch (error) {
    for (const item of queue) item.reject(error)
    return
  }
  queue.forEach((item, i) => {
    const outcome = outcomes[i]!
    if ('saved' in outcome) item.resolve(outcome.saved)
    else item.reject(outcome.error)
  })
}

const COUNT_SUBMITTED = 'update rounds set submitted_count = submitted_count + ? where id = ?'

function addRevision(db: Db, commentId: number, now: Date) {
  prepared(
    db,
    `insert into comment_revisions
       (comment_id, revision, status, clause_id, position, text, proposed_text, declared_language, consent, created_at)
     select id, coalesce((select max(revision) from comment_revisions where comment_id = @comment), 0) + 1, status, clause_id,
       position, text, proposed_text, declared_language, consent, @at
     from comments where id = @comment`,
  ).run({ comment: commentId, at: now.getTime() })
}

/** Withdraws the author's own comment while the round is open. */
export function withdrawComment(db: Db, args: { userId: string; commentId: number; now?: Date }): SaveResult {
  const now = args.now ?? new Date()
  return db.transaction((tx): SaveResult => {
    const existing = tx
      .select({
        id: comments.id,
        status: comments.status,
        receipt: comments.receipt,
        roundId: comments.roundId,
        opensAt: rounds.opensAt,
        closesAt: rounds.closesAt,
      })
      .from(comments)
      .innerJoin(rounds, eq(rounds.id, comments.roundId))
      .where(and(eq(comments.id, args.commentId), eq(comments.authorId, args.userId)))
      .get()
    if (!existing) return { ok: false, status: 404, error: 'errors.commentUnknown' }
    if (now >= existing.closesAt) return { ok: false, status: 409, error: 'errors.roundClosed' }
    if (existing.status === 'withdrawn') return { ok: false, status: 409, error: 'errors.withdrawn' }
    tx.update(comments).set({ status: 'withdrawn', updatedAt: now }).where(eq(comments.id, existing.id)).run()
    ungroupComment(tx as unknown as Db, existing.id)
    if (existing.status === 'submitted') {
      tx.update(rounds)
        .set({ submittedCount: sql`${rounds.submittedCount} - 1` })
        .where(eq(rounds.id, existing.roundId))
        .run()
    }
    addRevision(tx as unknown as Db, existing.id, now)
    return { ok: true, commentId: existing.id, receipt: existing.receipt, status: 'draft', replayed: false, firstSubmission: false }
  })
}

/** The author's comments in a round (drafts included), for the commenting page. */
export function listOwnComments(db: Db, userId: string, roundId: number) {
  const rows = db
    .select({
      id: comments.id,
      clauseId: comments.clauseId,
      position: comments.position,
      text: comments.text,
      proposedText: comments.proposedText,
      language: comments.declaredLanguage,
      detectedLanguage: comments.detectedLanguage,
      consent: comments.consent,
      status: comments.status,
      receipt: comments.receipt,
      moderation: comments.moderation,
      hiddenReason: comments.hiddenReason,
      updatedAt: comments.updatedAt,
    })
    .from(comments)
    .where(and(eq(comments.authorId, userId), eq(comments.roundId, roundId)))
    .orderBy(asc(comments.id))
    .all()
  const ids = rows.map((row) => row.id)
  const authorConcerns = ids.length
    ? db
        .select({ commentId: commentConcerns.commentId, key: concerns.key })
        .from(commentConcerns)
        .innerJoin(concerns, eq(concerns.id, commentConcerns.concernId))
        .where(and(inArray(commentConcerns.commentId, ids), eq(commentConcerns.source, 'author')))
        .all()
    : []
  return rows.map((row) => ({
    ...row,
    concerns: authorConcerns.filter((concern) => concern.commentId === row.id).map((concern) => concern.key),
  }))
}

/** Every comment of the user across rounds, newest first, for "My comments". */
export function listMyComments(db: Db, userId: string) {
  return db
    .select({
      id: comments.id,
      roundId: comments.roundId,
      roundTitle: rounds.title,
      clauseLabel: clauses.label,
      position: comments.position,
      text: comments.text,
      language: comments.declaredLanguage,
      status: comments.status,
      receipt: comments.receipt,
      moderation: comments.moderation,
      hiddenReason: comments.hiddenReason,
      hiddenNote: comments.hiddenNote,
      submittedAt: comments.submittedAt,
      updatedAt: comments.updatedAt,
    })
    .from(comments)
    .innerJoin(rounds, eq(rounds.id, comments.roundId))
    .leftJoin(clauses, eq(clauses.id, comments.clauseId))
    .where(eq(comments.authorId, userId))
    .orderBy(desc(comments.id))
    .all()
}

/** The saved states of a comment, oldest first (moderators only). */
export function commentHistory(db: Db, commentId: number) {
  return db
    .select()
    .from(commentRevisions)
    .where(eq(commentRevisions.commentId, commentId))
    .orderBy(asc(commentRevisions.revision))
    .all()
}

export type PublicFilters = {
  clause?: number | 'whole'
  category?: StakeholderCategory
  region?: string
  position?: Position
  language?: string
}

export const PUBLIC_PAGE_SIZE = 20

type PublicRow = {
  id: number
  clauseLabel: string | null
  position: Position | null
  text: string
  proposedText: string | null
  language: string | null
  consent: 'named' | 'anonymous'
  authorName: string | null
  organizationName: string | null
  category: StakeholderCategory
  countryCode: string | null
  imported: number
  submittedAt: number | null
}

/**
 * The index a page of public comments is read through, named so that SQLite does not have to guess
 * without statistics: with every filter set, the index of public comments by all five filters (one
 * seek, however rare the combination); with some, the one-filter index of the filter that leaves the
 * fewest public comments, by the round's counts; with none, the index of the round's visible
 * comments. Each gives the rows newest first, so a page reads about as many rows as it shows.
 */
function publicIndex(db: Db, roundId: number, filters: PublicFilters) {
  const { clause, category, region, position, language } = filters
  if (clause !== undefined && category && region && position && language) return 'comments_round_public_idx'
  const candidates: [string, number][] = []
  if (clause !== undefined) {
    const value = clause === 'whole' ? '' : String(clause)
    candidates.push(['comments_round_clause_idx', countWhere(db, roundId, 'clause', value, 'public')])
  }
  if (category) candidates.push(['comments_round_category_idx', countWhere(db, roundId, 'category', category, 'public')])
  if (region) candidates.push(['comments_round_region_idx', countWhere(db, roundId, 'region', region, 'public')])
  if (language) candidates.push(['comments_round_language_idx', countWhere(db, roundId, 'language', language, 'public')])
  // Positions are not counted; four of them, the position index only leads when it is the only filter.
  if (position && !candidates.length) return 'comments_round_position_idx'
  candidates.sort((a, b) => a[1] - b[1])
  return candidates[0]?.[0] ?? 'comments_round_status_idx'
}

/**
 * The public comments of a round, newest first, honouring consent: unpublished comments never
 * appear, anonymous ones carry no name or organization. Keyset pagination on the id, so the
 * thousandth page costs what the first does; the index is chosen by publicIndex.
 */
export function listPublicComments(db: Db, roundId: number, filters: PublicFilters, before?: number) {
  // Written out (not bound) so that they match the partial index comments_round_public_idx.
  const where: SQL[] = [sql`c.round_id = ${roundId}`, sql`c.status = 'submitted' and c.moderation = 'visible' and c.consent <> 'private'`]
  if (filters.clause === 'whole') where.push(sql`c.clause_id is null`)
  else if (filters.clause !== undefined) where.push(sql`c.clause_id = ${filters.clause}`)
  if (filters.category) where.push(sql`c.category = ${filters.category}`)
  if (filters.region) where.push(sql`c.region_code = ${filters.region}`)
  if (filters.position) where.push(sql`c.position = ${filters.position}`)
  if (filters.language) where.push(sql`c.declared_language = ${filters.language}`)
  if (before) where.push(sql`c.id < ${before}`)
  const rows = db.all<PublicRow>(sql`
    select c.id, cl.label as clauseLabel, c.position, c.text, c.proposed_text as proposedText, c.declared_language as language,
      c.consent, c.author_name as authorName, c.organization_name as organizationName, c.category, c.country_code as countryCode,
      c.imported, c.submitted_at as submittedAt
    from comments c indexed by ${sql.raw(publicIndex(db, roundId, filters))}
    left join clauses cl on cl.id = c.clause_id
    where ${sql.join(where, sql` and `)}
    order by c.id desc
    limit ${PUBLIC_PAGE_SIZE + 1}`)
  const page = rows.slice(0, PUBLIC_PAGE_SIZE).map(({ authorName, organizationName, imported, submittedAt, ...row }) => ({
    ...row,
    imported: Boolean(imported),
    submittedAt: submittedAt === null ? null : new Date(submittedAt),
    authorName: row.consent === 'named' ? authorName : null,
    organizationName: row.consent === 'named' ? organizationName : null,
  }))
  const nextBefore = rows.length > PUBLIC_PAGE_SIZE ? page[page.length - 1]!.id : null
  return { comments: page, nextBefore }
}

/**
 * Corrects the language of the author's own comment while its round is open (null: back to the
 * detected one). The saved state is kept as a revision, like any edit.
 */
export function setCommentLanguage(
  db: Db,
  args: { userId: string; commentId: number; language: string | null; now?: Date },
): SaveResult {
  const now = args.now ?? new Date()
  return db.transaction((tx): SaveResult => {
    const existing = tx
      .select({
        id: comments.id,
        status: comments.status,
        receipt: comments.receipt,
        detectedLanguage: comments.detectedLanguage,
        opensAt: rounds.opensAt,
        closesAt: rounds.closesAt,
      })
      .from(comments)
      .innerJoin(rounds, eq(rounds.id, comments.roundId))
      .where(and(eq(comments.id, args.commentId), eq(comments.authorId, args.userId)))
      .get()
    if (!existing) return { ok: false, status: 404, error: 'errors.commentUnknown' }
    if (now < existing.opensAt) return { ok: false, status: 409, error: 'errors.roundNotOpen' }
    if (now >= existing.closesAt) return { ok: false, status: 409, error: 'errors.roundClosed' }
    if (existing.status === 'withdrawn') return { ok: false, status: 409, error: 'errors.withdrawn' }
    tx.update(comments)
      .set({ declaredLanguage: args.language ?? existing.detectedLanguage, updatedAt: now })
      .where(and(eq(comments.id, existing.id), eq(comments.authorId, args.userId)))
      .run()
    addRevision(tx as unknown as Db, existing.id, now)
    return {
      ok: true,
      commentId: existing.id,
      receipt: existing.receipt,
      status: existing.status,
      replayed: false,
      firstSubmission: false,
    }
  })
}
