import { eq, sql } from 'drizzle-orm'
import { auditLog, comments } from '#db/schema/index'
import type { Position, StakeholderCategory } from '#db/schema/index'
import { signupSchema } from '~/modules/accounts/accounts.schema'
import { createUser } from '~/modules/accounts/accounts.server'
import { listMyComments, listPublicComments, saveComment } from '~/modules/comments/comments.server'
import { confirmConcerns } from '~/modules/concerns/concerns.server'
import { createNorm } from '~/modules/norms/norms.server'
import { createRound } from '~/modules/rounds/rounds.server'
import { createTestDb } from '~/test/db'
import type { Db } from '~/utils/db.server'
import { verifyAuditLog } from './audit.server'
import {
  excerpt,
  getReviewItem,
  hideComment,
  listAuditEntries,
  listQueue,
  listQueueLanguages,
  listRoundClauses,
  neighbours,
  publicModerationFigures,
  QUEUE_COUNT_LIMIT,
  restoreComment,
  type QueueFilters,
} from './moderation.server'
import { hideSchema, NOTE_MAX, queueSearch, readIntent, readQueueFilters, readReviewPosition, restoreSchema } from './queue.schema'

const HOUR = 60 * 60 * 1000
const START = Date.UTC(2026, 2, 1, 9)

type Author = { key: string; category: StakeholderCategory; country: string }
const AUTHORS: Author[] = [
  { key: 'kenya', category: 'civil_society', country: 'KE' }, // Africa, 002
  { key: 'france', category: 'government', country: 'FR' }, // Europe, 150
  { key: 'brazil', category: 'research', country: 'BR' }, // Americas, 019
]

type Spec = { author: string; clause: '1' | '2' | null; position: Position; text: string; language: string; concerns?: string[] }

/**
 * Six comments submitted an hour apart (c1 oldest … c6 newest) in a round on a two-clause draft,
 * and a second round with one comment of its own. Texts with privacy keywords get a suggestion.
 */
const SPECS: Spec[] = [
  { author: 'kenya', clause: '1', position: 'support', language: 'en', text: 'Privacy and personal data deserve protection under clause 1.' },
  { author: 'france', clause: '2', position: 'oppose', language: 'fr', text: 'La clause 2 est trop vague sur la coopération entre États.' },
  { author: 'brazil', clause: null, position: 'amend', language: 'es', text: 'El borrador en su conjunto me parece bien escrito.', concerns: ['feasibility'] },
  { author: 'kenya', clause: '2', position: 'neutral', language: 'en', text: 'Surveillance and encryption matter to clause 2; personal data too.' },
  { author: 'france', clause: '1', position: 'support', language: 'fr', text: 'Nous soutenons la clause 1 telle quelle.' },
  { author: 'brazil', clause: '1', position: 'amend', language: 'en', text: 'Clause 1 should say who decides, and by when.' },
]

/** The ids of a comment's neighbours in the queue. */
function idsAround(around: ReturnType<typeof neighbours>) {
  return { previous: around.previous?.id ?? null, next: around.next?.id ?? null }
}

async function setup() {
  const db = createTestDb()
  const userIds = new Map<string, string>()
  for (const author of AUTHORS) {
    const created = await createUser(
      db,
      signupSchema.parse({
        email: `${author.key}@example.org`,
        password: 'a long enough password',
        displayName: `Person from ${author.key}`,
        category: author.category,
        country: author.country,
        language: 'en',
      }),
    )
    if (!created.ok) throw new Error(JSON.stringify(created.errors))
    userIds.set(author.key, created.userId)
  }
  const moderator = await createUser(
    db,
    signupSchema.parse({
      email: 'moderator@example.org',
      password: 'a long enough password',
      displayName: 'Moderation Team',
      category: 'other',
      country: 'CH',
      language: 'en',
    }),
  )
  if (!moderator.ok) throw new Error('moderator')
  const versionId = createNorm(
    db,
    {
      sourceLanguage: 'en',
      title: 'Draft norms',
      preamble: '',
      clauses: [
        { label: '1', heading: null, text: 'States should cooperate.' },
        { label: '2', heading: null, text: 'States should protect critical infrastructure.' },
      ],
    },
    null,
  )
  const roundOf = (title: string) => {
    const created = createRound(
      db,
      {
        versionId,
        title,
        opensAt: new Date(START - 24 * HOUR),
        closesAt: new Date(START + 30 * 24 * HOUR),
        eligibleCategories: ['civil_society', 'government', 'research'],
      },
      null,
    )
    if (!created.ok) throw new Error(created.error)
    return created.roundId
  }
  const roundId = roundOf('Round')
  const otherRoundId = roundOf('Other round')
  const clauses = new Map(listRoundClauses(db, roundId).map((clause) => [clause.label, clause.id]))
  const submit = (round: number, spec: Spec, at: number) => {
    const result = saveComment(db, {
      roundId: round,
      userId: userIds.get(spec.author)!,
      now: new Date(at),
      input: {
        intent: 'submit',
        clause: spec.clause === null ? 'whole' : String(clauses.get(spec.clause)),
        position: spec.position,
        text: spec.text,
        concerns: spec.concerns ?? [],
        consent: 'named',
        language: spec.language,
      },
    })
    if (!result.ok) throw new Error(result.error)
    return result.commentId
  }
  const ids = SPECS.map((spec, index) => submit(roundId, spec, START + index * HOUR))
  const otherId = submit(otherRoundId, SPECS[0]!, START)
  return { db, roundId, otherRoundId, ids, otherId, moderatorId: moderator.userId, userIds, clauses }
}

