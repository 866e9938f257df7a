import { count, eq } from 'drizzle-orm'
import { guidingQuestions, norms, rounds } from '#db/schema/index'
import { formatInstant } from '~/components/date-time'
import { languageName } from '~/modules/comments/languages'
import { getVersionForEditing } from '~/modules/norms/norms.server'
import { toLocalInput } from '~/modules/rounds/format'
import { expect, test } from './fixtures'
import { translator } from './locales'
import { nextPost } from './rounds'

/**
 * A moderator puts a draft out for comment through the moderation pages: imports it from a Markdown
 * file (a malformed one is refused, naming its lines), translates a clause, opens a round with its
 * time zone, categories and guiding questions; readers find it, in their language where translated.
 */

const en = translator('en')
const ar = translator('ar')
const n = (key: string, values?: Record<string, string | number>) => en(`norms:${key}`, values)
const DAY = 24 * 60 * 60 * 1000

const TITLE = 'Draft norms on the security of undersea cables'
const CLAUSE_1 = 'States should refrain from activity that damages undersea cables carrying international traffic.'
const CLAUSE_2 = 'States should share information on incidents affecting undersea cables with the operators concerned.'
const CLAUSE_1_AR = 'ينبغي للدول أن تمتنع عن أي نشاط يُلحق الضرر بالكابلات البحرية التي تنقل الاتصالات الدولية.'

const GOOD = `# ${TITLE}

Recalling that most international data travels through undersea cables,

## Protection

1. ${CLAUSE_1}

2. ${CLAUSE_2}
`

// Line 7 is a paragraph after the first clause without a number; line 9 starts a table.
const MALFORMED = `# ${TITLE}

## Protection

1. ${CLAUSE_1}

Operators should be consulted.

| State | Cables |
|---|---|
| A | 3 |
`

function normCount(database: Parameters<typeof getVersionForEditing>[0]) {
  return database.select({ n: count() }).from(norms).get()!.n
}

