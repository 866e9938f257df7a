import { type Page } from '@playwright/test'
import { LANGUAGE_NAMES, type Language } from '~/modules/i18n/i18n'
import { expect, test, usersWithEmail, waitForHydration } from './fixtures'
import { translator } from './locales'

const en = translator('en')
const ar = translator('ar')

async function expectDocument(page: Page, lang: Language, dir: 'ltr' | 'rtl') {
  await expect(page.locator('html')).toHaveAttribute('lang', lang)
  await expect(page.locator('html')).toHaveAttribute('dir', dir)
}

/** Which half of the viewport the brand link sits in: left in English, right in Arabic. */
async function brandSide(page: Page) {
  const box = await page.getByRole('link', { name: 'Concord' }).first().boundingBox()
  const width = page.viewportSize()?.width
  if (!box || !width) throw new Error('e2e: the brand link has no box')
  const centre = box.x + box.width / 2
  return centre < width / 2 ? 'left' : 'right'
}

function switcherButton(page: Page, language: Language) {
  return page.getByRole('button', { name: LANGUAGE_NAMES[language], exact: true })
}

for (const javaScriptEnabled of [false, true]) {
  test.describe(`JavaScript ${javaScriptEnabled ? 'on' : 'off'}`, () => {
    test.use({ javaScriptEnabled })

    test('the language switcher turns the page to Arabic, right to left, and the choice persists', async ({
      page,
      context,
      axe,
    }) => {
      const h1 = page.getByRole('heading', { level: 1 })
      await page.goto('/login')
      await expectDocument(page, 'en', 'ltr')
      expect(await brandSide(page)).toBe('left')
      await axe()

      await switcherButton(page, 'ar').click()
      await expectDocument(page, 'ar', 'rtl')
      await expect(page).toHaveURL(/\/login$/)
      await expect(h1).toHaveText(ar('accounts:login.title'))
      await expect(switcherButton(page, 'ar')).toHaveAttribute('aria-current', 'true')
      expect(await brandSide(page)).toBe('right')
      await axe()

      // Another page, reached by a link, then by a fresh load: still Arabic (the lng cookie).
      await page.getByRole('link', { name: ar('nav.signup') }).click()
      await expect(page).toHaveURL(/\/signup$/)
      await expectDocument(page, 'ar', 'rtl')
      await expect(h1).toHaveText(ar('accounts:signup.title'))
      await axe()
      await page.goto('/')
      await expectDocument(page, 'ar', 'rtl')
      await expect(h1).toHaveText(ar('home.tagline'))
      expect(await brandSide(page)).toBe('right')
      await axe()
      expect((await context.cookies()).map((cookie) => cookie.name)).toContain('lng')

      await switcherButton(page, 'en').click()
      await expectDocument(page, 'en', 'ltr')
      await expect(h1).toHaveText(en('home.tagline'))
      expect(await brandSide(page)).toBe('left')
      await axe()
    })
  })
}

test.describe('Accept-Language', () => {
  test.use({ locale: 'fr-FR' })

  test('picks French when no choice is made, and a choice overrides it', async ({ page, context, axe }) => {
    const fr = translator('fr')
    const h1 = page.getByRole('heading', { level: 1 })
    await page.goto('/')
    await expectDocument(page, 'fr', 'ltr')
    await expect(h1).toHaveText(fr('home.tagline'))
    expect((await context.cookies()).map((cookie) => cookie.name)).not.toContain('lng')
    await axe()

    await switcherButton(page, 'en').click()
    await expectDocument(page, 'en', 'ltr')
    await page.goto('/login')
    await expectDocument(page, 'en', 'ltr')
    await expect(h1).toHaveText(en('accounts:login.title'))
    await axe()
  })
})

test('a signed-in user’s choice of language is saved to the profile', async ({
  page,
  context,
  axe,
  database,
  createUser,
  login,
}) => {
  const user = await createUser({ language: 'en' })
  await login(user)
  await page.goto('/account')
  await expect(page.getByLabel(en('accounts:fields.language'))).toHaveValue('en')
  await axe()

  await switcherButton(page, 'ar').click()
  await expect(page).toHaveURL(/\/account$/)
  await expectDocument(page, 'ar', 'rtl')
  await expect.poll(() => usersWithEmail(database, user.email)[0]?.language).toBe('ar')
  await page.reload()
  await expect(page.getByLabel(ar('accounts:fields.language'))).toHaveValue('ar')
  await axe()

  // Without the cookie the page follows Accept-Language (English), yet the profile says Arabic.
  await context.clearCookies({ name: 'lng' })
  await page.reload()
  await expectDocument(page, 'en', 'ltr')
  await expect(page.getByLabel(en('accounts:fields.language'))).toHaveValue('ar')
})

test.describe('language switch with JavaScript on', () => {
  test('the profile form shows the new language right after the switch', async ({ page, createUser, login }) => {
    await login(await createUser({ language: 'en' }))
    await page.goto('/account')
    await waitForHydration(page)
    await switcherButton(page, 'ar').click()
    await expectDocument(page, 'ar', 'rtl')
    await expect(page.getByLabel(ar('accounts:fields.language'))).toHaveValue('ar', { timeout: 2_000 })
  })

  test('the language switcher on an error page translates the page', async ({ page, createUser, login }) => {
    await login(await createUser())
    expect((await page.goto('/admin/users'))?.status()).toBe(403)
    await waitForHydration(page)
    await switcherButton(page, 'ar').click()
    await expectDocument(page, 'ar', 'rtl')
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(ar('errors.403.title'), { timeout: 2_000 })
  })
})

test.describe('on a 360 px wide screen, in Arabic', () => {
  test.use({ viewport: { width: 360, height: 780 }, locale: 'ar' })

  test('pages fit the width and pass axe', async ({ page, axe }) => {
    for (const path of ['/', '/signup']) {
      await page.goto(path)
      await expectDocument(page, 'ar', 'rtl')
      await axe()
      // WCAG 1.4.10 Reflow: no sideways scrolling at 320 CSS px; 360 px is the common phone.
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)
      expect(overflow, `${path} scrolls sideways by ${overflow}px at 360px`).toBeLessThanOrEqual(0)
    }
  })
})

test('the skip link is the first Tab stop and moves focus to main', async ({ page, axe }) => {
  await page.goto('/')
  // Known app bug: a key pressed while React is still hydrating the document sometimes kills
  // hydration (uncaught React error #345, the page stays without JavaScript). Wait for hydration,
  // so that this test checks the skip link and not that race.
  await waitForHydration(page)
  await page.keyboard.press('Tab')
  const skipLink = page.getByRole('link', { name: en('nav.skip') })
  await expect(skipLink).toBeFocused()
  await expect(skipLink).toBeInViewport()
  // Scanned with the skip link shown, so its contrast is checked too.
  await axe()

  await page.keyboard.press('Enter')
  await expect(page.getByRole('main')).toBeFocused()
  await page.keyboard.press('Tab')
  expect(await page.evaluate(() => Boolean(document.querySelector('main')?.contains(document.activeElement)))).toBe(true)
})