/** Every row of the queue under the filters, walking the pages. */
function all(db: Db, roundId: number, filters: QueueFilters = {}, size = 100) {
  const rows: number[] = []
  let page = listQueue(db, roundId, filters, null, size)
  rows.push(...page.items.map((item) => item.id))
  while (page.nextCursor) {
    page = listQueue(db, roundId, filters, page.nextCursor, size)
    rows.push(...page.items.map((item) => item.id))
  }
  return rows
}

const c = (ids: number[], ...numbers: number[]) => numbers.map((n) => ids[n - 1]!)

describe('the moderation queue', () => {
  it('lists the round’s submitted comments newest first, those awaiting a decision before the others', async () => {
    const { db, roundId, ids, moderatorId } = await setup()
    expect(all(db, roundId)).toEqual(c(ids, 6, 5, 4, 3, 2, 1))
    // A decision on c5 and hiding c2 send them after the comments still waiting.
    const confirmed = confirmConcerns(db, { roundId, keysByComment: new Map([[ids[4]!, []]]), actorId: moderatorId })
    expect(confirmed.ok).toBe(true)
    expect(hideComment(db, { roundId, commentId: ids[1]!, reason: 'spam', actorId: moderatorId }).ok).toBe(true)
    expect(all(db, roundId)).toEqual(c(ids, 6, 4, 3, 1, 5, 2))
  })

  it('shows each row’s clause, author, language, excerpt, suggestions with scores, decisions and state', async () => {
    const { db, roundId, ids, moderatorId } = await setup()
    confirmConcerns(db, { roundId, keysByComment: new Map([[ids[3]!, ['human_rights']]]), actorId: moderatorId })
    const rows = new Map(listQueue(db, roundId, {}).items.map((item) => [item.id, item]))
    const first = rows.get(ids[0]!)!
    expect(first).toMatchObject({ clauseLabel: '1', position: 'support', category: 'civil_society', countryCode: 'KE', regionCode: '002', language: 'en', state: 'suggested' })
    expect(first.concerns.suggested.map((tag) => tag.key)).toContain('privacy')
    expect(first.concerns.suggested[0]!.score).toBeGreaterThan(0.5)
    expect(first.submittedAt.getTime()).toBe(START)
    expect(rows.get(ids[2]!)).toMatchObject({ clauseLabel: null, state: 'unreviewed' })
    expect(rows.get(ids[2]!)!.concerns.author.map((tag) => tag.key)).toEqual(['feasibility'])
    const decided = rows.get(ids[3]!)!
    expect(decided.state).toBe('confirmed')
    expect(decided.concerns.moderator.map((tag) => tag.key)).toEqual(['human_rights'])
    // The suggestion stays a suggestion beside the decision.
    expect(decided.concerns.suggested.map((tag) => tag.key)).toContain('privacy')
  })

  it('filters by clause, category, region, language, concern of any source and review state', async () => {
    const { db, roundId, ids, moderatorId, clauses } = await setup()
    confirmConcerns(db, { roundId, keysByComment: new Map([[ids[5]!, ['accountability_attribution']]]), actorId: moderatorId })
    hideComment(db, { roundId, commentId: ids[1]!, reason: 'off_topic', actorId: moderatorId })
    const sorted = (filters: QueueFilters) => all(db, roundId, filters).sort((a, b) => a - b)
    expect(sorted({ clause: clauses.get('1') })).toEqual(c(ids, 1, 5, 6))
    expect(sorted({ clause: 'whole' })).toEqual(c(ids, 3))
    expect(sorted({ category: 'government' })).toEqual(c(ids, 2, 5))
    expect(sorted({ region: '019' })).toEqual(c(ids, 3, 6))
    expect(sorted({ region: '142' })).toEqual([])
    expect(sorted({ language: 'fr' })).toEqual(c(ids, 2, 5))
    expect(sorted({ concern: 'feasibility' })).toEqual(c(ids, 3)) // the author's
    expect(sorted({ concern: 'privacy' })).toEqual(c(ids, 1, 4)) // suggested
    expect(sorted({ concern: 'accountability_attribution' })).toEqual(c(ids, 6)) // a moderator's
    expect(sorted({ state: 'unreviewed' })).toEqual(c(ids, 1, 3, 4, 5))
    expect(sorted({ state: 'suggested' })).toEqual(c(ids, 1, 4))
    expect(sorted({ state: 'confirmed' })).toEqual(c(ids, 6))
    expect(sorted({ state: 'hidden' })).toEqual(c(ids, 2))
    expect(sorted({ clause: clauses.get('1'), language: 'en', state: 'unreviewed' })).toEqual(c(ids, 1))
    expect(listQueue(db, roundId, { language: 'fr' }).total).toBe(2)
  })

  it('counts a combination of filters up to its limit and says "more than" beyond it', async () => {
    const { db, roundId, ids } = await setup()
    // c1 (English, civil society, privacy suggested) copied until more than the limit match.
    const columns = (db.$client.prepare('select name from pragma_table_info(?)').pluck().all('comments') as string[]).filter((name) => name !== 'id')
    const copied = columns.map((name) => (name === 'receipt' || name === 'idempotency_key' ? `${name} || '-' || n` : name))
    db.$client
      .prepare(
        `with recursive copies(n) as (select 1 union all select n + 1 from copies where n < ?)
         insert into comments (${columns.join(', ')}) select ${copied.join(', ')} from comments, copies where id = ?`,
      )
      .run(QUEUE_COUNT_LIMIT, ids[0])
    const combination = { language: 'en', category: 'civil_society' } as const
    // c1, c4 and the copies: more than the limit, counted up to it.
    expect(listQueue(db, roundId, combination)).toMatchObject({ total: QUEUE_COUNT_LIMIT, moreThanTotal: true })
    // One filter alone is read from the round's counts, exactly.
    expect(listQueue(db, roundId, { category: 'civil_society' })).toMatchObject({ total: QUEUE_COUNT_LIMIT + 2, moreThanTotal: false })
    // Under the limit, exact.
    expect(listQueue(db, roundId, { language: 'fr', category: 'government' })).toMatchObject({ total: 2, moreThanTotal: false })
    expect(listQueue(db, roundId, { concern: 'feasibility' })).toMatchObject({ total: 1, moreThanTotal: false })
    // The pages are the same whatever the count: the first page holds the newest of the combination.
    expect(listQueue(db, roundId, combination, null, 3).items).toHaveLength(3)
  })

  it('never shows another round’s comments, drafts or withdrawn comments', async () => {
    const { db, roundId, otherRoundId, ids, otherId } = await setup()
    expect(all(db, roundId)).not.toContain(otherId)
    expect(all(db, otherRoundId)).toEqual([otherId])
    db.update(comments).set({ status: 'withdrawn' }).where(eq(comments.id, ids[0]!)).run()
    expect(all(db, roundId)).not.toContain(ids[0])
    expect(listQueueLanguages(db, roundId)).toEqual(['en', 'es', 'fr'])
  })

  it('pages with a keyset: pages neither overlap nor skip, even when a row changes state in between', async () => {
    const { db, roundId, ids, moderatorId } = await setup()
    const first = listQueue(db, roundId, {}, null, 2)
    expect(first.items.map((item) => item.id)).toEqual(c(ids, 6, 5))
    expect(first.total).toBe(6)
    const second = listQueue(db, roundId, {}, first.nextCursor, 2)
    expect(second.items.map((item) => item.id)).toEqual(c(ids, 4, 3))
    const third = listQueue(db, roundId, {}, second.nextCursor, 2)
    expect(third.items.map((item) => item.id)).toEqual(c(ids, 2, 1))
    expect(third.nextCursor).toBeNull()
    // Reviewing c6 (on page one) while reading page two moves it to the end: it comes once, last.
    confirmConcerns(db, { roundId, keysByComment: new Map([[ids[5]!, []]]), actorId: moderatorId })
    const later = listQueue(db, roundId, {}, second.nextCursor, 2)
    expect(later.items.map((item) => item.id)).toEqual(c(ids, 2, 1))
    const last = listQueue(db, roundId, {}, later.nextCursor, 2)
    expect(last.items.map((item) => item.id)).toEqual(c(ids, 6))
    const walked = all(db, roundId, {}, 4)
    expect(new Set(walked).size).toBe(6)
  })

  it('finds the previous and next comment in the same filtered order', async () => {
    const { db, roundId, ids, moderatorId } = await setup()
    const around = (commentId: number, filters: QueueFilters) => idsAround(neighbours(db, roundId, commentId, filters))
    expect(around(ids[3]!, {})).toEqual({ previous: ids[4], next: ids[2] })
    expect(around(ids[5]!, {})).toEqual({ previous: null, next: ids[4] })
    expect(around(ids[0]!, { language: 'en' })).toEqual({ previous: ids[3], next: null })
    expect(around(ids[3]!, { language: 'en' })).toEqual({ previous: ids[5], next: ids[0] })
    // A comment that no longer matches its filter (just hidden) still has its place in the order.
    hideComment(db, { roundId, commentId: ids[3]!, reason: 'spam', actorId: moderatorId })
    expect(around(ids[5]!, { state: 'unreviewed' }).next).toBe(ids[4])
    expect(around(ids[3]!, { state: 'unreviewed' })).toEqual({ previous: ids[0], next: null })
    expect(neighbours(db, roundId, 999_999, {})).toEqual({ position: null, previous: null, next: null })
  })

  it('goes on from where a comment stood when it was opened, not from where its review moved it', async () => {
    const { db, roundId, ids, moderatorId } = await setup()
    // c2 already reviewed; the moderator opens c4 (third in the queue) and confirms it.
    confirmConcerns(db, { roundId, keysByComment: new Map([[ids[1]!, []]]), actorId: moderatorId })
    const opened = neighbours(db, roundId, ids[3]!, {})
    expect(opened.position).toMatchObject({ rank: 0, id: ids[3] })
    confirmConcerns(db, { roundId, keysByComment: new Map([[ids[3]!, ['privacy']]]), actorId: moderatorId })
    // From its place now (behind every comment still waiting) the next one is a reviewed one …
    const now = neighbours(db, roundId, ids[3]!, {})
    expect(now.position).toMatchObject({ rank: 1, id: ids[3] })
    expect(idsAround(now)).toEqual({ previous: ids[0], next: ids[1] })
    // … from its place when opened, the next one still waiting, and the previous one before it.
    const kept = neighbours(db, roundId, ids[3]!, {}, opened.position)
    expect(kept.position).toEqual(opened.position)
    expect(idsAround(kept)).toEqual({ previous: ids[4], next: ids[2] })
    expect(kept.next).toMatchObject({ rank: 0, id: ids[2] })
    // Under a filter it no longer matches, too.
    expect(idsAround(neighbours(db, roundId, ids[3]!, { state: 'unreviewed' }, opened.position))).toEqual({ previous: ids[4], next: ids[2] })
    expect(idsAround(neighbours(db, roundId, ids[3]!, { state: 'unreviewed' }))).toEqual({ previous: ids[0], next: null })
    // A position that is not this comment's is ignored: another id, another time, or out of the queue.
    const position = opened.position!
    for (const forged of [{ ...position, id: ids[2]! }, { ...position, at: position.at + 1 }]) {
      expect(neighbours(db, roundId, ids[3]!, {}, forged).position, JSON.stringify(forged)).toEqual(now.position)
    }
    // The comment is never its own neighbour, whichever place it is read from: c6, opened first and
    // now the newest confirmed one, would otherwise follow itself among the confirmed.
    confirmConcerns(db, { roundId, keysByComment: new Map([[ids[5]!, []]]), actorId: moderatorId })
    const openedFirst = { rank: 0 as const, at: START + 5 * HOUR, id: ids[5]! }
    expect(idsAround(neighbours(db, roundId, ids[5]!, { state: 'confirmed' }, openedFirst))).toEqual({ previous: null, next: ids[3] })
    // c5 read from behind the queue's waiting part (as if opened while hidden, then restored).
    const behind = neighbours(db, roundId, ids[4]!, {}, { rank: 1, at: START + 4 * HOUR, id: ids[4]! })
    expect(idsAround(behind)).toEqual({ previous: ids[5], next: ids[3] })
  })
})

