import { type Page } from '@playwright/test'
import { and, count, eq } from 'drizzle-orm'
import { STAKEHOLDER_CATEGORIES } from '#db/schema/accounts'
import { clauses, commentConcerns, comments, concerns, duplicateGroups } from '#db/schema/index'
import { saveComment } from '~/modules/comments/comments.server'
import { confirmConcerns } from '~/modules/concerns/concerns.server'
import { createNorm, createVersionFrom } from '~/modules/norms/norms.server'
import { createRound } from '~/modules/rounds/rounds.server'
import { publishSummary } from '~/modules/summaries/summaries.server'
import type { Db } from '~/utils/db.server'
import { expect, test, waitForHydration } from './fixtures'
import { translator } from './locales'

const en = translator('en')
const MINUTE = 60_000
const DAY = 24 * 60 * MINUTE

/** A norm of two clauses with a round open since yesterday on version 1, and version 2 under a round of its own. */
function openRound(database: Db, title: string) {
  const v1 = createNorm(
    database,
    {
      sourceLanguage: 'en',
      title: `${title}: draft norms`,
      preamble: '',
      clauses: [
        { label: '1', heading: null, text: 'States should cooperate to prevent harmful cyber incidents.' },
        { label: '2', heading: null, text: 'States should respect human rights online.' },
      ],
    },
    null,
  )
  const now = Date.now()
  const round = createRound(
    database,
    {
      versionId: v1,
      title,
      opensAt: new Date(now - DAY),
      closesAt: new Date(now + 30 * DAY),
      eligibleCategories: [...STAKEHOLDER_CATEGORIES],
    },
    null,
  )
  if (!round.ok) throw new Error(`e2e: could not open a round: ${round.error}`)
  return { roundId: round.roundId, v1 }
}

/** Submits a comment on the whole draft as the user, `minutesAgo` minutes ago; returns its id. */
function submit(database: Db, roundId: number, userId: string, text: string, minutesAgo: number) {
  const saved = saveComment(database, {
    roundId,
    userId,
    input: {
      intent: 'submit',
      clause: 'whole',
      position: 'oppose',
      text,
      concerns: [],
      consent: 'named',
      language: 'en',
    },
    now: new Date(Date.now() - minutesAgo * MINUTE),
  })
  if (!saved.ok) throw new Error(`e2e: could not submit a comment: ${saved.error}`)
  return saved.commentId
}

function concernKeys(database: Db, commentId: number, source: 'suggested' | 'moderator') {
  return database
    .select({ key: concerns.key })
    .from(commentConcerns)
    .innerJoin(concerns, eq(concerns.id, commentConcerns.concernId))
    .where(and(eq(commentConcerns.commentId, commentId), eq(commentConcerns.source, source)))
    .all()
    .map((row) => row.key)
    .sort()
}

function commentRow(database: Db, commentId: number) {
  return database.select().from(comments).where(eq(comments.id, commentId)).get()!
}

/** Presses Tab until the focused element has this accessible text (a button or a link); fails after 60 presses. */
async function tabTo(page: Page, text: string) {
  for (let presses = 0; presses < 60; presses++) {
    await page.keyboard.press('Tab')
    const focused = await page.evaluate(() => document.activeElement?.textContent?.trim() ?? '')
    if (focused === text) return
  }
  throw new Error(`e2e: Tab never reached “${text}”`)
}

/** The one-time message after a redirect (pages may hold other live regions). */
function flash(page: Page) {
  return page.locator('.flash[role="status"]')
}

async function reviewing(page: Page, roundId: number, commentId: number) {
  await expect(page).toHaveURL(new RegExp(`/moderate/rounds/${roundId}/queue/${commentId}(\\?|$)`))
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(en('moderation:review.title', { id: commentId }))
}

