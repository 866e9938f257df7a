import { index, primaryKey, sqliteTable, text } from 'drizzle-orm/sqlite-core'

/** UN M49 areas above the country level: regions, sub-regions and intermediate regions. */
export const m49Areas = sqliteTable('m49_areas', {
  code: text('code').primaryKey(),
  kind: text('kind', { enum: ['region', 'subregion', 'intermediate'] }).notNull(),
  parentCode: text('parent_code'),
})

/** Countries and areas by ISO 3166-1 alpha-2, with their UN M49 region and sub-region. */
export const countries = sqliteTable(
  'countries',
  {
    code: text('code').primaryKey(),
    m49: text('m49').notNull(),
    regionCode: text('region_code')
      .notNull()
      .references(() => m49Areas.code),
    subregionCode: text('subregion_code')
      .notNull()
      .references(() => m49Areas.code),
    intermediateRegionCode: text('intermediate_region_code').references(() => m49Areas.code),
  },
  (t) => [index('countries_region_idx').on(t.regionCode), index('countries_subregion_idx').on(t.subregionCode)],
)

/** Regional organizations (AU, ASEAN, EU, OAS, OSCE, PIF, …); names are translated in locales. */
export const regionalOrganizations = sqliteTable('regional_organizations', {
  key: text('key').primaryKey(),
  acronym: text('acronym').notNull(),
})

export const regionalOrganizationMembers = sqliteTable(
  'regional_organization_members',
  {
    organizationKey: text('organization_key')
      .notNull()
      .references(() => regionalOrganizations.key),
    countryCode: text('country_code')
      .notNull()
      .references(() => countries.code),
  },
  (t) => [
    primaryKey({ columns: [t.organizationKey, t.countryCode] }),
    index('regional_members_country_idx').on(t.countryCode),
  ],
)
