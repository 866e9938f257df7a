import { eq } from 'drizzle-orm'
import { comments, type Position, type StakeholderCategory } from '#db/schema/index'
import { signupSchema } from '~/modules/accounts/accounts.schema'
import { createUser } from '~/modules/accounts/accounts.server'
import { saveComment } from '~/modules/comments/comments.server'
import { createNorm } from '~/modules/norms/norms.server'
import { confirmConcerns, suggestedKeys } from '~/modules/concerns/concerns.server'
import { createRound } from '~/modules/rounds/rounds.server'
import { createTestDb } from '~/test/db'
import type { Db } from '~/utils/db.server'
import { buildFigures, divergence, representativeQuotes, scanCounts, scanSettings } from './figures.server'

const CAMPAIGN = 'Clause 1 must be withdrawn: it opens the door to mass surveillance of journalists and activists online.'

async function person(db: Db, n: number, category: StakeholderCategory, country: string) {
  const created = await createUser(
    db,
    signupSchema.parse({
      email: `p${n}@example.org`,
      password: 'a long enough password',
      displayName: `P${n}`,
      category,
      country,
      language: 'en',
    }),
  )
  if (!created.ok) throw new Error('user')
  return created.userId
}

async function setup() {
  const db = createTestDb()
  const versionId = createNorm(
    db,
    {
      sourceLanguage: 'en',
      title: 'N',
      preamble: '',
      clauses: [
        { label: '1', heading: null, text: 'One.' },
        { label: '2', heading: null, text: 'Two.' },
      ],
    },
    null,
  )
  const round = createRound(
    db,
    {
      versionId,
      title: 'R',
      opensAt: new Date(Date.now() - 1000),
      closesAt: new Date(Date.now() + 3_600_000),
      eligibleCategories: ['tech_firm', 'civil_society', 'government'],
    },
    null,
  )
  if (!round.ok) throw new Error('round')
  const clauseIds = db.$client.prepare('select id, label from clauses where version_id = ?').all(versionId) as { id: number; label: string }[]
  const clause = (label: string) => String(clauseIds.find((c) => c.label === label)!.id)
  let n = 0
  const say = async (category: StakeholderCategory, country: string, label: string, position: Position, text: string) => {
    const userId = await person(db, n++, category, country)
    const result = saveComment(db, {
      roundId: round.roundId,
      userId,
      input: { intent: 'submit', clause: clause(label), position, text, concerns: [], consent: 'named' },
    })
    if (!result.ok) throw new Error(result.error)
    return result.commentId
  }
  return { db, roundId: round.roundId, say, person: (category: StakeholderCategory) => person(db, n++, category, 'FR') }
}

