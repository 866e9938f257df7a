import { type Browser, type BrowserContext, type Page } from '@playwright/test'
import { SUPPORTED_LANGUAGES, type Language } from '~/modules/i18n/i18n'
import { seedScenario, type Account, type Scenario } from '~/test/scenario'
import { createRequire } from 'node:module'
import fs from 'node:fs'
import type { AxeResults, Result } from 'axe-core'
import { AXE_TAGS, describeViolations, expect, test } from './fixtures'

/**
 * Every page of Concord that renders HTML — public, participant, moderator, regional viewer and
 * admin pages, on a consultation with real content (the demo's norm and comments) — in each of the
 * six languages, scanned by axe for WCAG 2.2 A and AA: zero violations. One browser context per
 * role and language, signed in once, visits that role's pages one after the other.
 *
 * These pages are scanned as the server sends them, with the page's own scripts blocked: the page a
 * reader without JavaScript gets, and what every reader gets before hydration. Hydrating 240 pages
 * would triple the time; the flows below, and the other specs, scan hydrated pages.
 */

let scenario: Scenario
let sessions: Record<Account, string>

test.beforeAll(async ({ database, lucia }) => {
  scenario = await seedScenario(database)
  sessions = {} as Record<Account, string>
  for (const [account, user] of Object.entries(scenario.users)) {
    sessions[account as Account] = (await lucia.createSession(user.id, {})).id
  }
})

type Reader = Account | 'visitor'

/** The pages each reader visits; together they are every HTML route of the route manifest. */
function pages(s: Scenario): Record<Reader, string[]> {
  const open = `/moderate/rounds/${s.openRound}`
  const closed = `/moderate/rounds/${s.closedRound}`
  return {
    visitor: [
      '/',
      '/consultations',
      `/rounds/${s.openRound}`,
      `/rounds/${s.openRound}/comments`,
      `/rounds/${s.closedRound}/summary`,
      `/rounds/${s.closedRound}/summary/1`,
      '/login',
      '/signup',
      '/no/such/page',
    ],
    participant: ['/account', '/my/comments', `/rounds/${s.openRound}/comment`, `/rounds/${s.openRound}/comment?edit=${s.draft}`],
    otherParticipant: [],
    moderator: [
      '/moderate',
      '/moderate/norms/new',
      '/moderate/norms/import',
      `/moderate/versions/${s.draftVersion}`,
      `/moderate/versions/${s.draftVersion}/translate`,
      `/moderate/versions/compare?from=${s.openVersion}&to=${s.draftVersion}`,
      '/moderate/rounds/new',
      open,
      `${open}/queue`,
      `${open}/queue/${s.submitted}`,
      `${open}/concerns`,
      `${open}/concerns/${s.concernKey}`,
      `${open}/concerns/taxonomy`,
      `${closed}/duplicates`,
      `${closed}/dispositions`,
      `${closed}/dispositions/group-${s.group}`,
      `${open}/questions`,
      `${closed}/summary`,
      `${closed}/summary/preview`,
      `${open}/import`,
      `${open}/export`,
      `${open}/audit`,
    ],
    viewer: ['/regional', `/regional/rounds/${s.openRound}/tracker`],
    otherViewer: [],
    admin: ['/admin/users', '/regional?organization=au'],
  }
}

/** A context signed in as the account (or nobody), reading in the language, that runs no page scripts. */
async function readerContext(browser: Browser, baseURL: string, language: Language, account: Account | 'visitor') {
  const context = await browser.newContext({ locale: language, baseURL })
  if (account !== 'visitor') {
    await context.addCookies([
      { name: 'concord_session', value: sessions[account], domain: new URL(baseURL).hostname, path: '/', httpOnly: true, secure: true, sameSite: 'Lax' },
    ])
  }
  // The application's scripts (modulepreload and module) are not loaded; axe is there from the start.
  await context.route(/\/build\/.*\.js$/, (route) => route.abort())
  await context.addInitScript({ content: AXE_SOURCE })
  return context
}

const AXE_SOURCE = fs.readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8')

/** The fixture's scan (same WCAG 2.2 A/AA tags), with axe loaded once per page and only violations reported. */
async function violationsOf(page: Page): Promise<Result[]> {
  return page.evaluate(
    (tags) =>
      (window as unknown as { axe: { run: (context: Document, options: object) => Promise<AxeResults> } }).axe
        .run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] })
        .then((results) => results.violations),
    AXE_TAGS,
  )
}

