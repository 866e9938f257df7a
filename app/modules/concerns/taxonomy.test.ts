import { and, asc, eq } from 'drizzle-orm'
import { auditLog, commentConcerns, concerns } from '#db/schema/index'
import { createUser } from '~/modules/accounts/accounts.server'
import { saveComment } from '~/modules/comments/comments.server'
import { verifyAuditLog } from '~/modules/moderation/audit.server'
import { createNorm } from '~/modules/norms/norms.server'
import { createRound } from '~/modules/rounds/rounds.server'
import { createTestDb } from '~/test/db'
import type { Db } from '~/utils/db.server'
import { confirmConcerns, loadModel, suggestedKeys } from './concerns.server'
import { addConcernSchema, taxonomyFileProblems, taxonomyFileSchema } from './concerns.schema'
import {
  addConcern,
  confirmedComments,
  listTaxonomy,
  mergeConcerns,
  renameConcern,
  setConcernKeywords,
  setRoundTaxonomy,
  splitConcern,
} from './taxonomy.server'

function newRound(db: Db, title = 'R') {
  const versionId = createNorm(db, { sourceLanguage: 'en', title: 'N', preamble: '', clauses: [{ label: '1', heading: null, text: 'x' }] }, null)
  const round = createRound(
    db,
    { versionId, title, opensAt: new Date(Date.now() - 1000), closesAt: new Date(Date.now() + 3_600_000), eligibleCategories: ['research'] },
    null,
  )
  if (!round.ok) throw new Error('round')
  return round.roundId
}

async function setup() {
  const db = createTestDb()
  const user = await createUser(db, {
    email: 'lin@example.org',
    password: 'a long enough password',
    displayName: 'Lin',
    category: 'research',
    country: 'SG',
    language: 'en',
  })
  if (!user.ok) throw new Error('user')
  return { db, userId: user.userId, roundId: newRound(db) }
}

function submit(db: Db, roundId: number, userId: string, text: string, concernKeys: string[] = []) {
  const result = saveComment(db, {
    roundId,
    userId,
    input: { intent: 'submit', clause: 'whole', position: 'amend', text, concerns: concernKeys, consent: 'anonymous', language: 'en' },
  })
  if (!result.ok) throw new Error(result.error)
  return result.commentId
}

/** Every label of the round's comments as "comment:key:source", sorted. */
function labels(db: Db, roundId: number) {
  return db
    .select({ commentId: commentConcerns.commentId, key: concerns.key, source: commentConcerns.source })
    .from(commentConcerns)
    .innerJoin(concerns, eq(concerns.id, commentConcerns.concernId))
    .where(eq(concerns.roundId, roundId))
    .all()
    .map((row) => `${row.commentId}:${row.key}:${row.source}`)
    .sort()
}

function snapshot(db: Db, roundId: number) {
  return {
    concerns: db.select().from(concerns).where(eq(concerns.roundId, roundId)).orderBy(asc(concerns.id)).all(),
    labels: labels(db, roundId),
    audit: db.select({ id: auditLog.id }).from(auditLog).all().length,
  }
}

function lastAudit(db: Db) {
  return db.select().from(auditLog).orderBy(asc(auditLog.id)).all().at(-1)!
}

const keys = (db: Db, roundId: number) => listTaxonomy(db, roundId).map((concern) => concern.key)

