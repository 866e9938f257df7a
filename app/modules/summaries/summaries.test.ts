import { Worker } from 'node:worker_threads'
import { eq, sql } from 'drizzle-orm'
import { auditLog, comments, summaries, type Position, type StakeholderCategory } from '#db/schema/index'
import { signupSchema } from '~/modules/accounts/accounts.schema'
import { createUser } from '~/modules/accounts/accounts.server'
import { saveComment } from '~/modules/comments/comments.server'
import { verifyAuditLog } from '~/modules/moderation/audit.server'
import { createNorm } from '~/modules/norms/norms.server'
import { createRound, getRound } from '~/modules/rounds/rounds.server'
import { createTestDb } from '~/test/db'
import { openDatabase } from '~/utils/db.server'
import { SUPPORTED_LANGUAGES } from '~/modules/i18n/i18n'
import { fixedT } from '~/modules/i18n/i18n.server'
import { getReadableVersion } from '~/modules/norms/norms.server'
import { CAMPAIGNS_SHOWN, CLAUSE_CAMPAIGNS_SHOWN, summaryView } from './view.server'
import {
  canonicalJson,
  getDraft,
  getSnapshot,
  latestSnapshot,
  lensOptions,
  listSnapshots,
  parseLens,
  publishSummary,
  readDraft,
  saveNarrative,
  saveNarratives,
  summaryHash,
} from './summaries.server'

async function setup(options: { closed?: boolean } = {}) {
  const db = createTestDb()
  const versionId = createNorm(
    db,
    {
      sourceLanguage: 'en',
      title: 'N',
      preamble: '',
      clauses: [
        { label: '1', heading: null, text: 'One.' },
        { label: '2.a', heading: null, text: 'Two a.' },
      ],
    },
    null,
  )
  const round = createRound(
    db,
    {
      versionId,
      title: 'R',
      opensAt: new Date(Date.now() - 10_000),
      closesAt: new Date(Date.now() + 3_600_000),
      eligibleCategories: ['tech_firm', 'civil_society', 'government'],
    },
    null,
  )
  if (!round.ok) throw new Error('round')
  const clauseIds = db.$client.prepare('select id, label from clauses where version_id = ?').all(versionId) as {
    id: number
    label: string
  }[]
  let n = 0
  const moderator = await createUser(
    db,
    signupSchema.parse({
      email: 'mod@example.org',
      password: 'a long enough password',
      displayName: 'Mod',
      category: 'other',
      country: 'CH',
      language: 'en',
    }),
  )
  if (!moderator.ok) throw new Error('moderator')
  const say = async (
    category: StakeholderCategory,
    country: string,
    label: string,
    position: Position,
    text: string,
  ) => {
    const created = await createUser(
      db,
      signupSchema.parse({
        email: `p${n++}@example.org`,
        password: 'a long enough password',
        displayName: `P${n}`,
        category,
        country,
        language: 'en',
      }),
    )
    if (!created.ok) throw new Error('user')
    const clause = String(clauseIds.find((c) => c.label === label)!.id)
    const result = saveComment(db, {
      roundId: round.roundId,
      userId: created.userId,
      input: { intent: 'submit', clause, position, text, concerns: [], consent: 'named' },
    })
    if (!result.ok) throw new Error(result.error)
    return result.commentId
  }
  if (options.closed)
    db.$client.prepare('update rounds set closes_at = ? where id = ?').run(Date.now() - 1000, round.roundId)
  return { db, roundId: round.roundId, say, moderatorId: moderator.userId }
}

function runWorker(file: string, roundId: number, ready: SharedArrayBuffer) {
  return new Promise<{ number?: number; error?: string }>((resolve, reject) => {
    const worker = new Worker(new URL('./publish.worker.js', import.meta.url), { workerData: { file, roundId, ready } })
    worker.once('message', resolve)
    worker.once('error', reject)
  })
}