for (const language of SUPPORTED_LANGUAGES) {
  test(`every page passes the axe scan in ${language}`, async ({ browser, baseURL }) => {
    // 39 pages, each scanned by axe: minutes on two cores, more when the machine is busy.
    test.setTimeout(600_000)
    const contexts: BrowserContext[] = []
    try {
      for (const [reader, urls] of Object.entries(pages(scenario)) as [Reader, string[]][]) {
        if (!urls.length) continue
        const context = await readerContext(browser, baseURL!, language, reader)
        contexts.push(context)
        const page: Page = await context.newPage()
        for (const url of urls) {
          const response = await page.goto(url)
          expect.soft(response?.status(), `${url} as ${reader}`).toBe(url === '/no/such/page' ? 404 : 200)
          await expect(page.locator('html')).toHaveAttribute('lang', language)
          const violations = await violationsOf(page)
          expect.soft(violations.length, `axe: ${url} as ${reader} in ${language}:\n\n${describeViolations(violations)}`).toBe(0)
        }
      }
    } finally {
      for (const context of contexts) await context.close()
    }
  })
}

async function signIn(context: BrowserContext, baseURL: string, account: Account) {
  await context.addCookies([
    { name: 'concord_session', value: sessions[account], domain: new URL(baseURL).hostname, path: '/', httpOnly: true, secure: true, sameSite: 'Lax' },
  ])
}

/** Presses Tab (no mouse) until the element has the focus; fails if it is not reached. */
async function tabTo(page: Page, selector: string, max = 150) {
  const target = page.locator(selector).first()
  await expect(target).toBeVisible()
  for (let presses = 0; presses < max; presses++) {
    if (await target.evaluate((element) => element === document.activeElement)) return
    await page.keyboard.press('Tab')
  }
  throw new Error(`e2e: ${max} presses of Tab did not reach ${selector}`)
}

/** A submitted, visible comment of the round with suggested concerns no moderator has decided on yet. */
function commentWithSuggestions(database: Parameters<typeof seedScenario>[0], roundId: number) {
  const row = database.$client
    .prepare(
      `select c.id from comments c
       where c.round_id = ? and c.status = 'submitted' and c.moderation = 'visible'
         and exists (select 1 from comment_concerns s where s.comment_id = c.id and s.source = 'suggested')
         and not exists (select 1 from comment_concerns m where m.comment_id = c.id and m.source = 'moderator')
       order by c.id limit 1`,
    )
    .get(roundId) as { id: number } | undefined
  if (!row) throw new Error('e2e: the scenario has no comment with suggestions to confirm')
  return row.id
}

