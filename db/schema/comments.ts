import { sql } from 'drizzle-orm'
import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core'
import type { StakeholderCategory } from './accounts'
import { users } from './accounts'
import { clauses } from './norms'
import { rounds } from './rounds'

export const POSITIONS = ['support', 'amend', 'oppose', 'neutral'] as const
export type Position = (typeof POSITIONS)[number]

export const CONSENTS = ['named', 'anonymous', 'private'] as const
export type Consent = (typeof CONSENTS)[number]

export const COMMENT_STATUSES = ['draft', 'submitted', 'withdrawn'] as const
export const MODERATION_STATES = ['visible', 'hidden'] as const
export const HIDE_REASONS = ['spam', 'abuse', 'personal_data', 'off_topic', 'duplicate'] as const
export const REVIEW_STATES = ['unreviewed', 'reviewed'] as const

/**
 * A comment on a clause, or on the draft as a whole when clauseId is null. The author's category,
 * organization and country are copied in at the time of writing, with the country's M49 region and
 * sub-region, so that filters and summaries need no join and history is not rewritten.
 */
export const comments = sqliteTable(
  'comments',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    roundId: integer('round_id')
      .notNull()
      .references(() => rounds.id),
    clauseId: integer('clause_id').references(() => clauses.id),
    authorId: text('author_id').references(() => users.id),
    externalId: text('external_id'),
    imported: integer('imported', { mode: 'boolean' }).notNull().default(false),
    position: text('position', { enum: POSITIONS }),
    text: text('text').notNull(),
    proposedText: text('proposed_text'),
    /** The comment's language: as the author declared or corrected it, else as detected. */
    declaredLanguage: text('declared_language'),
    detectedLanguage: text('detected_language'),
    consent: text('consent', { enum: CONSENTS }).notNull(),
    status: text('status', { enum: COMMENT_STATUSES }).notNull(),
    moderation: text('moderation', { enum: MODERATION_STATES }).notNull().default('visible'),
    hiddenReason: text('hidden_reason', { enum: HIDE_REASONS }),
    hiddenNote: text('hidden_note'),
    reviewState: text('review_state', { enum: REVIEW_STATES }).notNull().default('unreviewed'),
    receipt: text('receipt').notNull(),
    /** Client-generated token of the form that created the comment: a retried POST finds it. */
    idempotencyKey: text('idempotency_key'),
    category: text('category').$type<StakeholderCategory>().notNull(),
    organizationName: text('organization_name'),
    authorName: text('author_name'),
    countryCode: text('country_code'),
    regionCode: text('region_code'),
    subregionCode: text('subregion_code'),
    duplicateGroupId: integer('duplicate_group_id'),
    /** SHA-256 of the normalised text (exact duplicates) and its MinHash signature in hex (near ones). */
    textHash: text('text_hash'),
    minhash: text('minhash'),
    createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
    submittedAt: integer('submitted_at', { mode: 'timestamp_ms' }),
    updatedAt: integer('updated_at', { mode: 'timestamp_ms' }).notNull(),
  },
  (t) => [
    uniqueIndex('comments_receipt_idx').on(t.receipt),
    uniqueIndex('comments_idempotency_idx').on(t.idempotencyKey),
    index('comments_round_status_idx').on(t.roundId, t.status, t.moderation, t.id),
    index('comments_round_clause_idx').on(t.roundId, t.clauseId, t.id),
    index('comments_round_category_idx').on(t.roundId, t.category, t.id),
    index('comments_round_region_idx').on(t.roundId, t.regionCode, t.id),
    index('comments_round_position_idx').on(t.roundId, t.position, t.id),
    index('comments_round_language_idx').on(t.roundId, t.declaredLanguage, t.id),
    index('comments_round_review_idx').on(t.roundId, t.reviewState, t.id),
    index('comments_author_idx').on(t.authorId, t.id),
    // A group's members, and its size counted off the index alone (duplicates.server.ts, REFRESH_GROUP):
    // reading each member's row for its status cost 24 ms for a campaign of 5,000 at 1,000,000 comments.
    index('comments_duplicate_group_idx').on(t.duplicateGroupId, t.status),
    // An identical comment of the round (duplicates.server.ts, FIND_EXACT) found off the index alone:
    // reading the row of each of a campaign's thousands of exact copies took 18 ms at 1,000,000.
    index('comments_round_text_hash_idx').on(t.roundId, t.textHash, t.status, t.duplicateGroupId),
    // The round page's hidden comments by reason (moderation.server.ts, publicModerationFigures),
    // counted off this index instead of reading every hidden comment's row.
    index('comments_round_hidden_idx')
      .on(t.roundId, t.hiddenReason)
      .where(sql`${t.status} = 'submitted' and ${t.moderation} = 'hidden'`),
    // The summary's method counts reviewed comments whose concerns moderators changed (figures.server.ts,
    // methodFigures): the reviewed ones found without reading every reviewed comment's row for its status.
    index('comments_round_reviewed_idx')
      .on(t.roundId)
      .where(sql`${t.status} = 'submitted' and ${t.reviewState} = 'reviewed'`),
    // The public comments page with every filter set (comments.server.ts, listPublicComments): a
    // rare combination is found by one seek instead of a scan of the round. Public comments only.
    index('comments_round_public_idx')
      .on(t.roundId, t.clauseId, t.category, t.regionCode, t.position, t.declaredLanguage, t.id)
      .where(sql`${t.status} = 'submitted' and ${t.moderation} = 'visible' and ${t.consent} <> 'private'`),
    // The moderation queue's order (moderation.server.ts, QUEUE_ORDER), so a page is read off the
    // index instead of sorting the round: waiting comments first, then newest submission first.
    // The same expressions as the queries (without commas: drizzle-kit splits index columns on them).
    index('comments_round_queue_idx').on(
      t.roundId,
      t.status,
      sql`(case when ${t.moderation} = 'visible' and ${t.reviewState} = 'unreviewed' then 0 else 1 end)`,
      sql`(case when ${t.submittedAt} is null then -${t.createdAt} else -${t.submittedAt} end)`,
      sql`(-${t.id})`,
    ),
  ],
)

