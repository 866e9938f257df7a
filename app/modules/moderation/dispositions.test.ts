import { and, eq } from 'drizzle-orm'
import { vi } from 'vitest'
import { auditLog, clauses, dispositions, duplicateGroups } from '#db/schema/index'
import { signupSchema } from '~/modules/accounts/accounts.schema'
import { createUser } from '~/modules/accounts/accounts.server'
import { saveComment } from '~/modules/comments/comments.server'
import { createNorm, createVersionFrom } from '~/modules/norms/norms.server'
import { createRound } from '~/modules/rounds/rounds.server'
import { createTestDb } from '~/test/db'
import type { Db } from '~/utils/db.server'
import { verifyAuditLog } from './audit.server'
import {
  countDispositions,
  dispositionFor,
  getDispositionTarget,
  listDispositions,
  myDispositions,
  nextClauseOptions,
  recordDisposition,
  REASON_MAX,
  type DispositionInput,
} from './dispositions.server'

const CAMPAIGN =
  'Clause 5 must be rejected. The phrase "lawful access to encrypted communications" is a call for encryption backdoors, which weaken security for everyone.'
const CAPACITY = 'Capacity building must come first: many regional CERTs lack staff and funding to do any of this.'
const DEADLINE = 'Operators cannot meet a 72-hour deadline for full reports; an early warning first would be realistic.'

async function person(db: Db, name: string) {
  const created = await createUser(
    db,
    signupSchema.parse({
      email: `${name}@example.org`,
      password: 'a long enough password',
      displayName: name,
      category: 'civil_society',
      country: 'KE',
      language: 'en',
    }),
  )
  if (!created.ok) throw new Error('user')
  return created.userId
}

function openRound(db: Db, versionId: number, title: string) {
  const now = Date.now()
  const round = createRound(
    db,
    {
      versionId,
      title,
      opensAt: new Date(now - 1000),
      closesAt: new Date(now + 86_400_000),
      eligibleCategories: ['civil_society'],
    },
    null,
  )
  if (!round.ok) throw new Error('round')
  return round.roundId
}

function submit(db: Db, roundId: number, userId: string, text: string) {
  const result = saveComment(db, {
    roundId,
    userId,
    input: { intent: 'submit', clause: 'whole', position: 'oppose', text, concerns: [], consent: 'named' },
  })
  if (!result.ok) throw new Error(result.error)
  return result.commentId
}

/**
 * A round on version 1 of a norm with a later version 2, a second round on an unrelated norm, and
 * comments: two identical ones by Amina and Bo (a duplicate group), a lone one by Chen, and one in
 * the other round.
 */
async function setup() {
  const db = createTestDb()
  const moderator = await person(db, 'moderator')
  const amina = await person(db, 'amina')
  const bo = await person(db, 'bo')
  const chen = await person(db, 'chen')
  const v1 = createNorm(
    db,
    {
      sourceLanguage: 'en',
      title: 'Norms',
      preamble: '',
      clauses: [
        { label: '1', heading: null, text: 'States should cooperate.' },
        { label: '5', heading: null, text: 'Human rights online.' },
      ],
    },
    null,
  )
  const roundId = openRound(db, v1, 'First reading')
  const v2 = createVersionFrom(db, v1, null)!
  const otherNorm = createNorm(
    db,
    {
      sourceLanguage: 'en',
      title: 'Other norms',
      preamble: '',
      clauses: [{ label: '5', heading: null, text: 'Another text.' }],
    },
    null,
  )
  const otherRoundId = openRound(db, otherNorm, 'Other consultation')
  const clauseOf = (versionId: number, label: string) =>
    db
      .select({ id: clauses.id })
      .from(clauses)
      .where(and(eq(clauses.versionId, versionId), eq(clauses.label, label)))
      .get()!.id
  const grouped = [submit(db, roundId, amina, CAMPAIGN), submit(db, roundId, bo, CAMPAIGN)]
  const lone = submit(db, roundId, chen, CAPACITY)
  const elsewhere = submit(db, otherRoundId, chen, DEADLINE)
  const group = db.select().from(duplicateGroups).where(eq(duplicateGroups.roundId, roundId)).get()!
  return {
    db,
    moderator,
    amina,
    bo,
    chen,
    roundId,
    otherRoundId,
    grouped,
    lone,
    elsewhere,
    groupId: group.id,
    v2,
    v1Clause: clauseOf(v1, '5'),
    v2Clause: clauseOf(v2, '5'),
    otherNormClause: clauseOf(otherNorm, '5'),
  }
}

