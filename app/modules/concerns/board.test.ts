import { asc, eq, inArray } from 'drizzle-orm'
import { STAKEHOLDER_CATEGORIES } from '#db/schema/accounts'
import { auditLog, commentConcerns, comments, concerns } from '#db/schema/index'
import { createUser } from '~/modules/accounts/accounts.server'
import { saveComment } from '~/modules/comments/comments.server'
import { verifyAuditLog } from '~/modules/moderation/audit.server'
import { createNorm } from '~/modules/norms/norms.server'
import { createRound } from '~/modules/rounds/rounds.server'
import { createTestDb } from '~/test/db'
import type { Db } from '~/utils/db.server'
import { acceptSuggestions, concernBoard, concernComments, getBoardConcern, moveComments, NO_REGION, setKeyPoints } from './board.server'
import { confirmConcerns, loadModel } from './concerns.server'

function newRound(db: Db, title: string) {
  const versionId = createNorm(db, { sourceLanguage: 'en', title: 'N', preamble: '', clauses: [{ label: '1', heading: null, text: 'x' }] }, null)
  const round = createRound(
    db,
    {
      versionId,
      title,
      opensAt: new Date(Date.now() - 1000),
      closesAt: new Date(Date.now() + 3_600_000),
      eligibleCategories: [...STAKEHOLDER_CATEGORIES],
    },
    null,
  )
  if (!round.ok) throw new Error('round')
  return round.roundId
}

async function person(db: Db, name: string, category: 'research' | 'government' | 'civil_society', country: string) {
  const user = await createUser(db, {
    email: `${name}@example.org`,
    password: 'a long enough password',
    displayName: name,
    category,
    country,
    language: 'en',
  })
  if (!user.ok) throw new Error('user')
  return user.userId
}

type Label = { key: string; source: 'author' | 'suggested' | 'moderator'; score?: number }

/**
 * A comment with exactly the given labels: the model's own suggestions are replaced, moderator
 * labels go through confirmConcerns like a moderator's decision.
 */
function comment(db: Db, roundId: number, userId: string, labels: Label[], options: { draft?: boolean; text?: string } = {}) {
  const result = saveComment(db, {
    roundId,
    userId,
    input: {
      intent: options.draft ? 'draft' : 'submit',
      clause: 'whole',
      position: 'amend',
      text: options.text ?? `A comment by ${userId} with ${labels.map((label) => label.key).join(' ')}.`,
      concerns: labels.filter((label) => label.source === 'author').map((label) => label.key),
      consent: 'anonymous',
      language: 'en',
    },
  })
  if (!result.ok) throw new Error(result.error)
  const id = result.commentId
  const ids = new Map(
    db
      .select({ id: concerns.id, key: concerns.key })
      .from(concerns)
      .where(eq(concerns.roundId, roundId))
      .all()
      .map((row) => [row.key, row.id]),
  )
  db.delete(commentConcerns).where(eq(commentConcerns.commentId, id)).run()
  const rows = labels
    .filter((label) => label.source !== 'moderator')
    .map((label) => ({ commentId: id, concernId: ids.get(label.key)!, source: label.source, score: label.score ?? null, createdAt: new Date() }))
  if (rows.length) db.insert(commentConcerns).values(rows).run()
  const decided = labels.filter((label) => label.source === 'moderator').map((label) => label.key)
  if (decided.length) confirmConcerns(db, { roundId, keysByComment: new Map([[id, decided]]), actorId: userId })
  return id
}

async function setup() {
  const db = createTestDb()
  const roundId = newRound(db, 'R')
  const otherRound = newRound(db, 'Other')
  const asia = await person(db, 'lin', 'research', 'SG')
  const europe = await person(db, 'marie', 'government', 'FR')
  const africa = await person(db, 'wanjiru', 'civil_society', 'KE')
  const c = {
    confirmedBoth: comment(db, roundId, asia, [
      { key: 'privacy', source: 'moderator' },
      { key: 'human_rights', source: 'moderator' },
      { key: 'privacy', source: 'suggested', score: 0.7 },
    ]),
    declined: comment(db, roundId, europe, [
      { key: 'human_rights', source: 'moderator' },
      { key: 'privacy', source: 'suggested', score: 0.9 },
    ]),
    suggested: comment(db, roundId, africa, [
      { key: 'privacy', source: 'suggested', score: 0.8 },
      { key: 'capacity_building', source: 'suggested', score: 0.6 },
    ]),
    byAuthor: comment(db, roundId, asia, [{ key: 'privacy', source: 'author' }]),
    hidden: comment(db, roundId, europe, [{ key: 'privacy', source: 'suggested', score: 0.8 }]),
    draft: comment(db, roundId, africa, [{ key: 'privacy', source: 'author' }], { draft: true }),
    elsewhere: comment(db, otherRound, asia, [{ key: 'privacy', source: 'moderator' }]),
  }
  db.update(comments).set({ moderation: 'hidden', hiddenReason: 'spam' }).where(eq(comments.id, c.hidden)).run()
  return { db, roundId, otherRound, moderatorId: asia, c }
}

