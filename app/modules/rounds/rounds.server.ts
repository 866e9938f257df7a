import { and, asc, desc, eq, inArray, sql } from 'drizzle-orm'
import {
  concerns,
  guidingQuestions,
  guidingQuestionTranslations,
  normVersions,
  roundTranslations,
  rounds,
  summaries,
} from '#db/schema/index'
import type { StakeholderCategory } from '#db/schema/accounts'
import { refreshModel } from '~/modules/concerns/concerns.server'
import { DEFAULT_TAXONOMY } from '~/modules/concerns/default-taxonomy'
import { freezeVersion } from '~/modules/norms/norms.server'
import type { Db } from '~/utils/db.server'
import { roundState } from './rounds'

export type NewRound = {
  versionId: number
  title: string
  sourceLanguage?: string
  opensAt: Date
  closesAt: Date
  timeZone?: string
  eligibleCategories: StakeholderCategory[]
  questions?: { text: string; translations?: Record<string, string> }[]
  titleTranslations?: Record<string, string>
}

export type RoundError = 'versionUnknown' | 'closesBeforeOpens'

/**
 * Opens a round on a version: the version freezes, the round gets the default concern taxonomy and
 * its guiding questions, in one transaction.
 */
export function createRound(db: Db, input: NewRound, userId: string | null): { ok: true; roundId: number } | { ok: false; error: RoundError } {
  if (input.closesAt <= input.opensAt) return { ok: false, error: 'closesBeforeOpens' }
  return db.transaction((tx) => {
    const version = tx
      .select({ id: normVersions.id, sourceLanguage: normVersions.sourceLanguage })
      .from(normVersions)
      .where(eq(normVersions.id, input.versionId))
      .get()
    if (!version) return { ok: false as const, error: 'versionUnknown' as const }
    freezeVersion(tx as unknown as Db, version.id)
    const round = tx
      .insert(rounds)
      .values({
        versionId: version.id,
        title: input.title,
        sourceLanguage: input.sourceLanguage ?? version.sourceLanguage,
        opensAt: input.opensAt,
        closesAt: input.closesAt,
        timeZone: input.timeZone ?? 'UTC',
        eligibleCategories: input.eligibleCategories,
        createdBy: userId,
        createdAt: new Date(),
      })
      .returning({ id: rounds.id })
      .get()
    const titles = Object.entries(input.titleTranslations ?? {})
    if (titles.length) {
      tx.insert(roundTranslations)
        .values(titles.map(([language, title]) => ({ roundId: round.id, language, title })))
        .run()
    }
    ;(input.questions ?? [])
      .filter((question) => question.text.trim())
      .forEach((question, position) => {
        const row = tx
          .insert(guidingQuestions)
          .values({ roundId: round.id, position, text: question.text.trim() })
          .returning({ id: guidingQuestions.id })
          .get()
        const translations = Object.entries(question.translations ?? {})
        if (translations.length) {
          tx.insert(guidingQuestionTranslations)
            .values(translations.map(([language, text]) => ({ questionId: row.id, language, text })))
            .run()
        }
      })
    tx.insert(concerns)
      .values(
        DEFAULT_TAXONOMY.map((entry, sortOrder) => ({
          roundId: round.id,
          key: entry.key,
          labels: entry.labels,
          keywords: entry.keywords,
          sortOrder,
        })),
      )
      .run()
    // The round's suggestion model is stored from the start (its keywords until moderators confirm
    // concerns), so every process keeps it in memory and checks it with one lookup (loadModel).
    refreshModel(tx as unknown as Db, round.id)
    return { ok: true as const, roundId: round.id }
  })
}

const hasPublishedSummary = sql<number>`exists (select 1 from ${summaries} where ${summaries.roundId} = ${rounds.id} and ${summaries.number} is not null)`

function localTitle(language: string) {
  return sql<string>`coalesce((select ${roundTranslations.title} from ${roundTranslations} where ${roundTranslations.roundId} = ${rounds.id} and ${roundTranslations.language} = ${language}), ${rounds.title})`
}

/** Every round, with its state, for the public list. */
export function listRounds(db: Db, language: string, now = new Date()) {
  return db
    .select({
      id: rounds.id,
      title: localTitle(language),
      opensAt: rounds.opensAt,
      closesAt: rounds.closesAt,
      timeZone: rounds.timeZone,
      submittedCount: rounds.submittedCount,
      versionId: rounds.versionId,
      published: hasPublishedSummary,
    })
    .from(rounds)
    .orderBy(desc(rounds.closesAt))
    .all()
    .map((round) => ({ ...round, state: roundState(round, now, Boolean(round.published)) }))
}

