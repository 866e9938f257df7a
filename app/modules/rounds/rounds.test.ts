import { eq } from 'drizzle-orm'
import { concerns, guidingQuestionTranslations, normVersions, roundTranslations, rounds } from '#db/schema/index'
import { createNorm, updateDraft, FrozenVersionError } from '~/modules/norms/norms.server'
import { createTestDb } from '~/test/db'
import type { Db } from '~/utils/db.server'
import { formatInstant, timeZoneOptions, toLocalInput, utcOffset } from './format'
import { roundFormSchema } from './round-form.schema'
import { commentRefusal, roundState } from './rounds'
import { isTimeZone, parseInstant } from './rounds.schema'
import {
  createRound,
  getGuidingQuestions,
  getRound,
  getRoundForTranslation,
  listRounds,
  listRoundTitles,
  saveRoundTranslation,
  type NewRound,
} from './rounds.server'

const opensAt = new Date('2026-12-01T08:00:00Z')
const closesAt = new Date('2027-01-15T17:00:00Z')
const round = { opensAt, closesAt, eligibleCategories: ['government', 'civil_society'] as const }
const ms = (date: Date, delta: number) => new Date(date.getTime() + delta)

describe('roundState', () => {
  it('is scheduled before the opening instant', () => {
    expect(roundState(round, ms(opensAt, -1))).toBe('scheduled')
  })
  it('is open exactly at the opening instant', () => {
    expect(roundState(round, opensAt)).toBe('open')
  })
  it('is still open one millisecond before closing', () => {
    expect(roundState(round, ms(closesAt, -1))).toBe('open')
  })
  it('is closed exactly at the closing instant, summarised once a summary is published', () => {
    expect(roundState(round, closesAt)).toBe('closed')
    expect(roundState(round, closesAt, true)).toBe('summarised')
  })
})

describe('commentRefusal', () => {
  const eligible = { ...round, eligibleCategories: [...round.eligibleCategories] }
  it('refuses before the opening and from the closing instant on', () => {
    expect(commentRefusal(eligible, 'government', ms(opensAt, -1))).toBe('notOpenYet')
    expect(commentRefusal(eligible, 'government', closesAt)).toBe('closed')
  })
  it('lets an eligible category comment while open, and refuses one that is not eligible', () => {
    expect(commentRefusal(eligible, 'government', opensAt)).toBeNull()
    expect(commentRefusal(eligible, 'civil_society', ms(closesAt, -1))).toBeNull()
    expect(commentRefusal(eligible, 'tech_firm', opensAt)).toBe('ineligible')
  })
})

