/**
 * The participation tracker of a regional organization: while a round is open, how many comments
 * have come from each of its member countries, by stakeholder category, and which member countries
 * have not been heard yet — so the organization can reach out to them.
 *
 * Aggregates only: no comment text, no author. What is counted:
 * - submitted comments that moderators have not hidden (drafts and withdrawn comments are not input);
 * - a comment belongs to the country its author declared when writing it (the comment's snapshot);
 * - every comment counts, campaigns included (each signatory took part); the summary, not the
 *   tracker, counts a campaign once;
 * - participants are distinct authors (an imported comment, which has no account, is one participant).
 */
import { asc, eq, sql } from 'drizzle-orm'
import type { TFunction } from 'i18next'
import {
  regionalOrganizationMembers,
  regionalOrganizations,
  STAKEHOLDER_CATEGORIES,
  type Role,
  type StakeholderCategory,
} from '#db/schema/index'
import type { Db } from '~/utils/db.server'

export type CategoryCounts = Record<StakeholderCategory, number>

export type TrackerCountry = {
  countryCode: string
  comments: number
  participants: number
  byCategory: CategoryCounts
}

export type ParticipationTracker = {
  organizationKey: string
  /** Number of member countries of the organization. */
  memberCount: number
  /** Member countries with at least one counted comment, by country code. */
  countries: TrackerCountry[]
  /** Member countries with no counted comment yet, by country code. */
  unheard: string[]
  totals: { comments: number; participants: number; byCategory: CategoryCounts; countriesHeard: number }
}

function emptyCategories(): CategoryCounts {
  return Object.fromEntries(STAKEHOLDER_CATEGORIES.map((category) => [category, 0])) as CategoryCounts
}

/** The organization's member country codes, sorted, or null when there is no such organization. */
export function organizationMembers(db: Db, organizationKey: string) {
  const organization = db
    .select({ key: regionalOrganizations.key })
    .from(regionalOrganizations)
    .where(eq(regionalOrganizations.key, organizationKey))
    .get()
  if (!organization) return null
  return db
    .select({ code: regionalOrganizationMembers.countryCode })
    .from(regionalOrganizationMembers)
    .where(eq(regionalOrganizationMembers.organizationKey, organizationKey))
    .orderBy(asc(regionalOrganizationMembers.countryCode))
    .all()
    .map((row) => row.code)
}

/** The keys of every regional organization, sorted. */
export function organizationKeys(db: Db) {
  return db
    .select({ key: regionalOrganizations.key })
    .from(regionalOrganizations)
    .orderBy(asc(regionalOrganizations.key))
    .all()
    .map((row) => row.key)
}

/**
 * Live participation from the organization's member countries in a round, by country and stakeholder
 * category (one GROUP BY over the round's comments joined to the member list), or null when the
 * organization does not exist. The caller checks that the round exists and is open.
 */
export function participationTracker(db: Db, roundId: number, organizationKey: string): ParticipationTracker | null {
  const members = organizationMembers(db, organizationKey)
  if (!members) return null

  const counted = sql`
    from comments c
    join regional_organization_members m on m.organization_key = ${organizationKey} and m.country_code = c.country_code
    where c.round_id = ${roundId} and c.status = 'submitted' and c.moderation = 'visible'`
  const participant = sql`coalesce(c.author_id, 'import:' || c.id)`

  const cells = db.all<{ countryCode: string; category: StakeholderCategory; n: number }>(sql`
    select c.country_code as countryCode, c.category as category, count(*) as n
    ${counted}
    group by c.country_code, c.category`)
  // Distinct participants per country, and over all member countries (a null country is the total).
  const people = db.all<{ countryCode: string | null; n: number }>(sql`
    select c.country_code as countryCode, count(distinct ${participant}) as n ${counted} group by c.country_code
    union all
    select null as countryCode, count(distinct ${participant}) as n ${counted}`)

  const byCountry = new Map<string, TrackerCountry>()
  const totals = { comments: 0, participants: 0, byCategory: emptyCategories(), countriesHeard: 0 }
  for (const cell of cells) {
    let country = byCountry.get(cell.countryCode)
    if (!country) {
      country = { countryCode: cell.countryCode, comments: 0, participants: 0, byCategory: emptyCategories() }
      byCountry.set(cell.countryCode, country)
    }
    // A category outside the fixed list cannot be stored (foreign key), but count it in the total anyway.
    if (cell.category in country.byCategory) {
      country.byCategory[cell.category] += cell.n
      totals.byCategory[cell.category] += cell.n
    }
    country.comments += cell.n
    totals.comments += cell.n
  }
  for (const row of people) {
    if (row.countryCode === null) totals.participants = row.n
    else {
      const country = byCountry.get(row.countryCode)
      if (country) country.participants = row.n
    }
  }
  const countries = [...byCountry.values()].sort((a, b) => (a.countryCode < b.countryCode ? -1 : 1))
  totals.countriesHeard = countries.length
  return {
    organizationKey,
    memberCount: members.length,
    countries,
    unheard: members.filter((code) => !byCountry.has(code)),
    totals,
  }
}

