import { and, asc, desc, eq, inArray, max, sql } from 'drizzle-orm'
import { diffWords } from 'diff'
import {
  clauses,
  clauseTranslations,
  normVersions,
  normVersionTranslations,
  norms,
  rounds,
} from '#db/schema/index'
import type { Db } from '~/utils/db.server'
import { parseDraftMarkdown, type Draft, type DraftError } from './markdown'

export type DraftContent = Draft & { sourceLanguage: string }

function insertClauses(db: Db, versionId: number, draft: Draft) {
  if (!draft.clauses.length) return
  db.insert(clauses)
    .values(
      draft.clauses.map((clause, position) => ({
        versionId,
        position,
        label: clause.label,
        heading: clause.heading || null,
        text: clause.text,
      })),
    )
    .run()
}

/** A new draft norm with its first version. Returns the version's id. */
export function createNorm(db: Db, draft: DraftContent, userId: string | null) {
  return db.transaction((tx) => {
    const now = new Date()
    const norm = tx.insert(norms).values({ createdBy: userId, createdAt: now }).returning({ id: norms.id }).get()
    const version = tx
      .insert(normVersions)
      .values({
        normId: norm.id,
        number: 1,
        sourceLanguage: draft.sourceLanguage,
        title: draft.title,
        preamble: draft.preamble,
        createdBy: userId,
        createdAt: now,
      })
      .returning({ id: normVersions.id })
      .get()
    insertClauses(tx as unknown as Db, version.id, draft)
    return version.id
  })
}

export class FrozenVersionError extends Error {}

/**
 * Replaces a version's text while no round uses it. Translations of clauses whose label survives
 * are kept; clause ids do not need to be stable before a round opens.
 */
export function updateDraft(db: Db, versionId: number, draft: DraftContent) {
  return db.transaction((tx) => {
    const version = tx
      .select({ frozenAt: normVersions.frozenAt })
      .from(normVersions)
      .where(eq(normVersions.id, versionId))
      .get()
    if (!version) return false
    if (version.frozenAt) throw new FrozenVersionError('version is frozen')
    const kept = tx
      .select({
        label: clauses.label,
        sourceText: clauses.text,
        language: clauseTranslations.language,
        heading: clauseTranslations.heading,
        text: clauseTranslations.text,
        translatedBy: clauseTranslations.translatedBy,
        updatedAt: clauseTranslations.updatedAt,
      })
      .from(clauseTranslations)
      .innerJoin(clauses, eq(clauses.id, clauseTranslations.clauseId))
      .where(eq(clauses.versionId, versionId))
      .all()
    tx.update(normVersions)
      .set({ title: draft.title, preamble: draft.preamble, sourceLanguage: draft.sourceLanguage })
      .where(eq(normVersions.id, versionId))
      .run()
    tx.delete(clauses).where(eq(clauses.versionId, versionId)).run()
    insertClauses(tx as unknown as Db, versionId, draft)
    const ids = new Map(
      tx
        .select({ id: clauses.id, label: clauses.label })
        .from(clauses)
        .where(eq(clauses.versionId, versionId))
        .all()
        .map((row) => [row.label, row.id]),
    )
    // A translation follows its clause only while the source text is unchanged; otherwise it is stale.
    const newText = new Map(draft.clauses.map((clause) => [clause.label, clause.text]))
    const carried = kept.flatMap(({ label, sourceText, ...translation }) => {
      const clauseId = ids.get(label)
      return clauseId && newText.get(label) === sourceText ? [{ clauseId, ...translation }] : []
    })
    if (carried.length) tx.insert(clauseTranslations).values(carried).run()
    return true
  })
}