export const COUNT_DIMENSIONS = ['all', 'clause', 'category', 'region', 'language', 'suggested'] as const
export type CountDimension = (typeof COUNT_DIMENSIONS)[number]

/**
 * The submitted comments of each round counted one property at a time (the clause id, category,
 * M49 region or declared language as text, '' for none; 'all' counts every one under '', and
 * 'suggested' under '' those with at least one suggested concern), by moderation state, review
 * state and whether the author consented to publication. Triggers on comments and comment_concerns
 * keep it (migrations 0003 and 0004), whatever command changes a comment, so no page counts the
 * rows of a round.
 */
export const commentCounts = sqliteTable(
  'comment_counts',
  {
    roundId: integer('round_id').notNull(),
    dimension: text('dimension', { enum: COUNT_DIMENSIONS }).notNull(),
    value: text('value').notNull(),
    moderation: text('moderation', { enum: MODERATION_STATES }).notNull(),
    reviewState: text('review_state', { enum: REVIEW_STATES }).notNull(),
    published: integer('published', { mode: 'boolean' }).notNull(),
    n: integer('n').notNull(),
  },
  (t) => [primaryKey({ columns: [t.roundId, t.dimension, t.value, t.moderation, t.reviewState, t.published] })],
)

/**
 * The locality-sensitive hashing bands of each comment's MinHash signature: similar texts share a
 * band, so near-duplicate candidates come from an index lookup, not a scan of the round.
 */
export const commentSketches = sqliteTable(
  'comment_sketches',
  {
    roundId: integer('round_id').notNull(),
    band: integer('band').notNull(),
    value: text('value').notNull(),
    commentId: integer('comment_id')
      .notNull()
      .references(() => comments.id, { onDelete: 'cascade' }),
  },
  (t) => [primaryKey({ columns: [t.roundId, t.band, t.value, t.commentId] }), index('comment_sketches_comment_idx').on(t.commentId)],
)

/** Every saved state of a comment, kept for moderators. */
export const commentRevisions = sqliteTable(
  'comment_revisions',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    commentId: integer('comment_id')
      .notNull()
      .references(() => comments.id, { onDelete: 'cascade' }),
    revision: integer('revision').notNull(),
    status: text('status', { enum: COMMENT_STATUSES }).notNull(),
    clauseId: integer('clause_id'),
    position: text('position', { enum: POSITIONS }),
    text: text('text').notNull(),
    proposedText: text('proposed_text'),
    declaredLanguage: text('declared_language'),
    consent: text('consent', { enum: CONSENTS }).notNull(),
    createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
  },
  (t) => [uniqueIndex('comment_revisions_idx').on(t.commentId, t.revision)],
)

/** A moderator's translation of a comment, quoted beside the original in summaries. */
export const commentTranslations = sqliteTable(
  'comment_translations',
  {
    commentId: integer('comment_id')
      .notNull()
      .references(() => comments.id, { onDelete: 'cascade' }),
    language: text('language').notNull(),
    text: text('text').notNull(),
    translatedBy: text('translated_by').references(() => users.id),
    updatedAt: integer('updated_at', { mode: 'timestamp_ms' }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.commentId, t.language] })],
)
