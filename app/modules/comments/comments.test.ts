import { eq } from 'drizzle-orm'
import { comments, rounds } from '#db/schema/index'
import type { StakeholderCategory } from '#db/schema/index'
import { signupSchema } from '~/modules/accounts/accounts.schema'
import { createUser } from '~/modules/accounts/accounts.server'
import { createNorm, createVersionFrom } from '~/modules/norms/norms.server'
import { createRound, getRoundForReader, listRoundsForReader } from '~/modules/rounds/rounds.server'
import { createTestDb } from '~/test/db'
import type { Db } from '~/utils/db.server'
import { COMMENT_MAX, characterCount, commentSchema } from './comments.schema'
import {
  commentHistory,
  listMyComments,
  listOwnComments,
  listPublicComments,
  PUBLIC_PAGE_SIZE,
  saveComment,
  submitComment,
  setCommentLanguage,
  withdrawComment,
} from './comments.server'
import { readPublicFilters, withdrawConfirmSchema } from './forms.schema'
import { detectLanguage } from './language.server'
import { commentLanguageOptions } from './languages'
import { countPublicByClause, countSubmittedByClause, listM49Regions, listPublicLanguages } from './public.server'

const DAY = 24 * 60 * 60 * 1000

/**
 * Real comments from real public consultations (../shared/corpus), copied here so the test runs
 * anywhere:
 * - French: contributions to the French National Assembly consultation on equality between women and
 *   men, ODbL, repository regardscitoyens/consultation_an (exploitation/), file
 *   fr-regardscitoyens-egalite-syntheses.csv, rows 33, 741, 1529 and 1611.
 * - Chinese (Traditional): the 2015-16 vTaiwan consultation on regulating UberX, comments 130, 151 and
 *   153. "Data was gathered using the Polis software (compdemocracy.org/polis) and is sub-licensed
 *   under CC BY 4.0 with Attribution to The Computational Democracy Project." (compdemocracy/openData)
 */
const FRENCH = [
  'Campagnes de sensibilisation contre les contenus sexistes pour favoriser la prise de conscience chez le grand public et les médias.\n\nDes sanctions plus systématiques pour les propos sexistes et dégradant envers les femmes tenus dans les médias.',
  "Il faudrait permettre au couple d'alterner le travail et la garde de l'enfant, l'un après l'autre avec des revenus adaptés pour le couple et des jours d'absences pour le père, plus long que trois jours.",
  "Il faudrait communiquer pour faire évoluer les mentalités (celles des hommes, mais aussi celles des femmes) et pour qu'il y ait moins de femmes qui soient réduites à jouer le rôle de potiche jeune et jolie.",
  "Mettre en place des stages de prise d'initiative dans l'éducation pour savoir s'occuper d'enfant selon les stades d'évolution. Stage du ou des parents en parallèle des stages de préparation à l'accouchement pour la femme.",
]
const CHINESE = [
  '我覺得搭乘時完全不用擔心身上太多的零錢或是找不開的金額鈔票，一來可以讓司機放心身上不用帶太多錢或是零錢，二來乘客也不用擔心帶不夠錢，三來司機也不用擔心在晚上被搶劫身上財物',
  '我覺得目前管理職業客車的法規對分享經濟很不友善。應該要盡速修法，比較環保。',
  '我贊成uber合法化，讓消費者多一個選擇，讓計程車業者多一份良性競爭的動力，更讓兼職管道多方面開放。',
]

type Person = { email: string; displayName: string; category: StakeholderCategory; country: string; organization?: string }

const AMINA: Person = {
  email: 'amina.diallo@example.org',
  displayName: 'Amina Diallo',
  organization: 'Dakar Digital Rights Lab',
  category: 'civil_society',
  country: 'SN',
}
const DMITRY: Person = { email: 'dmitry@example.org', displayName: 'Dmitry Sokolov', category: 'government', country: 'RU' }

async function person(db: Db, who: Person) {
  const created = await createUser(
    db,
    signupSchema.parse({ ...who, password: 'a long enough password', language: 'en', organization: who.organization ?? '' }),
  )
  if (!created.ok) throw new Error(JSON.stringify(created.errors))
  return created.userId
}

