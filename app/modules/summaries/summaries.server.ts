/**
 * The consolidated position summary of a round: one editable draft (its narrative), then numbered,
 * immutable snapshots that freeze the figures with the narrative and carry a SHA-256 content hash.
 *
 * - The draft is the row with number NULL; saving narrative creates it on first use.
 * - publishSummary computes the figures, freezes them and numbers the snapshot max(number)+1, all
 *   in one IMMEDIATE transaction: the write lock is taken before the number is read, so two
 *   publications at once (from any number of connections) queue and get consecutive numbers; the
 *   unique index (round_id, number) is the last line of defence.
 * - The hash covers the canonical JSON (object keys sorted) of {roundId, number, figures, narrative};
 *   getSnapshot recomputes it whenever the stored text differs from the text it last checked, and
 *   reports a mismatch.
 */
import crypto from 'node:crypto'
import { and, asc, desc, eq, isNotNull, isNull, sql } from 'drizzle-orm'
import {
  clauses,
  countries,
  regionalOrganizations,
  rounds,
  STAKEHOLDER_CATEGORIES,
  summaries,
  users,
  type StakeholderCategory,
  type Translated,
} from '#db/schema/index'
import { countedLanguages } from '~/modules/comments/counts.server'
import { COMMENT_LANGUAGES, LANGUAGE_TAG } from '~/modules/comments/languages'
import { isLanguage, SUPPORTED_LANGUAGES, type Language } from '~/modules/i18n/i18n'
import { appendAudit } from '~/modules/moderation/audit.server'
import type { Db } from '~/utils/db.server'
import {
  buildFigures,
  campaignFigures,
  clauseConcerns,
  proposedAmendments,
  representativeQuotes,
  withUnits,
  type Lens,
} from './figures.server'
import { LENS_FILTERS, NARRATIVE_MAX, SUMMARY_SECTIONS, type LensFilter } from './summaries.schema'

export {
  clauseSection,
  LENS_FILTERS,
  NARRATIVE_MAX,
  SUMMARY_SECTIONS,
  type LensFilter,
  type SummarySection,
} from './summaries.schema'

/** Version of the stored figures' shape, so a later change of shape can still read old snapshots. */
export const FIGURES_FORMAT = 1

export type Narrative = Record<string, Translated<string>>

/** The figures a snapshot freezes: the whole round, no lens, with quotes, amendments and campaigns. */
export function summaryFigures(db: Db, roundId: number, now = new Date()) {
  return withUnits(db, roundId, {}, () => ({
    format: FIGURES_FORMAT,
    computedAt: now.toISOString(),
    ...buildFigures(db, roundId),
    quotes: representativeQuotes(db, roundId),
    amendments: proposedAmendments(db, roundId),
    clauseConcerns: clauseConcerns(db, roundId),
    campaignList: campaignFigures(db, roundId),
  }))
}

export type SummaryFigures = ReturnType<typeof summaryFigures>

/** Canonical JSON: object keys sorted, undefined left out, so equal content always hashes the same. */
export function canonicalJson(value: unknown): string {
  if (value === undefined || value === null) return 'null'
  if (value instanceof Date) return JSON.stringify(value.toISOString())
  if (typeof value !== 'object') return JSON.stringify(value)
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, child]) => child !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
  return `{${entries.map(([key, child]) => `${JSON.stringify(key)}:${canonicalJson(child)}`).join(',')}}`
}

export function summaryHash(content: { roundId: number; number: number; figures: unknown; narrative: unknown }) {
  return crypto
    .createHash('sha256')
    .update(
      canonicalJson({
        roundId: content.roundId,
        number: content.number,
        figures: content.figures,
        narrative: content.narrative,
      }),
    )
    .digest('hex')
}

/** What JSON storage keeps of a value: the same content the hash is later checked against. */
function asStored<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T
}

function roundExists(db: Db, roundId: number) {
  return Boolean(db.select({ id: rounds.id }).from(rounds).where(eq(rounds.id, roundId)).get())
}