test('a moderator reviews the queue by keyboard alone and hides a comment; its author and the public see why', async ({
  page,
  context,
  axe,
  database,
  createUser,
  login,
}) => {
  // The longest walk of the suite: eight steps over five pages, four of them scanned by axe.
  test.slow()
  const [moderator, amina, bo] = await Promise.all([
    createUser({ role: 'moderator' }),
    createUser({ displayName: 'Amina E2E' }),
    createUser(),
  ])
  const { roundId } = openRound(database, `Review E2E ${Date.now()}`)
  // Oldest first; the queue shows the newest first, those still waiting for a decision before the others.
  const settled = submit(database, roundId, bo.id, 'The preamble reads well as it is.', 50)
  confirmConcerns(database, { roundId, keysByComment: new Map([[settled, []]]), actorId: moderator.id })
  const older = submit(database, roundId, bo.id, 'Export controls on intrusion software need clearer definitions.', 40)
  const costs = submit(database, roundId, bo.id, 'Small businesses cannot carry the costs of yet another duty.', 30)
  const watching = submit(database, roundId, amina.id, 'Bulk surveillance of personal data must end.', 20)
  const spam = submit(database, roundId, amina.id, 'Buy cheap watches today at cheap-watches.example, best prices!', 10)
  // What Concord suggested, before any moderator decided.
  expect(concernKeys(database, watching, 'suggested')).toContain('privacy')
  expect(concernKeys(database, watching, 'suggested')).not.toContain('human_rights')
  const costsSuggested = concernKeys(database, costs, 'suggested')
  expect(costsSuggested).toContain('economic_impact')
  const note = 'Advertising for watches, not a comment on the draft.'

  await login(moderator)
  await page.goto(`/moderate/rounds/${roundId}/queue`)
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(en('moderation:queue.title'))
  await axe()

  await test.step('open the newest comment from the queue', async () => {
    // The skip link first, past the site's navigation.
    await page.keyboard.press('Tab')
    await expect(page.getByRole('link', { name: en('nav.skip') })).toBeFocused()
    await page.keyboard.press('Enter')
    await tabTo(page, en('moderation:queue.commentNumber', { id: spam }))
    await page.keyboard.press('Enter')
    await reviewing(page, roundId, spam)
    await waitForHydration(page)
    await axe()
  })

  await test.step('next and previous', async () => {
    await page.keyboard.press('j')
    await reviewing(page, roundId, watching)
    await page.keyboard.press('k')
    await reviewing(page, roundId, spam)
  })

  await test.step('hide with a reason from the list and a note, then go on to the next', async () => {
    await page.keyboard.press('h')
    const reason = page.locator('#hide-reason')
    await expect(reason).toBeFocused()
    await page.keyboard.press('ArrowDown')
    await expect(reason).toHaveValue('spam')
    await page.keyboard.press('Tab')
    await expect(page.locator('#hide-note')).toBeFocused()
    await page.keyboard.type(note)
    await tabTo(page, en('moderation:review.hideNext'))
    await page.keyboard.press('Enter')
    await reviewing(page, roundId, watching)
    await expect(flash(page)).toHaveText(en('moderation:flash.hidden', { id: spam }))
    expect(commentRow(database, spam)).toMatchObject({ moderation: 'hidden', hiddenReason: 'spam', hiddenNote: note })
  })

  await test.step('correct the suggestions (not privacy but human rights), save and go on to the next', async () => {
    await page.keyboard.press('e')
    const privacy = page.locator('#concern-privacy')
    await expect(privacy).toBeFocused()
    await expect(privacy).toBeChecked()
    await page.keyboard.press('Space')
    await page.keyboard.press('Tab')
    await expect(page.locator('#concern-human_rights')).toBeFocused()
    await page.keyboard.press('Space')
    await tabTo(page, en('moderation:review.saveNext'))
    await page.keyboard.press('Enter')
    await reviewing(page, roundId, costs)
    await expect(flash(page)).toHaveText(en('moderation:flash.concernsSaved', { id: watching }))
    const kept = concernKeys(database, watching, 'suggested').filter((key) => key !== 'privacy')
    expect(concernKeys(database, watching, 'moderator')).toEqual([...new Set([...kept, 'human_rights'])].sort())
  })

  await test.step('confirm the suggestions as they are', async () => {
    await page.keyboard.press('c')
    await expect(flash(page)).toHaveText(en('moderation:flash.confirmed', { id: costs }))
    await reviewing(page, roundId, costs)
    await expect(page.getByText(en('moderation:states.confirmed'), { exact: true })).toBeVisible()
    expect(concernKeys(database, costs, 'moderator')).toEqual(costsSuggested)
    expect(commentRow(database, costs).reviewState).toBe('reviewed')
  })

  await test.step('next after confirming goes on to the comment still waiting, not to an older reviewed one', async () => {
    // The reviewed one the comment's new place would lead to, had next gone on from there.
    expect(commentRow(database, settled).reviewState).toBe('reviewed')
    await page.keyboard.press('j')
    await reviewing(page, roundId, older)
    const waiting = concernKeys(database, older, 'suggested').length ? 'suggested' : 'unreviewed'
    await expect(page.locator('.review-state .badge')).toHaveText(en(`moderation:states.${waiting}`))
    expect(commentRow(database, older).reviewState).toBe('unreviewed')
  })

  await test.step('the public round page counts the hidden comment by its reason, and links to a published summary', async () => {
    await page.goto(`/rounds/${roundId}`)
    const figures = page.getByRole('region', { name: en('moderation:figures.title') })
    await expect(figures.getByRole('row', { name: `${en('moderation:reasons.hide.spam')} 1` })).toBeVisible()
    await expect(figures.getByRole('row', { name: `${en('moderation:reasons.hide.abuse')} 0` })).toBeVisible()
    await expect(figures.getByRole('row', { name: `${en('moderation:figures.total')} 1` })).toBeVisible()
    await expect(page.getByRole('link', { name: en('rounds:round.summary') })).toHaveCount(0)
    await axe()
    publishSummary(database, { roundId, actorId: moderator.id })
    await page.reload()
    await expect(page.getByRole('link', { name: en('rounds:round.summary') })).toHaveAttribute(
      'href',
      `/rounds/${roundId}/summary`,
    )
  })

  await test.step('the author sees on My comments that it was hidden and why', async () => {
    await context.clearCookies()
    await login(amina)
    await page.goto('/my/comments')
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(en('comments:mine.title'))
    const hidden = page.locator(`#c-${spam}`)
    await expect(hidden).toContainText(en('comments:mine.hidden', { reason: en('comments:hiddenReasons.spam') }))
    await expect(hidden.getByRole('definition').filter({ hasText: note })).toHaveText(note)
    await expect(page.locator(`#c-${watching}`)).toContainText(en('comments:mine.visible'))
    await expect(page.locator(`#c-${watching}`)).not.toContainText(en('comments:mine.hiddenNote'))
    await axe()
  })
})