describe('summary snapshots', () => {
  it('publishes snapshot 1 then 2, each with a hash of its canonical content that stays the same', async () => {
    const { db, roundId, say, moderatorId } = await setup()
    await say('government', 'FR', '1', 'support', 'We support clause one as drafted, it protects infrastructure.')
    saveNarrative(db, {
      roundId,
      section: 'participation',
      language: 'en',
      text: 'Broad participation.',
      actorId: moderatorId,
    })

    expect(publishSummary(db, { roundId, actorId: moderatorId })).toBe(1)
    const first = getSnapshot(db, roundId, 1)!
    expect(first.integrity.ok).toBe(true)
    expect(first.contentHash).toMatch(/^[0-9a-f]{64}$/)
    expect(first.contentHash).toBe(
      summaryHash({ roundId, number: 1, figures: first.figures, narrative: first.narrative }),
    )
    expect(first.narrative).toEqual({ participation: { en: 'Broad participation.' } })

    expect(publishSummary(db, { roundId, actorId: moderatorId })).toBe(2)
    const second = getSnapshot(db, roundId, 2)!
    expect(second.integrity.ok).toBe(true)
    // Same figures and narrative, another number: another hash; the first one is untouched.
    expect(second.contentHash).not.toBe(first.contentHash)
    expect(getSnapshot(db, roundId, 1)!.contentHash).toBe(first.contentHash)
    expect(latestSnapshot(db, roundId)!.number).toBe(2)
    expect(listSnapshots(db, roundId).map((snapshot) => [snapshot.number, snapshot.publishedBy])).toEqual([
      [2, 'Mod'],
      [1, 'Mod'],
    ])
    expect(getSnapshot(db, roundId, 3)).toBeNull()
  })

  it('hashes canonical JSON: the order of keys does not change the hash, a value does', () => {
    expect(canonicalJson({ b: 1, a: { d: [2, { f: null, e: 'x' }], c: true } })).toBe(
      '{"a":{"c":true,"d":[2,{"e":"x","f":null}]},"b":1}',
    )
    const one = summaryHash({ roundId: 1, number: 1, figures: { x: 1, y: 2 }, narrative: {} })
    expect(summaryHash({ narrative: {}, figures: { y: 2, x: 1 }, number: 1, roundId: 1 })).toBe(one)
    expect(summaryHash({ roundId: 1, number: 1, figures: { x: 1, y: 3 }, narrative: {} })).not.toBe(one)
  })

  it('freezes the figures and the narrative: later comments and edits change only the next snapshot', async () => {
    const { db, roundId, say, moderatorId } = await setup()
    await say('government', 'FR', '1', 'support', 'France supports the clause on infrastructure protection.')
    saveNarrative(db, { roundId, section: 'clause:1', language: 'fr', text: 'Soutien large.', actorId: moderatorId })
    publishSummary(db, { roundId, actorId: moderatorId })
    const before = getSnapshot(db, roundId, 1)!

    await say(
      'civil_society',
      'KE',
      '1',
      'oppose',
      'Kenya civil society opposes the clause without human rights safeguards.',
    )
    saveNarrative(db, { roundId, section: 'clause:1', language: 'fr', text: 'Avis partagés.', actorId: moderatorId })

    const after = getSnapshot(db, roundId, 1)!
    expect(after.figures.participation.counted).toBe(1)
    expect(after.figures.clauses.find((clause) => clause.label === '1')!.all).toMatchObject({ support: 1, oppose: 0 })
    expect(after.narrative['clause:1']).toEqual({ fr: 'Soutien large.' })
    expect(after.contentHash).toBe(before.contentHash)
    expect(after.integrity.ok).toBe(true)

    publishSummary(db, { roundId, actorId: moderatorId })
    const next = getSnapshot(db, roundId, 2)!
    expect(next.figures.participation.counted).toBe(2)
    expect(next.figures.clauses.find((clause) => clause.label === '1')!.all).toMatchObject({
      support: 1,
      oppose: 1,
      net: 0,
    })
    expect(next.narrative['clause:1']).toEqual({ fr: 'Avis partagés.' })
  })

  it('detects a snapshot whose stored figures or narrative were altered', async () => {
    const { db, roundId, say, moderatorId } = await setup()
    await say('government', 'FR', '1', 'support', 'France supports the clause on infrastructure protection.')
    publishSummary(db, { roundId, actorId: moderatorId })
    publishSummary(db, { roundId, actorId: moderatorId })
    db.run(
      sql`update summaries set figures = json_set(figures, '$.participation.counted', 40) where round_id = ${roundId} and number = 1`,
    )
    const tampered = getSnapshot(db, roundId, 1)!
    expect(tampered.figures.participation.counted).toBe(40)
    expect(tampered.integrity.ok).toBe(false)
    expect(tampered.integrity.computedHash).not.toBe(tampered.contentHash)
    expect(getSnapshot(db, roundId, 2)!.integrity.ok).toBe(true)

    db.run(
      sql`update summaries set narrative = '{"method":{"en":"Rewritten."}}' where round_id = ${roundId} and number = 2`,
    )
    expect(latestSnapshot(db, roundId)!.integrity.ok).toBe(false)
  })

  it('gives two publications in a row from two connections to one file the numbers 1 and 2', async () => {
    const { db, roundId, moderatorId } = await setup()
    const file = db.$client.name
    const other = openDatabase(file)
    try {
      expect(publishSummary(db, { roundId, actorId: moderatorId })).toBe(1)
      expect(publishSummary(other, { roundId, actorId: moderatorId })).toBe(2)
      expect(listSnapshots(db, roundId).map((snapshot) => snapshot.number)).toEqual([2, 1])
    } finally {
      other.$client.close()
    }
  })

  it('gives two publications at once, from two threads with their own connections, distinct numbers', async () => {
    const { db, roundId, say } = await setup()
    await say('government', 'FR', '1', 'support', 'France supports the clause on infrastructure protection.')
    db.$client.pragma('wal_checkpoint(TRUNCATE)')
    const ready = new SharedArrayBuffer(4)
    const results = await Promise.all([
      runWorker(db.$client.name, roundId, ready),
      runWorker(db.$client.name, roundId, ready),
    ])
    expect(results.map((result) => result.error)).toEqual([undefined, undefined])
    expect(results.map((result) => result.number).sort()).toEqual([1, 2])
    const rows = db
      .select({ number: summaries.number, hash: summaries.contentHash })
      .from(summaries)
      .where(eq(summaries.roundId, roundId))
      .all()
    expect(rows.map((row) => row.number).sort()).toEqual([1, 2])
    expect(getSnapshot(db, roundId, 1)!.integrity.ok).toBe(true)
    expect(getSnapshot(db, roundId, 2)!.integrity.ok).toBe(true)
    expect(verifyAuditLog(db).ok).toBe(true)
  }, 60_000)

  it('summarises an empty round with zeros, and the round becomes summarised once closed', async () => {
    const { db, roundId, moderatorId } = await setup({ closed: true })
    expect(getRound(db, roundId, 'en')!.state).toBe('closed')
    publishSummary(db, { roundId, actorId: moderatorId })
    const { figures, integrity } = getSnapshot(db, roundId, 1)!
    expect(integrity.ok).toBe(true)
    expect(figures.participation).toMatchObject({
      comments: 0,
      counted: 0,
      participants: 0,
      campaigns: 0,
      campaignSignatories: 0,
    })
    expect(figures.participation.byCategory.every((row) => row.count === 0)).toBe(true)
    expect(
      figures.clauses.map((clause) => [clause.label, clause.all.total, clause.all.net, clause.divergence]),
    ).toEqual([
      [null, 0, null, null],
      ['1', 0, null, null],
      ['2.a', 0, null, null],
    ])
    expect(figures.consensus).toEqual([])
    expect(figures.quotes).toEqual({ byConcern: [], byClause: [] })
    expect(figures.amendments).toEqual([])
    expect(figures.campaignList).toEqual([])
    expect(figures.dispositions).toEqual({ accepted: 0, partly_accepted: 0, noted: 0, not_accepted: 0, pending: 0 })
    expect(getRound(db, roundId, 'en')!.state).toBe('summarised')
  })

  it('lists the largest campaigns on the page and counts the rest, in every language', async () => {
    const { db, roundId, moderatorId } = await setup({ closed: true })
    publishSummary(db, { roundId, actorId: moderatorId })
    const { figures, narrative } = getSnapshot(db, roundId, 1)!
    const clause = figures.clauses.find((row) => row.label === '1')!
    // Thousands of campaigns in a large round: here 25 on clause 1 and 3 on the draft as a whole.
    const campaignList = Array.from({ length: 28 }, (_, index) => ({
      groupId: index + 1,
      clauseId: index < 25 ? clause.clauseId : null,
      position: 'support' as const,
      signatories: 1000 - index,
      commentId: index + 1,
      text: `Campaign text ${index + 1}`,
      language: 'en',
    }))
    const version = getReadableVersion(db, getRound(db, roundId, 'en')!.versionId, 'en')!
    for (const language of SUPPORTED_LANGUAGES) {
      const view = summaryView({ figures: { ...figures, campaignList }, narrative, language, sourceLanguage: 'en', clauses: version.clauses, idPrefix: 's' })
      expect(view.participation.campaignList.map((row) => row.key)).toEqual(campaignList.slice(0, CAMPAIGNS_SHOWN).map((row) => String(row.groupId)))
      expect(view.participation.campaignsMore.value).toBe(28 - CAMPAIGNS_SHOWN)
      const one = view.clauses.find((row) => row.label === '1')!
      expect(one.campaigns).toHaveLength(CLAUSE_CAMPAIGNS_SHOWN)
      expect(one.campaignsMore.value).toBe(25 - CLAUSE_CAMPAIGNS_SHOWN)
      const said = fixedT(language, 'summaries')('participation.campaignsMore', { count: 8, n: view.participation.campaignsMore.text })
      expect(said).toContain(view.participation.campaignsMore.text)
      expect(said).not.toContain('campaignsMore')
    }
  })

  it('records the publication in the audit log with its number and hash, in the same transaction', async () => {
    const { db, roundId, say, moderatorId } = await setup()
    await say('government', 'FR', '1', 'support', 'France supports the clause on infrastructure protection.')
    publishSummary(db, { roundId, actorId: moderatorId })
    const entries = db.select().from(auditLog).where(eq(auditLog.action, 'summary.publish')).all()
    expect(entries).toHaveLength(1)
    expect(entries[0]).toMatchObject({ roundId, actorId: moderatorId, subjectType: 'summary' })
    expect(entries[0]!.after).toEqual({ number: 1, contentHash: getSnapshot(db, roundId, 1)!.contentHash, counted: 1 })
    expect(verifyAuditLog(db).ok).toBe(true)
  })
})