describe('the review item', () => {
  it('carries the comment in full with its concerns by source, its group and its history', async () => {
    const { db, roundId, ids } = await setup()
    const item = getReviewItem(db, roundId, ids[2]!)!
    expect(item).toMatchObject({
      text: SPECS[2]!.text,
      language: 'es',
      category: 'research',
      countryCode: 'BR',
      authorName: 'Person from brazil',
      moderation: 'visible',
      state: 'unreviewed',
      group: null,
    })
    expect(item.concerns.author.map((tag) => tag.key)).toEqual(['feasibility'])
    expect(item.history).toHaveLength(1)
    expect(item.history[0]).toMatchObject({ revision: 1, status: 'submitted', text: SPECS[2]!.text })
  })

  it('is not found for another round’s comment or an unknown id', async () => {
    const { db, roundId, otherRoundId, otherId, ids } = await setup()
    expect(getReviewItem(db, roundId, otherId)).toBeNull()
    expect(getReviewItem(db, otherRoundId, ids[0]!)).toBeNull()
    expect(getReviewItem(db, roundId, 999_999)).toBeNull()
  })

  it('shows a duplicate group with its size', async () => {
    const { db, roundId, ids, userIds, clauses } = await setup()
    const copy = saveComment(db, {
      roundId,
      userId: userIds.get('france')!,
      now: new Date(START + 10 * HOUR),
      input: { intent: 'submit', clause: String(clauses.get('1')), position: 'support', text: SPECS[0]!.text, concerns: [], consent: 'anonymous' },
    })
    if (!copy.ok) throw new Error(copy.error)
    expect(getReviewItem(db, roundId, copy.commentId)!.group).toMatchObject({ kind: 'exact', size: 2, representativeId: ids[0] })
    expect(listQueue(db, roundId, {}).items.find((item) => item.id === ids[0])!.group).toMatchObject({ size: 2, campaign: false })
  })
})