/** The board's figures computed another way: from every row, in JavaScript. */
function independentCounts(db: Db, roundId: number) {
  const roundComments = db.select().from(comments).where(eq(comments.roundId, roundId)).all()
  const labels = db
    .select({ commentId: commentConcerns.commentId, key: concerns.key, source: commentConcerns.source })
    .from(commentConcerns)
    .innerJoin(concerns, eq(concerns.id, commentConcerns.concernId))
    .all()
  type Counts = { confirmed: number; pending: number; byCategory: Record<string, number>; byRegion: Record<string, number> }
  const result: Record<string, Counts> = {}
  for (const { key } of db.select({ key: concerns.key }).from(concerns).where(eq(concerns.roundId, roundId)).all()) {
    const entry: Counts = { confirmed: 0, pending: 0, byCategory: {}, byRegion: {} }
    result[key] = entry
    for (const row of roundComments) {
      if (row.status !== 'submitted' || row.moderation !== 'visible') continue
      const mine = labels.filter((label) => label.commentId === row.id)
      const decided = mine.some((label) => label.source === 'moderator')
      const confirmed = mine.some((label) => label.key === key && label.source === 'moderator')
      const pending = !decided && mine.some((label) => label.key === key)
      if (!confirmed && !pending) continue
      entry[confirmed ? 'confirmed' : 'pending']++
      entry.byCategory[row.category] = (entry.byCategory[row.category] ?? 0) + 1
      const region = row.regionCode ?? NO_REGION
      entry.byRegion[region] = (entry.byRegion[region] ?? 0) + 1
    }
  }
  return result
}

function boardAsCounts(db: Db, roundId: number) {
  const sum = (tally: { confirmed: number; pending: number }) => tally.confirmed + tally.pending
  const nonZero = (record: Record<string, { confirmed: number; pending: number }>) =>
    Object.fromEntries(Object.entries(record).flatMap(([key, tally]) => (sum(tally) ? [[key, sum(tally)]] : [])))
  return Object.fromEntries(
    concernBoard(db, roundId).concerns.map((concern) => [
      concern.key,
      { confirmed: concern.confirmed, pending: concern.pending, byCategory: nonZero(concern.byCategory), byRegion: nonZero(concern.byRegion) },
    ]),
  )
}

function state(db: Db) {
  return {
    labels: db.select().from(commentConcerns).orderBy(asc(commentConcerns.commentId), asc(commentConcerns.concernId)).all(),
    audit: db.select({ id: auditLog.id }).from(auditLog).all().length,
    concerns: db.select().from(concerns).orderBy(asc(concerns.id)).all(),
    reviewed: db.select({ id: comments.id, review: comments.reviewState }).from(comments).all(),
  }
}

function allLabels(db: Db, commentId: number) {
  return db
    .select({ key: concerns.key, source: commentConcerns.source })
    .from(commentConcerns)
    .innerJoin(concerns, eq(concerns.id, commentConcerns.concernId))
    .where(eq(commentConcerns.commentId, commentId))
    .all()
    .map((row) => `${row.key}:${row.source}`)
    .sort()
}

function decided(db: Db, commentId: number) {
  return db
    .select({ key: concerns.key, source: commentConcerns.source })
    .from(commentConcerns)
    .innerJoin(concerns, eq(concerns.id, commentConcerns.concernId))
    .where(eq(commentConcerns.commentId, commentId))
    .all()
    .filter((row) => row.source === 'moderator')
    .map((row) => row.key)
    .sort()
}

