import { eq, sql } from 'drizzle-orm'
import { auditLog, commentConcerns, comments } from '#db/schema/index'
import { signupSchema } from '~/modules/accounts/accounts.schema'
import { createUser } from '~/modules/accounts/accounts.server'
import { saveComment } from '~/modules/comments/comments.server'
import { confirmConcerns } from '~/modules/concerns/concerns.server'
import { createNorm } from '~/modules/norms/norms.server'
import { createRound } from '~/modules/rounds/rounds.server'
import { createTestDb } from '~/test/db'
import type * as DbModule from '~/utils/db.server'
import type { Db } from '~/utils/db.server'
import { action as reviewAction, loader as reviewLoader } from './moderate.rounds.$roundId.queue.$commentId'
import { loader as queueLoader } from './moderate.rounds.$roundId.queue._index'

// The routes read the process-wide client and the signed-in user; here they are each test's own.
const state = vi.hoisted(() => ({ db: null as Db | null, userId: '' }))
vi.mock('~/utils/db.server', async (importOriginal) => {
  const actual = await importOriginal<typeof DbModule>()
  return {
    ...actual,
    get db() {
      return state.db ?? actual.db
    },
  }
})
vi.mock('~/utils/auth.server', () => ({
  requireRole: async () => ({ id: state.userId, role: 'moderator' }),
}))

const HOUR = 3_600_000
const CONTEXT = { cspNonce: '' }

async function setup() {
  const db = createTestDb()
  state.db = db
  const person = async (email: string, category: 'civil_society' | 'other') => {
    const created = await createUser(
      db,
      signupSchema.parse({ email, password: 'a long enough password', displayName: email, category, country: 'KE', language: 'en' }),
    )
    if (!created.ok) throw new Error('user')
    return created.userId
  }
  const authorId = await person('author@example.org', 'civil_society')
  state.userId = await person('moderator@example.org', 'other')
  const versionId = createNorm(
    db,
    { sourceLanguage: 'en', title: 'N', preamble: '', clauses: [{ label: '1', heading: null, text: 'One.' }] },
    null,
  )
  const roundOf = () => {
    const round = createRound(
      db,
      { versionId, title: 'R', opensAt: new Date(Date.now() - 10 * HOUR), closesAt: new Date(Date.now() + HOUR), eligibleCategories: ['civil_society'] },
      null,
    )
    if (!round.ok) throw new Error('round')
    return round.roundId
  }
  const roundId = roundOf()
  const otherRoundId = roundOf()
  const submit = (round: number, text: string, hoursAgo: number) => {
    const saved = saveComment(db, {
      roundId: round,
      userId: authorId,
      now: new Date(Date.now() - hoursAgo * HOUR),
      input: { intent: 'submit', clause: 'whole', position: 'support', text, concerns: [], consent: 'named', language: 'en' },
    })
    if (!saved.ok) throw new Error(saved.error)
    return saved.commentId
  }
  // Oldest first: the queue shows them newest first.
  const plain = submit(roundId, 'A plain remark on the draft as a whole.', 3)
  const privacy = submit(roundId, 'Privacy and personal data need protection.', 2)
  const newest = submit(roundId, 'The newest remark, about nothing in particular.', 1)
  const foreign = submit(otherRoundId, 'A remark in the other round.', 1)
  return { db, roundId, otherRoundId, plain, privacy, newest, foreign, submit }
}

/** A comment's review URL parameter for its place in the queue: waiting (0) or decided (1), time, id. */
function at(db: Db, commentId: number, rank: 0 | 1 = 0) {
  const row = db.select({ submittedAt: comments.submittedAt }).from(comments).where(eq(comments.id, commentId)).get()!
  return `at=${rank}-${row.submittedAt!.getTime()}-${commentId}`
}

function post(path: string, fields: Record<string, string | string[]>, language = 'fr') {
  const body = new URLSearchParams()
  for (const [name, value] of Object.entries(fields)) for (const item of [value].flat()) body.append(name, item)
  return new Request(`http://localhost${path}`, {
    method: 'POST',
    body,
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'Accept-Language': language },
  })
}

function get(path: string, language = 'fr') {
  return new Request(`http://localhost${path}`, { headers: { 'Accept-Language': language } })
}

async function thrown(promise: Promise<unknown>) {
  try {
    await promise
  } catch (error) {
    return error as Response
  }
  throw new Error('nothing was thrown')
}