function draftNorm(db: Db) {
  return createNorm(
    db,
    {
      sourceLanguage: 'en',
      title: 'Draft norms of responsible behaviour',
      preamble: 'A preamble.',
      clauses: [
        { label: '1', heading: 'General', text: 'States should not knowingly allow their territory to be used for malicious acts.' },
        { label: '2', heading: null, text: 'States should protect critical infrastructure.' },
        { label: '2.a', heading: null, text: 'Operators should report significant incidents within 72 hours.' },
      ],
    },
    null,
  )
}

async function setup(round: { opensIn?: number; closesIn?: number; eligible?: StakeholderCategory[] } = {}) {
  const db = createTestDb()
  const amina = await person(db, AMINA)
  const versionId = draftNorm(db)
  const now = Date.now()
  const created = createRound(
    db,
    {
      versionId,
      title: 'First reading',
      titleTranslations: { fr: 'Première lecture' },
      opensAt: new Date(now + (round.opensIn ?? -DAY)),
      closesAt: new Date(now + (round.closesIn ?? 30 * DAY)),
      timeZone: 'Africa/Nairobi',
      eligibleCategories: round.eligible ?? ['tech_firm', 'research', 'civil_society', 'regional_body', 'government', 'other'],
    },
    null,
  )
  if (!created.ok) throw new Error(created.error)
  const round1 = getRoundForReader(db, created.roundId, 'en')!
  const clauseIds = Object.fromEntries(
    db.$client
      .prepare('select label, id from clauses where version_id = ?')
      .all(versionId)
      .map((row) => [(row as { label: string }).label, String((row as { id: number }).id)]),
  ) as Record<string, string>
  return { db, amina, versionId, roundId: created.roundId, round: round1, clauseIds }
}

const input = (overrides: Record<string, unknown> = {}) =>
  commentSchema.parse({
    intent: 'submit',
    clause: 'whole',
    position: 'support',
    text: 'Clause 1 should say "knowingly"; the burden of proof matters.',
    consent: 'named',
    language: 'en',
    ...overrides,
  })

function submittedCount(db: Db, roundId: number) {
  return db.select({ n: rounds.submittedCount }).from(rounds).where(eq(rounds.id, roundId)).get()!.n
}

function row(db: Db, id: number) {
  return db.select().from(comments).where(eq(comments.id, id)).get()!
}

describe('submissions committed together', () => {
  it('stores each of the saves that arrive together, rolls back one that fails alone, and finds a key replayed in the same batch', async () => {
    const { db, amina, roundId, clauseIds } = await setup()
    // A database failure for one text only, as a full disk or a broken constraint would be.
    db.$client.exec("create temp trigger refuse_boom before insert on comments when new.text = 'boom' begin select raise(abort, 'refused'); end")
    const key = crypto.randomUUID()
    const texts = ['Clause 1 needs a definition of due diligence.', 'Clause 2 should name the response time.', 'The preamble should cite the 2015 report.']
    const pending = [
      ...texts.map((text, i) => submitComment(db, { roundId, userId: amina, input: input({ text, idempotencyKey: i === 0 ? key : crypto.randomUUID() }) })),
      submitComment(db, { roundId, userId: amina, input: input({ text: 'boom', idempotencyKey: crypto.randomUUID() }) }),
      submitComment(db, { roundId, userId: amina, input: input({ clause: '999999', idempotencyKey: crypto.randomUUID() }) }),
      submitComment(db, { roundId, userId: amina, input: input({ text: 'sent again', idempotencyKey: key }) }),
      submitComment(db, { roundId, userId: amina, input: input({ clause: clauseIds['1'], text: 'On clause 1.', idempotencyKey: crypto.randomUUID() }) }),
    ]
    const outcomes = await Promise.allSettled(pending)
    const [a, b, c, boom, unknownClause, replay, onClause] = outcomes
    for (const outcome of [a, b, c, onClause]) expect(outcome).toMatchObject({ status: 'fulfilled', value: { ok: true, replayed: false } })
    expect(boom).toMatchObject({ status: 'rejected' })
    expect(unknownClause).toMatchObject({ status: 'fulfilled', value: { ok: false, status: 400, error: 'errors.clauseUnknown' } })
    if (a?.status !== 'fulfilled' || !a.value.ok || replay?.status !== 'fulfilled' || !replay.value.ok) throw new Error('not saved')
    expect(replay.value).toMatchObject({ replayed: true, commentId: a.value.commentId })
    const stored = db.select({ text: comments.text }).from(comments).all().map((comment) => comment.text)
    expect(stored.sort()).toEqual([...texts, 'On clause 1.'].sort())
    expect(submittedCount(db, roundId)).toBe(4)
    expect(db.$client.prepare('select count(*) as n from comment_revisions').get()).toEqual({ n: 4 })
  })
})

