import { randomUUID } from 'node:crypto'
import { eq } from 'drizzle-orm'
import { REGIONAL_ORGANIZATIONS } from '#db/reference'
import { comments, type Position, type Role, type StakeholderCategory } from '#db/schema/index'
import { signupSchema } from '~/modules/accounts/accounts.schema'
import { createUser } from '~/modules/accounts/accounts.server'
import { saveComment, withdrawComment } from '~/modules/comments/comments.server'
import { createNorm } from '~/modules/norms/norms.server'
import { createRound } from '~/modules/rounds/rounds.server'
import { loader as indexLoader } from '~/routes/regional._index'
import { loader as trackerLoader } from '~/routes/regional.rounds.$roundId.tracker'
import { createTestDb } from '~/test/db'
import { createLucia } from '~/utils/auth.server'
import { db as processDb, type Db } from '~/utils/db.server'
import { participationTracker, trackerOrganization } from './tracker.server'

const HOUR = 3_600_000

async function setup(
  db: Db,
  window: { opensAt: Date; closesAt: Date } = {
    opensAt: new Date(Date.now() - HOUR),
    closesAt: new Date(Date.now() + HOUR),
  },
) {
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
      title: 'Tracker round',
      opensAt: new Date(Date.now() - HOUR),
      closesAt: new Date(Date.now() + HOUR),
      eligibleCategories: ['tech_firm', 'research', 'civil_society', 'regional_body', 'government', 'other'],
    },
    null,
  )
  if (!round.ok) throw new Error('round')
  const clauseIds = db.$client
    .prepare('select id from clauses where version_id = ? order by position')
    .all(versionId) as { id: number }[]
  const people = new Map<string, string>()
  const tag = randomUUID().slice(0, 8)
  const person = async (
    name: string,
    category: StakeholderCategory,
    country: string,
    role: Role = 'participant',
    organization: string | null = null,
  ) => {
    const created = await createUser(db, {
      ...signupSchema.parse({
        email: `${name}.${tag}@example.org`,
        password: 'a long enough password',
        displayName: name,
        category,
        country,
        language: 'fr',
      }),
      role,
      regionalOrganizationKey: organization,
    })
    if (!created.ok) throw new Error(`user ${name}: ${JSON.stringify(created.errors)}`)
    people.set(name, created.userId)
    return created.userId
  }
  const say = (
    name: string,
    text: string,
    options: { position?: Position; intent?: 'submit' | 'draft'; clause?: number } = {},
  ) => {
    const result = saveComment(db, {
      roundId: round.roundId,
      userId: people.get(name)!,
      input: {
        intent: options.intent ?? 'submit',
        clause: String(clauseIds[options.clause ?? 0]!.id),
        position: options.position ?? 'support',
        text,
        concerns: [],
        consent: 'named',
      },
    })
    if (!result.ok) throw new Error(result.error)
    return result.commentId
  }
  // Only now move the round to its requested window (comments were written while it was open).
  const setWindow = () =>
    db.$client
      .prepare('update rounds set opens_at = ?, closes_at = ? where id = ?')
      .run(window.opensAt.getTime(), window.closesAt.getTime(), round.roundId)
  return { roundId: round.roundId, person, say, setWindow, people }
}

/** The independent count: every comment of the round read back, filtered and tallied in JavaScript. */
function countByHand(db: Db, roundId: number, organization: string) {
  const members = new Set(REGIONAL_ORGANIZATIONS[organization]!.members)
  const rows = db.$client
    .prepare(
      'select country_code as country, category, status, moderation, author_id as author from comments where round_id = ?',
    )
    .all(roundId) as { country: string | null; category: string; status: string; moderation: string; author: string }[]
  const counted = rows.filter(
    (row) => row.status === 'submitted' && row.moderation === 'visible' && row.country && members.has(row.country),
  )
  const cells: Record<string, Record<string, number>> = {}
  const people: Record<string, Set<string>> = {}
  for (const row of counted) {
    cells[row.country!] ??= {}
    cells[row.country!]![row.category] = (cells[row.country!]![row.category] ?? 0) + 1
    ;(people[row.country!] ??= new Set()).add(row.author)
  }
  return {
    cells,
    participants: Object.fromEntries(Object.entries(people).map(([country, set]) => [country, set.size])),
    heard: new Set(Object.keys(cells)),
    members,
    total: counted.length,
    everyone: new Set(counted.map((row) => row.author)).size,
  }
}