/** A new, editable version made from an existing one, with its clauses and translations. */
export function createVersionFrom(db: Db, versionId: number, userId: string | null) {
  return db.transaction((tx) => {
    const source = tx.select().from(normVersions).where(eq(normVersions.id, versionId)).get()
    if (!source) return null
    const next =
      (tx
        .select({ number: max(normVersions.number) })
        .from(normVersions)
        .where(eq(normVersions.normId, source.normId))
        .get()?.number ?? 0) + 1
    const version = tx
      .insert(normVersions)
      .values({
        normId: source.normId,
        number: next,
        sourceLanguage: source.sourceLanguage,
        title: source.title,
        preamble: source.preamble,
        basedOnVersionId: source.id,
        createdBy: userId,
        createdAt: new Date(),
      })
      .returning({ id: normVersions.id })
      .get()
    tx.run(sql`
      insert into norm_version_translations (version_id, language, title, preamble)
      select ${version.id}, language, title, preamble from norm_version_translations where version_id = ${source.id}`)
    tx.run(sql`
      insert into clauses (version_id, position, label, heading, text)
      select ${version.id}, position, label, heading, text from clauses where version_id = ${source.id}`)
    tx.run(sql`
      insert into clause_translations (clause_id, language, heading, text, translated_by, updated_at)
      select n.id, t.language, t.heading, t.text, t.translated_by, t.updated_at
      from clause_translations t
      join clauses o on o.id = t.clause_id and o.version_id = ${source.id}
      join clauses n on n.version_id = ${version.id} and n.label = o.label`)
    return version.id
  })
}

/** Marks a version as used by a round: from now on it cannot change. */
export function freezeVersion(db: Db, versionId: number) {
  db.update(normVersions)
    .set({ frozenAt: new Date() })
    .where(and(eq(normVersions.id, versionId), sql`${normVersions.frozenAt} is null`))
    .run()
}

export function setVersionTranslation(db: Db, versionId: number, language: string, title: string, preamble: string) {
  db.insert(normVersionTranslations)
    .values({ versionId, language, title, preamble })
    .onConflictDoUpdate({
      target: [normVersionTranslations.versionId, normVersionTranslations.language],
      set: { title, preamble },
    })
    .run()
}

/** Saves a clause translation. Translations may be added to a frozen version: the source text stays. */
export function setClauseTranslation(
  db: Db,
  input: { clauseId: number; language: string; heading?: string | null; text: string; userId: string | null },
) {
  const now = new Date()
  db.insert(clauseTranslations)
    .values({
      clauseId: input.clauseId,
      language: input.language,
      heading: input.heading || null,
      text: input.text,
      translatedBy: input.userId,
      updatedAt: now,
    })
    .onConflictDoUpdate({
      target: [clauseTranslations.clauseId, clauseTranslations.language],
      set: { heading: input.heading || null, text: input.text, translatedBy: input.userId, updatedAt: now },
    })
    .run()
}

export type ReadableClause = {
  id: number
  label: string
  heading: string | null
  text: string
  /** The language the text is shown in; differs from the reader's when untranslated. */
  language: string
  translated: boolean
}

/**
 * A version as a reader sees it: each clause in the reader's language where a translation exists,
 * otherwise in the source language, flagged so the page can say so.
 */