describe('adding a concern', () => {
  it('adds it at the end, audits it, and suggests it for undecided comments at once', async () => {
    const { db, userId, roundId } = await setup()
    const pending = submit(db, roundId, userId, 'Gender equality must be reflected in every capacity programme.')
    const decided = submit(db, roundId, userId, 'Gender equality again, but a moderator already decided this one.')
    confirmConcerns(db, { roundId, keysByComment: new Map([[decided, ['other']]]), actorId: userId })
    expect(suggestedKeys(db, roundId, [pending]).get(pending)).not.toContain('gender')

    const result = addConcern(db, {
      roundId,
      actorId: userId,
      reason: 'Raised by many participants',
      concern: { key: 'gender', labels: { en: 'Gender', fr: 'Genre' }, keywords: { en: ['gender equality'] } },
    })
    expect(result).toEqual({ ok: true, key: 'gender' })
    expect(keys(db, roundId).at(-1)).toBe('gender')
    const stored = listTaxonomy(db, roundId).find((concern) => concern.key === 'gender')!
    expect(stored.labels).toEqual({ en: 'Gender', fr: 'Genre' })
    expect(stored.keywords).toEqual({ en: ['gender equality'] })
    expect(loadModel(db, roundId).taxonomy.map((entry) => entry.key)).toContain('gender')
    expect(suggestedKeys(db, roundId, [pending]).get(pending)).toContain('gender')
    // A decided comment keeps the suggestions it had when the moderator decided.
    expect(suggestedKeys(db, roundId, [decided]).get(decided)).not.toContain('gender')
    expect(lastAudit(db)).toMatchObject({
      action: 'concern.add',
      actorId: userId,
      subjectType: 'concern',
      subjectId: 'gender',
      reason: 'Raised by many participants',
      before: null,
      after: { key: 'gender', labels: { en: 'Gender', fr: 'Genre' }, keywords: { en: ['gender equality'] } },
    })
    expect(verifyAuditLog(db).ok).toBe(true)
  })

  it('refuses a key the round already has, and an unknown round, changing nothing', async () => {
    const { db, userId, roundId } = await setup()
    const before = snapshot(db, roundId)
    const concern = { key: 'privacy', labels: { en: 'Privacy again' }, keywords: {} }
    expect(addConcern(db, { roundId, actorId: userId, concern })).toEqual({ ok: false, error: 'keyTaken' })
    expect(addConcern(db, { roundId: roundId + 100, actorId: userId, concern: { ...concern, key: 'fresh' } })).toEqual({
      ok: false,
      error: 'roundUnknown',
    })
    expect(snapshot(db, roundId)).toEqual(before)
  })

  it('checks keys and labels in the form schema', () => {
    const parse = (key: string, en?: string) => addConcernSchema.safeParse({ intent: 'add', key, labels: { en } })
    expect(parse('  data_flows ', 'Data flows')).toMatchObject({ success: true, data: { key: 'data_flows' } })
    const messages = (result: ReturnType<typeof parse>) => (result.success ? [] : result.error.issues.map((issue) => issue.message))
    expect(messages(parse('Data Flows', 'x'))).toEqual(['errors.keyFormat'])
    expect(messages(parse('taxonomy', 'x'))).toEqual(['errors.keyReserved'])
    expect(messages(parse('a'.repeat(41), 'x'))).toEqual(['errors.keyTooLong'])
    expect(messages(parse('ok'))).toEqual(['errors.englishLabelRequired'])
    expect(messages(parse('ok', 'x'.repeat(151)))).toEqual(['errors.labelTooLong'])
  })
})