describe('participationTracker', () => {
  it('counts member countries by category as an independent count does, and lists the unheard members', async () => {
    const db = createTestDb()
    const { roundId, person, say, people } = await setup(db)
    await person('kenya-cs', 'civil_society', 'KE')
    await person('kenya-gov', 'government', 'KE')
    await person('senegal-rb', 'regional_body', 'SN')
    await person('nigeria-tf', 'tech_firm', 'NG')
    await person('ghana-r', 'research', 'GH')
    await person('egypt-gov', 'government', 'EG')
    await person('france-gov', 'government', 'FR')
    await person('usa-tf', 'tech_firm', 'US')
    say('kenya-cs', 'Kenyan civil society asks for human rights safeguards in the first clause.')
    say('kenya-cs', 'The second clause needs an independent oversight body to be credible.', {
      clause: 1,
      position: 'amend',
    })
    say('kenya-gov', 'Kenya supports the first clause on the protection of critical infrastructure.')
    say('senegal-rb', 'Le Sénégal soutient cette disposition et demande un appui au renforcement des capacités.')
    say('nigeria-tf', 'We need clearer definitions of critical infrastructure before we can support this.', {
      position: 'oppose',
    })
    // Excluded: hidden by a moderator, withdrawn by its author, still a draft, and from non-members.
    const hidden = say('ghana-r', 'Buy cheap watches at this link, best prices in town for everyone!!!')
    db.update(comments).set({ moderation: 'hidden', hiddenReason: 'spam' }).where(eq(comments.id, hidden)).run()
    const withdrawn = say('egypt-gov', 'Egypt will comment later once the interagency review is complete.')
    const withdrawal = withdrawComment(db, { userId: people.get('egypt-gov')!, commentId: withdrawn })
    expect(withdrawal.ok).toBe(true)
    say('egypt-gov', 'A draft that was never submitted, so it must not be counted anywhere.', { intent: 'draft' })
    say('france-gov', 'France supports the clause on infrastructure protection without reservation.')
    say('usa-tf', 'The United States industry asks for narrower wording of the second clause.', {
      clause: 1,
      position: 'amend',
    })

    const tracker = participationTracker(db, roundId, 'au')!
    const expected = countByHand(db, roundId, 'au')

    // Counts by country and category equal the independent count, cell by cell.
    const actualCells = Object.fromEntries(
      tracker.countries.map((country) => [
        country.countryCode,
        Object.fromEntries(Object.entries(country.byCategory).filter(([, count]) => count > 0)),
      ]),
    )
    expect(actualCells).toEqual(expected.cells)
    expect(actualCells).toEqual({
      KE: { civil_society: 2, government: 1 },
      SN: { regional_body: 1 },
      NG: { tech_firm: 1 },
    })
    expect(Object.fromEntries(tracker.countries.map((country) => [country.countryCode, country.participants]))).toEqual(
      expected.participants,
    )
    expect(tracker.countries.find((country) => country.countryCode === 'KE')).toMatchObject({
      comments: 3,
      participants: 2,
    })
    expect(tracker.totals).toMatchObject({
      comments: expected.total,
      participants: expected.everyone,
      countriesHeard: 3,
    })
    expect(tracker.totals.comments).toBe(5)
    expect(tracker.totals.byCategory).toEqual({
      tech_firm: 1,
      research: 0,
      civil_society: 2,
      regional_body: 1,
      government: 1,
      other: 0,
    })

    // Only members are counted: France and the United States appear nowhere.
    expect(tracker.countries.map((country) => country.countryCode)).not.toContain('FR')
    expect(tracker.unheard).not.toContain('FR')

    // Every member country with no counted input is listed, and only those; hidden and withdrawn input does not count.
    expect(tracker.memberCount).toBe(expected.members.size)
    expect(tracker.unheard).toEqual([...expected.members].filter((code) => !expected.heard.has(code)).sort())
    expect(tracker.unheard).toEqual(expect.arrayContaining(['GH', 'EG', 'ZA']))
    expect(tracker.unheard).not.toContain('KE')
    expect(tracker.unheard.length + tracker.countries.length).toBe(tracker.memberCount)

    // Another organization's tracker counts its own members only.
    const eu = participationTracker(db, roundId, 'eu')!
    expect(eu.countries.map((country) => [country.countryCode, country.comments])).toEqual([['FR', 1]])
    expect(participationTracker(db, roundId, 'nowhere')).toBeNull()
  })

  it('counts an imported comment without an account as one participant', async () => {
    const db = createTestDb()
    const { roundId, person, say } = await setup(db)
    await person('kenya-cs', 'civil_society', 'KE')
    say('kenya-cs', 'Kenyan civil society asks for human rights safeguards in the first clause.')
    const id = say('kenya-cs', 'Another comment by the same person on the second clause of the draft.', { clause: 1 })
    db.update(comments).set({ authorId: null, imported: true }).where(eq(comments.id, id)).run()
    const kenya = participationTracker(db, roundId, 'au')!.countries[0]!
    expect(kenya).toMatchObject({ countryCode: 'KE', comments: 2, participants: 2 })
  })
})