describe('parseInstant', () => {
  it('takes an instant with Z or an offset as absolute, whatever the zone', () => {
    expect(parseInstant('2026-12-01T09:00:00Z', 'Asia/Tokyo')?.toISOString()).toBe('2026-12-01T09:00:00.000Z')
    expect(parseInstant('2026-12-01T09:00+03:00', 'UTC')?.toISOString()).toBe('2026-12-01T06:00:00.000Z')
  })
  it('reads a local date-time in the given zone', () => {
    expect(parseInstant('2026-12-01T09:00', 'UTC')?.toISOString()).toBe('2026-12-01T09:00:00.000Z')
    expect(parseInstant('2026-12-01T09:00', 'Africa/Nairobi')?.toISOString()).toBe('2026-12-01T06:00:00.000Z')
    expect(parseInstant('2026-12-01 09:00:30', 'Asia/Kolkata')?.toISOString()).toBe('2026-12-01T03:30:30.000Z')
    expect(parseInstant('2026-12-01T09:00', 'America/Sao_Paulo')?.toISOString()).toBe('2026-12-01T12:00:00.000Z')
  })
  it('follows daylight saving time: Geneva is UTC+1 in winter and UTC+2 in summer', () => {
    expect(parseInstant('2026-01-15T09:00', 'Europe/Zurich')?.toISOString()).toBe('2026-01-15T08:00:00.000Z')
    expect(parseInstant('2026-07-15T09:00', 'Europe/Zurich')?.toISOString()).toBe('2026-07-15T07:00:00.000Z')
    // On either side of the switch in New York (8 March 2026, 02:00 → 03:00).
    expect(parseInstant('2026-03-08T01:30', 'America/New_York')?.toISOString()).toBe('2026-03-08T06:30:00.000Z')
    expect(parseInstant('2026-03-08T03:30', 'America/New_York')?.toISOString()).toBe('2026-03-08T07:30:00.000Z')
  })
  it('refuses what is not a date-time', () => {
    expect(parseInstant('tomorrow')).toBeNull()
    expect(parseInstant('2026-13-45T99:00Z')).toBeNull()
    expect(parseInstant('')).toBeNull()
  })
  it('refuses a day or time that does not exist instead of rolling it over', () => {
    expect(parseInstant('2026-02-30T10:00', 'Europe/Zurich')).toBeNull()
    expect(parseInstant('2026-02-29T10:00Z')).toBeNull()
    expect(parseInstant('2028-02-29T10:00Z')?.toISOString()).toBe('2028-02-29T10:00:00.000Z')
    expect(parseInstant('2026-04-31T10:00+02:00')).toBeNull()
    expect(parseInstant('2026-12-01T24:00')).toBeNull()
    expect(parseInstant('2026-12-01T09:60')).toBeNull()
    expect(parseInstant('2026-12-01T09:00+99:99')).toBeNull()
    expect(parseInstant('Tue, 01 Dec 2026 09:00:00 +0300')).toBeNull()
  })
  it('knows real time zones from made-up ones', () => {
    expect(isTimeZone('Europe/Zurich')).toBe(true)
    expect(isTimeZone('Mars/Olympus_Mons')).toBe(false)
  })
})

describe('date helpers of the round form', () => {
  it('turns an instant back into the local date-time of a zone, across DST', () => {
    expect(toLocalInput(new Date('2026-07-15T07:00:00Z'), 'Europe/Zurich')).toBe('2026-07-15T09:00')
    expect(toLocalInput(new Date('2026-01-15T08:00:00Z'), 'Europe/Zurich')).toBe('2026-01-15T09:00')
    expect(parseInstant(toLocalInput(closesAt, 'Pacific/Auckland'), 'Pacific/Auckland')).toEqual(closesAt)
  })
  it('names offsets and lists every zone once, UTC first', () => {
    expect(utcOffset('Europe/Zurich', new Date('2026-07-15T00:00:00Z'))).toBe('UTC+02:00')
    expect(utcOffset('UTC', new Date())).toBe('UTC')
    const zones = timeZoneOptions().map((option) => option.value)
    expect(zones[0]).toBe('UTC')
    expect(new Set(zones).size).toBe(zones.length)
    expect(zones).toContain('Africa/Nairobi')
  })
  it('shows an instant in the reader’s language and the round’s zone, naming the zone', () => {
    const text = formatInstant(new Date('2026-07-15T07:00:00Z'), 'en', 'Europe/Zurich')
    expect(text).toMatch(/July 15, 2026/)
    expect(text).toMatch(/09:00/)
    expect(text).toMatch(/GMT\+2|CEST/)
  })
  it('reads the form: ticked categories, empty question boxes and bad zones', () => {
    const base = {
      versionId: '1',
      title: 'T',
      opensAt: '2026-12-01T09:00',
      closesAt: '2026-12-31T09:00',
      timeZone: 'UTC',
    }
    const ok = roundFormSchema.safeParse({
      ...base,
      eligibleCategories: ['government'],
      questions: ['Why?', undefined],
    })
    expect(ok.success && ok.data.questions).toEqual(['Why?', undefined])
    const none = roundFormSchema.safeParse({ ...base })
    expect(none.success ? [] : none.error.issues.map((issue) => issue.message)).toEqual(['errors.noCategories'])
    const zone = roundFormSchema.safeParse({ ...base, timeZone: 'Nowhere/City', eligibleCategories: ['government'] })
    expect(zone.success ? [] : zone.error.issues.map((issue) => issue.message)).toEqual(['errors.timeZoneUnknown'])
  })
})