/** The narrative as stored: known languages only, trimmed, empty texts and empty sections left out. */
function cleanNarrative(narrative: unknown): Narrative {
  const clean: Narrative = {}
  if (!narrative || typeof narrative !== 'object') return clean
  for (const [section, texts] of Object.entries(narrative as Record<string, unknown>)) {
    if (!texts || typeof texts !== 'object') continue
    const kept: Translated<string> = {}
    for (const language of SUPPORTED_LANGUAGES) {
      const text = (texts as Record<string, unknown>)[language]
      if (typeof text === 'string' && text.trim()) kept[language] = text.trim()
    }
    if (Object.keys(kept).length) clean[section] = kept
  }
  return clean
}

/** The draft's narrative without creating anything (for pages read with GET). */
export function readDraft(db: Db, roundId: number) {
  const row = db
    .select({ id: summaries.id, narrative: summaries.narrative, updatedAt: summaries.updatedAt })
    .from(summaries)
    .where(and(eq(summaries.roundId, roundId), isNull(summaries.number)))
    .orderBy(asc(summaries.id))
    .get()
  return { id: row?.id ?? null, narrative: cleanNarrative(row?.narrative), updatedAt: row?.updatedAt ?? null }
}

/**
 * The round's draft, created on first use. In an immediate transaction, so two first uses at once
 * still make one draft (SQLite's unique index does not stop two rows whose number is NULL).
 */
export function getDraft(db: Db, roundId: number, now = new Date()) {
  return db.transaction(
    (tx) => {
      const existing = readDraft(tx as unknown as Db, roundId)
      if (existing.id !== null)
        return { id: existing.id, roundId, narrative: existing.narrative, updatedAt: existing.updatedAt! }
      const created = tx
        .insert(summaries)
        .values({ roundId, number: null, narrative: {}, updatedAt: now })
        .returning({ id: summaries.id })
        .get()
      return { id: created.id, roundId, narrative: {} as Narrative, updatedAt: now }
    },
    { behavior: 'immediate' },
  )
}

/** The labels of the clauses of the round's version, in order. */
export function roundClauseLabels(db: Db, roundId: number) {
  return db
    .select({ label: clauses.label })
    .from(clauses)
    .innerJoin(rounds, eq(rounds.versionId, clauses.versionId))
    .where(eq(rounds.id, roundId))
    .orderBy(asc(clauses.position))
    .all()
    .map((row) => row.label)
}

export type NarrativeError = 'roundUnknown' | 'sectionUnknown' | 'languageUnknown' | 'textTooLong'

function characters(text: string) {
  let count = 0
  for (const _ of text) count++
  return count
}

/** A section key the round's summary has: one of the six sections, or `clause:<label>` of its version. */
export function isNarrativeSection(section: string, clauseLabels: readonly string[]) {
  if ((SUMMARY_SECTIONS as readonly string[]).includes(section)) return true
  return section.startsWith('clause:') && clauseLabels.includes(section.slice('clause:'.length))
}

export type NarrativeInput = {
  roundId: number
  language: string
  /** Section key → text; an empty text removes that language's narrative of the section. */
  texts: Record<string, string | null | undefined>
  actorId: string | null
  now?: Date
}