describe('trackerOrganization', () => {
  it('gives a regional viewer their own organization only, and an admin the one they name', () => {
    const db = createTestDb()
    const viewer = { role: 'regional_viewer' as const, regionalOrganizationKey: 'au' }
    expect(trackerOrganization(db, viewer, null)).toEqual({ ok: true, organizationKey: 'au' })
    expect(trackerOrganization(db, viewer, 'au')).toEqual({ ok: true, organizationKey: 'au' })
    expect(trackerOrganization(db, viewer, 'eu')).toMatchObject({ ok: false, status: 403, reason: 'otherOrganization' })
    expect(trackerOrganization(db, viewer, 'nowhere')).toMatchObject({
      ok: false,
      status: 403,
      reason: 'otherOrganization',
    })
    expect(trackerOrganization(db, { role: 'regional_viewer', regionalOrganizationKey: null }, null)).toMatchObject({
      ok: false,
      status: 403,
      reason: 'noOrganization',
    })
    expect(trackerOrganization(db, { role: 'participant', regionalOrganizationKey: null }, 'au')).toMatchObject({
      ok: false,
      status: 403,
    })
    const admin = { role: 'admin' as const, regionalOrganizationKey: null }
    expect(trackerOrganization(db, admin, 'eu')).toEqual({ ok: true, organizationKey: 'eu' })
    expect(trackerOrganization(db, admin, null)).toMatchObject({ ok: false, status: 400, reason: 'chooseOrganization' })
    expect(trackerOrganization(db, admin, 'nowhere')).toMatchObject({
      ok: false,
      status: 400,
      reason: 'unknownOrganization',
    })
  })
})

/* The routes, through their loaders, with a real lucia session on the process-wide database. ---- */

type Answer = { data?: unknown; init?: { status?: number } | null; status?: number }

async function settle(promise: Promise<unknown>): Promise<{ status: number; body: unknown }> {
  try {
    const value = (await promise) as Answer
    if (value instanceof Response) return { status: value.status, body: await value.text() }
    if (value && typeof value === 'object' && 'init' in value)
      return { status: value.init?.status ?? 200, body: value.data }
    return { status: 200, body: value }
  } catch (error) {
    if (error instanceof Response) return { status: error.status, body: await error.text() }
    const thrown = error as Answer
    if (thrown && typeof thrown === 'object' && 'init' in thrown)
      return { status: thrown.init?.status ?? 500, body: thrown.data }
    throw error
  }
}

async function sessionCookie(userId: string) {
  const lucia = createLucia(processDb)
  const session = await lucia.createSession(userId, {})
  return lucia.createSessionCookie(session.id).serialize().split(';')[0]!
}

function get(path: string, cookie: string | null, language = 'fr') {
  const headers = new Headers({ 'Accept-Language': language })
  if (cookie) headers.set('Cookie', cookie)
  return new Request(`http://localhost${path}`, { headers })
}

function tracker(path: string, roundId: number | string, cookie: string | null, language?: string) {
  return settle(
    trackerLoader({
      request: get(path, cookie, language),
      params: { roundId: String(roundId) },
      context: { cspNonce: '' },
    }),
  )
}