/* Access ------------------------------------------------------------------------------------- */

export type TrackerAccess =
  | { ok: true; organizationKey: string }
  | { ok: false; status: 400; reason: 'chooseOrganization' | 'unknownOrganization'; requested: string | null }
  | { ok: false; status: 403; reason: 'otherOrganization' | 'noOrganization'; requested: string | null }

/**
 * Whose tracker a signed-in regional viewer or admin may read. A regional viewer reads their own
 * organization's only: asking for another one (`?organization=eu` from an AU viewer) is refused, never
 * quietly answered with their own. An admin names the organization (`?organization=KEY`).
 */
export function trackerOrganization(
  db: Db,
  user: { role: Role; regionalOrganizationKey: string | null },
  requested: string | null | undefined,
): TrackerAccess {
  const asked = requested?.trim() || null
  if (user.role === 'admin') {
    if (!asked) return { ok: false, status: 400, reason: 'chooseOrganization', requested: null }
    if (!organizationMembers(db, asked))
      return { ok: false, status: 400, reason: 'unknownOrganization', requested: asked }
    return { ok: true, organizationKey: asked }
  }
  if (user.role !== 'regional_viewer' || !user.regionalOrganizationKey) {
    return { ok: false, status: 403, reason: 'noOrganization', requested: asked }
  }
  if (asked && asked !== user.regionalOrganizationKey)
    return { ok: false, status: 403, reason: 'otherOrganization', requested: asked }
  return { ok: true, organizationKey: user.regionalOrganizationKey }
}

/** A route parameter that must be a positive whole number; anything else is a page that does not exist. */
export function roundIdOf(param: string | undefined) {
  if (!param || !/^[1-9]\d{0,11}$/.test(param)) return null
  const id = Number(param)
  return Number.isSafeInteger(id) ? id : null
}

/** The body of a refused regional page: already in the reader's language, rendered by the route's error boundary. */
export type RegionalProblem = {
  regionalProblem: { title: string; message: string; backHref: string; backLabel: string }
}

/** The translated explanation of a refusal (t needs the regional and regions namespaces). */
export function accessProblem(
  refusal: Extract<TrackerAccess, { ok: false }>,
  user: { regionalOrganizationKey: string | null },
  t: TFunction,
): RegionalProblem {
  const name = (key: string | null) => (key ? t(`regions:organizations.${key}`, { defaultValue: key }) : '')
  return {
    regionalProblem: {
      title: t(`regional:problems.${refusal.reason}.title`),
      message: t(`regional:problems.${refusal.reason}.message`, {
        own: name(user.regionalOrganizationKey),
        requested: refusal.reason === 'unknownOrganization' ? refusal.requested ?? '' : name(refusal.requested),
      }),
      backHref: refusal.reason === 'noOrganization' ? '/' : '/regional',
      backLabel: refusal.reason === 'noOrganization' ? t('common:errors.home') : t('regional:tracker.back'),
    },
  }
}