export function getReadableVersion(db: Db, versionId: number, language: string) {
  const version = db
    .select({
      id: normVersions.id,
      normId: normVersions.normId,
      number: normVersions.number,
      sourceLanguage: normVersions.sourceLanguage,
      title: normVersions.title,
      preamble: normVersions.preamble,
      frozenAt: normVersions.frozenAt,
      basedOnVersionId: normVersions.basedOnVersionId,
      titleTranslated: normVersionTranslations.title,
      preambleTranslated: normVersionTranslations.preamble,
    })
    .from(normVersions)
    .leftJoin(
      normVersionTranslations,
      and(eq(normVersionTranslations.versionId, normVersions.id), eq(normVersionTranslations.language, language)),
    )
    .where(eq(normVersions.id, versionId))
    .get()
  if (!version) return null
  const rows = db
    .select({
      id: clauses.id,
      label: clauses.label,
      heading: clauses.heading,
      text: clauses.text,
      headingTranslated: clauseTranslations.heading,
      textTranslated: clauseTranslations.text,
    })
    .from(clauses)
    .leftJoin(clauseTranslations, and(eq(clauseTranslations.clauseId, clauses.id), eq(clauseTranslations.language, language)))
    .where(eq(clauses.versionId, versionId))
    .orderBy(asc(clauses.position))
    .all()
  const inSource = language === version.sourceLanguage
  const readableClauses: ReadableClause[] = rows.map((row) => {
    const translated = inSource || row.textTranslated !== null
    return {
      id: row.id,
      label: row.label,
      heading: inSource ? row.heading : (row.headingTranslated ?? row.heading),
      text: inSource ? row.text : (row.textTranslated ?? row.text),
      language: translated ? language : version.sourceLanguage,
      translated,
    }
  })
  const titleTranslated = inSource || version.titleTranslated !== null
  return {
    id: version.id,
    normId: version.normId,
    number: version.number,
    sourceLanguage: version.sourceLanguage,
    frozen: version.frozenAt !== null,
    basedOnVersionId: version.basedOnVersionId,
    title: inSource ? version.title : (version.titleTranslated ?? version.title),
    preamble: inSource ? version.preamble : (version.preambleTranslated ?? version.preamble),
    titleLanguage: titleTranslated ? language : version.sourceLanguage,
    clauses: readableClauses,
  }
}

/** The source text of a version, with every translation of every clause (for the translation editor). */
export function getVersionForEditing(db: Db, versionId: number) {
  const version = db.select().from(normVersions).where(eq(normVersions.id, versionId)).get()
  if (!version) return null
  const clauseRows = db
    .select()
    .from(clauses)
    .where(eq(clauses.versionId, versionId))
    .orderBy(asc(clauses.position))
    .all()
  const translations = clauseRows.length
    ? db
        .select()
        .from(clauseTranslations)
        .where(
          inArray(
            clauseTranslations.clauseId,
            clauseRows.map((clause) => clause.id),
          ),
        )
        .all()
    : []
  const versionTranslations = db
    .select()
    .from(normVersionTranslations)
    .where(eq(normVersionTranslations.versionId, versionId))
    .all()
  const usedBy = db.select({ id: rounds.id }).from(rounds).where(eq(rounds.versionId, versionId)).all()
  return { version, clauses: clauseRows, translations, versionTranslations, usedByRounds: usedBy.map((r) => r.id) }
}

/** Every norm with its versions, newest first, for the moderators' list. */
export function listNormVersions(db: Db) {
  return db
    .select({
      versionId: normVersions.id,
      normId: normVersions.normId,
      number: normVersions.number,
      title: normVersions.title,
      sourceLanguage: normVersions.sourceLanguage,
      frozenAt: normVersions.frozenAt,
      createdAt: normVersions.createdAt,
      // Spelled out: drizzle writes a one-table select's columns unqualified, and inside the
      // subquery a bare "id" would be the clause's own id.
      clauseCount: sql<number>`(select count(*) from clauses c where c.version_id = norm_versions.id)`,
    })
    .from(normVersions)
    .orderBy(desc(normVersions.normId), desc(normVersions.number))
    .all()
}

export type WordChange = { value: string; added?: boolean; removed?: boolean }
export type ClauseComparison =
  | { status: 'added'; label: string; text: string }
  | { status: 'removed'; label: string; text: string }
  | { status: 'unchanged'; label: string; text: string }
  | { status: 'changed'; label: string; changes: WordChange[] }