type Reply = { data: { form: string; result: { error?: Record<string, string[] | null> } }; init: { status: number } }

function snapshot(db: Db) {
  return {
    comments: db.select({ id: comments.id, moderation: comments.moderation, reason: comments.hiddenReason, review: comments.reviewState }).from(comments).all(),
    concerns: db.select({ n: sql<number>`count(*)` }).from(commentConcerns).get()!.n,
    audit: db.select({ n: sql<number>`count(*)` }).from(auditLog).get()!.n,
  }
}

describe('the review view’s actions', () => {
  it('hides and goes on to the next comment of the same filtered queue, keeping the filters', async () => {
    const { db, roundId, newest, privacy } = await setup()
    const path = `/moderate/rounds/${roundId}/queue/${newest}?state=unreviewed&${at(db, newest)}`
    const response = (await reviewAction({
      request: post(path, { intent: 'hide-next', reason: 'off_topic', note: 'Nothing about the draft.' }),
      params: { roundId: String(roundId), commentId: String(newest) },
      context: CONTEXT,
    })) as Response
    expect(response.status).toBe(302)
    expect(response.headers.get('Location')).toBe(`/moderate/rounds/${roundId}/queue/${privacy}?state=unreviewed&${at(db, privacy)}`)
    expect(db.select().from(comments).where(eq(comments.id, newest)).get()).toMatchObject({
      moderation: 'hidden',
      hiddenReason: 'off_topic',
      hiddenNote: 'Nothing about the draft.',
    })
  })

  it('goes back to the queue after the last comment, and stays on the comment with plain "save"', async () => {
    const { db, roundId, plain, privacy } = await setup()
    const last = (await reviewAction({
      request: post(`/moderate/rounds/${roundId}/queue/${plain}`, { intent: 'concerns-next', concern: ['feasibility', 'privacy'] }),
      params: { roundId: String(roundId), commentId: String(plain) },
      context: CONTEXT,
    })) as Response
    expect(last.headers.get('Location')).toBe(`/moderate/rounds/${roundId}/queue`)
    const stay = (await reviewAction({
      request: post(`/moderate/rounds/${roundId}/queue/${privacy}?language=en`, { intent: 'confirm' }),
      params: { roundId: String(roundId), commentId: String(privacy) },
      context: CONTEXT,
    })) as Response
    // Where it stood before it was confirmed: next and previous go on from there.
    expect(stay.headers.get('Location')).toBe(`/moderate/rounds/${roundId}/queue/${privacy}?language=en&${at(db, privacy)}`)
  })

  it('answers 400 with a message for a missing reason, an unknown concern, no suggestion to confirm or an unknown intent, changing nothing', async () => {
    const { db, roundId, plain } = await setup()
    const before = snapshot(db)
    const params = { roundId: String(roundId), commentId: String(plain) }
    const path = `/moderate/rounds/${roundId}/queue/${plain}`
    const cases: [Record<string, string | string[]>, string, string][] = [
      [{ intent: 'hide', reason: '' }, 'reason', 'errors.hideReason'],
      [{ intent: 'hide', reason: 'spam', note: 'x'.repeat(1001) }, 'note', 'errors.noteTooLong'],
      [{ intent: 'restore', reason: 'mistake' }, '', 'errors.notHidden'],
      [{ intent: 'concerns', concern: ['privacy', 'no_such_concern'] }, '', 'errors.concernUnknown'],
      [{ intent: 'confirm' }, '', 'errors.noSuggestions'],
      [{ intent: 'delete' }, '', 'errors.intent'],
    ]
    for (const [fields, field, message] of cases) {
      const reply = (await reviewAction({ request: post(path, fields), params, context: CONTEXT })) as unknown as Reply
      expect(reply.init.status, JSON.stringify(fields)).toBe(400)
      expect(reply.data.result.error?.[field], JSON.stringify(fields)).toEqual([message])
    }
    expect(snapshot(db)).toEqual(before)
  })

  it('answers 404 for another round’s comment or an unknown one, and 400 for tampered filters, changing nothing', async () => {
    const { db, roundId, otherRoundId, foreign, plain } = await setup()
    const before = snapshot(db)
    const hide = { intent: 'hide', reason: 'spam' }
    const other = await thrown(
      reviewAction({ request: post(`/moderate/rounds/${roundId}/queue/${foreign}`, hide), params: { roundId: String(roundId), commentId: String(foreign) }, context: CONTEXT }),
    )
    expect(other.status).toBe(404)
    const swapped = await thrown(
      reviewAction({
        request: post(`/moderate/rounds/${otherRoundId}/queue/${plain}`, hide),
        params: { roundId: String(otherRoundId), commentId: String(plain) },
        context: CONTEXT,
      }),
    )
    expect(swapped.status).toBe(404)
    const garbage = await thrown(
      reviewAction({ request: post(`/moderate/rounds/${roundId}/queue/1e3`, hide), params: { roundId: String(roundId), commentId: '1e3' }, context: CONTEXT }),
    )
    expect(garbage.status).toBe(404)
    const tampered = await thrown(
      reviewAction({
        request: post(`/moderate/rounds/${roundId}/queue/${plain}?state=deleted`, hide),
        params: { roundId: String(roundId), commentId: String(plain) },
        context: CONTEXT,
      }),
    )
    expect(tampered.status).toBe(400)
    expect(snapshot(db)).toEqual(before)
    const view = await thrown(reviewLoader({ request: get(`/moderate/rounds/${roundId}/queue/${foreign}`), params: { roundId: String(roundId), commentId: String(foreign) }, context: CONTEXT }))
    expect(view.status).toBe(404)
  })
})

