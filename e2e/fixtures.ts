import { randomUUID } from 'node:crypto'
import { AxeBuilder } from '@axe-core/playwright'
import { test as base, expect, type BrowserContext, type Page, type TestInfo } from '@playwright/test'
import { eq } from 'drizzle-orm'
import type { Result } from 'axe-core'
import { users, type Role, type StakeholderCategory } from '#db/schema/index'
import { signupSchema } from '~/modules/accounts/accounts.schema'
import { createUser as createAccount } from '~/modules/accounts/accounts.server'
import { type Language } from '~/modules/i18n/i18n'
import { createLucia } from '~/utils/auth.server'
import { openDatabase, type Db } from '~/utils/db.server'

export { expect }

/** WCAG 2.0, 2.1 and 2.2, levels A and AA (axe has no separate wcag22a rules). */
export const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']

export type TestUser = {
  id: string
  email: string
  password: string
  displayName: string
  role: Role
  language: Language
}

export type UserOptions = {
  role?: Role
  language?: Language
  displayName?: string
  organization?: string
  category?: StakeholderCategory
  country?: string
  email?: string
}

type WorkerFixtures = {
  /** The e2e server's database file (DATABASE_PATH, set by playwright.config.ts). */
  database: Db
  lucia: ReturnType<typeof createLucia>
  /** A JavaScript-enabled context in which axe scans copies of pages that run no scripts. */
  copyContext: BrowserContext
}

type TestFixtures = {
  /** Creates an account straight in the database, with a unique email; signs nobody in. */
  createUser: (options?: UserOptions) => Promise<TestUser>
  /** Signs the user in in a browser context (the test's own by default) with a new lucia session. */
  login: (user: TestUser, context?: BrowserContext) => Promise<void>
  /** Runs the axe WCAG 2.2 A/AA scan on a page (the test's own by default): zero violations. */
  axe: (page?: Page) => Promise<void>
  /** Automatic: an uncaught error or a console.error in the test's pages fails the test. */
  browserErrors: void
}

/** A unique address per call, readable in the database when a test fails. */
export function uniqueEmail(label = 'user') {
  return `e2e-${label}-${randomUUID().slice(0, 8)}@example.org`
}

const userColumns = {
  id: users.id,
  email: users.email,
  displayName: users.displayName,
  category: users.category,
  countryCode: users.countryCode,
  language: users.language,
  role: users.role,
}

/** Accounts with this email, as stored (emails are stored in lower case). */
export function usersWithEmail(database: Db, email: string) {
  return database.select(userColumns).from(users).where(eq(users.email, email.trim().toLowerCase())).all()
}

export function usersWithDisplayName(database: Db, displayName: string) {
  return database.select(userColumns).from(users).where(eq(users.displayName, displayName)).all()
}

export const test = base.extend<TestFixtures, WorkerFixtures>({
  database: [
    // eslint-disable-next-line no-empty-pattern
    async ({}, use) => {
      const file = process.env.DATABASE_PATH
      if (!file) throw new Error('e2e: DATABASE_PATH is not set; run the tests through playwright.config.ts')
      const database = openDatabase(file)
      await use(database)
      database.$client.close()
    },
    { scope: 'worker' },
  ],

  lucia: [async ({ database }, use) => use(createLucia(database)), { scope: 'worker' }],

  createUser: async ({ database }, use) => {
    await use(async (options = {}) => {
      const password = `pw-${randomUUID()}`
      const input = signupSchema.parse({
        email: options.email ?? uniqueEmail(options.role ?? 'user'),
        password,
        displayName: options.displayName ?? `E2E ${options.role ?? 'participant'} ${randomUUID().slice(0, 4)}`,
        organization: options.organization,
        category: options.category ?? 'civil_society',
        country: options.country ?? 'GH',
        language: options.language ?? 'en',
      })
      const result = await createAccount(database, { ...input, role: options.role ?? 'participant' })
      if (!result.ok) throw new Error(`e2e: could not create a user: ${JSON.stringify(result.errors)}`)
      return {
        id: result.userId,
        email: input.email,
        password,
        displayName: input.displayName,
        role: options.role ?? 'participant',
        language: input.language,
      }
    })
  },

  login: async ({ context, lucia, baseURL }, use) => {
    await use(async (user, target = context) => {
      const session = await lucia.createSession(user.id, {})
      await target.addCookies([
        {
          name: lucia.sessionCookieName,
          value: session.id,
          domain: new URL(baseURL ?? 'http://localhost').hostname,
          path: '/',
          httpOnly: true,
          // As the production server sends it; Chromium keeps Secure cookies on http://localhost.
          secure: true,
          sameSite: 'Lax',
          expires: Math.floor(session.expiresAt.getTime() / 1000),
        },
      ])
    })
  },

  browserErrors: [
    async ({ context }, use) => {
      const errors: string[] = []
      const watch = (page: Page) => {
        page.on('pageerror', (error) => errors.push(`${page.url()}: uncaught ${error.message}`))
        page.on('console', (message) => {
          if (message.type() !== 'error') return
          // The 400, 401, 403 and 404 answers the tests ask for are logged as failed loads.
          if (/^Failed to load resource: the server responded with a status of 4\d\d/.test(message.text())) return
          errors.push(`${page.url()}: console.error: ${message.text()}`)
        })
      }
      context.pages().forEach(watch)
      context.on('page', watch)
      await use()
      expect(errors, 'errors in the browser console').toEqual([])
    },
    { auto: true },
  ],

  copyContext: [
    async ({ browser }, use) => {
      const context = await browser.newContext({ javaScriptEnabled: true })
      await use(context)
      await context.close()
    },
    { scope: 'worker' },
  ],

  axe: async ({ page, context, javaScriptEnabled, copyContext }, use, testInfo) => {
    let scans = 0
    await use(async (target = page) => {
      scans += 1
      // The test's own pages run scripts as the test's options say; other pages are asked.
      const scripts = target.context() === context ? javaScriptEnabled !== false : await runsScripts(target)
      await scan(target, scripts, copyContext, testInfo, scans)
    })
  },
})

