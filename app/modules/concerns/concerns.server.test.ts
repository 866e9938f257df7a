import { and, eq } from 'drizzle-orm'
import { commentConcerns, comments, concernModels, concerns } from '#db/schema/index'
import { signupSchema } from '~/modules/accounts/accounts.schema'
import { createUser } from '~/modules/accounts/accounts.server'
import { saveComment } from '~/modules/comments/comments.server'
import { verifyAuditLog } from '~/modules/moderation/audit.server'
import { createNorm } from '~/modules/norms/norms.server'
import { createRound } from '~/modules/rounds/rounds.server'
import { createTestDb } from '~/test/db'
import type { Db } from '~/utils/db.server'
import { confirmConcerns, loadModel, refreshModel, suggestedKeys } from './concerns.server'

async function setup() {
  const db = createTestDb()
  const user = await createUser(
    db,
    signupSchema.parse({
      email: 'lin@example.org',
      password: 'a long enough password',
      displayName: 'Lin',
      category: 'research',
      country: 'SG',
      language: 'zh',
    }),
  )
  if (!user.ok) throw new Error('user')
  const versionId = createNorm(db, { sourceLanguage: 'en', title: 'N', preamble: '', clauses: [{ label: '1', heading: null, text: 'x' }] }, null)
  const round = createRound(
    db,
    { versionId, title: 'R', opensAt: new Date(Date.now() - 1000), closesAt: new Date(Date.now() + 3_600_000), eligibleCategories: ['research'] },
    null,
  )
  if (!round.ok) throw new Error('round')
  return { db, userId: user.userId, roundId: round.roundId }
}

function submit(db: Db, roundId: number, userId: string, text: string, language?: string) {
  const result = saveComment(db, {
    roundId,
    userId,
    input: { intent: 'submit', clause: 'whole', position: 'amend', text, concerns: [], consent: 'anonymous', language },
  })
  if (!result.ok) throw new Error(result.error)
  return result.commentId
}

