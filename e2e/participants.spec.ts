import { type Locator, type Page } from '@playwright/test'
import { DEFAULT_TAXONOMY } from '~/modules/concerns/default-taxonomy'
import { languageName } from '~/modules/comments/languages'
import { type Language } from '~/modules/i18n/i18n'
import { expect, test } from './fixtures'
import { translator } from './locales'
import { CLAUSES, closeRoundAt, commentsBy, nextPost, openRound, readIn, revisionsOf, type TestRound } from './rounds'

/**
 * Participants comment clause by clause through the real commenting page, in Arabic (right to left)
 * and in Chinese, with JavaScript off (plain forms) and on: save a draft, submit it, comment with
 * proposed wording, let Concord detect the language and correct it, edit (every version kept),
 * withdraw, and find each receipt on "My comments".
 */

const RECEIPT = /^[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$/

type Position = 'support' | 'amend' | 'oppose' | 'neutral'
type Consent = 'named' | 'anonymous' | 'private'

type Script = {
  language: 'ar' | 'zh'
  dir: 'rtl' | 'ltr'
  /** Clause 1: saved as a draft, submitted, later withdrawn. */
  draft: { position: Position; text: string; concern: string }
  /** Clause 2: amended with proposed wording, then edited. */
  amend: { text: string; proposed: string; edited: string; concern: string }
  /** The draft as a whole: too short to tell its language, so the author sets it. */
  short: { position: Position; text: string }
}

// The Chinese comment on the draft as a whole quotes a real one: vTaiwan consultation on UberX,
// comment 183 (CC BY 4.0, The Computational Democracy Project; ../shared/corpus/zh-vtaiwan-uberx-comments.csv).
const SCRIPTS: Script[] = [
  {
    language: 'ar',
    dir: 'rtl',
    draft: {
      position: 'support',
      text: 'نؤيد هذا البند بقوة، لأن حماية المستشفيات وشبكات المياه والكهرباء من الهجمات السيبرانية واجب على جميع الدول.',
      concern: 'human_rights',
    },
    amend: {
      text: 'نقترح تحديد مهلة زمنية واضحة للرد على طلبات المساعدة، حتى لا يبقى هذا الالتزام مجرد نية حسنة.',
      proposed: 'ينبغي للدول أن ترد في غضون اثنتين وسبعين ساعة على الطلبات المناسبة للمساعدة المقدمة من دولة أخرى.',
      edited: 'نقترح تحديد مهلة زمنية واضحة للرد على طلبات المساعدة، وإلزام الدول بنشر تقرير سنوي عن الطلبات التي تلقتها.',
      concern: 'privacy',
    },
    short: { position: 'support', text: 'أوافق.' },
  },
  {
    language: 'zh',
    dir: 'ltr',
    draft: {
      position: 'oppose',
      text: '这一条款的措辞过于笼统，没有说明哪些设施属于关键基础设施，各国可以随意解释。',
      concern: 'human_rights',
    },
    amend: {
      text: '建议明确答复援助请求的时限，否则这项承诺难以落实。',
      proposed: '各国应在七十二小时内回应另一国提出的适当援助请求。',
      edited: '與時代和科技一起進步才是解決問題的根本，建议明确答复援助请求的时限。',
      concern: 'privacy',
    },
    short: { position: 'neutral', text: '同意。' },
  },
]

function concernLabel(key: string, language: Language) {
  const entry = DEFAULT_TAXONOMY.find((concern) => concern.key === key)
  if (!entry) throw new Error(`e2e: no default concern ${key}`)
  return entry.labels[language]!
}

/** The commenting page's parts, found by role and name in the reader's language. */
function commentPage(page: Page, round: TestRound, language: Language) {
  const t = translator(language)
  const subject = (index: number) => t('rounds:draft.clause', { label: CLAUSES[index]!.label })
  return {
    t,
    newForm: (index: number) => page.getByRole('form', { name: t('comments:form.newTitle', { subject: subject(index) }) }),
    wholeForm: () => page.getByRole('form', { name: t('comments:form.newTitle', { subject: t('comments:comment.whole') }) }),
    editForm: (receipt: string) => page.getByRole('form', { name: t('comments:form.editTitle', { receipt }) }),
    item: (commentId: number) => page.locator(`#c-${commentId}`),
    /** The answer to a save: the page after the redirect, with its one-time message (slow on a busy machine). */
    saved: (key: string, receipt: string) =>
      expect(page.getByRole('status').filter({ hasText: t(`comments:flash.${key}`, { receipt }) })).toBeVisible({ timeout: 15_000 }),
    url: `/rounds/${round.roundId}/comment`,
  }
}

async function fill(
  form: Locator,
  t: ReturnType<typeof translator>,
  language: Language,
  input: { position?: Position; text: string; proposed?: string; concern?: string; consent?: Consent },
) {
  if (input.position) await form.getByRole('radio', { name: t(`comments:positions.${input.position}`), exact: true }).check()
  await form.getByRole('textbox', { name: t('comments:form.text'), exact: true }).fill(input.text)
  if (input.proposed !== undefined) {
    await form.getByRole('textbox', { name: t('comments:form.proposed'), exact: true }).fill(input.proposed)
  }
  if (input.concern) await form.getByRole('checkbox', { name: concernLabel(input.concern, language), exact: true }).check()
  if (input.consent) await form.getByRole('radio', { name: t(`comments:consent.${input.consent}`) }).check()
}

async function expectDocument(page: Page, language: Language, dir: 'rtl' | 'ltr') {
  await expect(page.locator('html')).toHaveAttribute('lang', language)
  await expect(page.locator('html')).toHaveAttribute('dir', dir)
}

for (const javaScriptEnabled of [false, true]) {
  test.describe(`JavaScript ${javaScriptEnabled ? 'on' : 'off'}`, () => {
    test.use({ javaScriptEnabled })
    let round: TestRound

    test.beforeAll(({ database }) => {
      round = openRound(database)
    })

    for (const script of SCRIPTS) {
      test(`a participant working in ${script.language} comments on several clauses, edits and withdraws`, async ({
        page,
        context,
        baseURL,
        axe,
        database,
        createUser,
        login,
      }) => {
        const { language, dir } = script
        // Each view is scanned once, not again after every save that only adds a comment to it: the
        // commenting page fresh, with a draft, while editing (right to left, in Arabic) and with every
        // kind of own comment; the round page and "My comments".
        const thorough = language === 'ar'
        const user = await createUser({ language, category: language === 'ar' ? 'government' : 'research', country: language === 'ar' ? 'EG' : 'CN' })
        await login(user)
        await readIn(context, language, baseURL)
        const ui = commentPage(page, round, language)
        const { t } = ui
        const mine = () => commentsBy(database, user.id, round.roundId)
        const name = languageName(language, language)

        if (thorough) {
          await page.goto(ui.url)
        } else {
          // The round page, in the participant's language, leads to the commenting page.
          await page.goto(`/rounds/${round.roundId}`)
          await expectDocument(page, language, dir)
          await expect(page.getByText(CLAUSES[0][language]!, { exact: true })).toBeVisible()
          await axe()
          await page.getByRole('link', { name: t('rounds:round.comment') }).click()
          await expect(page).toHaveURL(new RegExp(`${ui.url}$`))
        }
        await expectDocument(page, language, dir)
        await expect(page.getByRole('heading', { level: 1 })).toHaveText(t('comments:comment.title'))
        // The untranslated clause is shown in English, marked as such; the others in the reader's language.
        await expect(page.getByText(CLAUSES[2].text, { exact: true })).toHaveAttribute('lang', 'en')
        await expect(page.getByText(CLAUSES[1][language]!, { exact: true })).toHaveAttribute('lang', language)
        await axe()

        // Clause 1: a draft without a position yet, then the position, then submitted.
        const first = ui.newForm(0)
        await fill(first, t, language, { text: script.draft.text, concern: script.draft.concern, consent: 'named' })
        if (javaScriptEnabled) {
          const remaining = 5000 - [...script.draft.text].length
          const formatted = await page.evaluate(([value, lng]) => new Intl.NumberFormat(lng).format(value), [remaining, language] as const)
          const template = t('comments:form.countLeft', { count: remaining }).replace('{{count, number}}', formatted)
          await expect(first.getByText(template)).toBeVisible()
        }
        await first.getByRole('button', { name: t('comments:form.saveDraft') }).click()
        await expect.poll(() => mine().length, { timeout: 15_000 }).toBe(1)
        const drafted = mine()[0]!
        expect(drafted).toMatchObject({ status: 'draft', text: script.draft.text, position: null, clauseId: round.clauseIds[0], consent: 'named' })
        expect(drafted.receipt).toMatch(RECEIPT)
        await ui.saved('draftSaved', drafted.receipt)
        await expect(ui.item(drafted.id)).toContainText(t('comments:status.draft'))
        await expect(ui.item(drafted.id).locator('.receipt')).toHaveText(drafted.receipt)
        if (thorough) await axe()

        await ui.item(drafted.id).getByRole('link', { name: t('comments:own.edit') }).click()
        const editDraft = ui.editForm(drafted.receipt)
        await expect(editDraft.getByRole('textbox', { name: t('comments:form.text'), exact: true })).toHaveValue(script.draft.text)
        await expect(editDraft.getByRole('checkbox', { name: concernLabel(script.draft.concern, language), exact: true })).toBeChecked()
        if (thorough) await axe()
        await editDraft.getByRole('radio', { name: t(`comments:positions.${script.draft.position}`), exact: true }).check()
        await editDraft.getByRole('button', { name: t('comments:form.submit'), exact: true }).click()
        await ui.saved('submitted', drafted.receipt)
        expect(mine()[0]).toMatchObject({ id: drafted.id, status: 'submitted', position: script.draft.position, receipt: drafted.receipt })
        // Detected from the text, named in the reader's language.
        await expect(ui.item(drafted.id)).toContainText(t('comments:own.detected', { language: name }))
        expect(mine()[0]).toMatchObject({ detectedLanguage: language, declaredLanguage: language })

        // Clause 2: amend, with proposed wording (shown once "amend" is chosen when scripts run), anonymous.
        const second = ui.newForm(1)
        if (javaScriptEnabled) {
          await expect(second.getByRole('textbox', { name: t('comments:form.proposed'), exact: true })).toBeHidden()
        }
        await fill(second, t, language, {
          position: 'amend',
          text: script.amend.text,
          proposed: script.amend.proposed,
          concern: script.amend.concern,
          consent: 'anonymous',
        })
        await second.getByRole('button', { name: t('comments:form.submit'), exact: true }).click()
        await expect.poll(() => mine().length, { timeout: 15_000 }).toBe(2)
        const amended = mine()[1]!
        await ui.saved('submitted', amended.receipt)
        expect(amended).toMatchObject({
          status: 'submitted',
          position: 'amend',
          clauseId: round.clauseIds[1],
          text: script.amend.text,
          proposedText: script.amend.proposed,
          consent: 'anonymous',
          authorName: null,
        })
        await expect(ui.item(amended.id)).toContainText(script.amend.proposed)

        // The draft as a whole: too short to detect; the author says which language it is in.
        await fill(ui.wholeForm(), t, language, { position: script.short.position, text: script.short.text, consent: 'private' })
        await ui.wholeForm().getByRole('button', { name: t('comments:form.submit'), exact: true }).click()
        await expect.poll(() => mine().length, { timeout: 15_000 }).toBe(3)
        const short = mine()[2]!
        await ui.saved('submitted', short.receipt)
        expect(short).toMatchObject({ clauseId: null, detectedLanguage: null, declaredLanguage: null, consent: 'private' })
        await expect(ui.item(short.id)).toContainText(t('comments:own.languageUnknown'))
        await expect(ui.item(short.id)).toContainText(t('comments:own.notDetected'))
        await ui.item(short.id).getByLabel(t('comments:own.correctLanguage')).selectOption(language)
        await ui.item(short.id).getByRole('button', { name: t('comments:own.setLanguage') }).click()
        await ui.saved('languageSet', short.receipt)
        await expect(ui.item(short.id)).toContainText(name)
        expect(mine()[2]).toMatchObject({ declaredLanguage: language, detectedLanguage: null })

        // Edit the amendment: the receipt stays, every saved state is kept.
        await ui.item(amended.id).getByRole('link', { name: t('comments:own.edit') }).click()
        const editAmend = ui.editForm(amended.receipt)
        await expect(editAmend.getByRole('textbox', { name: t('comments:form.proposed'), exact: true })).toHaveValue(script.amend.proposed)
        await editAmend.getByRole('textbox', { name: t('comments:form.text'), exact: true }).fill(script.amend.edited)
        // A submitted comment cannot go back to being a draft.
        await expect(editAmend.getByRole('button', { name: t('comments:form.saveDraft') })).toHaveCount(0)
        await editAmend.getByRole('button', { name: t('comments:form.saveChanges') }).click()
        await ui.saved('updated', amended.receipt)
        await expect(ui.item(amended.id)).toContainText(script.amend.edited)
        expect(mine()[1]).toMatchObject({ id: amended.id, receipt: amended.receipt, text: script.amend.edited, status: 'submitted' })
        expect(revisionsOf(database, amended.id).map((revision) => revision.text)).toEqual([script.amend.text, script.amend.edited])

        // Withdraw clause 1's comment: a box to tick, then the button.
        const withdrawing = ui.item(drafted.id)
        await withdrawing.getByRole('checkbox', { name: t('comments:own.confirmWithdraw', { receipt: drafted.receipt }) }).check()
        await withdrawing.getByRole('button', { name: t('comments:own.withdraw') }).click()
        await ui.saved('withdrawn', drafted.receipt)
        await expect(ui.item(drafted.id)).toContainText(t('comments:status.withdrawn'))
        await expect(ui.item(drafted.id).getByRole('link', { name: t('comments:own.edit') })).toHaveCount(0)
        expect(mine()[0]!.status).toBe('withdrawn')
        expect(revisionsOf(database, drafted.id).map((revision) => revision.status)).toEqual(['draft', 'submitted', 'withdrawn'])
        await axe()

        // "My comments": every receipt with its status.
        await page.getByRole('link', { name: t('nav.myComments') }).click()
        await expect(page).toHaveURL(/\/my\/comments$/)
        await expectDocument(page, language, dir)
        await expect(page.getByRole('heading', { level: 1 })).toHaveText(t('comments:mine.title'))
        for (const [comment, status] of [
          [drafted, 'withdrawn'],
          [amended, 'submitted'],
          [short, 'submitted'],
        ] as const) {
          const card = page.locator(`#c-${comment.id}`)
          await expect(card.locator('.receipt')).toHaveText(comment.receipt)
          await expect(card).toContainText(t(`comments:status.${status}`))
        }
        await expect(page.locator(`#c-${amended.id}`)).toContainText(script.amend.edited)
        await axe()
      })
    }

    test('a submission after the close is refused, even from a form loaded before it', async ({
      page,
      axe,
      database,
      createUser,
      login,
    }) => {
      const closing = openRound(database)
      const user = await createUser({ language: 'en' })
      await login(user)
      const en = translator('en')
      const url = `/rounds/${closing.roundId}/comment`
      // The fresh commenting page is scanned in the tests above; here the refusal is.
      await page.goto(url)
      const form = page.getByRole('form', { name: en('comments:form.newTitle', { subject: en('rounds:draft.clause', { label: '1' }) }) })
      const text = 'Clause 1 should name hospitals and water utilities explicitly.'
      await fill(form, en, 'en', { position: 'amend', text, proposed: 'States should not damage hospitals.', consent: 'named' })

      // The deadline passes while the participant is typing.
      closeRoundAt(database, closing.roundId, new Date(Date.now() - 1000))
      const response = nextPost(page, url)
      await form.getByRole('button', { name: en('comments:form.submit'), exact: true }).click()
      expect((await response).status()).toBe(409)
      const alert = page.getByRole('alert').filter({ hasText: en('comments:errors.roundClosed') })
      await expect(alert).toBeVisible()
      // What was typed is kept for the participant to copy; nothing is stored. Without scripts the
      // page is loaded again and says the round is closed; with scripts the form stays as it was.
      if (javaScriptEnabled) {
        await expect(form.getByRole('textbox', { name: en('comments:form.text'), exact: true })).toHaveValue(text)
      } else {
        await expect(page.getByText(en('comments:refusal.closed'))).toBeVisible()
        await expect(form).toHaveCount(0)
        await expect(page.getByRole('textbox', { name: en('comments:form.text'), exact: true })).toHaveValue(text)
      }
      expect(commentsBy(database, user.id)).toEqual([])
      await axe()
    })
  })
}