describe('hiding and restoring', () => {
  it('hides a comment with a reason and note, audited with before and after, off the public pages, told to its author', async () => {
    const { db, roundId, ids, moderatorId, userIds } = await setup()
    const publicIds = () => listPublicComments(db, roundId, {}).comments.map((comment) => comment.id)
    expect(publicIds()).toContain(ids[1])
    const now = new Date(START + 48 * HOUR)
    const hidden = hideComment(db, { roundId, commentId: ids[1]!, reason: 'personal_data', note: '  Names a private person.  ', actorId: moderatorId, now })
    expect(hidden).toEqual({ ok: true })
    expect(publicIds()).not.toContain(ids[1])
    const mine = listMyComments(db, userIds.get('france')!).find((comment) => comment.id === ids[1])!
    expect(mine).toMatchObject({ moderation: 'hidden', hiddenReason: 'personal_data', hiddenNote: 'Names a private person.' })

    const { entries } = listAuditEntries(db, roundId)
    expect(entries[0]).toMatchObject({
      action: 'comment.hide',
      actorId: moderatorId,
      actorName: 'Moderation Team',
      subjectType: 'comment',
      subjectId: String(ids[1]),
      reason: 'personal_data',
      before: { moderation: 'visible', hiddenReason: null, hiddenNote: null },
      after: { moderation: 'hidden', hiddenReason: 'personal_data', hiddenNote: 'Names a private person.' },
    })
    expect(entries[0]!.createdAt.getTime()).toBe(now.getTime())

    const restored = restoreComment(db, { roundId, commentId: ids[1]!, reason: 'appeal', note: 'The name was the author’s own.', actorId: moderatorId })
    expect(restored).toEqual({ ok: true })
    expect(publicIds()).toContain(ids[1])
    expect(getReviewItem(db, roundId, ids[1]!)).toMatchObject({ moderation: 'visible', hiddenReason: null, hiddenNote: null })
    const after = listAuditEntries(db, roundId).entries[0]!
    expect(after).toMatchObject({
      action: 'comment.restore',
      reason: 'appeal',
      before: { moderation: 'hidden', hiddenReason: 'personal_data', hiddenNote: 'Names a private person.' },
      after: { moderation: 'visible', hiddenReason: null, hiddenNote: null, note: 'The name was the author’s own.' },
    })
    expect(verifyAuditLog(db).ok).toBe(true)
  })

  it('keeps a hidden comment in its duplicate group', async () => {
    const { db, roundId, ids, userIds, clauses, moderatorId } = await setup()
    const copy = saveComment(db, {
      roundId,
      userId: userIds.get('brazil')!,
      now: new Date(START + 10 * HOUR),
      input: { intent: 'submit', clause: String(clauses.get('1')), position: 'support', text: SPECS[0]!.text, concerns: [], consent: 'named' },
    })
    if (!copy.ok) throw new Error(copy.error)
    hideComment(db, { roundId, commentId: copy.commentId, reason: 'duplicate', actorId: moderatorId })
    expect(getReviewItem(db, roundId, ids[0]!)!.group).toMatchObject({ size: 2 })
  })

  it('refuses another round’s comment, a missing or unknown reason, an oversize note, and a second hide, changing nothing', async () => {
    const { db, roundId, otherRoundId, ids, otherId, moderatorId } = await setup()
    const state = () => ({
      audit: db.select({ n: sql<number>`count(*)` }).from(auditLog).get()!.n,
      comments: db.select({ id: comments.id, moderation: comments.moderation, reason: comments.hiddenReason }).from(comments).all(),
    })
    const before = state()
    expect(hideComment(db, { roundId, commentId: otherId, reason: 'spam', actorId: moderatorId })).toEqual({ ok: false, error: 'commentUnknown' })
    expect(hideComment(db, { roundId: otherRoundId, commentId: ids[0]!, reason: 'spam', actorId: moderatorId })).toEqual({
      ok: false,
      error: 'commentUnknown',
    })
    expect(hideComment(db, { roundId, commentId: ids[0]!, reason: '', actorId: moderatorId })).toEqual({ ok: false, error: 'reasonInvalid' })
    expect(hideComment(db, { roundId, commentId: ids[0]!, reason: 'boring', actorId: moderatorId })).toEqual({ ok: false, error: 'reasonInvalid' })
    expect(hideComment(db, { roundId, commentId: ids[0]!, reason: 'spam', note: 'x'.repeat(NOTE_MAX + 1), actorId: moderatorId })).toEqual({
      ok: false,
      error: 'noteTooLong',
    })
    expect(restoreComment(db, { roundId, commentId: ids[0]!, reason: 'mistake', actorId: moderatorId })).toEqual({ ok: false, error: 'notHidden' })
    expect(state()).toEqual(before)

    expect(hideComment(db, { roundId, commentId: ids[0]!, reason: 'spam', actorId: moderatorId }).ok).toBe(true)
    const once = state()
    expect(hideComment(db, { roundId, commentId: ids[0]!, reason: 'abuse', actorId: moderatorId })).toEqual({ ok: false, error: 'alreadyHidden' })
    expect(restoreComment(db, { roundId, commentId: ids[0]!, reason: 'spam', actorId: moderatorId })).toEqual({ ok: false, error: 'reasonInvalid' })
    expect(restoreComment(db, { roundId: otherRoundId, commentId: ids[0]!, reason: 'mistake', actorId: moderatorId })).toEqual({
      ok: false,
      error: 'commentUnknown',
    })
    expect(state()).toEqual(once)
  })

  it('validates the forms with messages the reader can be shown', () => {
    expect(hideSchema.safeParse({}).error?.issues.map((issue) => issue.message)).toEqual(['errors.hideReason'])
    expect(hideSchema.safeParse({ reason: 'spam', note: '字'.repeat(NOTE_MAX) }).success).toBe(true)
    expect(hideSchema.safeParse({ reason: 'spam', note: '字'.repeat(NOTE_MAX + 1) }).error?.issues[0]!.message).toBe('errors.noteTooLong')
    expect(restoreSchema.safeParse({ reason: 'spam' }).error?.issues[0]!.message).toBe('errors.restoreReason')
    expect(readIntent('hide-next')).toEqual({ action: 'hide', next: true })
    expect(readIntent('confirm')).toEqual({ action: 'confirm', next: false })
    expect(readIntent('delete')).toBeNull()
  })
})

