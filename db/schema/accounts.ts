import { index, integer, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core'
import { countries, regionalOrganizations } from './regions'

export const STAKEHOLDER_CATEGORIES = [
  'tech_firm',
  'research',
  'civil_society',
  'regional_body',
  'government',
  'other',
] as const
export type StakeholderCategory = (typeof STAKEHOLDER_CATEGORIES)[number]

export const ROLES = ['participant', 'moderator', 'regional_viewer', 'admin'] as const
export type Role = (typeof ROLES)[number]

export const LANGUAGES = ['ar', 'en', 'es', 'fr', 'ru', 'zh'] as const
export type Language = (typeof LANGUAGES)[number]

/** Fixed keys with a display order; labels live in locales. */
export const stakeholderCategories = sqliteTable('stakeholder_categories', {
  key: text('key', { enum: STAKEHOLDER_CATEGORIES }).primaryKey(),
  sortOrder: integer('sort_order').notNull(),
})

export const organizations = sqliteTable(
  'organizations',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    name: text('name').notNull(),
    /** Case- and space-folded name, so "ACME  Ltd" and "acme ltd" are one organization. */
    nameKey: text('name_key').notNull(),
    verifiedAt: integer('verified_at', { mode: 'timestamp_ms' }),
    verifiedBy: text('verified_by'),
    createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
  },
  (t) => [uniqueIndex('organizations_name_key_idx').on(t.nameKey)],
)

export const users = sqliteTable(
  'users',
  {
    id: text('id').primaryKey(),
    email: text('email').notNull(),
    displayName: text('display_name').notNull(),
    passwordHash: text('password_hash').notNull(),
    organizationId: integer('organization_id').references(() => organizations.id),
    category: text('category', { enum: STAKEHOLDER_CATEGORIES })
      .notNull()
      .references(() => stakeholderCategories.key),
    countryCode: text('country_code')
      .notNull()
      .references(() => countries.code),
    language: text('language', { enum: LANGUAGES }).notNull(),
    role: text('role', { enum: ROLES }).notNull().default('participant'),
    /** Set for regional viewers: the organization whose lens they read through. */
    regionalOrganizationKey: text('regional_organization_key').references(() => regionalOrganizations.key),
    createdAt: integer('created_at', { mode: 'timestamp_ms' }).notNull(),
  },
  (t) => [uniqueIndex('users_email_idx').on(t.email), index('users_role_idx').on(t.role)],
)

/** lucia v3 sessions (adapter-drizzle expects id, user_id and expires_at in seconds). */
export const sessions = sqliteTable(
  'sessions',
  {
    id: text('id').primaryKey(),
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    expiresAt: integer('expires_at').notNull(),
  },
  (t) => [index('sessions_user_idx').on(t.userId)],
)