/** Two versions clause by clause, matched by label, with changed words marked (jsdiff). */
export function compareVersions(db: Db, fromVersionId: number, toVersionId: number): ClauseComparison[] {
  const load = (versionId: number) =>
    db
      .select({ label: clauses.label, text: clauses.text })
      .from(clauses)
      .where(eq(clauses.versionId, versionId))
      .orderBy(asc(clauses.position))
      .all()
  const before = load(fromVersionId)
  const after = load(toVersionId)
  const beforeByLabel = new Map(before.map((clause) => [clause.label, clause.text]))
  const afterLabels = new Set(after.map((clause) => clause.label))
  const result: ClauseComparison[] = []
  for (const clause of after) {
    const old = beforeByLabel.get(clause.label)
    if (old === undefined) result.push({ status: 'added', label: clause.label, text: clause.text })
    else if (old === clause.text) result.push({ status: 'unchanged', label: clause.label, text: clause.text })
    else {
      const changes = diffWords(old, clause.text).map(({ value, added, removed }) => ({ value, added, removed }))
      result.push({ status: 'changed', label: clause.label, changes })
    }
  }
  for (const clause of before) {
    if (!afterLabels.has(clause.label)) result.push({ status: 'removed', label: clause.label, text: clause.text })
  }
  return result
}

// Moderation: import, version overview, translation.

export type ImportResult = { ok: true; versionId: number } | { ok: false; errors: DraftError[] }

/**
 * Reads a draft written in Markdown and stores it as a new norm's first version. A title given here
 * replaces the file's. Errors name their line; nothing is stored unless the whole file is valid.
 */
export function importDraft(
  db: Db,
  source: string,
  options: { sourceLanguage: string; title?: string | null },
  userId: string | null,
): ImportResult {
  const parsed = parseDraftMarkdown(source)
  if (!parsed.ok) return parsed
  const title = options.title?.trim() || parsed.draft.title
  return { ok: true, versionId: createNorm(db, { ...parsed.draft, title, sourceLanguage: options.sourceLanguage }, userId) }
}

/** The versions of one norm, oldest first, for the links between them. */
export function listVersionsOfNorm(db: Db, normId: number) {
  return db
    .select({ id: normVersions.id, number: normVersions.number, title: normVersions.title, frozenAt: normVersions.frozenAt })
    .from(normVersions)
    .where(eq(normVersions.normId, normId))
    .orderBy(asc(normVersions.number))
    .all()
}

/** Number, title and language of the given versions (those that exist). */
export function getVersionHeaders(db: Db, versionIds: number[]) {
  if (!versionIds.length) return []
  return db
    .select({
      id: normVersions.id,
      normId: normVersions.normId,
      number: normVersions.number,
      title: normVersions.title,
      sourceLanguage: normVersions.sourceLanguage,
      frozenAt: normVersions.frozenAt,
    })
    .from(normVersions)
    .where(inArray(normVersions.id, versionIds))
    .all()
}

export type TranslationCoverage = { versionId: number; language: string; clauses: number; title: boolean }

/** How far each version is translated: per language, the clauses translated and whether the title is. */
export function translationCoverage(db: Db, versionIds: number[]): TranslationCoverage[] {
  if (!versionIds.length) return []
  const clauseRows = db
    .select({ versionId: clauses.versionId, language: clauseTranslations.language, count: sql<number>`count(*)` })
    .from(clauseTranslations)
    .innerJoin(clauses, eq(clauses.id, clauseTranslations.clauseId))
    .where(inArray(clauses.versionId, versionIds))
    .groupBy(clauses.versionId, clauseTranslations.language)
    .all()
  const titleRows = db
    .select({ versionId: normVersionTranslations.versionId, language: normVersionTranslations.language })
    .from(normVersionTranslations)
    .where(inArray(normVersionTranslations.versionId, versionIds))
    .all()
  const coverage = new Map<string, TranslationCoverage>()
  const entry = (versionId: number, language: string) => {
    const key = `${versionId}|${language}`
    let found = coverage.get(key)
    if (!found) coverage.set(key, (found = { versionId, language, clauses: 0, title: false }))
    return found
  }
  for (const row of clauseRows) entry(row.versionId, row.language).clauses = row.count
  for (const row of titleRows) entry(row.versionId, row.language).title = true
  return [...coverage.values()].sort((a, b) => a.versionId - b.versionId || a.language.localeCompare(b.language))
}