test('a moderator imports a Markdown draft, translates a clause and opens a round readers find', async ({
  page,
  browser,
  axe,
  database,
  createUser,
  login,
  baseURL,
}) => {
  const moderator = await createUser({ role: 'moderator', language: 'en' })
  await login(moderator)
  await page.goto('/moderate/norms/import')
  // Scanned once the errors are on it.
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(n('import.title'))

  // A malformed file: refused with 400, each error naming its line; nothing is stored.
  const before = normCount(database)
  const file = page.getByLabel(n('import.file'))
  await file.setInputFiles({ name: 'cables.md', mimeType: 'text/markdown', buffer: Buffer.from(MALFORMED) })
  const refused = nextPost(page, '/moderate/norms/import')
  await page.getByRole('button', { name: n('import.submit') }).click()
  expect((await refused).status()).toBe(400)
  const errors = page.getByRole('table', { name: n('import.lineErrorsCaption') })
  await expect(errors).toContainText(n('import.lineError', { line: 7, message: n('markdown.notAClause') }))
  await expect(errors).toContainText(n('import.lineError', { line: 9, message: n('markdown.unsupported') }))
  await expect(errors).toContainText('Operators should be consulted.')
  // The file's text is put in the box, to be corrected there.
  const box = page.getByRole('textbox', { name: n('import.paste') })
  await expect(box).toHaveValue(MALFORMED)
  expect(normCount(database)).toBe(before)
  await axe()

  // Corrected in the box and sent again: the draft is imported.
  await box.fill(GOOD)
  await page.getByRole('button', { name: n('import.submit') }).click()
  await expect(page).toHaveURL(/\/moderate\/versions\/\d+$/, { timeout: 15_000 })
  await expect(page.getByRole('status')).toHaveText(n('flash.imported'))
  const versionId = Number(new URL(page.url()).pathname.split('/').pop())
  const imported = getVersionForEditing(database, versionId)!
  expect(imported.version).toMatchObject({ title: TITLE, sourceLanguage: 'en', frozenAt: null })
  expect(imported.clauses.map(({ label, heading, text }) => ({ label, heading, text }))).toEqual([
    { label: '1', heading: 'Protection', text: CLAUSE_1 },
    { label: '2', heading: null, text: CLAUSE_2 },
  ])
  await axe()

  // Clause 1 into Arabic; clause 2 stays untranslated.
  const arabic = languageName('ar', 'en')
  await page.getByRole('link', { name: n('version.translateInto', { language: arabic }) }).click()
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(n('translate.title', { language: arabic }))
  await axe()
  await page
    .getByRole('group', { name: n('translate.clause', { label: '1' }) })
    .getByRole('textbox', { name: n('translate.textField', { language: arabic }) })
    .fill(CLAUSE_1_AR)
  await page.getByRole('button', { name: n('translate.save', { language: arabic }) }).click()
  await expect(page.getByRole('status')).toHaveText(n('flash.translationSaved', { language: arabic }), { timeout: 15_000 })
  expect(getVersionForEditing(database, versionId)!.translations).toEqual([
    expect.objectContaining({ clauseId: imported.clauses[0]!.id, language: 'ar', text: CLAUSE_1_AR }),
  ])

  // A round on it, read in Tokyo time, open since yesterday for two weeks, for three categories.
  await page.goto(`/moderate/rounds/new?versionId=${versionId}`)
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(n('roundForm.title'))
  // Scanned once the dates are checked.
  await expect(page.getByLabel(n('roundForm.version'))).toHaveValue(String(versionId))
  const zone = 'Asia/Tokyo'
  const opensAt = new Date(Math.floor((Date.now() - DAY) / 60_000) * 60_000)
  const closesAt = new Date(opensAt.getTime() + 15 * DAY)
  const roundTitle = `First reading ${Math.random().toString(36).slice(2, 8)}`
  await page.getByLabel(n('roundForm.roundTitle')).fill(roundTitle)
  await page.getByLabel(n('roundForm.timeZone')).selectOption(zone)
  await page.getByLabel(n('roundForm.opensAt')).fill(toLocalInput(opensAt, zone))
  await page.getByLabel(n('roundForm.closesAt')).fill(toLocalInput(closesAt, zone))
  const categories = page.getByRole('group', { name: n('roundForm.categories') })
  for (const category of ['tech_firm', 'regional_body', 'other'] as const) {
    await categories.getByRole('checkbox', { name: en(`categories.${category}`) }).uncheck()
  }
  await page.getByLabel(n('roundForm.question', { position: 1 })).fill('Which incidents should be reported, and to whom?')
  await page.getByRole('button', { name: n('roundForm.addQuestion') }).click()
  await page.getByLabel(n('roundForm.question', { position: 2 })).fill('Should repair ships have safe passage?')

  // The dates as participants will read them, in the round's time zone, before anything is stored.
  await page.getByRole('button', { name: n('roundForm.check') }).click()
  const preview = page.getByRole('status').filter({ hasText: n('roundForm.previewIntro', { zone }) })
  await expect(preview).toBeVisible({ timeout: 15_000 })
  await expect(preview).toContainText(new Intl.DateTimeFormat('en', { timeZone: zone, timeZoneName: 'short' }).formatToParts(closesAt).find((part) => part.type === 'timeZoneName')!.value)
  await axe()

  await page.getByRole('button', { name: n('roundForm.submit') }).click()
  await expect(page).toHaveURL(/\/moderate$/, { timeout: 15_000 })
  await expect(page.getByRole('status')).toHaveText(n('flash.roundCreated', { title: roundTitle }))
  const round = database.select().from(rounds).where(eq(rounds.title, roundTitle)).get()!
  expect(round).toMatchObject({ versionId, timeZone: zone, opensAt, closesAt })
  expect([...round.eligibleCategories].sort()).toEqual(['civil_society', 'government', 'research'])
  expect(
    database.select({ text: guidingQuestions.text }).from(guidingQuestions).where(eq(guidingQuestions.roundId, round.id)).orderBy(guidingQuestions.position).all(),
  ).toEqual([{ text: 'Which incidents should be reported, and to whom?' }, { text: 'Should repair ships have safe passage?' }])
  expect(getVersionForEditing(database, versionId)!.version.frozenAt).not.toBeNull()
  await axe()

  // The consultations list shows it as open, its deadline in Tokyo time.
  await page.getByRole('link', { name: en('nav.consultations') }).click()
  const open = page.getByRole('region', { name: en('rounds:list.open') })
  const card = open.getByRole('listitem').filter({ has: page.getByRole('link', { name: roundTitle }) })
  await expect(card).toContainText(TITLE)
  await expect(card).toContainText(formatInstant(closesAt, 'en', zone).text)
  await axe()

  // A reader in Arabic: clause 1 in Arabic, clause 2 in English with the note saying so.
  const reader = await browser.newContext({ locale: 'ar', baseURL })
  try {
    const readerPage = await reader.newPage()
    await readerPage.goto(`/rounds/${round.id}`)
    await expect(readerPage.locator('html')).toHaveAttribute('dir', 'rtl')
    await expect(readerPage.getByRole('heading', { level: 1 })).toHaveText(roundTitle)
    await expect(readerPage.getByText(CLAUSE_1_AR, { exact: true })).toHaveAttribute('lang', 'ar')
    await expect(readerPage.getByText(CLAUSE_2, { exact: true })).toHaveAttribute('lang', 'en')
    const note = ar('rounds:draft.untranslated', { language: languageName('en', 'ar') })
    await expect(readerPage.getByText(note, { exact: true })).toHaveCount(1)
    await expect(readerPage.locator(`#clause-2`)).toContainText(note)
    await expect(readerPage.locator(`#clause-1`)).not.toContainText(note)
    await axe(readerPage)
  } finally {
    await reader.close()
  }
})