describe('public moderation figures', () => {
  it('counts hidden comments of the round by reason, restored ones not', async () => {
    const { db, roundId, otherRoundId, ids, otherId, moderatorId } = await setup()
    expect(publicModerationFigures(db, roundId).total).toBe(0)
    hideComment(db, { roundId, commentId: ids[0]!, reason: 'spam', actorId: moderatorId })
    hideComment(db, { roundId, commentId: ids[1]!, reason: 'spam', actorId: moderatorId })
    hideComment(db, { roundId, commentId: ids[2]!, reason: 'abuse', actorId: moderatorId })
    hideComment(db, { roundId, commentId: ids[3]!, reason: 'off_topic', actorId: moderatorId })
    restoreComment(db, { roundId, commentId: ids[3]!, reason: 'mistake', actorId: moderatorId })
    hideComment(db, { roundId: otherRoundId, commentId: otherId, reason: 'duplicate', actorId: moderatorId })
    expect(publicModerationFigures(db, roundId)).toEqual({
      total: 3,
      byReason: [
        { reason: 'spam', count: 2 },
        { reason: 'abuse', count: 1 },
        { reason: 'personal_data', count: 0 },
        { reason: 'off_topic', count: 0 },
        { reason: 'duplicate', count: 0 },
      ],
    })
  })
})