describe('renaming and keywords', () => {
  it('renames a concern and keeps its comments; an unchanged rename is no act', async () => {
    const { db, userId, roundId } = await setup()
    const id = submit(db, roundId, userId, 'Metadata retention threatens privacy.')
    confirmConcerns(db, { roundId, keysByComment: new Map([[id, ['privacy']]]), actorId: userId })
    const before = labels(db, roundId)
    const old = listTaxonomy(db, roundId).find((concern) => concern.key === 'privacy')!.labels
    const renamed = { ...old, en: 'Privacy, data protection and surveillance' }
    expect(renameConcern(db, { roundId, key: 'privacy', labels: renamed, actorId: userId })).toEqual({ ok: true, changed: true })
    expect(labels(db, roundId)).toEqual(before)
    expect(listTaxonomy(db, roundId).find((concern) => concern.key === 'privacy')!.labels.en).toBe('Privacy, data protection and surveillance')
    expect(lastAudit(db)).toMatchObject({ action: 'concern.rename', subjectId: 'privacy', before: { labels: old }, after: { labels: renamed } })
    expect(loadModel(db, roundId).taxonomy.find((entry) => entry.key === 'privacy')!.labels.en).toBe(renamed.en)
    expect(loadModel(db, roundId).concerns.privacy?.docs).toBe(1)

    const audits = snapshot(db, roundId).audit
    expect(renameConcern(db, { roundId, key: 'privacy', labels: { ...renamed }, actorId: userId })).toEqual({ ok: true, changed: false })
    expect(renameConcern(db, { roundId, key: 'astrology', labels: renamed, actorId: userId })).toEqual({ ok: false, error: 'concernUnknown' })
    expect(snapshot(db, roundId).audit).toBe(audits)
  })

  it('edits keyword hints, and the model suggests with them', async () => {
    const { db, userId, roundId } = await setup()
    const id = submit(db, roundId, userId, 'Quantum computing will break today’s protocols.')
    expect(suggestedKeys(db, roundId, [id]).get(id)).not.toContain('feasibility')
    const result = setConcernKeywords(db, { roundId, key: 'feasibility', keywords: { en: ['quantum computing'] }, actorId: userId })
    expect(result).toEqual({ ok: true, changed: true })
    expect(suggestedKeys(db, roundId, [id]).get(id)).toContain('feasibility')
    expect(lastAudit(db)).toMatchObject({ action: 'concern.keywords', subjectId: 'feasibility', after: { keywords: { en: ['quantum computing'] } } })
  })
})