type Setup = Awaited<ReturnType<typeof setup>>

function input(s: Setup, overrides: Partial<DispositionInput> = {}): DispositionInput {
  return {
    roundId: s.roundId,
    target: { kind: 'comment', id: s.lone },
    outcome: 'accepted',
    reason: { en: 'Capacity building is now the first objective.' },
    nextClauseId: null,
    actorId: s.moderator,
    ...overrides,
  }
}

function snapshot(db: Db) {
  return {
    dispositions: db.select().from(dispositions).all(),
    audit: db.select({ id: auditLog.id }).from(auditLog).all().length,
  }
}

describe('recording dispositions', () => {
  it('records a comment’s disposition with its audit entry', async () => {
    const s = await setup()
    const result = recordDisposition(
      s.db,
      input(s, { nextClauseId: s.v2Clause, reason: { en: ' Taken up. ', fr: 'Retenue.', es: '' } }),
    )
    expect(result).toMatchObject({ ok: true, created: true, changed: true })
    const row = s.db.select().from(dispositions).get()!
    expect(row).toMatchObject({
      roundId: s.roundId,
      commentId: s.lone,
      duplicateGroupId: null,
      outcome: 'accepted',
      reason: { en: 'Taken up.', fr: 'Retenue.' },
      nextClauseId: s.v2Clause,
      decidedBy: s.moderator,
    })
    const audit = s.db.select().from(auditLog).where(eq(auditLog.action, 'disposition.record')).all()
    expect(audit).toHaveLength(1)
    expect(audit[0]).toMatchObject({
      roundId: s.roundId,
      actorId: s.moderator,
      subjectType: 'comment',
      subjectId: String(s.lone),
      before: null,
      after: { outcome: 'accepted', reason: { en: 'Taken up.', fr: 'Retenue.' }, nextClauseId: s.v2Clause },
    })
    expect(dispositionFor(s.db, s.lone)).toMatchObject({
      source: 'comment',
      outcome: 'accepted',
      nextClauseId: s.v2Clause,
    })
  })

  it('records a group’s disposition, which applies to every member until one has its own', async () => {
    const s = await setup()
    const result = recordDisposition(
      s.db,
      input(s, {
        target: { kind: 'group', id: s.groupId },
        outcome: 'not_accepted',
        reason: { en: 'Encryption is not affected.' },
        nextClauseId: s.v2Clause,
      }),
    )
    expect(result).toMatchObject({ ok: true, created: true })
    expect(s.db.select().from(dispositions).get()).toMatchObject({ commentId: null, duplicateGroupId: s.groupId })
    for (const commentId of s.grouped) {
      expect(dispositionFor(s.db, commentId)).toMatchObject({
        source: 'group',
        groupId: s.groupId,
        outcome: 'not_accepted',
      })
    }
    expect(dispositionFor(s.db, s.lone)).toBeNull()

    expect(myDispositions(s.db, s.amina)).toEqual([
      {
        commentId: s.grouped[0],
        source: 'group',
        outcome: 'not_accepted',
        reason: { en: 'Encryption is not affected.' },
        sourceLanguage: 'en',
        nextClauseLabel: '5',
        nextVersionNumber: 2,
        nextRoundId: null,
      },
    ])
    expect(myDispositions(s.db, s.chen)).toEqual([])

    // Bo's comment gets a disposition of its own: it replaces the group's for Bo alone.
    recordDisposition(
      s.db,
      input(s, {
        target: { kind: 'comment', id: s.grouped[1]! },
        outcome: 'noted',
        reason: { ru: 'Принято к сведению.' },
      }),
    )
    expect(dispositionFor(s.db, s.grouped[1]!)).toMatchObject({
      source: 'comment',
      outcome: 'noted',
      nextClauseId: null,
    })
    expect(dispositionFor(s.db, s.grouped[0]!)).toMatchObject({ source: 'group', outcome: 'not_accepted' })
    expect(myDispositions(s.db, s.bo)).toEqual([
      expect.objectContaining({
        commentId: s.grouped[1],
        source: 'comment',
        outcome: 'noted',
        reason: { ru: 'Принято к сведению.' },
        nextClauseLabel: null,
      }),
    ])
  })

  it('reads a participant’s dispositions in one query, whatever the number of comments', async () => {
    const s = await setup()
    const more = [
      submit(s.db, s.roundId, s.chen, DEADLINE),
      submit(s.db, s.roundId, s.chen, 'A third, different point about attribution and evidence.'),
    ]
    for (const id of [s.lone, ...more])
      recordDisposition(s.db, input(s, { target: { kind: 'comment', id }, outcome: 'noted' }))
    const prepare = vi.spyOn(s.db.$client, 'prepare')
    const mine = myDispositions(s.db, s.chen)
    expect(prepare).toHaveBeenCalledTimes(1)
    prepare.mockRestore()
    expect(mine.map((row) => row.commentId).sort()).toEqual([s.lone, ...more].sort())
  })

  it('changes a disposition with a second audit entry holding before and after', async () => {
    const s = await setup()
    recordDisposition(s.db, input(s))
    const changed = recordDisposition(
      s.db,
      input(s, {
        outcome: 'partly_accepted',
        reason: { en: 'Only in part.', zh: '部分采纳。' },
        nextClauseId: s.v2Clause,
      }),
    )
    expect(changed).toMatchObject({ ok: true, created: false, changed: true })
    expect(s.db.select().from(dispositions).all()).toHaveLength(1)
    const audit = s.db.select().from(auditLog).where(eq(auditLog.action, 'disposition.record')).all()
    expect(audit).toHaveLength(2)
    expect(audit[1]).toMatchObject({
      before: {
        outcome: 'accepted',
        reason: { en: 'Capacity building is now the first objective.' },
        nextClauseId: null,
      },
      after: {
        outcome: 'partly_accepted',
        reason: { en: 'Only in part.', zh: '部分采纳。' },
        nextClauseId: s.v2Clause,
      },
    })
    expect(verifyAuditLog(s.db).ok).toBe(true)

    // The same disposition again changes nothing and logs nothing.
    const again = recordDisposition(
      s.db,
      input(s, {
        outcome: 'partly_accepted',
        reason: { zh: '部分采纳。', en: 'Only in part.' },
        nextClauseId: s.v2Clause,
      }),
    )
    expect(again).toMatchObject({ ok: true, changed: false })
    expect(s.db.select().from(auditLog).where(eq(auditLog.action, 'disposition.record')).all()).toHaveLength(2)
  })

  it('refuses a next clause that is not of a later version of the round’s norm, storing nothing', async () => {
    const s = await setup()
    const before = snapshot(s.db)
    expect(recordDisposition(s.db, input(s, { nextClauseId: s.otherNormClause }))).toEqual({
      ok: false,
      error: 'clauseUnknown',
    })
    expect(recordDisposition(s.db, input(s, { nextClauseId: s.v1Clause }))).toEqual({
      ok: false,
      error: 'clauseUnknown',
    })
    expect(recordDisposition(s.db, input(s, { nextClauseId: 999_999 }))).toEqual({ ok: false, error: 'clauseUnknown' })
    expect(snapshot(s.db)).toEqual(before)
    // …and a refused change leaves the recorded disposition as it was.
    recordDisposition(s.db, input(s))
    const recorded = snapshot(s.db)
    expect(
      recordDisposition(s.db, input(s, { outcome: 'not_accepted', nextClauseId: s.otherNormClause })),
    ).toMatchObject({ ok: false })
    expect(snapshot(s.db)).toEqual(recorded)
  })

  it('refuses a comment or a group of another round, storing nothing', async () => {
    const s = await setup()
    const before = snapshot(s.db)
    expect(recordDisposition(s.db, input(s, { target: { kind: 'comment', id: s.elsewhere } }))).toEqual({
      ok: false,
      error: 'targetUnknown',
    })
    expect(
      recordDisposition(s.db, input(s, { roundId: s.otherRoundId, target: { kind: 'comment', id: s.lone } })),
    ).toEqual({
      ok: false,
      error: 'targetUnknown',
    })
    expect(
      recordDisposition(s.db, input(s, { roundId: s.otherRoundId, target: { kind: 'group', id: s.groupId } })),
    ).toEqual({
      ok: false,
      error: 'targetUnknown',
    })
    expect(recordDisposition(s.db, input(s, { target: { kind: 'group', id: 999_999 } }))).toEqual({
      ok: false,
      error: 'targetUnknown',
    })
    expect(getDispositionTarget(s.db, s.otherRoundId, { kind: 'comment', id: s.lone })).toBeNull()
    expect(snapshot(s.db)).toEqual(before)
  })

  it('refuses a missing, oversize or foreign-language reason and an unknown outcome', async () => {
    const s = await setup()
    const before = snapshot(s.db)
    expect(recordDisposition(s.db, input(s, { reason: {} }))).toEqual({ ok: false, error: 'reasonRequired' })
    expect(recordDisposition(s.db, input(s, { reason: { en: '   ', fr: '' } }))).toEqual({
      ok: false,
      error: 'reasonRequired',
    })
    expect(recordDisposition(s.db, input(s, { reason: { en: 'x'.repeat(REASON_MAX + 1) } }))).toEqual({
      ok: false,
      error: 'reasonTooLong',
    })
    expect(recordDisposition(s.db, input(s, { reason: { en: '語'.repeat(REASON_MAX) } }))).toMatchObject({ ok: true })
    const afterLong = snapshot(s.db)
    expect(recordDisposition(s.db, input(s, { reason: { de: 'Angenommen.' } }))).toEqual({
      ok: false,
      error: 'reasonLanguage',
    })
    expect(recordDisposition(s.db, input(s, { outcome: 'maybe' as never }))).toEqual({
      ok: false,
      error: 'outcomeInvalid',
    })
    expect(snapshot(s.db)).toEqual(afterLong)
    expect(afterLong.audit).toBe(before.audit + 1)
  })
})