test('a moderator merges duplicate groups and records dispositions; the author sees them on My comments', async ({
  page,
  context,
  axe,
  database,
  createUser,
  login,
}) => {
  const [moderator, amina, bo, dave, eve] = await Promise.all([
    createUser({ role: 'moderator' }),
    createUser({ displayName: 'Amina E2E' }),
    createUser(),
    createUser(),
    createUser(),
  ])
  const { roundId, v1 } = openRound(database, `Dispositions E2E ${Date.now()}`)
  // The next version of the draft, with a round of its own, where a disposition can lead.
  const v2 = createVersionFrom(database, v1, null)!
  const nextRound = createRound(
    database,
    {
      versionId: v2,
      title: 'Second reading',
      opensAt: new Date(Date.now() + DAY),
      closesAt: new Date(Date.now() + 40 * DAY),
      eligibleCategories: [...STAKEHOLDER_CATEGORIES],
    },
    null,
  )
  if (!nextRound.ok) throw new Error('e2e: could not create the second round')
  const nextClause = database
    .select({ id: clauses.id })
    .from(clauses)
    .where(and(eq(clauses.versionId, v2), eq(clauses.label, '2')))
    .get()!.id
  const sunset = 'Delete clause 1 entirely; it repeats existing treaties and adds nothing new.'
  const campaign = 'Clause 2 must be rejected: lawful access to encrypted messages means backdoors for everyone.'
  const groupTwo = [submit(database, roundId, dave.id, sunset, 60), submit(database, roundId, eve.id, sunset, 59)]
  const groupOne = [submit(database, roundId, amina.id, campaign, 50), submit(database, roundId, bo.id, campaign, 49)]
  const lone = submit(database, roundId, amina.id, 'Bulk surveillance of personal data must end.', 20)
  const groupOf = (commentId: number) => commentRow(database, commentId).duplicateGroupId
  const [groupOneId, groupTwoId] = [groupOf(groupOne[0]!)!, groupOf(groupTwo[0]!)!]
  expect(groupOf(groupOne[1]!)).toBe(groupOneId)
  expect(groupOf(groupTwo[1]!)).toBe(groupTwoId)
  expect(groupOneId).not.toBe(groupTwoId)

  await login(moderator)

  await test.step('merge a duplicate group into another', async () => {
    await page.goto(`/moderate/rounds/${roundId}/duplicates`)
    const card = page.locator(`#group-${groupOneId}`)
    await card.getByLabel(en('dispositions:duplicates.merge.label')).selectOption(String(groupTwoId))
    await card.getByRole('button', { name: en('dispositions:duplicates.actions.merge') }).click()
    await expect(flash(page)).toHaveText(en('dispositions:flash.merged', { group: groupOneId, other: groupTwoId }))
    for (const id of [...groupOne, ...groupTwo]) expect(groupOf(id)).toBe(groupOneId)
    expect(
      database
        .select({ size: duplicateGroups.size })
        .from(duplicateGroups)
        .where(eq(duplicateGroups.id, groupOneId))
        .get()!.size,
    ).toBe(4)
    await axe()
  })

  await test.step('record a disposition for the group', async () => {
    await page.goto(`/moderate/rounds/${roundId}/dispositions/group-${groupOneId}`)
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(
      en('dispositions:record.titleGroup', { id: groupOneId }),
    )
    await axe()
    await page.getByLabel(en('dispositions:outcomes.partly_accepted'), { exact: true }).check()
    await page
      .getByLabel(en('dispositions:record.reasonIn', { language: 'English' }))
      .fill('Clause 2 now names encryption as a safeguard.')
    await page.getByLabel(en('dispositions:record.nextClause')).selectOption(String(nextClause))
    await page.getByRole('button', { name: en('dispositions:record.save') }).click()
    await expect(flash(page)).toHaveText(en('dispositions:flash.recordedGroup', { id: groupOneId }))
  })

  await test.step('record a disposition for a comment, its reason only in French', async () => {
    await page.goto(`/moderate/rounds/${roundId}/dispositions/comment-${lone}`)
    await page.getByLabel(en('dispositions:outcomes.accepted'), { exact: true }).check()
    await page
      .getByLabel(en('dispositions:record.reasonIn', { language: 'French' }))
      .fill('La surveillance de masse est désormais exclue.')
    await page.getByRole('button', { name: en('dispositions:record.save') }).click()
    await expect(flash(page)).toHaveText(en('dispositions:flash.recordedComment', { id: lone }))
    await axe()
  })

  await test.step('the author sees both dispositions on My comments', async () => {
    await context.clearCookies()
    await login(amina)
    await page.goto('/my/comments')
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(en('comments:mine.title'))

    // The author reads English; the reason is only in French, so it comes in French, marked as such.
    const own = page.locator(`#c-${lone}`).getByRole('region', { name: en('dispositions:note.title') })
    await expect(own.locator('.outcome')).toHaveText(en('dispositions:outcomes.accepted'))
    await expect(own.locator('[lang="fr"]')).toHaveText('La surveillance de masse est désormais exclue.')
    await expect(own).toContainText(en('dispositions:note.untranslated', { language: 'French' }))

    const grouped = page.locator(`#c-${groupOne[0]}`).getByRole('region', { name: en('dispositions:note.title') })
    await expect(grouped.locator('.outcome')).toHaveText(en('dispositions:outcomes.partly_accepted'))
    await expect(grouped).toContainText(en('dispositions:note.forGroup'))
    await expect(grouped).toContainText('Clause 2 now names encryption as a safeguard.')
    await expect(
      grouped.getByRole('link', { name: en('dispositions:note.ledTo', { label: '2', version: 2 }) }),
    ).toHaveAttribute('href', `/rounds/${nextRound.roundId}#clause-2`)
    await axe()
  })
})