describe('merging', () => {
  it('moves every label of A to B once per comment and source, deletes A and relearns', async () => {
    const { db, userId, roundId } = await setup()
    const both = submit(db, roundId, userId, 'Surveillance and human rights.', ['privacy', 'human_rights'])
    const onlyA = submit(db, roundId, userId, 'Encryption matters.', ['privacy'])
    const pending = submit(db, roundId, userId, 'Nothing in particular yet.')
    confirmConcerns(
      db,
      {
        roundId,
        keysByComment: new Map([
          [both, ['privacy', 'human_rights']],
          [onlyA, ['privacy']],
        ]),
        actorId: userId,
      },
    )
    const ids = new Map(listTaxonomy(db, roundId).map((concern) => [concern.key, concern.id]))
    db.delete(commentConcerns).where(eq(commentConcerns.commentId, pending)).run()
    db.insert(commentConcerns)
      .values([
        { commentId: pending, concernId: ids.get('privacy')!, source: 'suggested', score: 0.9, createdAt: new Date() },
        { commentId: pending, concernId: ids.get('human_rights')!, source: 'suggested', score: 0.6, createdAt: new Date() },
      ])
      .run()
    const privacyKeywords = listTaxonomy(db, roundId).find((concern) => concern.key === 'privacy')!.keywords

    const result = mergeConcerns(db, { roundId, from: 'privacy', into: 'human_rights', actorId: userId, reason: 'Same concern' })
    expect(result).toMatchObject({ ok: true, moved: { author: 2, moderator: 2 } })
    expect(keys(db, roundId)).not.toContain('privacy')
    const after = labels(db, roundId)
    expect(after.filter((label) => label.startsWith(`${both}:`) && label.endsWith(':moderator'))).toEqual([`${both}:human_rights:moderator`])
    expect(after.filter((label) => label.startsWith(`${both}:`) && label.endsWith(':author'))).toEqual([`${both}:human_rights:author`])
    expect(after).toContain(`${onlyA}:human_rights:moderator`)
    expect(after).toContain(`${onlyA}:human_rights:author`)
    expect(after.some((label) => label.includes(':privacy:'))).toBe(false)
    // Suggestions are computed again for the undecided comment, with the merged taxonomy.
    expect(suggestedKeys(db, roundId, [pending]).get(pending)).not.toContain('privacy')
    const into = listTaxonomy(db, roundId).find((concern) => concern.key === 'human_rights')!
    for (const keyword of privacyKeywords.en ?? []) expect(into.keywords.en).toContain(keyword)
    const model = loadModel(db, roundId)
    expect(model.taxonomy.map((entry) => entry.key)).not.toContain('privacy')
    expect(model.concerns.privacy).toBeUndefined()
    expect(model.concerns.human_rights?.docs).toBe(2)
    expect(lastAudit(db)).toMatchObject({
      action: 'concern.merge',
      subjectId: 'human_rights',
      reason: 'Same concern',
      before: { from: { key: 'privacy', moderatorComments: [both, onlyA].sort((a, b) => a - b) } },
      after: { deleted: 'privacy' },
    })
    expect(verifyAuditLog(db).ok).toBe(true)
  })

  it('keeps the higher score when both concerns were suggested for a comment', async () => {
    const { db, userId, roundId } = await setup()
    // Decided comments keep their suggestions through a merge, so the scores are checked on one.
    const decided = submit(db, roundId, userId, 'A decided comment.')
    const ids = new Map(listTaxonomy(db, roundId).map((concern) => [concern.key, concern.id]))
    db.delete(commentConcerns).where(eq(commentConcerns.commentId, decided)).run()
    db.insert(commentConcerns)
      .values([
        { commentId: decided, concernId: ids.get('privacy')!, source: 'suggested', score: 0.9, createdAt: new Date() },
        { commentId: decided, concernId: ids.get('human_rights')!, source: 'suggested', score: 0.6, createdAt: new Date() },
        { commentId: decided, concernId: ids.get('other')!, source: 'moderator', createdAt: new Date() },
      ])
      .run()
    mergeConcerns(db, { roundId, from: 'privacy', into: 'human_rights', actorId: userId })
    const rows = db
      .select({ key: concerns.key, score: commentConcerns.score })
      .from(commentConcerns)
      .innerJoin(concerns, eq(concerns.id, commentConcerns.concernId))
      .where(and(eq(commentConcerns.commentId, decided), eq(commentConcerns.source, 'suggested')))
      .all()
    expect(rows).toEqual([{ key: 'human_rights', score: 0.9 }])
  })

  it('refuses merging a concern into itself or an unknown one, changing nothing', async () => {
    const { db, userId, roundId } = await setup()
    submit(db, roundId, userId, 'Encryption matters.', ['privacy'])
    const other = newRound(db, 'Other')
    addConcern(db, { roundId: other, actorId: userId, concern: { key: 'elsewhere', labels: { en: 'Elsewhere' }, keywords: {} } })
    const before = snapshot(db, roundId)
    expect(mergeConcerns(db, { roundId, from: 'privacy', into: 'privacy', actorId: userId })).toEqual({ ok: false, error: 'sameConcern' })
    expect(mergeConcerns(db, { roundId, from: 'privacy', into: 'astrology', actorId: userId })).toEqual({ ok: false, error: 'concernUnknown' })
    expect(mergeConcerns(db, { roundId, from: 'privacy', into: 'elsewhere', actorId: userId })).toEqual({ ok: false, error: 'concernUnknown' })
    expect(snapshot(db, roundId)).toEqual(before)
  })
})

