import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core'
import { users } from './accounts'

export const norms = sqliteTable('norms', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  createdBy: text('created_by').references(() => users.id),
  createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
})

/** A version of a draft norm. Editable until a round uses it; then frozen. */
export const normVersions = sqliteTable(
  'norm_versions',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    normId: integer('norm_id')
      .notNull()
      .references(() => norms.id),
    number: integer('number').notNull(),
    sourceLanguage: text('source_language').notNull(),
    title: text('title').notNull(),
    preamble: text('preamble').notNull().default(''),
    basedOnVersionId: integer('based_on_version_id'),
    frozenAt: integer('frozen_at', { mode: 'timestamp_ms' }),
    createdBy: text('created_by').references(() => users.id),
    createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
  },
  (t) => [uniqueIndex('norm_versions_number_idx').on(t.normId, t.number)],
)

export const normVersionTranslations = sqliteTable(
  'norm_version_translations',
  {
    versionId: integer('version_id')
      .notNull()
      .references(() => normVersions.id, { onDelete: 'cascade' }),
    language: text('language').notNull(),
    title: text('title').notNull(),
    preamble: text('preamble').notNull().default(''),
  },
  (t) => [primaryKey({ columns: [t.versionId, t.language] })],
)

export const clauses = sqliteTable(
  'clauses',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    versionId: integer('version_id')
      .notNull()
      .references(() => normVersions.id, { onDelete: 'cascade' }),
    position: integer('position').notNull(),
    label: text('label').notNull(),
    heading: text('heading'),
    text: text('text').notNull(),
  },
  (t) => [
    uniqueIndex('clauses_label_idx').on(t.versionId, t.label),
    index('clauses_position_idx').on(t.versionId, t.position),
  ],
)

export const clauseTranslations = sqliteTable(
  'clause_translations',
  {
    clauseId: integer('clause_id')
      .notNull()
      .references(() => clauses.id, { onDelete: 'cascade' }),
    language: text('language').notNull(),
    heading: text('heading'),
    text: text('text').notNull(),
    translatedBy: text('translated_by').references(() => users.id),
    updatedAt: integer('updated_at', { mode: 'timestamp_ms' }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.clauseId, t.language] })],
)