test.describe('with the keyboard alone', () => {
  // Several pages, each scanned, on a busy machine.
  test.describe.configure({ timeout: 180_000 })
  test('a participant comments on a clause and submits', async ({ page, context, baseURL, axe, database }) => {
    await signIn(context, baseURL!, 'participant')
    await page.goto(`/rounds/${scenario.openRound}/comment`)
    await axe()
    const section = `#clause-${scenario.clause}`
    // The table of contents leads to the clause; the next Tab starts from there.
    await tabTo(page, `a[href="${section}"]`)
    await page.keyboard.press('Enter')
    await expect(page).toHaveURL(new RegExp(`${section}$`))
    await tabTo(page, `${section} input[name="position"]`)
    // Arrow keys move through the radio group, selecting as they go: Support → Amend.
    await page.keyboard.press('Home')
    await page.keyboard.press('ArrowDown')
    await expect(page.locator(`${section} input[name="position"][value="amend"]`)).toBeChecked()
    await tabTo(page, `${section} textarea[name="text"]`)
    const text = `Typed with the keyboard alone ${scenario.tag}: the early warning should name a contact point.`
    await page.keyboard.type(text)
    await tabTo(page, `${section} input[name="consent"]`)
    await page.keyboard.press('Space')
    await expect(page.locator(`${section} input[name="consent"][value="named"]`)).toBeChecked()
    await tabTo(page, `${section} button[name="intent"][value="submit"]`)
    await page.keyboard.press('Enter')
    await expect(page.locator('.own-comment', { hasText: text })).toBeVisible()
    expect(database.$client.prepare('select status, position from comments where text = ?').get(text)).toEqual({ status: 'submitted', position: 'amend' })
    await axe()
  })

  test('a moderator opens a queue item and confirms its concerns', async ({ page, context, baseURL, axe, database }) => {
    const commentId = commentWithSuggestions(database, scenario.openRound)
    await signIn(context, baseURL!, 'moderator')
    await page.goto(`/moderate/rounds/${scenario.openRound}/queue`)
    await axe()
    // Exactly this comment's link (it carries ?at=, its place in the queue): /queue/3 must not match /queue/33.
    await tabTo(page, `main a[href*="/queue/${commentId}?"], main a[href$="/queue/${commentId}"]`)
    await page.keyboard.press('Enter')
    await expect(page).toHaveURL(new RegExp(`/queue/${commentId}(\\?|$)`))
    await axe()
    await tabTo(page, '#confirm-suggestions')
    await page.keyboard.press('Space')
    const confirmed = database.$client.prepare("select count(*) as n from comment_concerns where comment_id = ? and source = 'moderator'")
    await expect.poll(() => (confirmed.get(commentId) as { n: number }).n).toBeGreaterThan(0)
    await axe()
  })

  test('a regional viewer opens the tracker, then the summary through a lens', async ({ page, context, baseURL, axe }) => {
    await signIn(context, baseURL!, 'viewer')
    await page.goto('/regional')
    await axe()
    await tabTo(page, `main a[href="/regional/rounds/${scenario.openRound}/tracker"]`)
    await page.keyboard.press('Enter')
    await expect(page).toHaveURL(new RegExp(`/regional/rounds/${scenario.openRound}/tracker$`))
    await axe()
    await tabTo(page, 'main a[href="/regional"]')
    await page.keyboard.press('Enter')
    await expect(page).toHaveURL(/\/regional$/)
    await tabTo(page, `main a[href^="/rounds/${scenario.closedRound}/summary"]`)
    await page.keyboard.press('Enter')
    await expect(page).toHaveURL(new RegExp(`/rounds/${scenario.closedRound}/summary\\?organization=au`))
    await axe()
    await tabTo(page, '#lens-category')
    await page.keyboard.press('ArrowDown')
    const category = await page.locator('#lens-category').inputValue()
    expect(category).not.toBe('')
    await tabTo(page, '.lens-form button[type="submit"]')
    await page.keyboard.press('Enter')
    await expect(page).toHaveURL(new RegExp(`category=${category}`))
    await expect(page.locator('#lens-category')).toHaveValue(category)
    await axe()
  })
})

test.describe('without JavaScript', () => {
  test.use({ javaScriptEnabled: false })
  test.describe.configure({ timeout: 180_000 })

  test('a participant submits a comment', async ({ page, context, baseURL, axe, database }) => {
    await signIn(context, baseURL!, 'otherParticipant')
    await page.goto(`/rounds/${scenario.openRound}/comment`)
    const section = page.locator(`#clause-${scenario.clause}`)
    const text = `Sent without JavaScript ${scenario.tag}: small operators need a template for the early warning.`
    await section.locator('input[name="position"][value="support"]').check()
    await section.locator('textarea[name="text"]').fill(text)
    await section.locator('input[name="consent"][value="anonymous"]').check()
    await section.locator('button[name="intent"][value="submit"]').click()
    await expect(page.locator('.own-comment', { hasText: text })).toBeVisible()
    expect(database.$client.prepare('select status, consent from comments where text = ?').get(text)).toEqual({ status: 'submitted', consent: 'anonymous' })
    await axe()
  })

  test('a moderator hides a queue item', async ({ page, context, baseURL, axe, database }) => {
    await signIn(context, baseURL!, 'moderator')
    await page.goto(`/moderate/rounds/${scenario.openRound}/queue/${scenario.submitted}`)
    await page.locator('#hide-reason').selectOption('off_topic')
    await page.locator('#hide-note').fill('Hidden in a browser without JavaScript.')
    await page.locator('section[aria-labelledby="hide-heading"] button[name="intent"][value="hide"]').click()
    await expect(page.locator('#restore-reason')).toBeVisible()
    expect(database.$client.prepare('select moderation, hidden_reason as reason from comments where id = ?').get(scenario.submitted)).toEqual({
      moderation: 'hidden',
      reason: 'off_topic',
    })
    await axe()
  })

  test('a reader applies a lens to the summary', async ({ page, axe }) => {
    await page.goto(`/rounds/${scenario.closedRound}/summary`)
    const category = await page.locator('#lens-category option').nth(1).getAttribute('value')
    expect(category).toBeTruthy()
    await page.locator('#lens-category').selectOption(category!)
    await page.locator('.lens-form button[type="submit"]').click()
    await expect(page).toHaveURL(new RegExp(`category=${category}`))
    await expect(page.locator('#lens-category')).toHaveValue(category!)
    await axe()
  })
})