/** Saves several sections' narrative in one language, all or nothing. */
export function saveNarratives(
  db: Db,
  input: NarrativeInput,
): { ok: true; changed: string[] } | { ok: false; error: NarrativeError; section?: string } {
  if (!isLanguage(input.language)) return { ok: false, error: 'languageUnknown' }
  const language: Language = input.language
  return db.transaction(
    (tx) => {
      const tdb = tx as unknown as Db
      if (!roundExists(tdb, input.roundId)) return { ok: false as const, error: 'roundUnknown' as const }
      const labels = roundClauseLabels(tdb, input.roundId)
      for (const [section, text] of Object.entries(input.texts)) {
        if (!isNarrativeSection(section, labels))
          return { ok: false as const, error: 'sectionUnknown' as const, section }
        if (text && characters(text.trim()) > NARRATIVE_MAX)
          return { ok: false as const, error: 'textTooLong' as const, section }
      }
      const draft = getDraft(tdb, input.roundId, input.now)
      const narrative: Narrative = structuredClone(draft.narrative)
      const changed: string[] = []
      for (const [section, raw] of Object.entries(input.texts)) {
        const text = raw?.trim() ?? ''
        const before = narrative[section]?.[language] ?? ''
        if (text === before) continue
        changed.push(section)
        const texts = { ...narrative[section] }
        if (text) texts[language] = text
        else delete texts[language]
        if (Object.keys(texts).length) narrative[section] = texts
        else delete narrative[section]
      }
      if (changed.length) {
        tx.update(summaries)
          .set({ narrative: cleanNarrative(narrative), updatedAt: input.now ?? new Date() })
          .where(eq(summaries.id, draft.id))
          .run()
      }
      return { ok: true as const, changed }
    },
    { behavior: 'immediate' },
  )
}

/** Saves one section's narrative in one language. */
export function saveNarrative(
  db: Db,
  input: { roundId: number; section: string; language: string; text: string; actorId: string | null; now?: Date },
) {
  return saveNarratives(db, {
    roundId: input.roundId,
    language: input.language,
    texts: { [input.section]: input.text },
    actorId: input.actorId,
    now: input.now,
  })
}

export class SummaryError extends Error {
  constructor(public readonly code: 'roundUnknown') {
    super(code)
  }
}

const PUBLISH_ATTEMPTS = 3

function isRetryable(error: unknown) {
  const code = (error as { code?: string } | null)?.code
  return code === 'SQLITE_BUSY' || code === 'SQLITE_CONSTRAINT_UNIQUE'
}

/**
 * Publishes the draft as the next snapshot: figures computed now and frozen with the narrative,
 * numbered max+1, hashed, audited — the figures read first, the rest in one transaction. Returns the
 * snapshot's number.
 */
export function publishSummary(db: Db, input: { roundId: number; actorId: string | null; now?: Date }): number {
  for (let attempt = 1; ; attempt++) {
    try {
      return publishOnce(db, input)
    } catch (error) {
      if (attempt >= PUBLISH_ATTEMPTS || !isRetryable(error)) throw error
    }
  }
}

function publishOnce(db: Db, input: { roundId: number; actorId: string | null; now?: Date }) {
  if (!roundExists(db, input.roundId)) throw new SummaryError('roundUnknown')
  const now = input.now ?? new Date()
  // The figures as of now, read in a snapshot of their own before the write lock is taken: at a
  // million comments they take seconds, which every submission would otherwise wait for.
  const figures = asStored(summaryFigures(db, input.roundId, now))
  return db.transaction(
    (tx) => {
      const tdb = tx as unknown as Db
      if (!roundExists(tdb, input.roundId)) throw new SummaryError('roundUnknown')
      const last = tx
        .select({ number: sql<number | null>`max(${summaries.number})` })
        .from(summaries)
        .where(eq(summaries.roundId, input.roundId))
        .get()
      const number = (last?.number ?? 0) + 1
      const narrative = asStored(readDraft(tdb, input.roundId).narrative)
      const contentHash = summaryHash({ roundId: input.roundId, number, figures, narrative })
      const row = tx
        .insert(summaries)
        .values({
          roundId: input.roundId,
          number,
          narrative,
          figures,
          contentHash,
          publishedAt: now,
          publishedBy: input.actorId,
          updatedAt: now,
        })
        .returning({ id: summaries.id })
        .get()
      appendAudit(
        tdb,
        {
          roundId: input.roundId,
          actorId: input.actorId,
          action: 'summary.publish',
          subjectType: 'summary',
          subjectId: row.id,
          after: { number, contentHash, counted: figures.participation.counted },
        },
        now,
      )
      return number
    },
    { behavior: 'immediate' },
  )
}

