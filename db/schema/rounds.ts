import { index, integer, primaryKey, sqliteTable, text } from 'drizzle-orm/sqlite-core'
import type { StakeholderCategory } from './accounts'
import { users } from './accounts'
import { normVersions } from './norms'

/** A comment round on one frozen norm version. Its state follows from the clock and publication. */
export const rounds = sqliteTable(
  'rounds',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    versionId: integer('version_id')
      .notNull()
      .references(() => normVersions.id),
    title: text('title').notNull(),
    sourceLanguage: text('source_language').notNull(),
    opensAt: integer('opens_at', { mode: 'timestamp_ms' }).notNull(),
    closesAt: integer('closes_at', { mode: 'timestamp_ms' }).notNull(),
    /** IANA zone the moderators scheduled in, shown beside the deadline. */
    timeZone: text('time_zone').notNull().default('UTC'),
    eligibleCategories: text('eligible_categories', { mode: 'json' }).$type<StakeholderCategory[]>().notNull(),
    /** A duplicate group with at least this many comments is a campaign. */
    campaignThreshold: integer('campaign_threshold').notNull().default(5),
    /** Kept up to date by the comment commands so pages never count the whole round. */
    submittedCount: integer('submitted_count').notNull().default(0),
    createdBy: text('created_by').references(() => users.id),
    createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
  },
  (t) => [index('rounds_version_idx').on(t.versionId), index('rounds_closes_idx').on(t.closesAt)],
)

export const roundTranslations = sqliteTable(
  'round_translations',
  {
    roundId: integer('round_id')
      .notNull()
      .references(() => rounds.id, { onDelete: 'cascade' }),
    language: text('language').notNull(),
    title: text('title').notNull(),
  },
  (t) => [primaryKey({ columns: [t.roundId, t.language] })],
)

export const guidingQuestions = sqliteTable(
  'guiding_questions',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    roundId: integer('round_id')
      .notNull()
      .references(() => rounds.id, { onDelete: 'cascade' }),
    position: integer('position').notNull(),
    text: text('text').notNull(),
  },
  (t) => [index('guiding_questions_round_idx').on(t.roundId, t.position)],
)

export const guidingQuestionTranslations = sqliteTable(
  'guiding_question_translations',
  {
    questionId: integer('question_id')
      .notNull()
      .references(() => guidingQuestions.id, { onDelete: 'cascade' }),
    language: text('language').notNull(),
    text: text('text').notNull(),
  },
  (t) => [primaryKey({ columns: [t.questionId, t.language] })],
)