describe('concern suggestions', () => {
  it('keeps each database’s model apart, though two databases number their rounds alike', async () => {
    const first = await setup()
    const second = await setup()
    expect(second.roundId).toBe(first.roundId)
    // A round asked for before it exists gets no model that outlives its creation.
    expect(loadModel(first.db, first.roundId + 1).taxonomy).toEqual([])
    const versionId = first.db.$client.prepare('select version_id from rounds where id = ?').pluck().get(first.roundId) as number
    const next = createRound(
      first.db,
      { versionId, title: 'R2', opensAt: new Date(Date.now() - 1000), closesAt: new Date(Date.now() + 3_600_000), eligibleCategories: ['research'] },
      null,
    )
    if (!next.ok) throw new Error('round')
    expect(next.roundId).toBe(first.roundId + 1)
    let untrained = loadModel(first.db, next.roundId)
    expect(untrained.taxonomy.map((entry) => entry.key)).toContain('privacy')
    // A round is created with its model stored; a database from before that has none, and the
    // model built from the round's taxonomy is kept while the taxonomy stays.
    expect(first.db.select().from(concernModels).where(eq(concernModels.roundId, next.roundId)).get()).toBeDefined()
    first.db.delete(concernModels).where(eq(concernModels.roundId, next.roundId)).run()
    untrained = loadModel(first.db, next.roundId)
    expect(loadModel(first.db, next.roundId)).toBe(untrained)
    first.db.delete(concerns).where(and(eq(concerns.roundId, next.roundId), eq(concerns.key, 'security_stability'))).run()
    expect(loadModel(first.db, next.roundId).taxonomy.map((entry) => entry.key)).not.toContain('security_stability')
    // The first database's round loses its privacy concern; the second keeps its own.
    first.db.delete(concerns).where(and(eq(concerns.roundId, first.roundId), eq(concerns.key, 'privacy'))).run()
    refreshModel(first.db, first.roundId)
    expect(loadModel(first.db, first.roundId).taxonomy.map((entry) => entry.key)).not.toContain('privacy')
    expect(loadModel(second.db, second.roundId).taxonomy.map((entry) => entry.key)).toContain('privacy')
    const watching = submit(second.db, second.roundId, second.userId, 'Bulk surveillance of personal data must end.', 'en')
    expect(suggestedKeys(second.db, second.roundId, [watching]).get(watching)).toContain('privacy')
  })

  it('suggests concerns with scores the moment a comment arrives, in Chinese and Arabic too', async () => {
    const { db, userId, roundId } = await setup()
    const zh = submit(db, roundId, userId, '执法部门获取加密通信的规定会削弱隐私和个人数据保护，也威胁人权。', 'zh')
    const ar = submit(db, roundId, userId, 'نطالب بتعزيز بناء القدرات والتدريب في البلدان النامية قبل فرض هذه الالتزامات.', 'ar')
    expect(suggestedKeys(db, roundId, [zh]).get(zh)).toContain('privacy')
    expect(suggestedKeys(db, roundId, [ar]).get(ar)).toContain('capacity_building')
    const scores = db
      .select({ score: commentConcerns.score })
      .from(commentConcerns)
      .where(and(eq(commentConcerns.commentId, zh), eq(commentConcerns.source, 'suggested')))
      .all()
    for (const { score } of scores) expect(score).toBeGreaterThan(0)
  })

  it('records a moderator decision apart from the suggestion, learns from it and logs it', async () => {
    const { db, userId, roundId } = await setup()
    const id = submit(db, roundId, userId, 'The 72-hour deadline is unrealistic for small operators and will raise their costs.')
    const before = suggestedKeys(db, roundId, [id]).get(id)!
    const result = confirmConcerns(db, { roundId, keysByComment: new Map([[id, ['feasibility']]]), actorId: userId, reason: null })
    expect(result).toEqual({ ok: true, changed: 1 })
    const rows = db
      .select({ source: commentConcerns.source, key: concerns.key })
      .from(commentConcerns)
      .innerJoin(concerns, eq(concerns.id, commentConcerns.concernId))
      .where(eq(commentConcerns.commentId, id))
      .all()
    expect(rows.filter((r) => r.source === 'moderator').map((r) => r.key)).toEqual(['feasibility'])
    expect(rows.filter((r) => r.source === 'suggested').map((r) => r.key).sort()).toEqual([...before].sort())
    expect(db.select().from(comments).where(eq(comments.id, id)).get()!.reviewState).toBe('reviewed')
    expect(loadModel(db, roundId).docs).toBe(1)
    expect(db.select().from(concernModels).get()!.examples).toBe(1)
    expect(verifyAuditLog(db)).toMatchObject({ ok: true, entries: 1 })

    // Changing the decision corrects the model rather than counting the comment twice.
    confirmConcerns(db, { roundId, keysByComment: new Map([[id, ['economic_impact']]]), actorId: userId })
    const model = loadModel(db, roundId)
    expect(model.docs).toBe(1)
    expect(model.concerns.feasibility?.docs ?? 0).toBe(0)
    expect(model.concerns.economic_impact?.docs).toBe(1)
  })

  it('refuses unknown concerns and comments of another round, changing nothing', async () => {
    const { db, userId, roundId } = await setup()
    const id = submit(db, roundId, userId, 'Transparency reports should be published every year by every state.')
    expect(confirmConcerns(db, { roundId, keysByComment: new Map([[id, ['astrology']]]), actorId: userId })).toEqual({
      ok: false,
      error: 'concernUnknown',
    })
    expect(confirmConcerns(db, { roundId: roundId + 1, keysByComment: new Map([[id, ['other']]]), actorId: userId })).toEqual({
      ok: false,
      error: 'commentUnknown',
    })
    expect(db.select().from(commentConcerns).where(eq(commentConcerns.source, 'moderator')).all()).toHaveLength(0)
    expect(loadModel(db, roundId).docs).toBe(0)
  })
})