describe('splitting', () => {
  it('creates a concern and moves the chosen comments’ moderator labels to it', async () => {
    const { db, userId, roundId } = await setup()
    const moved = submit(db, roundId, userId, 'Mass surveillance of communications.', ['privacy'])
    const stays = submit(db, roundId, userId, 'Personal data in cloud services.', ['privacy'])
    confirmConcerns(
      db,
      {
        roundId,
        keysByComment: new Map([
          [moved, ['privacy', 'human_rights']],
          [stays, ['privacy']],
        ]),
        actorId: userId,
      },
    )
    expect(confirmedComments(db, roundId, 'privacy', 10).comments.map((comment) => comment.id)).toEqual([moved, stays])
    const result = splitConcern(db, {
      roundId,
      from: 'privacy',
      concern: { key: 'surveillance', labels: { en: 'Surveillance' }, keywords: { en: ['mass surveillance'] } },
      commentIds: [moved],
      actorId: userId,
      reason: 'Surveillance deserves its own heading',
    })
    expect(result).toEqual({ ok: true, key: 'surveillance', moved: 1 })
    const after = labels(db, roundId)
    expect(after).toContain(`${moved}:surveillance:moderator`)
    expect(after).toContain(`${moved}:human_rights:moderator`)
    expect(after).not.toContain(`${moved}:privacy:moderator`)
    // The author's own choice stays as it was.
    expect(after).toContain(`${moved}:privacy:author`)
    expect(after).toContain(`${stays}:privacy:moderator`)
    const model = loadModel(db, roundId)
    expect(model.concerns.surveillance?.docs).toBe(1)
    expect(model.concerns.privacy?.docs).toBe(1)
    expect(lastAudit(db)).toMatchObject({
      action: 'concern.split',
      subjectId: 'privacy',
      reason: 'Surveillance deserves its own heading',
      after: { into: { key: 'surveillance' }, comments: [moved] },
    })
  })

  it('refuses comments of another round or without the concern, and a taken key, changing nothing', async () => {
    const { db, userId, roundId } = await setup()
    const mine = submit(db, roundId, userId, 'Mass surveillance of communications.')
    const notConfirmed = submit(db, roundId, userId, 'Personal data in cloud services.', ['privacy'])
    confirmConcerns(db, { roundId, keysByComment: new Map([[mine, ['privacy']]]), actorId: userId })
    const other = newRound(db, 'Other')
    const theirs = submit(db, other, userId, 'Mass surveillance, elsewhere.')
    confirmConcerns(db, { roundId: other, keysByComment: new Map([[theirs, ['privacy']]]), actorId: userId })
    const before = snapshot(db, roundId)
    const split = (commentIds: number[], key = 'surveillance') =>
      splitConcern(db, { roundId, from: 'privacy', concern: { key, labels: { en: 'S' }, keywords: {} }, commentIds, actorId: userId })
    expect(split([mine, theirs])).toEqual({ ok: false, error: 'commentUnknown' })
    expect(split([mine, notConfirmed])).toEqual({ ok: false, error: 'commentUnknown' })
    expect(split([])).toEqual({ ok: false, error: 'commentUnknown' })
    expect(split([mine], 'human_rights')).toEqual({ ok: false, error: 'keyTaken' })
    expect(snapshot(db, roundId)).toEqual(before)
  })
})