async function scan(page: Page, scripts: boolean, copyContext: BrowserContext, testInfo: TestInfo, number: number) {
  const html = page.locator('html')
  const where = `${page.url()} (lang=${await html.getAttribute('lang')}, dir=${await html.getAttribute('dir')}, ${page.viewportSize()?.width ?? '?'}px wide${scripts ? '' : ', no JavaScript'})`
  await test.step(`axe scan of ${where}`, async () => {
    if (scripts) await waitForHydration(page)
    const violations = scripts ? await analyze(page) : await analyzeCopy(copyContext, page)
    if (violations.length) {
      await testInfo.attach(`axe-violations-${number}.json`, {
        body: JSON.stringify({ url: page.url(), violations }, null, 2),
        contentType: 'application/json',
      })
    }
    // Soft, so one run reports the violations of every page the test visits.
    expect
      .soft(violations.length, `axe found ${violations.length} WCAG A/AA violation(s) on ${where}:\n\n${describeViolations(violations)}`)
      .toBe(0)
  })
}

export function analyze(page: Page) {
  return (
    new AxeBuilder({ page })
      .withTags(AXE_TAGS)
      // axe.run in the page itself: Concord has no iframes, and the default mode opens a second,
      // blank page for every scan to merge the frames' results, which costs a second or more.
      .setLegacyMode(true)
      .analyze()
      .then((results) => results.violations)
  )
}

/**
 * With JavaScript disabled (javaScriptEnabled: false) timers never fire, and axe waits on them
 * for ever. Such a page is scanned as a copy: its DOM as it stands, served at the same address to
 * a page of a context with JavaScript on, which loads the same stylesheets but runs none of the
 * page's scripts (CSP script-src 'none'; axe itself is injected by Playwright, which CSP does not stop).
 */
async function analyzeCopy(copyContext: BrowserContext, page: Page) {
  const url = page.url()
  const body = await page.content()
  const copy = await copyContext.newPage()
  try {
    const viewport = page.viewportSize()
    if (viewport) await copy.setViewportSize(viewport)
    await copy.route('**/*', (route) => {
      const request = route.request()
      if (request.url() === url && request.isNavigationRequest()) {
        return route.fulfill({
          status: 200,
          contentType: 'text/html; charset=utf-8',
          headers: { 'Content-Security-Policy': "script-src 'none'" },
          body,
        })
      }
      // Stylesheets, fonts and images load as usual; the page's scripts (modulepreload) need not.
      return request.resourceType() === 'script' ? route.abort() : route.continue()
    })
    const failed: string[] = []
    copy.on('response', (response) => {
      if (response.request().resourceType() === 'stylesheet' && !response.ok()) failed.push(`${response.status()} ${response.url()}`)
    })
    copy.on('requestfailed', (request) => {
      if (request.resourceType() === 'stylesheet') failed.push(`${request.failure()?.errorText} ${request.url()}`)
    })
    await copy.goto(url)
    // Without its stylesheet the page would be scanned unstyled (contrast, target sizes…).
    if (failed.length) throw new Error(`e2e: the copy of ${url} could not load its stylesheets: ${failed.join(', ')}`)
    return await analyze(copy)
  } finally {
    await copy.close()
  }
}

/**
 * With JavaScript on, scan the page React has hydrated, not the server's HTML it may still replace:
 * hydration marks the DOM nodes it claims with a __reactFiber$ property. A page served without the
 * application's scripts (a published summary, root.tsx) has no Remix context and nothing to hydrate.
 */
export async function waitForHydration(page: Page) {
  await page
    .waitForFunction(
      () => {
        if (document.readyState !== 'loading' && !('__remixContext' in window)) return true
        const main = document.querySelector('main')
        return Boolean(main && Object.keys(main).some((key) => key.startsWith('__reactFiber$')))
      },
      undefined,
      { timeout: 10_000 },
    )
    .catch(() => {
      throw new Error(`e2e: ${page.url()} did not hydrate within 10 s (did the client bundle fail?)`)
    })
}

/** False when the page's scripts are disabled: a zero-delay timer then never fires. */
async function runsScripts(page: Page) {
  const timer = page.evaluate(() => new Promise<boolean>((resolve) => setTimeout(() => resolve(true), 0))).catch(() => false)
  const timeout = new Promise<boolean>((resolve) => setTimeout(() => resolve(false), 500))
  return Promise.race([timer, timeout])
}

/** One readable paragraph per violated rule, listing the offending elements. */
export function describeViolations(violations: Result[]) {
  return violations
    .map((violation) => {
      const nodes = violation.nodes
        .slice(0, 10)
        .map((node) => {
          const summary = (node.failureSummary ?? '').split('\n').join('\n      ')
          return `  - ${node.target.join(' ')}\n      ${node.html}\n      ${summary}`
        })
        .join('\n')
      const more = violation.nodes.length > 10 ? `\n  … and ${violation.nodes.length - 10} more` : ''
      return `${violation.id} [${violation.impact ?? 'n/a'}; ${violation.tags.filter((tag) => tag.startsWith('wcag')).join(', ')}]: ${violation.help}\n  ${violation.helpUrl}\n${nodes}${more}`
    })
    .join('\n\n')
}