function newVersion(db: Db) {
  return createNorm(
    db,
    {
      title: 'Draft',
      preamble: '',
      sourceLanguage: 'en',
      clauses: [
        { label: '1', heading: null, text: 'One.' },
        { label: '2', heading: null, text: 'Two.' },
      ],
    },
    null,
  )
}

function input(versionId: number, extra: Partial<NewRound> = {}): NewRound {
  return {
    versionId,
    title: 'First reading',
    opensAt,
    closesAt,
    timeZone: 'Europe/Zurich',
    eligibleCategories: ['government', 'research'],
    questions: [
      { text: 'Is clause 2 feasible?', translations: { fr: 'La clause 2 est-elle réaliste ?' } },
      { text: '  ' },
    ],
    ...extra,
  }
}

describe('createRound', () => {
  it('freezes the version, stores the round and its questions, and seeds the 10 default concerns', () => {
    const db = createTestDb()
    const versionId = newVersion(db)
    const result = createRound(db, input(versionId), null)
    if (!result.ok) throw new Error(result.error)
    expect(db.select({ frozenAt: normVersions.frozenAt }).from(normVersions).get()!.frozenAt).toBeInstanceOf(Date)
    expect(() =>
      updateDraft(db, versionId, {
        title: 'x',
        preamble: '',
        sourceLanguage: 'en',
        clauses: [{ label: '1', heading: null, text: 'x' }],
      }),
    ).toThrow(FrozenVersionError)
    const stored = getRound(db, result.roundId, 'en', ms(opensAt, -1))!
    expect(stored).toMatchObject({ title: 'First reading', timeZone: 'Europe/Zurich', state: 'scheduled' })
    expect(stored.opensAt).toEqual(opensAt)
    expect(stored.eligibleCategories).toEqual(['government', 'research'])
    expect(
      getGuidingQuestions(db, result.roundId, 'fr').map((question) => [question.text, Boolean(question.translated)]),
    ).toEqual([['La clause 2 est-elle réaliste ?', true]])
    const seeded = db.select({ key: concerns.key }).from(concerns).where(eq(concerns.roundId, result.roundId)).all()
    expect(seeded).toHaveLength(10)
    expect(seeded.map((concern) => concern.key)).toContain('privacy')
  })

  it('refuses a closing time not after the opening, and an unknown version, storing nothing', () => {
    const db = createTestDb()
    const versionId = newVersion(db)
    expect(createRound(db, input(versionId, { closesAt: opensAt }), null)).toEqual({
      ok: false,
      error: 'closesBeforeOpens',
    })
    expect(createRound(db, input(versionId, { closesAt: ms(opensAt, -60_000) }), null)).toEqual({
      ok: false,
      error: 'closesBeforeOpens',
    })
    expect(createRound(db, input(versionId + 100), null)).toEqual({ ok: false, error: 'versionUnknown' })
    expect(db.select().from(rounds).all()).toEqual([])
    expect(db.select().from(concerns).all()).toEqual([])
    expect(db.select({ frozenAt: normVersions.frozenAt }).from(normVersions).get()!.frozenAt).toBeNull()
  })

  it('lists rounds with their state from the clock', () => {
    const db = createTestDb()
    const versionId = newVersion(db)
    createRound(db, input(versionId), null)
    expect(listRounds(db, 'en', opensAt).map((listed) => listed.state)).toEqual(['open'])
    expect(listRounds(db, 'en', closesAt).map((listed) => listed.state)).toEqual(['closed'])
  })
})