describe('summary narrative', () => {
  it('creates the draft on first use, keeps one draft, and saves per section and language', async () => {
    const { db, roundId, moderatorId } = await setup()
    expect(readDraft(db, roundId)).toMatchObject({ id: null, narrative: {} })
    const draft = getDraft(db, roundId)
    expect(getDraft(db, roundId).id).toBe(draft.id)
    expect(
      saveNarrative(db, {
        roundId,
        section: 'method',
        language: 'ar',
        text: '  منهجية واضحة.  ',
        actorId: moderatorId,
      }),
    ).toEqual({
      ok: true,
      changed: ['method'],
    })
    saveNarrative(db, { roundId, section: 'method', language: 'en', text: 'A clear method.', actorId: moderatorId })
    expect(readDraft(db, roundId).narrative).toEqual({ method: { ar: 'منهجية واضحة.', en: 'A clear method.' } })
    // An empty text removes that language; a section with no language left goes.
    saveNarrative(db, { roundId, section: 'method', language: 'ar', text: '', actorId: moderatorId })
    saveNarrative(db, { roundId, section: 'method', language: 'en', text: '  ', actorId: moderatorId })
    expect(readDraft(db, roundId).narrative).toEqual({})
    expect(db.select().from(summaries).where(eq(summaries.roundId, roundId)).all()).toHaveLength(1)
  })

  it('refuses unknown sections, clauses and languages, and over-long texts, storing nothing', async () => {
    const { db, roundId, moderatorId } = await setup()
    expect(
      saveNarrative(db, { roundId, section: 'clause:9', language: 'en', text: 'x', actorId: moderatorId }),
    ).toMatchObject({
      ok: false,
      error: 'sectionUnknown',
    })
    expect(
      saveNarrative(db, { roundId, section: 'outlook', language: 'en', text: 'x', actorId: moderatorId }),
    ).toMatchObject({
      ok: false,
      error: 'sectionUnknown',
    })
    expect(
      saveNarrative(db, { roundId, section: 'method', language: 'de', text: 'x', actorId: moderatorId }),
    ).toMatchObject({
      ok: false,
      error: 'languageUnknown',
    })
    expect(
      saveNarratives(db, {
        roundId,
        language: 'en',
        texts: { method: 'fine', consensus: 'x'.repeat(10_001) },
        actorId: moderatorId,
      }),
    ).toMatchObject({ ok: false, error: 'textTooLong', section: 'consensus' })
    expect(
      saveNarrative(db, { roundId: roundId + 99, section: 'method', language: 'en', text: 'x', actorId: null }),
    ).toMatchObject({
      ok: false,
      error: 'roundUnknown',
    })
    expect(db.select().from(summaries).all()).toHaveLength(0)
    expect(
      saveNarrative(db, { roundId, section: 'clause:2.a', language: 'zh', text: '意见一致。', actorId: moderatorId })
        .ok,
    ).toBe(true)
  })
})