describe('setting the whole taxonomy', () => {
  it('adds, updates and removes unused concerns; refuses to remove one in use', async () => {
    const { db, userId, roundId } = await setup()
    const id = submit(db, roundId, userId, 'Unrelated text about nothing.')
    db.delete(commentConcerns).where(eq(commentConcerns.commentId, id)).run()
    confirmConcerns(db, { roundId, keysByComment: new Map([[id, ['privacy']]]), actorId: userId })
    const refused = setRoundTaxonomy(db, {
      roundId,
      actorId: null,
      concerns: [{ key: 'security_stability', labels: { en: 'Security' }, keywords: {} }],
    })
    expect(refused).toEqual({ ok: false, error: 'concernsInUse', inUse: [{ key: 'privacy', author: 0, suggested: 0, moderator: 1 }] })
    expect(keys(db, roundId)).toHaveLength(10)

    const result = setRoundTaxonomy(db, {
      roundId,
      actorId: null,
      reason: 'concord concerns set',
      concerns: [
        { key: 'privacy', labels: { en: 'Privacy' }, keywords: { en: ['privacy'] } },
        { key: 'gender', labels: { en: 'Gender' }, keywords: {} },
      ],
    })
    expect(result).toMatchObject({ ok: true, added: ['gender'], updated: ['privacy'], unchanged: [] })
    expect(keys(db, roundId)).toEqual(['privacy', 'gender'])
    expect(labels(db, roundId)).toEqual([`${id}:privacy:moderator`])
    expect(lastAudit(db)).toMatchObject({ action: 'taxonomy.set', subjectType: 'round', subjectId: String(roundId) })
    expect(loadModel(db, roundId).taxonomy.map((entry) => entry.key)).toEqual(['privacy', 'gender'])
  })

  it('with force removes a concern only suggestions carry, never one a moderator or author gave', async () => {
    const { db, userId, roundId } = await setup()
    const id = submit(db, roundId, userId, 'Unrelated text about nothing.')
    const ids = new Map(listTaxonomy(db, roundId).map((concern) => [concern.key, concern.id]))
    db.delete(commentConcerns).where(eq(commentConcerns.commentId, id)).run()
    db.insert(commentConcerns)
      .values({ commentId: id, concernId: ids.get('feasibility')!, source: 'suggested', score: 0.7, createdAt: new Date() })
      .run()
    const file = listTaxonomy(db, roundId)
      .filter((concern) => concern.key !== 'feasibility')
      .map(({ key, labels, keywords }) => ({ key, labels, keywords }))
    expect(setRoundTaxonomy(db, { roundId, actorId: null, concerns: file })).toMatchObject({ ok: false, error: 'concernsInUse' })
    expect(setRoundTaxonomy(db, { roundId, actorId: null, concerns: file, force: true })).toMatchObject({ ok: true, removed: ['feasibility'] })
    expect(keys(db, roundId)).not.toContain('feasibility')

    const withAuthor = submit(db, roundId, userId, 'Another one.', ['privacy'])
    const smaller = file.filter((concern) => concern.key !== 'privacy')
    expect(setRoundTaxonomy(db, { roundId, actorId: null, concerns: smaller, force: true })).toEqual({
      ok: false,
      error: 'concernsInUse',
      inUse: [{ key: 'privacy', author: 1, suggested: expect.any(Number), moderator: 0 }],
    })
    expect(labels(db, roundId)).toContain(`${withAuthor}:privacy:author`)
  })
})

describe('the taxonomy file schema', () => {
  it('names the JSON path of each problem', () => {
    const result = taxonomyFileSchema.safeParse({
      concerns: [
        { key: 'Privacy', labels: { en: 'Privacy' } },
        { key: 'ok', labels: { fr: 'Seulement en français' }, keywords: { en: 'not a list' } },
        { key: 'ok', labels: { en: 'Twice' }, colour: 'red' },
      ],
    })
    expect(result.success).toBe(false)
    if (result.success) return
    expect(taxonomyFileProblems(result.error)).toEqual([
      { path: 'concerns[0].key', key: 'errors.keyFormat', values: {} },
      { path: 'concerns[1].labels.en', key: 'errors.englishLabelRequired', values: {} },
      { path: 'concerns[1].keywords.en', key: 'errors.keywordList', values: {} },
      { path: 'concerns[2].colour', key: 'errors.unknownField', values: {} },
    ])
    const repeated = taxonomyFileSchema.safeParse({ concerns: [{ key: 'a', labels: { en: 'A' } }, { key: 'a', labels: { en: 'B' } }] })
    expect(repeated.success ? [] : taxonomyFileProblems(repeated.error)).toEqual([
      { path: 'concerns[1].key', key: 'errors.keyRepeated', values: {} },
    ])
  })

  it('accepts the example of DESIGN.md', () => {
    const result = taxonomyFileSchema.safeParse({
      concerns: [
        {
          key: 'privacy',
          labels: { en: 'Privacy and data protection', fr: 'Vie privée et protection des données' },
          keywords: { en: ['privacy', 'personal data'], fr: ['vie privée', 'données personnelles'] },
        },
      ],
    })
    expect(result.success).toBe(true)
  })
})
