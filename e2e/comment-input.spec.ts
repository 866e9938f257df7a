import { type Page } from '@playwright/test'
import { saveComment } from '~/modules/comments/comments.server'
import { expect, test } from './fixtures'
import { translator } from './locales'
import { commentsBy, nextPost, openRound, revisionsOf, type TestRound } from './rounds'

/**
 * Bad input on the commenting page, through the page itself (JavaScript off, so each answer is the
 * server's) and as plain HTTP: each is refused with a 4xx and a translated message, never a 500,
 * and nothing stored changes. Text is kept exactly as written and shown as text.
 */

const en = translator('en')
const c = (key: string, values?: Record<string, string | number>) => en(`comments:${key}`, values)
const clauseForm = (page: Page, label: string) =>
  page.getByRole('form', { name: c('form.newTitle', { subject: en('rounds:draft.clause', { label }) }) })

/** Right-to-left mark, zero-width space and joiner, emoji with skin tone and ZWJ, a flag, combining marks, 4-byte letters. */
const ODD =
  'Clause 1\u200F needs\u200B work\u200D: 👩🏽‍💻 🇺🇳 e\u0301te\u0301 and n\u0303 (NFD, kept as such), 𠜎𠝹 𝒜𝟘, «مرحبا» \u202Bembedded\u202C end'
const MARKUP = '<script>window.__xss = 1</script><b>bold?</b> <img src=x onerror="window.__xss = 2"> & &amp; "quotes"'

/** A comment by someone else in the same round, straight in the database. */
async function someoneElsesComment(round: TestRound, createUser: (options?: { language?: 'fr' }) => Promise<{ id: string }>, database: Parameters<typeof saveComment>[0]) {
  const other = await createUser({ language: 'fr' })
  const saved = saveComment(database, {
    roundId: round.roundId,
    userId: other.id,
    input: { intent: 'submit', clause: String(round.clauseIds[0]), position: 'oppose', text: 'Ce n’est pas à moi de le dire.', concerns: [], consent: 'named' },
  })
  if (!saved.ok) throw new Error('e2e: could not save the other comment')
  return { ...saved, authorId: other.id }
}