describe('summary lenses', () => {
  it('accepts known filters and reports each unknown one', async () => {
    const { db, roundId, say } = await setup()
    await say('government', 'FR', '1', 'support', 'France supports the clause on infrastructure protection.')
    db.update(comments).set({ declaredLanguage: 'fr' }).run()
    const options = lensOptions(db, roundId)
    expect(options.regions).toContain('150')
    expect(options.subregions).toContain('155')
    expect(options.subregions).not.toContain('150')
    expect(options.languages).toEqual(['fr'])

    const good = parseLens(
      new URLSearchParams('region=150&subregion=155&organization=eu&category=government&language=fr'),
      options,
    )
    expect(good.unknown).toEqual([])
    expect(good.lens).toEqual({
      region: '150',
      subregion: '155',
      organization: 'eu',
      category: 'government',
      language: 'fr',
    })

    const bad = parseLens(
      new URLSearchParams('region=999&organization=nato&category=army&language=klingon&subregion=150'),
      options,
    )
    expect(bad.unknown.map((entry) => entry.filter).sort()).toEqual([
      'category',
      'language',
      'organization',
      'region',
      'subregion',
    ])
    expect(bad.lens).toEqual({})
  })

  it("reads through a regional viewer's organization unless they chose a lens", async () => {
    const { db, roundId } = await setup()
    const options = lensOptions(db, roundId)
    expect(parseLens(new URLSearchParams(''), options, 'au')).toMatchObject({
      lens: { organization: 'au' },
      defaulted: true,
    })
    expect(parseLens(new URLSearchParams('lens=1'), options, 'au')).toMatchObject({ lens: {}, defaulted: false })
    expect(parseLens(new URLSearchParams('category=research'), options, 'au')).toMatchObject({
      lens: { category: 'research' },
      defaulted: false,
    })
  })
})