/** The published snapshots of a round, newest first, without their content. */
export function listSnapshots(db: Db, roundId: number) {
  return db
    .select({
      number: summaries.number,
      contentHash: summaries.contentHash,
      publishedAt: summaries.publishedAt,
      publishedBy: users.displayName,
    })
    .from(summaries)
    .leftJoin(users, eq(users.id, summaries.publishedBy))
    .where(and(eq(summaries.roundId, roundId), isNotNull(summaries.number)))
    .orderBy(desc(summaries.number))
    .all()
    .map((row) => ({
      number: row.number!,
      contentHash: row.contentHash ?? '',
      publishedAt: row.publishedAt ?? new Date(0),
      publishedBy: row.publishedBy,
    }))
}

export type Snapshot = {
  roundId: number
  number: number
  figures: SummaryFigures
  narrative: Narrative
  contentHash: string
  publishedAt: Date
  /** The hash recomputed from the stored content now; `ok` is false when it differs from the stored one. */
  integrity: { ok: boolean; computedHash: string }
}

/**
 * Snapshots as last read and checked, by round and number, with the stored text they were read
 * from. A snapshot never changes once published, so a read whose stored text is the same, byte for
 * byte, as the one already checked gives the same result; any other text is parsed and its hash
 * checked again. Comparing the text costs far less than parsing it and hashing its canonical form.
 */
const checkedSnapshots = new Map<string, { figures: string; narrative: string; contentHash: string | null; publishedAt: number | null; snapshot: Snapshot }>()
const CHECKED_SNAPSHOTS_KEPT = 64

/** Shared between requests, so nobody may change it. */
function deepFreeze(value: unknown) {
  if (value === null || typeof value !== 'object' || Object.isFrozen(value)) return
  Object.freeze(value)
  for (const child of Object.values(value)) deepFreeze(child)
}

function readSnapshot(db: Db, roundId: number, number: number | 'latest'): Snapshot | null {
  const row = db
    .select({
      number: summaries.number,
      figures: sql<string>`${summaries.figures}`,
      narrative: sql<string>`${summaries.narrative}`,
      contentHash: summaries.contentHash,
      publishedAt: sql<number | null>`${summaries.publishedAt}`,
    })
    .from(summaries)
    .where(
      and(
        eq(summaries.roundId, roundId),
        number === 'latest' ? isNotNull(summaries.number) : eq(summaries.number, number),
      ),
    )
    .orderBy(desc(summaries.number))
    .limit(1)
    .get()
  if (!row || row.number === null) return null
  const key = `${roundId}:${row.number}`
  const known = checkedSnapshots.get(key)
  if (
    known &&
    known.figures === row.figures &&
    known.narrative === row.narrative &&
    known.contentHash === row.contentHash &&
    known.publishedAt === row.publishedAt
  ) {
    return known.snapshot
  }
  const figures = JSON.parse(row.figures) as SummaryFigures
  const narrative = JSON.parse(row.narrative) as unknown
  const computedHash = summaryHash({ roundId, number: row.number, figures, narrative })
  const snapshot: Snapshot = {
    roundId,
    number: row.number,
    figures,
    narrative: cleanNarrative(narrative),
    contentHash: row.contentHash ?? '',
    publishedAt: new Date(row.publishedAt ?? 0),
    integrity: { ok: computedHash === row.contentHash, computedHash },
  }
  deepFreeze(snapshot)
  if (checkedSnapshots.size >= CHECKED_SNAPSHOTS_KEPT) checkedSnapshots.delete(checkedSnapshots.keys().next().value!)
  checkedSnapshots.set(key, { figures: row.figures, narrative: row.narrative, contentHash: row.contentHash, publishedAt: row.publishedAt, snapshot })
  return snapshot
}

/** One published snapshot, its hash checked against its content, or null. */
export function getSnapshot(db: Db, roundId: number, number: number) {
  return readSnapshot(db, roundId, number)
}

/** The newest published snapshot, or null. */
export function latestSnapshot(db: Db, roundId: number) {
  return readSnapshot(db, roundId, 'latest')
}

/* Lenses ------------------------------------------------------------------------------------- */