test.describe('JavaScript off', () => {
  test.use({ javaScriptEnabled: false })

  test('empty, overlong, unknown clause, invalid position and someone else’s comment: 4xx with a message, nothing stored', async ({
    page,
    axe,
    database,
    createUser,
    login,
  }) => {
    const round = openRound(database)
    const otherRound = openRound(database)
    const user = await createUser({ language: 'en' })
    await login(user)
    const theirs = await someoneElsesComment(round, createUser, database)
    const mine = saveComment(database, {
      roundId: round.roundId,
      userId: user.id,
      input: { intent: 'submit', clause: 'whole', position: 'support', text: 'My own comment on the whole draft.', concerns: [], consent: 'named' },
    })
    if (!mine.ok) throw new Error('e2e: could not save the comment')
    const url = `/rounds/${round.roundId}/comment`
    const stored = () => commentsBy(database, user.id)
    const before = stored()

    async function refused(status: number, message: string, act: () => Promise<void>) {
      const response = nextPost(page, url)
      await act()
      expect((await response).status()).toBe(status)
      await expect(page.getByRole('alert').filter({ hasText: message })).toBeVisible()
      expect(stored()).toEqual(before)
    }

    // The fresh commenting page is scanned in participants.spec.ts; here each refusal is.
    await page.goto(url)

    // Spaces only: the browser accepts it (the box is not empty), the server does not.
    await clauseForm(page, '1').getByRole('radio', { name: c('positions.support') }).check()
    await clauseForm(page, '1').getByRole('textbox', { name: c('form.text'), exact: true }).fill('   \n  ')
    await refused(400, c('errors.textRequired'), () => clauseForm(page, '1').getByRole('button', { name: c('form.submit'), exact: true }).click())
    await axe()

    // One character over the limit, counted in code points: 5,001 four-byte characters.
    await clauseForm(page, '1').getByRole('textbox', { name: c('form.text'), exact: true }).fill('𠜎'.repeat(5001))
    await refused(400, c('errors.textTooLong'), () => clauseForm(page, '1').getByRole('button', { name: c('form.submit'), exact: true }).click())

    // A clause id that is not in this round's draft: one of another round's, then one that does not exist.
    for (const clause of [String(otherRound.clauseIds[0]), '999999999']) {
      await page.goto(url)
      const form = clauseForm(page, '2')
      await form.getByRole('radio', { name: c('positions.neutral') }).check()
      await form.getByRole('textbox', { name: c('form.text'), exact: true }).fill('A comment on a clause that is not there.')
      await form.getByRole('radio', { name: c('consent.anonymous') }).check()
      await form.locator('input[name="clause"]').evaluate((input, value) => ((input as HTMLInputElement).value = value), clause)
      await refused(400, c('errors.clauseUnknown'), () => form.getByRole('button', { name: c('form.submit'), exact: true }).click())
    }
    await axe()

    // A position that is not one of the four.
    await page.goto(url)
    const form = clauseForm(page, '2')
    const support = form.getByRole('radio', { name: c('positions.support') })
    await support.evaluate((input) => ((input as HTMLInputElement).value = 'maybe'))
    await support.check()
    await form.getByRole('textbox', { name: c('form.text'), exact: true }).fill('Perhaps.')
    await form.getByRole('radio', { name: c('consent.anonymous') }).check()
    await refused(400, c('errors.positionInvalid'), () => form.getByRole('button', { name: c('form.submit'), exact: true }).click())

    // Someone else's comment, by changing the id in my withdrawal form: not found, theirs untouched.
    await page.goto(url)
    const withdraw = page.locator(`#withdraw-${mine.commentId}`)
    await withdraw.locator('input[name="commentId"]').evaluate((input, id) => ((input as HTMLInputElement).value = id), String(theirs.commentId))
    await withdraw.getByRole('checkbox').check()
    await refused(404, c('errors.commentUnknown'), () => withdraw.getByRole('button', { name: c('own.withdraw') }).click())
    await axe()
    // … and in my language correction form, and as the comment an edit would save over.
    await page.goto(url)
    const language = page.locator(`#language-${mine.commentId}`)
    await language.locator('input[name="commentId"]').evaluate((input, id) => ((input as HTMLInputElement).value = id), String(theirs.commentId))
    await language.getByRole('combobox').selectOption('de')
    await refused(404, c('errors.commentUnknown'), () => language.getByRole('button', { name: c('own.setLanguage') }).click())
    await page.goto(`${url}?edit=${mine.commentId}`)
    const edit = page.getByRole('form', { name: c('form.editTitle', { receipt: mine.receipt }) })
    await edit.locator('input[name="commentId"]').evaluate((input, id) => ((input as HTMLInputElement).value = id), String(theirs.commentId))
    await edit.getByRole('textbox', { name: c('form.text'), exact: true }).fill('Overwritten?')
    await refused(404, c('errors.commentUnknown'), () => edit.getByRole('button', { name: c('form.saveChanges') }).click())
    expect(commentsBy(database, theirs.authorId)).toEqual([expect.objectContaining({ id: theirs.commentId, status: 'submitted', text: 'Ce n’est pas à moi de le dire.', declaredLanguage: 'fr' })])
    expect(revisionsOf(database, theirs.commentId)).toHaveLength(1)

    // Opening someone else's comment for editing, or a round that does not exist: not found.
    expect((await page.goto(`${url}?edit=${theirs.commentId}`))?.status()).toBe(404)
    expect((await page.goto('/rounds/999999999/comment'))?.status()).toBe(404)
    await axe()

    // Straight over HTTP: a tampered form intent, a list index far beyond any real list, a round
    // that does not exist. A 4xx page in the reader's language each time, never a 500.
    const valid = { intent: 'submit', clause: 'whole', position: 'support', text: 'Fine.', consent: 'named' }
    for (const [path, form, status, title] of [
      [url, { ...valid, __intent__: '{not json' }, 400, 'errors.400.title'],
      [url, { ...valid, 'concerns[1000000]': 'privacy' }, 400, 'errors.400.title'],
      ['/rounds/999999999/comment', valid, 404, 'errors.404.title'],
    ] as const) {
      const response = await page.request.post(path, { form, maxRedirects: 0 })
      expect(response.status(), `${path} ${JSON.stringify(form)}`).toBe(status)
      expect(await response.text()).toContain(en(title))
    }
    expect(stored()).toEqual(before)
  })

  test('the same form sent twice (a retried request) makes one comment', async ({ page, database, createUser, login }) => {
    const round = openRound(database)
    const user = await createUser({ language: 'en' })
    await login(user)
    const url = `/rounds/${round.roundId}/comment`
    // The form as the server sends it (over HTTP only: the page itself is scanned in other tests).
    const html = await (await page.request.get(url)).text()
    const clause = String(round.clauseIds[2])
    const key = new RegExp(`name="clause" value="${clause}"/><input type="hidden" name="idempotencyKey" value="([\\w-]+)"`).exec(html)?.[1]
    expect(key).toMatch(/^[0-9a-f-]{36}$/)
    const body = {
      intent: 'submit',
      clause,
      idempotencyKey: key!,
      position: 'support',
      text: 'Responsible disclosure deserves a clause of its own.',
      consent: 'anonymous',
    }
    const first = await page.request.post(url, { form: body, maxRedirects: 0 })
    const second = await page.request.post(url, { form: { ...body, text: 'Sent again after a time-out.' }, maxRedirects: 0 })
    expect([first.status(), second.status()]).toEqual([302, 302])
    expect(second.headers().location).toBe(first.headers().location)
    const saved = commentsBy(database, user.id)
    expect(saved).toEqual([expect.objectContaining({ text: body.text, status: 'submitted', idempotencyKey: `${user.id}:${key}` })])
    // The answer to the second says so, with the first one's receipt.
    const answer = await (await page.request.get(second.headers().location!)).text()
    expect(answer).toContain(c('flash.replayed', { receipt: saved[0]!.receipt }))
  })
})