describe('the audit log listing', () => {
  it('lists the round’s entries newest first in pages that do not overlap', async () => {
    const { db, roundId, otherRoundId, ids, otherId, moderatorId } = await setup()
    for (const id of ids) hideComment(db, { roundId, commentId: id, reason: 'spam', actorId: moderatorId })
    hideComment(db, { roundId: otherRoundId, commentId: otherId, reason: 'spam', actorId: moderatorId })
    const first = listAuditEntries(db, roundId, null, 4)
    expect(first.entries.map((entry) => entry.subjectId)).toEqual(c(ids, 6, 5, 4, 3).map(String))
    const second = listAuditEntries(db, roundId, first.nextBefore, 4)
    expect(second.entries.map((entry) => entry.subjectId)).toEqual(c(ids, 2, 1).map(String))
    expect(second.nextBefore).toBeNull()
  })
})

describe('queue filters in the URL', () => {
  it('reads a review URL’s position in the queue, and ignores a malformed one', () => {
    expect(readReviewPosition(new URLSearchParams('state=hidden&at=1-1700000000000-12'))).toEqual({ rank: 1, at: 1_700_000_000_000, id: 12 })
    for (const bad of ['', 'at=', 'at=2-1-1', 'at=0-1', 'at=0-1-1-1', 'at=0-%2D5-1', 'at=0-1e3-1', `at=0-${'9'.repeat(16)}-1`, 'at=0-1-1%27']) {
      expect(readReviewPosition(new URLSearchParams(bad)), bad).toBeNull()
    }
  })

  it('reads valid filters and a cursor, and refuses tampered ones', () => {
    const good = readQueueFilters(new URLSearchParams('clause=whole&category=research&region=019&language=pt-BR&concern=privacy&state=suggested&after=0-1700000000000-12'))
    expect(good.parsed.success && good.parsed.data).toEqual({
      clause: 'whole',
      category: 'research',
      region: '019',
      language: 'pt-BR',
      concern: 'privacy',
      state: 'suggested',
      after: { rank: 0, at: 1_700_000_000_000, id: 12 },
    })
    for (const bad of ['clause=1%20or%201', 'category=pirates', 'region=EU', 'language=<script>', 'concern=Privacy!', 'state=deleted', 'after=2-1-1']) {
      expect(readQueueFilters(new URLSearchParams(bad)).parsed.success, bad).toBe(false)
    }
    expect(queueSearch({ state: 'hidden', clause: '3', after: '0-1-1' }, { after: '1-2-3' })).toBe('?clause=3&state=hidden&after=1-2-3')
    expect(queueSearch({})).toBe('')
  })

  it('cuts long texts into excerpts at a word, never inside a character', () => {
    expect(excerpt('short text')).toBe('short text')
    const long = `${'word '.repeat(100)}`
    expect(excerpt(long, 22)).toBe('word word word word…')
    expect(excerpt('😀'.repeat(30), 10)).toBe(`${'😀'.repeat(10)}…`)
  })
})