export function getRound(db: Db, roundId: number, language: string, now = new Date()) {
  const round = db
    .select({
      id: rounds.id,
      title: localTitle(language),
      sourceTitle: rounds.title,
      versionId: rounds.versionId,
      opensAt: rounds.opensAt,
      closesAt: rounds.closesAt,
      timeZone: rounds.timeZone,
      eligibleCategories: rounds.eligibleCategories,
      submittedCount: rounds.submittedCount,
      published: hasPublishedSummary,
    })
    .from(rounds)
    .where(eq(rounds.id, roundId))
    .get()
  if (!round) return null
  return { ...round, state: roundState(round, now, Boolean(round.published)) }
}

/** The round's guiding questions in the reader's language, or the source text flagged as such. */
export function getGuidingQuestions(db: Db, roundId: number, language: string) {
  return db
    .select({
      id: guidingQuestions.id,
      text: sql<string>`coalesce(${guidingQuestionTranslations.text}, ${guidingQuestions.text})`,
      translated: sql<number>`${guidingQuestionTranslations.text} is not null`,
      sourceText: guidingQuestions.text,
    })
    .from(guidingQuestions)
    .leftJoin(
      guidingQuestionTranslations,
      and(eq(guidingQuestionTranslations.questionId, guidingQuestions.id), eq(guidingQuestionTranslations.language, language)),
    )
    .where(eq(guidingQuestions.roundId, roundId))
    .orderBy(asc(guidingQuestions.position))
    .all()
}

export function setGuidingQuestionTranslation(db: Db, questionId: number, language: string, text: string) {
  db.insert(guidingQuestionTranslations)
    .values({ questionId, language, text })
    .onConflictDoUpdate({ target: [guidingQuestionTranslations.questionId, guidingQuestionTranslations.language], set: { text } })
    .run()
}

export function setRoundTitleTranslation(db: Db, roundId: number, language: string, title: string) {
  db.insert(roundTranslations)
    .values({ roundId, language, title })
    .onConflictDoUpdate({ target: [roundTranslations.roundId, roundTranslations.language], set: { title } })
    .run()
}

/** The concerns of a round with their labels in the reader's language (English, then the key, if missing). */
export function listConcerns(db: Db, roundId: number) {
  return db
    .select({ id: concerns.id, key: concerns.key, labels: concerns.labels })
    .from(concerns)
    .where(eq(concerns.roundId, roundId))
    .orderBy(asc(concerns.sortOrder), asc(concerns.id))
    .all()
}

export function concernLabel(labels: Partial<Record<string, string>>, language: string, key: string) {
  return labels[language] ?? labels.en ?? key
}

export function roundsUsingVersions(db: Db, versionIds: number[]) {
  if (!versionIds.length) return []
  return db.select({ id: rounds.id, versionId: rounds.versionId }).from(rounds).where(inArray(rounds.versionId, versionIds)).all()
}

/**
 * Rounds as readers see them: the round's and the draft's titles in the reader's language where
 * translated, with the language each title is actually in (for `lang`), and the round's state.
 */
function readerRounds(db: Db, language: string) {
  return db
    .select({
      id: rounds.id,
      title: localTitle(language),
      titleLanguage: sql<string>`coalesce((select ${roundTranslations.language} from ${roundTranslations} where ${roundTranslations.roundId} = ${rounds.id} and ${roundTranslations.language} = ${language}), ${rounds.sourceLanguage})`,
      normTitle: sql<string>`coalesce((select t.title from norm_version_translations t where t.version_id = ${normVersions.id} and t.language = ${language}), ${normVersions.title})`,
      normTitleLanguage: sql<string>`coalesce((select t.language from norm_version_translations t where t.version_id = ${normVersions.id} and t.language = ${language}), ${normVersions.sourceLanguage})`,
      versionId: rounds.versionId,
      opensAt: rounds.opensAt,
      closesAt: rounds.closesAt,
      timeZone: rounds.timeZone,
      eligibleCategories: rounds.eligibleCategories,
      submittedCount: rounds.submittedCount,
      published: hasPublishedSummary,
    })
    .from(rounds)
    .innerJoin(normVersions, eq(normVersions.id, rounds.versionId))
}

export type ReaderRound = ReturnType<typeof listRoundsForReader>[number]

/** Every round for the public list, latest deadline first. */
export function listRoundsForReader(db: Db, language: string, now = new Date()) {
  return readerRounds(db, language)
    .orderBy(desc(rounds.closesAt), desc(rounds.id))
    .all()
    .map(({ published, ...round }) => ({ ...round, state: roundState(round, now, Boolean(published)) }))
}

/** One round for its public pages, or null. */
export function getRoundForReader(db: Db, roundId: number, language: string, now = new Date()) {
  const row = readerRounds(db, language).where(eq(rounds.id, roundId)).get()
  if (!row) return null
  const { published, ...round } = row
  return { ...round, state: roundState(round, now, Boolean(published)) }
}