const HEADER =
  'external_id,clause,stakeholder_category,organization,country,language,position,text,proposed_text,concerns'

test('an import with one bad row is refused whole, naming the row; a good file imports after a preview', async ({
  page,
  axe,
  database,
  createUser,
  login,
}) => {
  const moderator = await createUser({ role: 'moderator' })
  const { roundId } = openRound(database, `Import E2E ${Date.now()}`)
  const inRound = () => database.select({ n: count() }).from(comments).where(eq(comments.roundId, roundId)).get()!.n
  await login(moderator)
  await page.goto(`/moderate/rounds/${roundId}/import`)
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(en('transfer:import.title'))

  const bad = [
    HEADER,
    'ext-1,1,research,Institute of Cyber Studies,KE,en,support,Clause 1 is sound and should stay.,,',
    'ext-2,2,astronaut,,FR,fr,oppose,L’article 2 va trop loin.,,',
    'ext-3,,government,,BR,pt,neutral,Sem comentários adicionais.,,privacy',
  ].join('\n')
  await page
    .getByLabel(en('transfer:import.file'))
    .setInputFiles({ name: 'comments-bad.csv', mimeType: 'text/csv', buffer: Buffer.from(bad) })
  const refused = page.waitForResponse((response) => response.request().method() === 'POST')
  await page.getByRole('button', { name: en('transfer:import.check') }).click()
  expect((await refused).status()).toBe(400)
  await expect(page.getByRole('heading', { name: en('transfer:check.problems', { count: 1 }) })).toBeVisible()
  await expect(page.getByText(en('transfer:check.nothingImported', { file: 'comments-bad.csv' }))).toBeVisible()
  const problems = page.getByRole('table', { name: en('transfer:check.problemsCaption') })
  await expect(problems.locator('tbody tr')).toHaveCount(1)
  await expect(problems.locator('tbody tr').getByRole('rowheader')).toHaveText('3')
  await expect(problems.locator('tbody tr')).toContainText('stakeholder_category')
  await expect(problems.locator('tbody tr')).toContainText(
    en('transfer:errors.categoryUnknown', { value: 'astronaut' }),
  )
  expect(inRound()).toBe(0)
  await axe()

  const good = [
    HEADER,
    'ext-1,1,research,Institute of Cyber Studies,KE,en,support,Clause 1 is sound and should stay.,,',
    'ext-2,2,civil_society,,FR,fr,oppose,L’article 2 va trop loin.,,human_rights',
    'ext-3,,government,,BR,pt,neutral,Sem comentários adicionais.,,',
  ].join('\n')
  await page
    .getByLabel(en('transfer:import.file'))
    .setInputFiles({ name: 'comments.csv', mimeType: 'text/csv', buffer: Buffer.from(good) })
  await page.getByRole('button', { name: en('transfer:import.check') }).click()
  await expect(page.getByRole('heading', { name: en('transfer:check.ready', { count: 3 }) })).toBeVisible()
  const preview = page.getByRole('table', { name: en('transfer:check.previewOf', { count: 3, total: '3' }) })
  await expect(preview.locator('tbody tr')).toHaveCount(3)
  await expect(preview.locator('tbody tr').nth(1)).toContainText('L’article 2 va trop loin.')
  expect(inRound()).toBe(0)
  await axe()

  await page.getByRole('button', { name: en('transfer:check.import', { count: 3 }) }).click()
  await expect(flash(page)).toHaveText(en('transfer:flash.imported', { count: 3 }))
  const imported = database
    .select({ id: comments.id, externalId: comments.externalId, imported: comments.imported, status: comments.status })
    .from(comments)
    .where(eq(comments.roundId, roundId))
    .orderBy(comments.externalId)
    .all()
  expect(imported).toEqual(
    ['ext-1', 'ext-2', 'ext-3'].map((externalId) =>
      expect.objectContaining({ externalId, imported: true, status: 'submitted' }),
    ),
  )
  await expect(page.getByLabel(en('transfer:import.file'))).toBeVisible()
  await axe()

  // The moderators' review says so.
  const second = imported[1]!.id
  await page.goto(`/moderate/rounds/${roundId}/queue/${second}`)
  await expect(
    page.getByRole('definition').filter({ hasText: en('moderation:review.externalId', { id: 'ext-2' }) }),
  ).toBeVisible()
  expect(concernKeys(database, second, 'moderator')).toEqual(['human_rights'])
  await axe()
})