// Every figure read in one pass, and again with each round read in two halves at once (as large
// rounds are), which must change nothing.
describe.each([
  { reading: 'in one pass', parallelFrom: Number.POSITIVE_INFINITY },
  { reading: 'in two halves at once', parallelFrom: 0 },
])('summary figures, the round read $reading', ({ parallelFrom }) => {
  const usual = scanSettings.parallelFrom
  let splitBefore = 0
  beforeAll(() => {
    scanSettings.parallelFrom = parallelFrom
    splitBefore = scanCounts.split
  })
  afterAll(() => {
    // The halves were read as asked, and nothing written meanwhile made any read again.
    expect(scanCounts.split > splitBefore).toBe(parallelFrom === 0)
    expect(scanCounts.again).toBe(0)
    scanSettings.parallelFrom = usual
  })

  it('counts a campaign once with its signatories, leaves hidden comments out, and computes net support', async () => {
    const { db, roundId, say } = await setup()
    for (let i = 0; i < 5; i++) await say('civil_society', 'KE', '1', 'oppose', CAMPAIGN + ' '.repeat(i) + (i % 2 ? '!' : ''))
    await say('government', 'FR', '1', 'support', 'We support clause one as drafted, it protects infrastructure.')
    await say('government', 'SN', '1', 'support', 'Senegal supports this clause and its focus on essential services.')
    await say('tech_firm', 'US', '1', 'amend', 'The clause should define critical infrastructure more narrowly.')
    const hidden = await say('tech_firm', 'US', '2', 'oppose', 'Buy cheap watches at this link, best prices in town!!!')
    db.update(comments).set({ moderation: 'hidden', hiddenReason: 'spam' }).where(eq(comments.id, hidden)).run()

    const figures = buildFigures(db, roundId)
    expect(figures.participation).toMatchObject({ comments: 8, counted: 4, campaigns: 1, campaignSignatories: 5, participants: 4 })
    const one = figures.clauses.find((clause) => clause.label === '1')!
    expect(one.all).toMatchObject({ support: 2, amend: 1, oppose: 1, total: 4, net: 0.25 })
    const byCategory = Object.fromEntries(one.byCategory.map((row) => [row.category, row]))
    expect(byCategory.civil_society).toMatchObject({ oppose: 1, net: -1 })
    expect(byCategory.government).toMatchObject({ support: 2, net: 1 })
    expect(byCategory.tech_firm).toMatchObject({ amend: 1, net: 0 })
    expect(one.divergence).toBeCloseTo(divergence([{ net: -1, total: 1 }, { net: 1, total: 2 }, { net: 0, total: 1 }])!, 10)
    expect(figures.clauses.find((clause) => clause.label === '2')!.all.total).toBe(0)
    expect(figures.method.hiddenByReason).toEqual([{ key: 'spam', count: 1 }])
  })

  it('restricts every figure to a lens: an organization, outside it, a region, a category', async () => {
    const { db, roundId, say } = await setup()
    await say('government', 'FR', '1', 'support', 'France supports the clause on infrastructure protection.')
    await say('government', 'SN', '1', 'oppose', 'Senegal cannot accept the clause without capacity building support.')
    await say('civil_society', 'KE', '2', 'amend', 'Kenya civil society asks for human rights safeguards in clause two.')
    expect(buildFigures(db, roundId, { organization: 'au' }).participation.counted).toBe(2)
    expect(buildFigures(db, roundId, { organization: 'au', outside: true }).participation.counted).toBe(1)
    expect(buildFigures(db, roundId, { region: '150' }).participation.byCountry).toEqual([{ key: 'FR', count: 1 }])
    expect(buildFigures(db, roundId, { category: 'civil_society' }).clauses.find((c) => c.label === '2')!.all.amend).toBe(1)
  })

  it('splits a campaign by the lens: each side counts its own signatories once', async () => {
    const { db, roundId, say } = await setup()
    // The earliest signatory is French: before, the African Union's lens lost the campaign entirely
    // and everyone else's counted the Kenyan signatures too.
    for (const country of ['FR', 'KE', 'FR', 'KE', 'KE'])
      await say('civil_society', country, '1', 'oppose', CAMPAIGN)
    await say('government', 'FR', '1', 'support', 'France supports the clause on infrastructure protection.')

    const whole = buildFigures(db, roundId).participation
    expect(whole).toMatchObject({ comments: 6, counted: 2, campaigns: 1, campaignSignatories: 5 })
    const members = buildFigures(db, roundId, { organization: 'au' })
    expect(members.participation).toMatchObject({ comments: 3, counted: 1, campaigns: 1, campaignSignatories: 3 })
    expect(members.clauses.find((clause) => clause.label === '1')!.all).toMatchObject({ oppose: 1, total: 1, net: -1 })
    const others = buildFigures(db, roundId, { organization: 'au', outside: true })
    expect(others.participation).toMatchObject({ comments: 3, counted: 2, campaigns: 1, campaignSignatories: 2 })
    expect(others.clauses.find((clause) => clause.label === '1')!.all).toMatchObject({ support: 1, oppose: 1, net: 0 })
    // A lens that sees no signatory sees no campaign.
    expect(buildFigures(db, roundId, { category: 'government' }).participation).toMatchObject({ counted: 1, campaigns: 0 })
  })

  it('counts the suggestions moderators confirmed or changed, and quotes each concern from its confirmed comments', async () => {
    const { db, roundId, say, person } = await setup()
    const privacy = await say('civil_society', 'KE', '1', 'oppose', 'Mass surveillance of personal data and private communications violates privacy and encryption.')
    const changed = await say('tech_firm', 'US', '1', 'amend', 'Data protection and privacy rules for personal data must be clearer in this clause.')
    await say('government', 'FR', '2', 'support', 'Critical infrastructure must be protected against attacks on hospitals and power grids.')
    const suggested = suggestedKeys(db, roundId, [privacy, changed])
    expect(suggested.get(privacy)).toContain('privacy')
    const moderatorId = await person('government')
    const keysByComment = new Map([
      [privacy, suggested.get(privacy)!],
      [changed, ['economic_impact']],
    ])
    expect(confirmConcerns(db, { roundId, keysByComment, actorId: moderatorId }).ok).toBe(true)

    expect(buildFigures(db, roundId).method).toMatchObject({ reviewed: 2, confirmedAsSuggested: 1, changedFromSuggestion: 1, unreviewed: 1 })
    const byConcern = representativeQuotes(db, roundId).byConcern
    expect(byConcern.filter((quote) => quote.groupKey === 'economic_impact').map((quote) => quote.commentId)).toEqual([changed])
    expect(byConcern.filter((quote) => quote.groupKey === 'privacy').map((quote) => quote.commentId)).toEqual([privacy])
  })

  it('ranks clauses from shared to divisive and quotes published comments only', async () => {
    const { db, roundId, say } = await setup()
    await say('government', 'FR', '1', 'support', 'Governments agree with the first clause entirely and without reservation.')
    await say('civil_society', 'KE', '1', 'support', 'Civil society also agrees with the first clause and its protections.')
    await say('government', 'FR', '2', 'support', 'We support the second clause, which is necessary for stability.')
    await say('civil_society', 'KE', '2', 'oppose', 'We oppose the second clause, which threatens privacy and human rights.')
    expect(buildFigures(db, roundId).consensus.map((clause) => clause.label)).toEqual(['1', '2'])
    db.update(comments).set({ consent: 'private' }).run()
    const quotes = representativeQuotes(db, roundId)
    expect(quotes.byClause).toHaveLength(0)
  })
})