/**
 * A round's title and guiding questions in their source language, with every translation of each,
 * for the moderators' translation form.
 */
export function getRoundForTranslation(db: Db, roundId: number) {
  const round = db
    .select({
      id: rounds.id,
      title: rounds.title,
      sourceLanguage: rounds.sourceLanguage,
      versionId: rounds.versionId,
      opensAt: rounds.opensAt,
      closesAt: rounds.closesAt,
      timeZone: rounds.timeZone,
    })
    .from(rounds)
    .where(eq(rounds.id, roundId))
    .get()
  if (!round) return null
  const titleTranslations = Object.fromEntries(
    db
      .select({ language: roundTranslations.language, title: roundTranslations.title })
      .from(roundTranslations)
      .where(eq(roundTranslations.roundId, roundId))
      .all()
      .map((row) => [row.language, row.title]),
  ) as Record<string, string>
  const questionRows = db
    .select({ id: guidingQuestions.id, text: guidingQuestions.text })
    .from(guidingQuestions)
    .where(eq(guidingQuestions.roundId, roundId))
    .orderBy(asc(guidingQuestions.position))
    .all()
  const translationRows = questionRows.length
    ? db
        .select({
          questionId: guidingQuestionTranslations.questionId,
          language: guidingQuestionTranslations.language,
          text: guidingQuestionTranslations.text,
        })
        .from(guidingQuestionTranslations)
        .where(
          inArray(
            guidingQuestionTranslations.questionId,
            questionRows.map((question) => question.id),
          ),
        )
        .all()
    : []
  const questions = questionRows.map((question) => ({
    ...question,
    translations: Object.fromEntries(
      translationRows.filter((row) => row.questionId === question.id).map((row) => [row.language, row.text]),
    ) as Record<string, string>,
  }))
  return { ...round, titleTranslations, questions }
}

export type RoundTranslationError = 'roundUnknown' | 'sourceLanguage' | 'questionUnknown'

/**
 * Saves the translation of a round's title and guiding questions into one language, in one
 * transaction. An empty text removes that translation (readers then see the source, flagged).
 * Question ids must belong to the round; a tampered one changes nothing.
 */
export function saveRoundTranslation(
  db: Db,
  input: { roundId: number; language: string; title?: string | null; questions: { id: number; text?: string | null }[] },
): { ok: true } | { ok: false; error: RoundTranslationError } {
  return db.transaction((tx) => {
    const round = tx.select({ sourceLanguage: rounds.sourceLanguage }).from(rounds).where(eq(rounds.id, input.roundId)).get()
    if (!round) return { ok: false as const, error: 'roundUnknown' as const }
    if (round.sourceLanguage === input.language) return { ok: false as const, error: 'sourceLanguage' as const }
    const own = new Set(
      tx
        .select({ id: guidingQuestions.id })
        .from(guidingQuestions)
        .where(eq(guidingQuestions.roundId, input.roundId))
        .all()
        .map((row) => row.id),
    )
    if (input.questions.some((question) => !own.has(question.id))) return { ok: false as const, error: 'questionUnknown' as const }
    const title = input.title?.trim()
    if (title) setRoundTitleTranslation(tx as unknown as Db, input.roundId, input.language, title)
    else
      tx.delete(roundTranslations)
        .where(and(eq(roundTranslations.roundId, input.roundId), eq(roundTranslations.language, input.language)))
        .run()
    for (const question of input.questions) {
      const text = question.text?.trim()
      if (text) setGuidingQuestionTranslation(tx as unknown as Db, question.id, input.language, text)
      else
        tx.delete(guidingQuestionTranslations)
          .where(and(eq(guidingQuestionTranslations.questionId, question.id), eq(guidingQuestionTranslations.language, input.language)))
          .run()
    }
    return { ok: true as const }
  })
}

/**
 * Every round's title as a reader of `language` sees it, with the language it is actually in: the
 * translation where there is one, else the source title (so a page can mark it with `lang`).
 */
export function listRoundTitles(db: Db, language: string) {
  return db
    .select({
      id: rounds.id,
      sourceTitle: rounds.title,
      sourceLanguage: rounds.sourceLanguage,
      translatedTitle: roundTranslations.title,
    })
    .from(rounds)
    .leftJoin(roundTranslations, and(eq(roundTranslations.roundId, rounds.id), eq(roundTranslations.language, language)))
    .all()
    .map((row) =>
      row.translatedTitle !== null && row.sourceLanguage !== language
        ? { id: row.id, title: row.translatedTitle, language }
        : { id: row.id, title: row.sourceTitle, language: row.sourceLanguage },
    )
}