describe('the review view', () => {
  it('shows suggestions as suggestions, with previous and next links that carry the filters', async () => {
    const { db, roundId, privacy, plain, newest } = await setup()
    const data = await reviewLoader({
      request: get(`/moderate/rounds/${roundId}/queue/${privacy}?language=en`, 'en'),
      params: { roundId: String(roundId), commentId: String(privacy) },
      context: CONTEXT,
    })
    expect(data.previousHref).toBe(`/moderate/rounds/${roundId}/queue/${newest}?language=en&${at(db, newest)}`)
    expect(data.nextHref).toBe(`/moderate/rounds/${roundId}/queue/${plain}?language=en&${at(db, plain)}`)
    expect(data.formAction).toBe(`/moderate/rounds/${roundId}/queue/${privacy}?language=en&${at(db, privacy)}`)
    expect(data.comment.suggested.map((tag) => tag.label)).toContain('Privacy and data protection')
    expect(data.comment.moderator).toEqual([])
    expect(data.comment.state).toBe('suggested')
    const privacyChoice = data.choices.find((choice) => choice.key === 'privacy')!
    expect(privacyChoice).toMatchObject({ suggested: expect.stringMatching(/%$/) as unknown as string, decided: false })
  })

  /** Opens a comment from the queue page as a moderator would: by its link in the list. */
  async function openFromQueue(roundId: number, commentId: number, search = '') {
    const page = await queueLoader({ request: get(`/moderate/rounds/${roundId}/queue${search}`), params: { roundId: String(roundId) }, context: CONTEXT })
    if (!('items' in page)) throw new Error('queue page refused')
    return page.items.find((item) => item.id === commentId)!.href
  }

  const review = (roundId: number, commentId: number, href: string) =>
    reviewLoader({ request: get(href, 'en'), params: { roundId: String(roundId), commentId: String(commentId) }, context: CONTEXT })

  it('after confirming a comment, next goes on to the next comment still waiting, not to a reviewed one', async () => {
    const { db, roundId, plain, privacy, newest, submit } = await setup()
    const older = submit(roundId, 'Retention periods for logs should be short.', 4)
    // plain was already reviewed: the queue reads newest, privacy, older, then plain.
    confirmConcerns(db, { roundId, keysByComment: new Map([[plain, []]]), actorId: state.userId })
    const path = (id: number) => `/moderate/rounds/${roundId}/queue/${id}`

    const href = await openFromQueue(roundId, privacy)
    expect(href).toBe(`${path(privacy)}?${at(db, privacy)}`)
    expect((await review(roundId, privacy, href)).nextHref).toBe(`${path(older)}?${at(db, older)}`)

    // Key C: confirm the suggestions and stay on the comment.
    const confirmed = (await reviewAction({
      request: post(href, { intent: 'confirm' }),
      params: { roundId: String(roundId), commentId: String(privacy) },
      context: CONTEXT,
    })) as Response
    expect(confirmed.status).toBe(302)
    expect(confirmed.headers.get('Location')).toBe(href)
    expect(db.select({ review: comments.reviewState }).from(comments).where(eq(comments.id, privacy)).get()!.review).toBe('reviewed')

    // Key J: next is the older comment still waiting, not plain (reviewed); previous is still newest.
    const after = await review(roundId, privacy, confirmed.headers.get('Location')!)
    expect(after.comment.state).toBe('confirmed')
    expect(after.nextHref).toBe(`${path(older)}?${at(db, older)}`)
    expect(after.previousHref).toBe(`${path(newest)}?${at(db, newest)}`)
    // Opened afresh, without its place, it stands among the reviewed ones: next is plain.
    expect((await review(roundId, privacy, path(privacy))).nextHref).toBe(`${path(plain)}?${at(db, plain, 1)}`)
  })

  it('after hiding a comment in a queue filtered to unreviewed ones, next and previous keep to that queue', async () => {
    const { db, roundId, plain, privacy, newest } = await setup()
    const href = await openFromQueue(roundId, privacy, '?state=unreviewed')
    expect(href).toBe(`/moderate/rounds/${roundId}/queue/${privacy}?state=unreviewed&${at(db, privacy)}`)
    const hidden = (await reviewAction({
      request: post(href, { intent: 'hide', reason: 'off_topic' }),
      params: { roundId: String(roundId), commentId: String(privacy) },
      context: CONTEXT,
    })) as Response
    expect(hidden.headers.get('Location')).toBe(href)
    const after = await review(roundId, privacy, href)
    expect(after.comment.moderation).toBe('hidden')
    expect(after.nextHref).toBe(`/moderate/rounds/${roundId}/queue/${plain}?state=unreviewed&${at(db, plain)}`)
    expect(after.previousHref).toBe(`/moderate/rounds/${roundId}/queue/${newest}?state=unreviewed&${at(db, newest)}`)
    expect(after.queueHref).toBe(`/moderate/rounds/${roundId}/queue?state=unreviewed#queue-title`)
  })

  it('ignores a malformed or forged place in the queue, using the comment’s place now, and never fails', async () => {
    const { db, roundId, plain, privacy, newest } = await setup()
    confirmConcerns(db, { roundId, keysByComment: new Map([[privacy, ['privacy']]]), actorId: state.userId })
    const path = `/moderate/rounds/${roundId}/queue/${privacy}`
    const now = `${path}?${at(db, privacy, 1)}`
    const time = at(db, privacy).split('-')[1]!
    const forged = ['at=garbage', 'at=2-1-1', `at=0-${time}-${newest}`, `at=0-${Number(time) + 1}-${privacy}`, `at=0-${'9'.repeat(15)}-${privacy}`, 'at=0-1-1%00']
    for (const param of forged) {
      const data = await review(roundId, privacy, `${path}?${param}`)
      expect(data.formAction, param).toBe(now)
      expect(data.previousHref, param).toBe(`/moderate/rounds/${roundId}/queue/${plain}?${at(db, plain)}`)
      expect(data.nextHref, param).toBeNull()
      const saved = (await reviewAction({
        request: post(`${path}?${param}`, { intent: 'concerns', concern: ['privacy'] }),
        params: { roundId: String(roundId), commentId: String(privacy) },
        context: CONTEXT,
      })) as Response
      expect(saved.status, param).toBe(302)
      expect(saved.headers.get('Location'), param).toBe(now)
    }
  })
})

describe('the queue page', () => {
  it('lists the round’s comments newest first and answers unknown filters with 400, naming each', async () => {
    const { roundId, plain, privacy, newest, foreign } = await setup()
    const page = await queueLoader({ request: get(`/moderate/rounds/${roundId}/queue`), params: { roundId: String(roundId) }, context: CONTEXT })
    expect('items' in page && page.items.map((item) => item.id)).toEqual([newest, privacy, plain])
    expect('items' in page && page.items[0]!.href).toMatch(new RegExp(`^/moderate/rounds/${roundId}/queue/${newest}\\?at=0-\\d+-${newest}$`))
    expect(JSON.stringify(page)).not.toContain(`/queue/${foreign}`)
    const bad = (await queueLoader({
      request: get(`/moderate/rounds/${roundId}/queue?concern=nope&region=999`),
      params: { roundId: String(roundId) },
      context: CONTEXT,
    })) as unknown as { data: { errors: { name: string; message: string }[] }; init: { status: number } }
    expect(bad.init.status).toBe(400)
    expect(bad.data.errors).toEqual([
      { name: 'region', message: 'errors.filterRegion' },
      { name: 'concern', message: 'errors.filterConcern' },
    ])
  })
})