describe('round translations', () => {
  it('saves the title and question translations, and removes the ones emptied', () => {
    const db = createTestDb()
    const created = createRound(db, input(newVersion(db)), null)
    if (!created.ok) throw new Error(created.error)
    const before = getRoundForTranslation(db, created.roundId)!
    expect(before.titleTranslations).toEqual({})
    expect(before.questions.map((question) => [question.text, question.translations])).toEqual([
      ['Is clause 2 feasible?', { fr: 'La clause 2 est-elle réaliste ?' }],
    ])
    const questionId = before.questions[0]!.id
    expect(
      saveRoundTranslation(db, {
        roundId: created.roundId,
        language: 'ru',
        title: 'Первое чтение',
        questions: [{ id: questionId, text: 'Выполним ли пункт 2?' }],
      }),
    ).toEqual({ ok: true })
    expect(
      saveRoundTranslation(db, {
        roundId: created.roundId,
        language: 'fr',
        title: '',
        questions: [{ id: questionId, text: '' }],
      }),
    ).toEqual({ ok: true })
    const after = getRoundForTranslation(db, created.roundId)!
    expect(after.titleTranslations).toEqual({ ru: 'Первое чтение' })
    expect(after.questions[0]!.translations).toEqual({ ru: 'Выполним ли пункт 2?' })
    expect(getRound(db, created.roundId, 'ru')!.title).toBe('Первое чтение')
    // The title says which language it is in: the translation, or the source where there is none.
    expect(listRoundTitles(db, 'ru')).toEqual([{ id: created.roundId, title: 'Первое чтение', language: 'ru' }])
    expect(listRoundTitles(db, 'zh')).toEqual([{ id: created.roundId, title: 'First reading', language: 'en' }])
  })

  it('refuses a question of another round, the source language and an unknown round, changing nothing', () => {
    const db = createTestDb()
    const versionId = newVersion(db)
    const mine = createRound(db, input(versionId), null)
    const other = createRound(db, input(versionId, { title: 'Other' }), null)
    if (!mine.ok || !other.ok) throw new Error('rounds not created')
    const foreign = getRoundForTranslation(db, other.roundId)!.questions[0]!.id
    expect(
      saveRoundTranslation(db, {
        roundId: mine.roundId,
        language: 'es',
        title: 'Primera',
        questions: [{ id: foreign, text: 'x' }],
      }),
    ).toEqual({
      ok: false,
      error: 'questionUnknown',
    })
    expect(db.select().from(roundTranslations).all()).toEqual([])
    expect(db.select().from(guidingQuestionTranslations).all()).toHaveLength(2)
    expect(saveRoundTranslation(db, { roundId: mine.roundId, language: 'en', questions: [] })).toEqual({
      ok: false,
      error: 'sourceLanguage',
    })
    expect(saveRoundTranslation(db, { roundId: 999, language: 'es', questions: [] })).toEqual({
      ok: false,
      error: 'roundUnknown',
    })
    expect(getRoundForTranslation(db, 999)).toBeNull()
  })
})

describe('the round form read through conform', () => {
  it('keeps the schema’s own messages and gives every other issue an i18n key', async () => {
    const { parseWithZod } = await import('@conform-to/zod')
    const { formErrorMap } = await import('~/modules/norms/forms')
    const form = new FormData()
    for (const [name, value] of Object.entries({
      versionId: 'abc',
      title: '',
      timeZone: 'UTC',
      opensAt: 'x',
      closesAt: 'y',
    })) {
      form.append(name, value)
    }
    form.append('eligibleCategories', 'pirates')
    const submission = parseWithZod(form, { schema: roundFormSchema, errorMap: formErrorMap })
    if (submission.status !== 'error') throw new Error('expected errors')
    expect(submission.error).toEqual({
      versionId: ['errors.versionUnknown'],
      title: ['errors.required'],
      'eligibleCategories[0]': ['errors.categoryUnknown'],
    })
  })
})
