import { index, integer, primaryKey, real, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core'
import { users } from './accounts'
import { comments } from './comments'
import { clauses } from './norms'
import { rounds } from './rounds'

/** Labels and keyword hints keyed by language, e.g. { en: 'Privacy', fr: 'Vie privée' }. */
export type Translated<T> = Partial<Record<string, T>>

export const concerns = sqliteTable(
  'concerns',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    roundId: integer('round_id')
      .notNull()
      .references(() => rounds.id, { onDelete: 'cascade' }),
    key: text('key').notNull(),
    labels: text('labels', { mode: 'json' }).$type<Translated<string>>().notNull(),
    keywords: text('keywords', { mode: 'json' }).$type<Translated<string[]>>().notNull(),
    keyPoints: text('key_points', { mode: 'json' }).$type<Translated<string>>().notNull().default({}),
    sortOrder: integer('sort_order').notNull().default(0),
  },
  (t) => [uniqueIndex('concerns_round_key_idx').on(t.roundId, t.key)],
)

export const CONCERN_SOURCES = ['author', 'suggested', 'moderator'] as const

/** A concern on a comment, from the author, a suggestion (with its score) or a moderator. */
export const commentConcerns = sqliteTable(
  'comment_concerns',
  {
    commentId: integer('comment_id')
      .notNull()
      .references(() => comments.id, { onDelete: 'cascade' }),
    concernId: integer('concern_id')
      .notNull()
      .references(() => concerns.id, { onDelete: 'cascade' }),
    source: text('source', { enum: CONCERN_SOURCES }).notNull(),
    score: real('score'),
    createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.commentId, t.concernId, t.source] }),
    index('comment_concerns_concern_idx').on(t.concernId, t.source, t.commentId),
  ],
)

export const duplicateGroups = sqliteTable(
  'duplicate_groups',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    roundId: integer('round_id')
      .notNull()
      .references(() => rounds.id, { onDelete: 'cascade' }),
    kind: text('kind', { enum: ['exact', 'near'] }).notNull(),
    confirmed: integer('confirmed', { mode: 'boolean' }).notNull().default(false),
    size: integer('size').notNull().default(0),
    isCampaign: integer('is_campaign', { mode: 'boolean' }).notNull().default(false),
    representativeCommentId: integer('representative_comment_id'),
    createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
  },
  (t) => [index('duplicate_groups_round_idx').on(t.roundId, t.size)],
)

export const OUTCOMES = ['accepted', 'partly_accepted', 'noted', 'not_accepted'] as const

/** What became of a comment or a duplicate group, and why. */
export const dispositions = sqliteTable(
  'dispositions',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    roundId: integer('round_id')
      .notNull()
      .references(() => rounds.id, { onDelete: 'cascade' }),
    commentId: integer('comment_id').references(() => comments.id, { onDelete: 'cascade' }),
    duplicateGroupId: integer('duplicate_group_id').references(() => duplicateGroups.id, { onDelete: 'cascade' }),
    outcome: text('outcome', { enum: OUTCOMES }).notNull(),
    reason: text('reason', { mode: 'json' }).$type<Translated<string>>().notNull(),
    nextClauseId: integer('next_clause_id').references(() => clauses.id),
    decidedBy: text('decided_by').references(() => users.id),
    decidedAt: integer('decided_at', { mode: 'timestamp_ms' }).notNull(),
  },
  (t) => [
    uniqueIndex('dispositions_comment_idx').on(t.commentId),
    uniqueIndex('dispositions_group_idx').on(t.duplicateGroupId),
    index('dispositions_round_idx').on(t.roundId, t.outcome),
  ],
)

/** The consolidated position summary: one editable draft per round, then numbered, immutable snapshots. */
export const summaries = sqliteTable(
  'summaries',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    roundId: integer('round_id')
      .notNull()
      .references(() => rounds.id, { onDelete: 'cascade' }),
    /** null for the draft; 1, 2, … for published snapshots. */
    number: integer('number'),
    narrative: text('narrative', { mode: 'json' }).$type<Record<string, Translated<string>>>().notNull(),
    figures: text('figures', { mode: 'json' }),
    contentHash: text('content_hash'),
    publishedAt: integer('published_at', { mode: 'timestamp_ms' }),
    publishedBy: text('published_by').references(() => users.id),
    updatedAt: integer('updated_at', { mode: 'timestamp_ms' }).notNull(),
  },
  (t) => [uniqueIndex('summaries_round_number_idx').on(t.roundId, t.number)],
)

/** Append-only, hash-chained record of every moderation act. */
export const auditLog = sqliteTable(
  'audit_log',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    roundId: integer('round_id'),
    actorId: text('actor_id'),
    action: text('action').notNull(),
    subjectType: text('subject_type').notNull(),
    subjectId: text('subject_id').notNull(),
    reason: text('reason'),
    before: text('before', { mode: 'json' }),
    after: text('after', { mode: 'json' }),
    createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
    prevHash: text('prev_hash').notNull(),
    hash: text('hash').notNull(),
  },
  (t) => [index('audit_log_round_idx').on(t.roundId, t.id)],
)

/** The concern-suggestion model of a round, learnt from the concerns moderators confirmed. */
export const concernModels = sqliteTable('concern_models', {
  roundId: integer('round_id')
    .primaryKey()
    .references(() => rounds.id, { onDelete: 'cascade' }),
  state: text('state', { mode: 'json' }).notNull(),
  examples: integer('examples').notNull().default(0),
  updatedAt: integer('updated_at', { mode: 'timestamp_ms' }).notNull(),
})
