import { summaries } from '#db/schema/index'
import { signupSchema } from '~/modules/accounts/accounts.schema'
import { createUser } from '~/modules/accounts/accounts.server'
import { saveComment } from '~/modules/comments/comments.server'
import { createNorm } from '~/modules/norms/norms.server'
import { createRound } from '~/modules/rounds/rounds.server'
import { publishSummary } from '~/modules/summaries/summaries.server'
import type { SummaryPageData } from '~/modules/summaries/page.server'
import { createTestDb } from '~/test/db'
import type * as DbModule from '~/utils/db.server'
import type { Db } from '~/utils/db.server'
import { PAGE_LIFETIME_HEADER, PAGE_LIFETIME_MS } from '~/utils/http.server'
import { loader as latestLoader } from './rounds.$roundId.summary'
import { loader as numberedLoader } from './rounds.$roundId.summary_.$number'

// The routes read the process-wide client; here it is each test's own database.
const state = vi.hoisted(() => ({ db: null as Db | null }))
vi.mock('~/utils/db.server', async (importOriginal) => {
  const actual = await importOriginal<typeof DbModule>()
  return {
    ...actual,
    get db() {
      return state.db ?? actual.db
    },
  }
})

const context = { cspNonce: '' }

async function setup() {
  const db = createTestDb()
  state.db = db
  const versionId = createNorm(
    db,
    { sourceLanguage: 'en', title: 'N', preamble: '', clauses: [{ label: '1', heading: null, text: 'One.' }] },
    null,
  )
  const round = createRound(
    db,
    {
      versionId,
      title: 'R',
      opensAt: new Date(Date.now() - 10_000),
      closesAt: new Date(Date.now() + 3_600_000),
      eligibleCategories: ['government', 'civil_society'],
    },
    null,
  )
  if (!round.ok) throw new Error('round')
  return { db, roundId: round.roundId, versionId }
}

function request(path: string, language = 'fr') {
  return new Request(`http://localhost${path}`, { headers: { 'Accept-Language': language } })
}

async function rejection(promise: Promise<unknown>) {
  try {
    await promise
  } catch (error) {
    return error as {
      init?: { status?: number }
      data?: { unknownFilters?: { filter: string; value: string; message: string }[] }
    }
  }
  throw new Error('the loader did not refuse')
}

describe('public summary routes: lenses', () => {
  it('answers an unknown region with 400, naming the filter in the reader’s language, and stores nothing', async () => {
    const { db, roundId } = await setup()
    publishSummary(db, { roundId, actorId: null })
    const before = db.select().from(summaries).all()
    const error = await rejection(
      latestLoader({
        request: request(`/rounds/${roundId}/summary?region=999`),
        params: { roundId: String(roundId) },
        context,
      }),
    )
    expect(error.init?.status).toBe(400)
    expect(error.data?.unknownFilters).toEqual([
      { filter: 'region', value: '999', message: expect.stringContaining('« 999 »') as unknown as string },
    ])
    expect(error.data!.unknownFilters![0]!.message).toMatch(/^Région/)
    expect(db.select().from(summaries).all()).toEqual(before)
  })

  it('names every unknown filter (organization, category, language, sub-region) on a numbered version too', async () => {
    const { db, roundId } = await setup()
    publishSummary(db, { roundId, actorId: null })
    const error = await rejection(
      numberedLoader({
        request: request(
          `/rounds/${roundId}/summary/1?organization=nato&category=army&language=xx-!!&subregion=150`,
          'en',
        ),
        params: { roundId: String(roundId), number: '1' },
        context,
      }),
    )
    expect(error.init?.status).toBe(400)
    expect(error.data?.unknownFilters?.map((entry) => entry.filter)).toEqual([
      'subregion',
      'organization',
      'category',
      'language',
    ])
    expect(error.data?.unknownFilters?.[1]?.message).toContain('Regional organization: “nato”')
  })

  it('refuses an unknown lens even before anything is published', async () => {
    const { roundId } = await setup()
    const error = await rejection(
      latestLoader({
        request: request(`/rounds/${roundId}/summary?category=army`),
        params: { roundId: String(roundId) },
        context,
      }),
    )
    expect(error.init?.status).toBe(400)
  })

  it('computes known lenses live and keeps the published figures apart; an empty round shows zeros', async () => {
    const { db, roundId } = await setup()
    publishSummary(db, { roundId, actorId: null })
    const created = await createUser(
      db,
      signupSchema.parse({
        email: 'ke@example.org',
        password: 'a long enough password',
        displayName: 'KE',
        category: 'civil_society',
        country: 'KE',
        language: 'en',
      }),
    )
    if (!created.ok) throw new Error('user')
    const clauseId = (db.$client.prepare('select id from clauses limit 1').get() as { id: number }).id
    const saved = saveComment(db, {
      roundId,
      userId: created.userId,
      input: {
        intent: 'submit',
        clause: String(clauseId),
        position: 'oppose',
        text: 'Kenyan civil society opposes this clause as drafted.',
        concerns: [],
        consent: 'named',
      },
    })
    expect(saved.ok).toBe(true)

    const answer = (await latestLoader({
      request: request(`/rounds/${roundId}/summary?lens=1&organization=au`, 'en'),
      params: { roundId: String(roundId) },
      context,
    })) as unknown as { data: Extract<SummaryPageData, { published: true }>; init: ResponseInit | null }
    const page = answer.data
    // The page depends only on the database and the request once the round has closed: the page
    // cache may keep it for the whole lifetime (it still drops it when anything is written).
    expect(new Headers(answer.init?.headers).get(PAGE_LIFETIME_HEADER)).toBe(String(PAGE_LIFETIME_MS))
    // The snapshot was published on an empty round: its figures stay at zero.
    expect(page.view.empty).toBe(true)
    expect(page.view.participation.counted.value).toBe(0)
    expect(page.view.consensus.ranked).toEqual([])
    // The lens is computed now: the Kenyan comment counts for the African Union's members, not for the others.
    expect(page.lens.active).toBe(true)
    expect(page.lens.view?.counted.value).toBe(1)
    expect(page.lens.view?.comparison?.othersCounted.value).toBe(0)
    expect(page.lens.view?.comparison?.rows[0]).toMatchObject({
      key: '1',
      members: { net: '-1.00' },
      others: { net: '—' },
      marked: false,
    })
  })
})