export type VersionTranslationInput = {
  versionId: number
  language: string
  title?: string | null
  preamble?: string | null
  clauses: { id: number; heading?: string | null; text?: string | null }[]
}

export type TranslationError = 'versionUnknown' | 'sourceLanguage' | 'clauseUnknown'

/**
 * Saves a version's translation into one language in one transaction: title and preamble, and each
 * clause given. An empty text removes that translation, so the reader sees the source text, flagged.
 * Only translations that change are written (their translator and date stay true). Clause ids must
 * belong to the version. A frozen version may be translated: its source text does not change.
 */
export function saveVersionTranslation(
  db: Db,
  input: VersionTranslationInput,
  userId: string | null,
): { ok: true; changed: number } | { ok: false; error: TranslationError } {
  return db.transaction((tx) => {
    const version = tx
      .select({ sourceLanguage: normVersions.sourceLanguage })
      .from(normVersions)
      .where(eq(normVersions.id, input.versionId))
      .get()
    if (!version) return { ok: false as const, error: 'versionUnknown' as const }
    if (version.sourceLanguage === input.language) return { ok: false as const, error: 'sourceLanguage' as const }
    const existing = new Map(
      tx
        .select({
          id: clauses.id,
          heading: clauses.heading,
          translatedHeading: clauseTranslations.heading,
          translatedText: clauseTranslations.text,
        })
        .from(clauses)
        .leftJoin(
          clauseTranslations,
          and(eq(clauseTranslations.clauseId, clauses.id), eq(clauseTranslations.language, input.language)),
        )
        .where(eq(clauses.versionId, input.versionId))
        .all()
        .map((row) => [row.id, row]),
    )
    // Checked before anything is written, so a tampered id changes nothing.
    if (input.clauses.some((clause) => !existing.has(clause.id))) return { ok: false as const, error: 'clauseUnknown' as const }
    let changed = 0
    const now = new Date()
    for (const clause of input.clauses) {
      const before = existing.get(clause.id)!
      const text = clause.text?.trim() || null
      // A heading translation only where the clause has a heading, and only beside a translated text.
      const heading = before.heading && text ? clause.heading?.trim() || null : null
      if (text === before.translatedText && (text === null || heading === before.translatedHeading)) continue
      changed++
      if (text === null) {
        tx.delete(clauseTranslations)
          .where(and(eq(clauseTranslations.clauseId, clause.id), eq(clauseTranslations.language, input.language)))
          .run()
        continue
      }
      tx.insert(clauseTranslations)
        .values({ clauseId: clause.id, language: input.language, heading, text, translatedBy: userId, updatedAt: now })
        .onConflictDoUpdate({
          target: [clauseTranslations.clauseId, clauseTranslations.language],
          set: { heading, text, translatedBy: userId, updatedAt: now },
        })
        .run()
    }
    const title = input.title?.trim() || null
    const preamble = input.preamble?.trim() || ''
    const current = tx
      .select({ title: normVersionTranslations.title, preamble: normVersionTranslations.preamble })
      .from(normVersionTranslations)
      .where(and(eq(normVersionTranslations.versionId, input.versionId), eq(normVersionTranslations.language, input.language)))
      .get()
    if (title === null && current) {
      tx.delete(normVersionTranslations)
        .where(and(eq(normVersionTranslations.versionId, input.versionId), eq(normVersionTranslations.language, input.language)))
        .run()
      changed++
    } else if (title !== null && (current?.title !== title || current.preamble !== preamble)) {
      setVersionTranslation(tx as unknown as Db, input.versionId, input.language, title, preamble)
      changed++
    }
    return { ok: true as const, changed }
  })
}