describe('the list of dispositions', () => {
  it('lists groups and ungrouped comments with and without a disposition, counted per outcome', async () => {
    const s = await setup()
    let counts = countDispositions(s.db, s.roundId)
    expect(counts.items).toBe(2)
    expect(counts.comments).toBe(3)
    expect(counts.byOutcome.find((entry) => entry.outcome === 'none')).toEqual({
      outcome: 'none',
      items: 2,
      comments: 3,
    })

    recordDisposition(
      s.db,
      input(s, { target: { kind: 'group', id: s.groupId }, outcome: 'not_accepted', nextClauseId: s.v2Clause }),
    )
    counts = countDispositions(s.db, s.roundId)
    expect(counts.byOutcome).toEqual([
      { outcome: 'accepted', items: 0, comments: 0 },
      { outcome: 'partly_accepted', items: 0, comments: 0 },
      { outcome: 'noted', items: 0, comments: 0 },
      { outcome: 'not_accepted', items: 1, comments: 2 },
      { outcome: 'none', items: 1, comments: 1 },
    ])

    const all = listDispositions(s.db, s.roundId)
    expect(all.items.map((item) => item.key)).toEqual([`group-${s.groupId}`, `comment-${s.lone}`])
    expect(all.items[0]).toMatchObject({ size: 2, outcome: 'not_accepted', nextClauseLabel: '5', nextVersionNumber: 2 })
    expect(all.items[0]!.excerpt).toBe(CAMPAIGN.slice(0, 200))
    expect(all.items[0]!.truncated).toBe(false)
    expect(listDispositions(s.db, s.roundId, { outcome: 'none' }).items.map((item) => item.key)).toEqual([
      `comment-${s.lone}`,
    ])
    expect(listDispositions(s.db, s.roundId, { outcome: 'accepted' }).items).toEqual([])
    expect(listDispositions(s.db, s.otherRoundId).items.map((item) => item.key)).toEqual([`comment-${s.elsewhere}`])

    // A member with a disposition of its own appears beside its group.
    recordDisposition(s.db, input(s, { target: { kind: 'comment', id: s.grouped[0]! }, outcome: 'noted' }))
    const keys = listDispositions(s.db, s.roundId).items.map((item) => item.key)
    expect(keys).toEqual([`group-${s.groupId}`, `comment-${s.grouped[0]}`, `comment-${s.lone}`])

    // Keyset pages: one item at a time, nothing lost or repeated.
    const seen: string[] = []
    let cursor = null
    do {
      const page: ReturnType<typeof listDispositions> = listDispositions(s.db, s.roundId, { cursor, limit: 1 })
      seen.push(...page.items.map((item) => item.key))
      cursor = page.next
    } while (cursor)
    expect(seen).toEqual(keys)
  })

  it('offers the clauses of later versions of the same norm only', async () => {
    const s = await setup()
    const options = nextClauseOptions(s.db, s.roundId, 'en')
    const v2Clauses = s.db
      .select({ id: clauses.id, label: clauses.label })
      .from(clauses)
      .where(eq(clauses.versionId, s.v2))
      .all()
    expect(v2Clauses).toHaveLength(2)
    expect(options.map((option) => ({ id: option.id, label: option.label }))).toEqual(v2Clauses)
    expect(options.every((option) => option.versionNumber === 2 && option.textLanguage === 'en')).toBe(true)
    expect(options.map((option) => option.id)).not.toContain(s.v1Clause)
    expect(nextClauseOptions(s.db, s.otherRoundId, 'en')).toEqual([])
  })
})