describe('saving and submitting', () => {
  it('submits a comment with a receipt and counts it; a draft is kept but not counted', async () => {
    const { db, amina, roundId, clauseIds } = await setup()
    const submitted = saveComment(db, { roundId, userId: amina, input: input({ clause: clauseIds['2.a'], position: 'amend', proposedText: 'within 72 hours, where feasible' }) })
    expect(submitted).toMatchObject({ ok: true, status: 'submitted', replayed: false })
    if (!submitted.ok) throw new Error('not saved')
    expect(submitted.receipt).toMatch(/^[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$/)
    expect(row(db, submitted.commentId)).toMatchObject({
      status: 'submitted',
      clauseId: Number(clauseIds['2.a']),
      position: 'amend',
      proposedText: 'within 72 hours, where feasible',
      authorName: 'Amina Diallo',
      organizationName: 'Dakar Digital Rights Lab',
      category: 'civil_society',
      countryCode: 'SN',
      regionCode: '002',
    })
    expect(submittedCount(db, roundId)).toBe(1)

    const draft = saveComment(db, { roundId, userId: amina, input: input({ intent: 'draft', position: undefined, text: 'Half a thought' }) })
    expect(draft).toMatchObject({ ok: true, status: 'draft' })
    expect(submittedCount(db, roundId)).toBe(1)
    expect(listOwnComments(db, amina, roundId).map((comment) => comment.status)).toEqual(['submitted', 'draft'])
    expect(countSubmittedByClause(db, roundId)).toEqual(new Map([[Number(clauseIds['2.a']), 1]]))
  })

  it('tells a first submission (new, or of a draft) from a change to a submitted comment', async () => {
    const { db, amina, roundId } = await setup()
    const direct = saveComment(db, { roundId, userId: amina, input: input() })
    expect(direct).toMatchObject({ ok: true, status: 'submitted', firstSubmission: true })
    const draft = saveComment(db, { roundId, userId: amina, input: input({ intent: 'draft', text: 'first words' }) })
    expect(draft).toMatchObject({ ok: true, status: 'draft', firstSubmission: false })
    if (!draft.ok) throw new Error('not saved')
    const redrafted = saveComment(db, { roundId, userId: amina, input: input({ intent: 'draft', commentId: draft.commentId, text: 'more words' }) })
    expect(redrafted).toMatchObject({ ok: true, status: 'draft', firstSubmission: false })
    const submitted = saveComment(db, { roundId, userId: amina, input: input({ commentId: draft.commentId }) })
    expect(submitted).toMatchObject({ ok: true, status: 'submitted', firstSubmission: true })
    const changed = saveComment(db, { roundId, userId: amina, input: input({ commentId: draft.commentId, text: 'changed' }) })
    expect(changed).toMatchObject({ ok: true, status: 'submitted', firstSubmission: false })
  })

  it('requires a position to submit, not to save a draft', () => {
    expect(commentSchema.safeParse({ intent: 'submit', clause: 'whole', text: 'x', consent: 'named' }).error?.flatten().fieldErrors).toEqual({
      position: ['errors.positionRequired'],
    })
    expect(commentSchema.safeParse({ intent: 'draft', clause: 'whole', text: 'x', consent: 'named' }).success).toBe(true)
    expect(commentSchema.safeParse({ intent: 'submit', clause: 'whole', text: 'x', consent: 'named', position: 'maybe' }).error?.flatten().fieldErrors.position).toEqual([
      'errors.positionInvalid',
    ])
  })

  it('creates exactly one comment for one idempotency key, however often the form is sent', async () => {
    const { db, amina, roundId } = await setup()
    const key = crypto.randomUUID()
    const first = saveComment(db, { roundId, userId: amina, input: input({ idempotencyKey: key }) })
    const second = saveComment(db, { roundId, userId: amina, input: input({ idempotencyKey: key, text: 'sent again' }) })
    expect(first).toMatchObject({ ok: true, replayed: false })
    expect(second).toMatchObject({ ok: true, replayed: true })
    if (!first.ok || !second.ok) throw new Error('not saved')
    expect(second.commentId).toBe(first.commentId)
    expect(second.receipt).toBe(first.receipt)
    expect(db.select().from(comments).all()).toHaveLength(1)
    expect(row(db, first.commentId).text).not.toBe('sent again')
    expect(submittedCount(db, roundId)).toBe(1)
  })

  it('scopes idempotency keys to their author', async () => {
    const { db, amina, roundId } = await setup()
    const dmitry = await person(db, DMITRY)
    const key = crypto.randomUUID()
    saveComment(db, { roundId, userId: amina, input: input({ idempotencyKey: key }) })
    const other = saveComment(db, { roundId, userId: dmitry, input: input({ idempotencyKey: key }) })
    expect(other).toMatchObject({ ok: true, replayed: false })
    expect(db.select().from(comments).all()).toHaveLength(2)
  })

  it('keeps every saved state of an edited comment as a revision', async () => {
    const { db, amina, roundId } = await setup()
    const draft = saveComment(db, { roundId, userId: amina, input: input({ intent: 'draft', text: 'first words' }) })
    if (!draft.ok) throw new Error('not saved')
    const commentId = draft.commentId
    expect(saveComment(db, { roundId, userId: amina, input: input({ intent: 'draft', commentId, text: 'second words' }) })).toMatchObject({ ok: true, status: 'draft' })
    expect(saveComment(db, { roundId, userId: amina, input: input({ commentId, text: 'final words', consent: 'anonymous' }) })).toMatchObject({
      ok: true,
      status: 'submitted',
      receipt: draft.receipt,
    })
    expect(submittedCount(db, roundId)).toBe(1)
    expect(saveComment(db, { roundId, userId: amina, input: input({ commentId, text: 'edited after submitting', consent: 'anonymous' }) })).toMatchObject({ ok: true, status: 'submitted' })
    expect(submittedCount(db, roundId)).toBe(1)
    expect(saveComment(db, { roundId, userId: amina, input: input({ intent: 'draft', commentId }) })).toEqual({
      ok: false,
      status: 409,
      error: 'errors.alreadySubmitted',
    })
    const history = commentHistory(db, commentId)
    expect(history.map((revision) => [revision.revision, revision.status, revision.text])).toEqual([
      [1, 'draft', 'first words'],
      [2, 'draft', 'second words'],
      [3, 'submitted', 'final words'],
      [4, 'submitted', 'edited after submitting'],
    ])
    expect(history[2]!.consent).toBe('anonymous')
    expect(row(db, commentId)).toMatchObject({ text: 'edited after submitting', authorName: null })
  })
})

describe('withdrawing', () => {
  it('takes a submitted comment out of the count; a withdrawn comment cannot be edited, withdrawn or replayed', async () => {
    const { db, amina, roundId } = await setup()
    const key = crypto.randomUUID()
    const saved = saveComment(db, { roundId, userId: amina, input: input({ idempotencyKey: key }) })
    if (!saved.ok) throw new Error('not saved')
    expect(submittedCount(db, roundId)).toBe(1)
    expect(withdrawComment(db, { userId: amina, commentId: saved.commentId })).toMatchObject({ ok: true, receipt: saved.receipt })
    expect(submittedCount(db, roundId)).toBe(0)
    expect(row(db, saved.commentId).status).toBe('withdrawn')
    expect(saveComment(db, { roundId, userId: amina, input: input({ commentId: saved.commentId, text: 'back again' }) })).toEqual({
      ok: false,
      status: 409,
      error: 'errors.withdrawn',
    })
    expect(withdrawComment(db, { userId: amina, commentId: saved.commentId })).toEqual({ ok: false, status: 409, error: 'errors.withdrawn' })
    // The form that made it, sent again (the back button): neither revived nor made twice.
    expect(saveComment(db, { roundId, userId: amina, input: input({ idempotencyKey: key }) })).toEqual({
      ok: false,
      status: 409,
      error: 'errors.withdrawn',
    })
    expect(db.select().from(comments).all()).toHaveLength(1)
    expect(row(db, saved.commentId).text).not.toBe('back again')
    expect(submittedCount(db, roundId)).toBe(0)
  })

  it('withdraws a draft without touching the count', async () => {
    const { db, amina, roundId } = await setup()
    saveComment(db, { roundId, userId: amina, input: input() })
    const draft = saveComment(db, { roundId, userId: amina, input: input({ intent: 'draft' }) })
    if (!draft.ok) throw new Error('not saved')
    expect(withdrawComment(db, { userId: amina, commentId: draft.commentId }).ok).toBe(true)
    expect(submittedCount(db, roundId)).toBe(1)
  })

  it('asks for a confirmation in the form', () => {
    expect(withdrawConfirmSchema.safeParse({ commentId: '4' }).error?.issues[0]?.message).toBe('errors.confirmWithdraw')
    expect(withdrawConfirmSchema.safeParse({ commentId: 'abc', confirm: 'yes' }).error?.issues[0]?.message).toBe('errors.commentUnknown')
    expect(withdrawConfirmSchema.parse({ commentId: '4', confirm: 'yes' })).toEqual({ commentId: 4, confirm: 'yes' })
  })
})

describe('refusals', () => {
  it('refuses before the round opens and after it closes, at the moment of saving', async () => {
    const { db, amina, roundId, round } = await setup()
    const before = saveComment(db, { roundId, userId: amina, input: input(), now: new Date(round.opensAt.getTime() - 1) })
    expect(before).toEqual({ ok: false, status: 409, error: 'errors.roundNotOpen' })
    const atClose = saveComment(db, { roundId, userId: amina, input: input(), now: round.closesAt })
    expect(atClose).toEqual({ ok: false, status: 409, error: 'errors.roundClosed' })
    expect(db.select().from(comments).all()).toHaveLength(0)

    const saved = saveComment(db, { roundId, userId: amina, input: input() })
    if (!saved.ok) throw new Error('not saved')
    const after = new Date(round.closesAt.getTime() + 1000)
    expect(saveComment(db, { roundId, userId: amina, input: input({ commentId: saved.commentId, text: 'late' }), now: after })).toMatchObject({
      status: 409,
      error: 'errors.roundClosed',
    })
    expect(withdrawComment(db, { userId: amina, commentId: saved.commentId, now: after })).toMatchObject({ status: 409, error: 'errors.roundClosed' })
    expect(setCommentLanguage(db, { userId: amina, commentId: saved.commentId, language: 'fr', now: after })).toMatchObject({
      status: 409,
      error: 'errors.roundClosed',
    })
    expect(row(db, saved.commentId)).toMatchObject({ status: 'submitted', declaredLanguage: 'en' })
    expect(submittedCount(db, roundId)).toBe(1)
  })

  it('refuses a participant whose category the round does not invite', async () => {
    const { db, amina, roundId } = await setup({ eligible: ['government', 'regional_body'] })
    expect(saveComment(db, { roundId, userId: amina, input: input() })).toEqual({ ok: false, status: 403, error: 'errors.ineligible' })
    const dmitry = await person(db, DMITRY)
    expect(saveComment(db, { roundId, userId: dmitry, input: input() }).ok).toBe(true)
    expect(db.select().from(comments).all()).toHaveLength(1)
  })

  it('refuses a round that is not open yet (scheduled)', async () => {
    const { db, amina, roundId } = await setup({ opensIn: DAY, closesIn: 2 * DAY })
    expect(saveComment(db, { roundId, userId: amina, input: input() })).toEqual({ ok: false, status: 409, error: 'errors.roundNotOpen' })
  })

  it('refuses an unknown clause, a clause of another version and an unknown concern', async () => {
    const { db, amina, roundId, versionId } = await setup()
    expect(saveComment(db, { roundId, userId: amina, input: input({ clause: '999999' }) })).toEqual({
      ok: false,
      status: 400,
      error: 'errors.clauseUnknown',
      field: 'clause',
    })
    const nextVersion = createVersionFrom(db, versionId, null)!
    const foreign = db.$client.prepare('select id from clauses where version_id = ? limit 1').get(nextVersion) as { id: number }
    expect(saveComment(db, { roundId, userId: amina, input: input({ clause: String(foreign.id) }) })).toMatchObject({
      status: 400,
      error: 'errors.clauseUnknown',
    })
    expect(saveComment(db, { roundId, userId: amina, input: input({ concerns: ['privacy', 'astrology'] }) })).toEqual({
      ok: false,
      status: 400,
      error: 'errors.concernUnknown',
      field: 'concerns',
    })
    expect(commentSchema.safeParse({ ...input(), clause: '1; drop table comments' }).error?.flatten().fieldErrors.clause).toEqual(['errors.clauseUnknown'])
    expect(db.select().from(comments).all()).toHaveLength(0)
    const withConcerns = saveComment(db, { roundId, userId: amina, input: input({ concerns: ['privacy', 'feasibility', 'privacy'] }) })
    expect(withConcerns.ok).toBe(true)
    expect(listOwnComments(db, amina, roundId)[0]!.concerns.sort()).toEqual(['feasibility', 'privacy'])
  })

  it("answers 404 for someone else's comment and leaves it as it was", async () => {
    const { db, amina, roundId } = await setup()
    const dmitry = await person(db, DMITRY)
    const theirs = saveComment(db, { roundId, userId: dmitry, input: input({ text: 'Mine, not yours.' }) })
    if (!theirs.ok) throw new Error('not saved')
    const before = row(db, theirs.commentId)
    expect(saveComment(db, { roundId, userId: amina, input: input({ commentId: theirs.commentId, text: 'Taken over' }) })).toEqual({
      ok: false,
      status: 404,
      error: 'errors.commentUnknown',
    })
    expect(withdrawComment(db, { userId: amina, commentId: theirs.commentId })).toEqual({ ok: false, status: 404, error: 'errors.commentUnknown' })
    expect(setCommentLanguage(db, { userId: amina, commentId: theirs.commentId, language: 'fr' })).toEqual({
      ok: false,
      status: 404,
      error: 'errors.commentUnknown',
    })
    expect(row(db, theirs.commentId)).toEqual(before)
    expect(commentHistory(db, theirs.commentId)).toHaveLength(1)
    expect(listOwnComments(db, amina, roundId)).toEqual([])
    expect(listMyComments(db, amina)).toEqual([])
  })
})

describe('text', () => {
  it('limits the text in code points: an emoji or a CJK character counts once', () => {
    const emoji = '😀'.repeat(COMMENT_MAX)
    expect(emoji.length).toBe(2 * COMMENT_MAX)
    expect(characterCount(emoji)).toBe(COMMENT_MAX)
    expect(commentSchema.safeParse({ ...input(), text: emoji }).success).toBe(true)
    expect(commentSchema.safeParse({ ...input(), text: '意'.repeat(COMMENT_MAX) }).success).toBe(true)
    expect(commentSchema.safeParse({ ...input(), text: `${emoji}😀` }).error?.flatten().fieldErrors.text).toEqual(['errors.textTooLong'])
    expect(commentSchema.safeParse({ ...input(), text: 'a'.repeat(COMMENT_MAX + 1) }).error?.flatten().fieldErrors.text).toEqual(['errors.textTooLong'])
    expect(commentSchema.safeParse({ ...input(), text: ' \n\t ' }).error?.flatten().fieldErrors.text).toEqual(['errors.textRequired'])
    expect(commentSchema.safeParse({ ...input(), text: undefined }).error?.flatten().fieldErrors.text).toEqual(['errors.textRequired'])
  })

  it('stores odd Unicode and markup byte for byte', async () => {
    const { db, amina, roundId } = await setup()
    const text = [
      '<script>alert("x")</script><img src=x onerror=alert(1)> &amp; &lt;b&gt;',
      '\u202Eevil\u202C \u200F\u05E9\u05DC\u05D5\u05DD\u200E \u200B\u200C\u200D\u2060\uFEFF',
      '👩🏽‍💻 🇸🇳 e\u0301 Z\u0351\u0308\u0334 ﷽ 𝕏 \u00A0\u202F',
      'line one\r\nline two\n\n  indented\ttabbed  ',
    ].join('\n')
    expect(characterCount(text)).toBeLessThan(COMMENT_MAX)
    const saved = saveComment(db, { roundId, userId: amina, input: input({ text, proposedText: text, language: undefined }) })
    if (!saved.ok) throw new Error('not saved')
    const stored = row(db, saved.commentId)
    expect(Buffer.from(stored.text, 'utf8').equals(Buffer.from(text, 'utf8'))).toBe(true)
    expect(Buffer.from(stored.proposedText!, 'utf8').equals(Buffer.from(text, 'utf8'))).toBe(true)
    expect(listPublicComments(db, roundId, {}).comments[0]!.text).toBe(text)
    expect(commentHistory(db, saved.commentId)[0]!.text).toBe(text)
  })
})

describe('language', () => {
  it('recognises French and Chinese in real consultation comments', () => {
    for (const text of FRENCH) expect(detectLanguage(text), text).toBe('fr')
    for (const text of CHINESE) expect(detectLanguage(text), text).toBe('zh')
    expect(detectLanguage('ok')).toBeNull()
  })

  it('records the detected language, keeps the declared one, and lets the author correct it', async () => {
    const { db, amina, roundId } = await setup()
    const auto = saveComment(db, { roundId, userId: amina, input: input({ text: FRENCH[1], language: undefined }) })
    const declared = saveComment(db, { roundId, userId: amina, input: input({ text: CHINESE[0], language: 'zh-Hant' }) })
    if (!auto.ok || !declared.ok) throw new Error('not saved')
    expect(row(db, auto.commentId)).toMatchObject({ declaredLanguage: 'fr', detectedLanguage: 'fr' })
    expect(row(db, declared.commentId)).toMatchObject({ declaredLanguage: 'zh-Hant', detectedLanguage: 'zh' })

    expect(setCommentLanguage(db, { userId: amina, commentId: auto.commentId, language: 'ht' })).toMatchObject({ ok: true })
    expect(row(db, auto.commentId).declaredLanguage).toBe('ht')
    expect(setCommentLanguage(db, { userId: amina, commentId: auto.commentId, language: null })).toMatchObject({ ok: true })
    expect(row(db, auto.commentId).declaredLanguage).toBe('fr')
    expect(commentHistory(db, auto.commentId).map((revision) => revision.declaredLanguage)).toEqual(['fr', 'ht', 'fr'])
  })

  it('names the languages of the select in the reader’s language, sorted, with the comment’s own tag', () => {
    const french = commentLanguageOptions('fr', 'yue')
    expect(french.find((option) => option.value === 'de')?.label).toBe('allemand')
    expect(french.find((option) => option.value === 'yue')).toBeDefined()
    const arabic = commentLanguageOptions('ar')
    expect(arabic.find((option) => option.value === 'fr')?.label).toBe('الفرنسية')
    const labels = commentLanguageOptions('en').map((option) => option.label)
    expect(labels).toEqual([...labels].sort((a, b) => a.localeCompare(b, 'en')))
  })
})

describe('public comments', () => {
  it('shows only submitted, visible, consented comments; anonymous ones without name or organization', async () => {
    const { db, amina, roundId } = await setup()
    const save = (overrides: Record<string, unknown>) => {
      const result = saveComment(db, { roundId, userId: amina, input: input(overrides) })
      if (!result.ok) throw new Error('not saved')
      return result.commentId
    }
    const named = save({ text: 'named one', consent: 'named' })
    const anonymous = save({ text: 'anonymous one', consent: 'anonymous' })
    save({ text: 'private one', consent: 'private' })
    save({ text: 'draft one', intent: 'draft' })
    const withdrawn = save({ text: 'withdrawn one' })
    withdrawComment(db, { userId: amina, commentId: withdrawn })
    const hidden = save({ text: 'hidden one' })
    db.update(comments).set({ moderation: 'hidden', hiddenReason: 'spam' }).where(eq(comments.id, hidden)).run()

    const page = listPublicComments(db, roundId, {})
    expect(page.comments.map((comment) => comment.text)).toEqual(['anonymous one', 'named one'])
    expect(page.nextBefore).toBeNull()
    expect(page.comments.find((comment) => comment.id === named)).toMatchObject({
      authorName: 'Amina Diallo',
      organizationName: 'Dakar Digital Rights Lab',
      category: 'civil_society',
      countryCode: 'SN',
    })
    expect(page.comments.find((comment) => comment.id === anonymous)).toMatchObject({
      authorName: null,
      organizationName: null,
      category: 'civil_society',
      countryCode: 'SN',
    })
    expect(countPublicByClause(db, roundId)).toEqual(new Map([[null, 2]]))
    expect(submittedCount(db, roundId)).toBe(4)
    // The author still sees every comment, with its moderation state.
    expect(listMyComments(db, amina).find((comment) => comment.id === hidden)).toMatchObject({ moderation: 'hidden', hiddenReason: 'spam' })
  })

  it('filters by clause, category, region, position and language', async () => {
    const { db, amina, roundId, clauseIds } = await setup()
    const dmitry = await person(db, DMITRY)
    const save = (userId: string, overrides: Record<string, unknown>) => {
      const result = saveComment(db, { roundId, userId, input: input(overrides) })
      if (!result.ok) throw new Error(`not saved: ${result.error}`)
      return result.commentId
    }
    const a = save(amina, { clause: clauseIds['1'], position: 'support', text: FRENCH[0], language: 'fr' })
    const b = save(amina, { clause: 'whole', position: 'oppose', text: 'Whole draft: too vague.', language: 'en' })
    const c = save(dmitry, { clause: clauseIds['1'], position: 'amend', text: 'Пункт 1 следует уточнить.', language: 'ru', consent: 'anonymous' })
    const ids = (filters: Parameters<typeof listPublicComments>[2]) => listPublicComments(db, roundId, filters).comments.map((comment) => comment.id)
    expect(ids({ clause: Number(clauseIds['1']) })).toEqual([c, a])
    expect(ids({ clause: 'whole' })).toEqual([b])
    expect(ids({ category: 'government' })).toEqual([c])
    expect(ids({ region: '150' })).toEqual([c])
    expect(ids({ region: '002' })).toEqual([b, a])
    expect(ids({ position: 'support' })).toEqual([a])
    expect(ids({ language: 'fr' })).toEqual([a])
    expect(ids({ clause: Number(clauseIds['1']), category: 'civil_society' })).toEqual([a])
    expect(ids({ region: '019' })).toEqual([])
    expect(listPublicLanguages(db, roundId)).toEqual(['en', 'fr', 'ru'])
    expect(listM49Regions(db)).toEqual(expect.arrayContaining(['002', '009', '019', '142', '150']))
  })

  it('pages 45 comments as 20, 20 and 5, newest first, with no overlap', async () => {
    const { db, amina, roundId } = await setup()
    for (let index = 0; index < 45; index++) {
      const saved = saveComment(db, { roundId, userId: amina, input: input({ text: `Comment number ${index} on the draft.` }) })
      if (!saved.ok) throw new Error('not saved')
    }
    const first = listPublicComments(db, roundId, {})
    const second = listPublicComments(db, roundId, {}, first.nextBefore ?? undefined)
    const third = listPublicComments(db, roundId, {}, second.nextBefore ?? undefined)
    expect([first.comments.length, second.comments.length, third.comments.length]).toEqual([PUBLIC_PAGE_SIZE, PUBLIC_PAGE_SIZE, 5])
    expect(third.nextBefore).toBeNull()
    const all = [...first.comments, ...second.comments, ...third.comments].map((comment) => comment.id)
    expect(new Set(all).size).toBe(45)
    expect(all).toEqual([...all].sort((x, y) => y - x))
    expect(first.comments[0]!.text).toBe('Comment number 44 on the draft.')
    expect(submittedCount(db, roundId)).toBe(45)
  })

  it('reads filters from the query string, refusing malformed values', () => {
    const read = (query: string) => readPublicFilters(new URLSearchParams(query)).parsed
    expect(read('clause=whole&category=government&region=150&position=amend&language=zh-Hant&before=40').data).toEqual({
      clause: 'whole',
      category: 'government',
      region: '150',
      position: 'amend',
      language: 'zh-Hant',
      before: 40,
    })
    expect(read('clause=&category=&before=').data).toEqual({})
    const issues = (query: string) => read(query).error?.issues.map((issue) => [issue.path[0], issue.message])
    expect(issues('category=spy')).toEqual([['category', 'errors.filterCategory']])
    expect(issues('clause=1%20or%201=1')).toEqual([['clause', 'errors.filterClause']])
    expect(issues('region=europe')).toEqual([['region', 'errors.filterRegion']])
    expect(issues('position=maybe')).toEqual([['position', 'errors.filterPosition']])
    expect(issues('language=<b>')).toEqual([['language', 'errors.filterLanguage']])
    expect(issues('before=-3')).toEqual([['before', 'errors.filterPage']])
  })
})

describe('rounds for readers', () => {
  it('gives each title in the reader’s language where translated, and says which language it is in', async () => {
    const { db, roundId } = await setup()
    expect(getRoundForReader(db, roundId, 'fr')).toMatchObject({ title: 'Première lecture', titleLanguage: 'fr', normTitleLanguage: 'en', state: 'open' })
    expect(getRoundForReader(db, roundId, 'ar')).toMatchObject({ title: 'First reading', titleLanguage: 'en' })
    expect(getRoundForReader(db, roundId + 1, 'ar')).toBeNull()
    expect(listRoundsForReader(db, 'en').map((round) => round.id)).toEqual([roundId])
  })
})