describe('the concern board', () => {
  it('counts each concern’s comments, confirmed and pending, by category and region', async () => {
    const { db, roundId } = await setup()
    const board = concernBoard(db, roundId)
    const privacy = board.concerns.find((concern) => concern.key === 'privacy')!
    // Confirmed: the Singaporean researcher's. Pending: the Kenyan suggestion and the author's own choice.
    // Not counted: the French comment a moderator decided without privacy, the hidden one, the draft, the other round.
    expect(privacy).toMatchObject({ confirmed: 1, pending: 2 })
    expect(privacy.byCategory.research).toEqual({ confirmed: 1, pending: 1 })
    expect(privacy.byCategory.civil_society).toEqual({ confirmed: 0, pending: 1 })
    expect(privacy.byCategory.government).toEqual({ confirmed: 0, pending: 0 })
    expect(privacy.byRegion).toEqual({ '142': { confirmed: 1, pending: 1 }, '002': { confirmed: 0, pending: 1 } })
    const humanRights = board.concerns.find((concern) => concern.key === 'human_rights')!
    expect(humanRights).toMatchObject({ confirmed: 2, pending: 0 })
    expect(humanRights.byRegion).toEqual({ '142': { confirmed: 1, pending: 0 }, '150': { confirmed: 1, pending: 0 } })
    expect(board.regions).toEqual(['002', '142', '150'])
    expect(board.concerns.map((concern) => concern.key)).toHaveLength(10)

    expect(boardAsCounts(db, roundId)).toEqual(independentCounts(db, roundId))
    expect(getBoardConcern(db, roundId, 'privacy')).toMatchObject({ key: 'privacy', confirmed: 1, pending: 2 })
    expect(getBoardConcern(db, roundId, 'astrology')).toBeNull()
  })

  it('still equals the independent count after moves and acceptances', async () => {
    const { db, roundId, moderatorId, c } = await setup()
    moveComments(db, { roundId, from: 'privacy', to: 'feasibility', commentIds: [c.confirmedBoth, c.byAuthor], actorId: moderatorId })
    acceptSuggestions(db, { roundId, commentIds: [c.suggested], actorId: moderatorId })
    expect(boardAsCounts(db, roundId)).toEqual(independentCounts(db, roundId))
    expect(boardAsCounts(db, roundId).feasibility).toMatchObject({ confirmed: 2, pending: 0 })
  })

  it('lists a concern’s comments, confirmed and suggested, marked, page by page', async () => {
    const { db, roundId, c } = await setup()
    const all = concernComments(db, roundId, 'privacy')!
    expect(all.comments.map((row) => row.id)).toEqual([c.confirmedBoth, c.suggested, c.byAuthor])
    expect(all.nextCursor).toBeNull()
    expect(all.comments.map((row) => [row.confirmed, row.score, row.byAuthor])).toEqual([
      [true, 0.7, false],
      [false, 0.8, false],
      [false, null, true],
    ])
    expect(all.comments[0]!.moderatorKeys.sort()).toEqual(['human_rights', 'privacy'])
    expect(all.comments[1]!.suggestedKeys).toEqual(['privacy', 'capacity_building'])

    const first = concernComments(db, roundId, 'privacy', null, { pageSize: 2 })!
    expect(first.comments.map((row) => row.id)).toEqual([c.confirmedBoth, c.suggested])
    expect(first.nextCursor).toBe(c.suggested)
    const second = concernComments(db, roundId, 'privacy', first.nextCursor, { pageSize: 2 })!
    expect(second.comments.map((row) => row.id)).toEqual([c.byAuthor])
    expect(second.nextCursor).toBeNull()

    expect(concernComments(db, roundId, 'privacy', null, { view: 'confirmed' })!.comments.map((row) => row.id)).toEqual([c.confirmedBoth])
    expect(concernComments(db, roundId, 'privacy', null, { view: 'pending' })!.comments.map((row) => row.id)).toEqual([c.suggested, c.byAuthor])
    expect(concernComments(db, roundId, 'astrology')).toBeNull()
  })
})