/** The values each lens filter accepts, for the form and for validation. */
export function lensOptions(db: Db, roundId: number) {
  const regions = db
    .selectDistinct({ code: countries.regionCode })
    .from(countries)
    .all()
    .map((row) => row.code)
  const subregions = db
    .selectDistinct({ code: countries.subregionCode })
    .from(countries)
    .all()
    .map((row) => row.code)
  const organizations = db
    .select({ key: regionalOrganizations.key })
    .from(regionalOrganizations)
    .orderBy(asc(regionalOrganizations.key))
    .all()
    .map((row) => row.key)
  const roundLanguages = countedLanguages(db, roundId, 'submitted')
  return {
    regions: regions.sort(),
    /** A country with no sub-region carries its region there; that is not a sub-region to offer. */
    subregions: subregions.filter((code) => !regions.includes(code)).sort(),
    organizations,
    categories: [...STAKEHOLDER_CATEGORIES] as StakeholderCategory[],
    /** Languages the round's comments are in; any other language a comment may be declared in is accepted too. */
    languages: [...new Set(roundLanguages)].sort(),
  }
}

export type LensOptions = ReturnType<typeof lensOptions>

export type LensChoice = {
  lens: Lens
  /** Filters the reader asked for (query values as given), to fill the form again. */
  values: Record<LensFilter, string>
  unknown: { filter: LensFilter; value: string }[]
  /** True when the reader's organization was applied because they chose no lens themselves. */
  defaulted: boolean
}

/**
 * The lens in a query string. Unknown values are reported, never guessed or dropped silently. A
 * regional viewer who has not chosen (no `lens` parameter) reads through their organization's lens.
 */
export function parseLens(
  search: URLSearchParams,
  options: LensOptions,
  defaultOrganization?: string | null,
): LensChoice {
  const values = Object.fromEntries(
    LENS_FILTERS.map((filter) => [filter, (search.get(filter) ?? '').trim()]),
  ) as Record<LensFilter, string>
  const chosen = search.has('lens') || LENS_FILTERS.some((filter) => values[filter] !== '')
  let defaulted = false
  if (!chosen && defaultOrganization && options.organizations.includes(defaultOrganization)) {
    values.organization = defaultOrganization
    defaulted = true
  }
  const unknown: LensChoice['unknown'] = []
  const lens: Lens = {}
  if (values.region) {
    if (options.regions.includes(values.region)) lens.region = values.region
    else unknown.push({ filter: 'region', value: values.region })
  }
  if (values.subregion) {
    if (options.subregions.includes(values.subregion)) lens.subregion = values.subregion
    else unknown.push({ filter: 'subregion', value: values.subregion })
  }
  if (values.organization) {
    if (options.organizations.includes(values.organization)) lens.organization = values.organization
    else unknown.push({ filter: 'organization', value: values.organization })
  }
  if (values.category) {
    if ((options.categories as string[]).includes(values.category))
      lens.category = values.category as StakeholderCategory
    else unknown.push({ filter: 'category', value: values.category })
  }
  if (values.language) {
    const known =
      options.languages.includes(values.language) ||
      (LANGUAGE_TAG.test(values.language) && (COMMENT_LANGUAGES as readonly string[]).includes(values.language))
    if (known) lens.language = values.language
    else unknown.push({ filter: 'language', value: values.language })
  }
  return { lens, values, unknown, defaulted }
}

export function lensIsActive(lens: Lens) {
  return Boolean(lens.region || lens.subregion || lens.organization || lens.category || lens.language)
}

/**
 * Current figures of the round through a lens, computed now (never the frozen snapshot's), and for
 * an organization lens the same filters outside the organization, to compare with.
 */
export function lensFigures(db: Db, roundId: number, lens: Lens) {
  const through = withUnits(db, roundId, lens, () => ({
    ...buildFigures(db, roundId, lens),
    clauseConcerns: clauseConcerns(db, roundId, lens),
    campaignList: campaignFigures(db, roundId, lens),
  }))
  const outside = lens.organization ? buildFigures(db, roundId, { ...lens, outside: true }) : null
  return { through, outside }
}