test.describe('JavaScript on', () => {
  test('markup and unusual characters are stored and shown exactly, as text; a double click makes one comment', async ({
    page,
    axe,
    database,
    createUser,
    login,
  }) => {
    const round = openRound(database)
    const user = await createUser({ language: 'en', displayName: 'Ana <b>Ruiz</b>' })
    await login(user)
    const url = `/rounds/${round.roundId}/comment`
    page.on('dialog', (dialog) => {
      throw new Error(`e2e: a dialog opened: ${dialog.message()}`)
    })
    // Scanned below, once the comment is on it.
    await page.goto(url)

    const form = clauseForm(page, '1')
    await form.getByRole('radio', { name: c('positions.amend') }).check()
    await form.getByRole('textbox', { name: c('form.text'), exact: true }).fill(ODD)
    await form.getByRole('textbox', { name: c('form.proposed'), exact: true }).fill(MARKUP)
    await form.getByRole('radio', { name: c('consent.named') }).check()
    await form.getByRole('button', { name: c('form.submit'), exact: true }).dblclick()
    await expect.poll(() => commentsBy(database, user.id).length, { timeout: 15_000 }).toBe(1)
    const [saved] = commentsBy(database, user.id)
    await expect(page.getByRole('status').filter({ hasText: saved!.receipt })).toBeVisible({ timeout: 15_000 })
    expect(saved).toMatchObject({ text: ODD, proposedText: MARKUP, authorName: 'Ana <b>Ruiz</b>' })

    async function shownExactly(scope: ReturnType<Page['locator']>) {
      const texts = scope.locator('.comment-text')
      await expect(texts.first()).toBeVisible()
      expect(await texts.evaluateAll((nodes) => nodes.map((node) => node.textContent))).toEqual(expect.arrayContaining([ODD, MARKUP]))
      await expect(scope.locator('.comment-text script, .comment-text img, .comment-text b')).toHaveCount(0)
    }
    await shownExactly(page.locator(`#c-${saved!.id}`))
    // As the server renders it, then on the public comments page with the author's name as text.
    await page.reload()
    await shownExactly(page.locator(`#c-${saved!.id}`))
    await axe()
    await page.goto(`/rounds/${round.roundId}/comments`)
    await shownExactly(page.locator('main'))
    await expect(page.getByRole('heading', { name: 'Ana <b>Ruiz</b>', exact: true })).toBeVisible()
    expect(await page.evaluate(() => (window as { __xss?: number }).__xss)).toBeUndefined()
    await axe()
  })
})