describe('bulk decisions', () => {
  it('moves the selection to another concern as moderator labels, audited, and the model learns', async () => {
    const { db, roundId, moderatorId, c } = await setup()
    const auditBefore = state(db).audit
    const docsBefore = loadModel(db, roundId).concerns.security_stability?.docs ?? 0
    const result = moveComments(db, {
      roundId,
      from: 'privacy',
      to: 'security_stability',
      commentIds: [c.confirmedBoth, c.suggested],
      actorId: moderatorId,
      reason: 'About network security, not privacy',
    })
    expect(result).toEqual({ ok: true, moved: 2 })
    expect(decided(db, c.confirmedBoth)).toEqual(['human_rights', 'security_stability'])
    expect(decided(db, c.suggested)).toEqual(['security_stability'])
    const entries = db.select().from(auditLog).orderBy(asc(auditLog.id)).all().slice(auditBefore)
    expect(entries.map((entry) => [entry.action, entry.subjectId, entry.reason])).toEqual([
      ['concerns.confirm', String(c.confirmedBoth), 'About network security, not privacy'],
      ['concerns.confirm', String(c.suggested), 'About network security, not privacy'],
    ])
    expect(entries[0]!.after).toEqual({ moderator: ['human_rights', 'security_stability'] })
    expect(loadModel(db, roundId).concerns.security_stability?.docs).toBe(docsBefore + 2)
    expect(verifyAuditLog(db).ok).toBe(true)
  })

  it('accepts the suggestions of the selection; a comment with nothing to accept is left as it is', async () => {
    const { db, roundId, moderatorId, c } = await setup()
    const result = acceptSuggestions(db, { roundId, commentIds: [c.suggested, c.byAuthor, c.confirmedBoth], actorId: moderatorId })
    expect(result).toEqual({ ok: true, accepted: 1, unchanged: 2 })
    expect(decided(db, c.suggested)).toEqual(['capacity_building', 'privacy'])
    expect(decided(db, c.byAuthor)).toEqual([])
    expect(allLabels(db, c.byAuthor)).toEqual(['privacy:author'])
    const last = db.select().from(auditLog).orderBy(asc(auditLog.id)).all().at(-1)!
    expect(last).toMatchObject({ action: 'concerns.confirm', subjectId: String(c.suggested), after: { moderator: ['capacity_building', 'privacy'] } })
  })

  it('refuses comments of another round, drafts, comments without the concern and unknown concerns, changing nothing', async () => {
    const { db, roundId, otherRound, moderatorId, c } = await setup()
    const before = state(db)
    const move = (commentIds: number[], from = 'privacy', to = 'feasibility') =>
      moveComments(db, { roundId, from, to, commentIds, actorId: moderatorId })
    expect(move([c.confirmedBoth, c.elsewhere])).toEqual({ ok: false, error: 'commentUnknown' })
    expect(move([c.suggested, c.draft])).toEqual({ ok: false, error: 'commentUnknown' })
    expect(move([c.declined])).toEqual({ ok: false, error: 'commentUnknown' })
    expect(move([c.suggested], 'privacy', 'astrology')).toEqual({ ok: false, error: 'concernUnknown' })
    expect(move([c.suggested], 'privacy', 'privacy')).toEqual({ ok: false, error: 'sameConcern' })
    expect(acceptSuggestions(db, { roundId, commentIds: [c.suggested, c.elsewhere], actorId: moderatorId })).toEqual({
      ok: false,
      error: 'commentUnknown',
    })
    // The other round's own concern ids are not this round's either.
    expect(moveComments(db, { roundId: otherRound, from: 'privacy', to: 'feasibility', commentIds: [c.suggested], actorId: moderatorId })).toEqual({
      ok: false,
      error: 'commentUnknown',
    })
    expect(state(db)).toEqual(before)
  })
})

describe('key points', () => {
  it('writes key points per language, removes a cleared one, and audits the change', async () => {
    const { db, roundId, moderatorId } = await setup()
    expect(
      setKeyPoints(db, {
        roundId,
        concernKey: 'privacy',
        keyPoints: { en: 'Encryption must not be weakened.', fr: 'Le chiffrement ne doit pas être affaibli.' },
        actorId: moderatorId,
      }),
    ).toEqual({ ok: true, changed: true })
    expect(getBoardConcern(db, roundId, 'privacy')!.keyPoints).toEqual({
      en: 'Encryption must not be weakened.',
      fr: 'Le chiffrement ne doit pas être affaibli.',
    })
    const result = setKeyPoints(db, { roundId, concernKey: 'privacy', keyPoints: { en: 'Encryption must not be weakened.', fr: undefined }, actorId: moderatorId })
    expect(result).toEqual({ ok: true, changed: true })
    expect(getBoardConcern(db, roundId, 'privacy')!.keyPoints).toEqual({ en: 'Encryption must not be weakened.' })
    const last = db.select().from(auditLog).orderBy(asc(auditLog.id)).all().at(-1)!
    expect(last).toMatchObject({
      action: 'concern.keyPoints',
      subjectId: 'privacy',
      before: { keyPoints: { en: 'Encryption must not be weakened.', fr: 'Le chiffrement ne doit pas être affaibli.' } },
      after: { keyPoints: { en: 'Encryption must not be weakened.' } },
    })
    const audits = state(db).audit
    expect(setKeyPoints(db, { roundId, concernKey: 'privacy', keyPoints: { en: 'Encryption must not be weakened.' }, actorId: moderatorId })).toEqual({
      ok: true,
      changed: false,
    })
    expect(setKeyPoints(db, { roundId, concernKey: 'astrology', keyPoints: { en: 'x' }, actorId: moderatorId })).toEqual({
      ok: false,
      error: 'concernUnknown',
    })
    expect(state(db).audit).toBe(audits)
    expect(db.select().from(concerns).where(inArray(concerns.key, ['astrology'])).all()).toEqual([])
  })
})