describe('the tracker routes', () => {
  it('refuses an AU viewer the EU tracker with 403 and a French explanation, and shows their own without comment text', async () => {
    const { roundId, person, say, people } = await setup(processDb)
    await person('au-viewer', 'regional_body', 'ET', 'regional_viewer', 'au')
    await person('kenya-cs', 'civil_society', 'KE')
    await person('france-gov', 'government', 'FR')
    const secret = 'Kenyan civil society asks for human rights safeguards in the first clause.'
    say('kenya-cs', secret)
    say('france-gov', 'France supports the clause on infrastructure protection without reservation.')
    const cookie = await sessionCookie(people.get('au-viewer')!)
    const path = `/regional/rounds/${roundId}/tracker`

    const refused = await tracker(`${path}?organization=eu`, roundId, cookie)
    expect(refused.status).toBe(403)
    const problem = (refused.body as { regionalProblem: { title: string; message: string } }).regionalProblem
    expect(problem.title).toBe('Ce suivi relève d’une autre organisation')
    expect(problem.message).toContain('Union africaine')
    expect(problem.message).toContain('Union européenne')

    const own = await tracker(path, roundId, cookie)
    expect(own.status).toBe(200)
    const page = own.body as {
      organization: string
      rows: { code: string; name: string; total: string }[]
      unheard: { name: string }[]
    }
    expect(page.organization).toBe('Union africaine')
    expect(page.rows).toEqual([expect.objectContaining({ code: 'KE', name: 'Kenya', total: '1' })])
    expect(page.unheard.map((country) => country.name)).toContain('Afrique du Sud')
    // Sorted by name in the reader's language.
    const names = page.unheard.map((country) => country.name)
    expect(names).toEqual([...names].sort(new Intl.Collator('fr').compare))
    expect(JSON.stringify(own.body)).not.toContain(secret)
    // Asking for one's own organization by name is the same page.
    expect((await tracker(`${path}?organization=au`, roundId, cookie)).status).toBe(200)
  })

  it('answers 401 signed out, 403 to a participant, 404 for an unknown round, 409 for a closed round', async () => {
    const open = await setup(processDb)
    await open.person('au-viewer', 'regional_body', 'ET', 'regional_viewer', 'au')
    await open.person('someone', 'civil_society', 'KE')
    const viewer = await sessionCookie(open.people.get('au-viewer')!)
    const participant = await sessionCookie(open.people.get('someone')!)
    expect((await tracker(`/regional/rounds/${open.roundId}/tracker`, open.roundId, null)).status).toBe(401)
    expect((await tracker(`/regional/rounds/${open.roundId}/tracker`, open.roundId, participant)).status).toBe(403)
    expect((await tracker('/regional/rounds/999999/tracker', 999999, viewer)).status).toBe(404)
    expect((await tracker('/regional/rounds/abc/tracker', 'abc', viewer)).status).toBe(404)

    const closed = await setup(processDb, {
      opensAt: new Date(Date.now() - 2 * HOUR),
      closesAt: new Date(Date.now() - HOUR),
    })
    closed.setWindow()
    const answer = await tracker(`/regional/rounds/${closed.roundId}/tracker`, closed.roundId, viewer, 'en')
    expect(answer.status).toBe(409)
    expect((answer.body as { message: string }).message).toMatch(/^This round closed on /)

    const scheduled = await setup(processDb, {
      opensAt: new Date(Date.now() + HOUR),
      closesAt: new Date(Date.now() + 2 * HOUR),
    })
    scheduled.setWindow()
    const later = await tracker(`/regional/rounds/${scheduled.roundId}/tracker`, scheduled.roundId, viewer, 'en')
    expect(later.status).toBe(409)
    expect((later.body as { message: string }).message).toMatch(/^This round opens on /)
  })

  it('lets an admin read any organization by name, and asks them to choose one', async () => {
    const { roundId, person, people } = await setup(processDb)
    await person('admin', 'other', 'CH', 'admin')
    const cookie = await sessionCookie(people.get('admin')!)
    const eu = await tracker(`/regional/rounds/${roundId}/tracker?organization=eu`, roundId, cookie, 'en')
    expect(eu.status).toBe(200)
    expect((eu.body as { organization: string }).organization).toBe('European Union')
    expect((await tracker(`/regional/rounds/${roundId}/tracker`, roundId, cookie)).status).toBe(400)
    expect((await tracker(`/regional/rounds/${roundId}/tracker?organization=xx`, roundId, cookie)).status).toBe(400)
  })

  it('lists the open rounds with links to the viewer’s tracker, and refuses another organization’s overview', async () => {
    const { roundId, person, people } = await setup(processDb)
    await person('au-viewer', 'regional_body', 'ET', 'regional_viewer', 'au')
    const cookie = await sessionCookie(people.get('au-viewer')!)
    const overview = await settle(
      indexLoader({ request: get('/regional', cookie), params: {}, context: { cspNonce: '' } }),
    )
    expect(overview.status).toBe(200)
    const body = overview.body as { organization: string; open: { id: number; trackerHref: string }[] }
    expect(body.organization).toBe('Union africaine')
    expect(body.open).toContainEqual(
      expect.objectContaining({ id: roundId, trackerHref: `/regional/rounds/${roundId}/tracker` }),
    )
    const refused = await settle(
      indexLoader({ request: get('/regional?organization=eu', cookie), params: {}, context: { cspNonce: '' } }),
    )
    expect(refused.status).toBe(403)
  })
})