describe('the participant’s note', () => {
  it('gives the reason in the reader’s language, else in the round’s language, else in the first one, saying which', async () => {
    const { dispositionView } = await import('~/components/disposition-note')
    const mine = {
      commentId: 7,
      source: 'group' as const,
      outcome: 'accepted' as const,
      reason: { ar: 'سبب', fr: 'Motif.' },
      sourceLanguage: 'fr',
      nextClauseLabel: '2.a',
      nextVersionNumber: 2,
      nextRoundId: 4,
    }
    expect(dispositionView(mine, 'ar').reason).toEqual({
      text: 'سبب',
      language: 'ar',
      languageName: 'العربية',
      translated: true,
    })
    expect(dispositionView(mine, 'en').reason).toEqual({
      text: 'Motif.',
      language: 'fr',
      languageName: 'French',
      translated: false,
    })
    expect(dispositionView({ ...mine, sourceLanguage: 'en' }, 'zh').reason).toMatchObject({
      text: 'سبب',
      language: 'ar',
      translated: false,
    })
    expect(dispositionView(mine, 'en').ledTo).toEqual({ label: '2.a', version: 2, roundId: 4 })
    expect(dispositionView({ ...mine, nextClauseLabel: null, nextVersionNumber: null }, 'en').ledTo).toBeNull()
  })
})
