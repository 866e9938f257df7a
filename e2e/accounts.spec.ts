import { randomUUID } from 'node:crypto'
import { type Page, type Response } from '@playwright/test'
import { expect, test, uniqueEmail, usersWithDisplayName, usersWithEmail } from './fixtures'
import { translator } from './locales'

const en = translator('en')

/** The document response of the next form POST to a path (a native submission, JavaScript off). */
function nextPost(page: Page, pathname: string) {
  return page.waitForResponse(
    (response: Response) => response.request().method() === 'POST' && new URL(response.url()).pathname === pathname,
  )
}

test('sign up through the form, log out, log back in', async ({ page, axe, database }) => {
  const email = uniqueEmail('signup')
  const password = 'a long enough passphrase'
  const displayName = `Amina ${randomUUID().slice(0, 6)}`

  await page.goto('/signup')
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(en('accounts:signup.title'))
  await axe()

  await page.getByLabel(en('accounts:fields.email')).fill(email)
  await page.getByLabel(en('accounts:fields.password'), { exact: true }).fill(password)
  await page.getByLabel(en('accounts:fields.displayName')).fill(displayName)
  await page.getByLabel(en('accounts:fields.organization')).fill(`E2E Institute ${randomUUID().slice(0, 6)}`)
  await page.getByLabel(en('accounts:fields.category')).selectOption('research')
  await page.getByLabel(en('accounts:fields.country')).selectOption('KE')
  await page.getByLabel(en('accounts:fields.language')).selectOption('en')
  await page.getByRole('button', { name: en('accounts:signup.submit') }).click()

  await expect(page).toHaveURL(/\/account$/)
  await expect(page.getByRole('status')).toHaveText(en('accounts:flash.welcome'))
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(en('accounts:account.title'))
  await expect(page.getByText(email, { exact: true })).toBeVisible()
  await expect(accountLink(page)).toHaveText(en('nav.account', { name: displayName }))
  await axe()
  expect(usersWithEmail(database, email)).toEqual([
    expect.objectContaining({ displayName, category: 'research', countryCode: 'KE', language: 'en', role: 'participant' }),
  ])

  await page.getByRole('button', { name: en('nav.logout') }).click()
  await expect(page).toHaveURL(/\/$/)
  await expect(page.getByRole('status')).toHaveText(en('accounts:flash.loggedOut'))
  await expect(page.getByRole('button', { name: en('nav.logout') })).toHaveCount(0)
  await axe()

  await page.getByRole('link', { name: en('nav.login'), exact: true }).click()
  await expect(page).toHaveURL(/\/login$/)
  await axe()
  // The address as typed in another case: accounts are found case-insensitively.
  await page.getByLabel(en('accounts:fields.email')).fill(email.toUpperCase())
  await page.getByLabel(en('accounts:fields.password')).fill(password)
  await page.getByRole('button', { name: en('accounts:login.submit') }).click()

  await expect(page).toHaveURL(/\/$/)
  await expect(page.getByRole('status')).toHaveText(en('accounts:flash.loggedIn'))
  await expect(accountLink(page)).toHaveText(en('nav.account', { name: displayName }))
  await axe()
})

test('a failed log-in says the same for an unknown email and a wrong password', async ({ page, axe, createUser }) => {
  const user = await createUser()
  const message = en('accounts:errors.loginFailed')
  const attempts = [
    { email: uniqueEmail('nobody'), password: 'whatever it is, it is long' },
    { email: user.email, password: `${user.password}-wrong` },
  ]

  const shown: string[] = []
  for (const attempt of attempts) {
    // A fresh page each time, so the alert checked is the answer to this attempt.
    await page.goto('/login')
    await expect(page.getByRole('alert')).toHaveCount(0)
    await page.getByLabel(en('accounts:fields.email')).fill(attempt.email)
    await page.getByLabel(en('accounts:fields.password')).fill(attempt.password)
    const response = page.waitForResponse((r) => r.request().method() === 'POST' && new URL(r.url()).pathname.startsWith('/login'))
    await page.getByRole('button', { name: en('accounts:login.submit') }).click()
    expect((await response).status()).toBe(400)
    const alert = page.getByRole('alert')
    await expect(alert).toHaveText(message)
    shown.push((await alert.textContent()) ?? '')
    await expect(page.getByLabel(en('accounts:fields.email'))).toHaveValue(attempt.email)
    await axe()
  }
  expect(shown[0]).toBe(shown[1])
  await expect(page.getByRole('button', { name: en('nav.logout') })).toHaveCount(0)
})

test.describe('without JavaScript', () => {
  test.use({ javaScriptEnabled: false })

  test('a malformed sign-up gets field errors and a 400, keeps what was typed but the password, creates nothing', async ({
    page,
    axe,
    database,
  }) => {
    const typed = {
      email: `not-an-email-${randomUUID().slice(0, 6)}`,
      password: 'short',
      displayName: `Malformed ${randomUUID().slice(0, 6)}`,
      organization: 'Typed Organization',
    }
    await page.goto('/signup')
    await page.getByLabel(en('accounts:fields.email')).fill(typed.email)
    await page.getByLabel(en('accounts:fields.password'), { exact: true }).fill(typed.password)
    await page.getByLabel(en('accounts:fields.displayName')).fill(typed.displayName)
    await page.getByLabel(en('accounts:fields.organization')).fill(typed.organization)
    await page.getByLabel(en('accounts:fields.category')).selectOption('government')
    await page.getByLabel(en('accounts:fields.country')).selectOption('PE')
    await page.getByLabel(en('accounts:fields.language')).selectOption('es')
    const response = nextPost(page, '/signup')
    await page.getByRole('button', { name: en('accounts:signup.submit') }).click()

    expect((await response).status()).toBe(400)
    const emailInput = page.getByLabel(en('accounts:fields.email'))
    const passwordInput = page.getByLabel(en('accounts:fields.password'), { exact: true })
    await expect(emailInput).toHaveAttribute('aria-invalid', 'true')
    await expect(emailInput).toHaveAccessibleDescription(en('accounts:errors.emailInvalid'))
    await expect(passwordInput).toHaveAttribute('aria-invalid', 'true')
    await expect(passwordInput).toHaveAccessibleDescription(new RegExp(escapeRegExp(en('accounts:errors.passwordShort'))))
    await expect(emailInput).toHaveValue(typed.email)
    await expect(passwordInput).toHaveValue('')
    await expect(page.getByLabel(en('accounts:fields.displayName'))).toHaveValue(typed.displayName)
    await expect(page.getByLabel(en('accounts:fields.organization'))).toHaveValue(typed.organization)
    await expect(page.getByLabel(en('accounts:fields.category'))).toHaveValue('government')
    await expect(page.getByLabel(en('accounts:fields.country'))).toHaveValue('PE')
    await expect(page.getByLabel(en('accounts:fields.language'))).toHaveValue('es')
    await axe()
    expect(usersWithDisplayName(database, typed.displayName)).toEqual([])
  })

  test.describe('in the reader’s language', () => {
    // French from Accept-Language: the errors must come back in French.
    test.use({ locale: 'fr-FR' })
    const fr = translator('fr')

    const cases = [
      {
        name: 'an unknown category',
        field: 'accounts:fields.category',
        error: 'accounts:errors.categoryUnknown',
        tamper: (page: Page) => addOption(page, 'category', 'astrologer'),
      },
      {
        name: 'an unknown country',
        field: 'accounts:fields.country',
        error: 'accounts:errors.countryUnknown',
        tamper: (page: Page) => addOption(page, 'country', 'ZZ'),
      },
      {
        name: 'a field of a megabyte',
        field: 'accounts:fields.displayName',
        error: 'accounts:errors.tooLong',
        tamper: (page: Page) => setValue(page, 'displayName', 'x'.repeat(1024 * 1024)),
      },
    ]
    for (const { name, field, error, tamper } of cases) {
      test(`a sign-up with ${name} is refused`, async ({ page, axe, database }) => {
        const email = uniqueEmail('refused')
        await fillValidSignup(page, fr, email)
        await tamper(page)
        const response = nextPost(page, '/signup')
        await page.getByRole('button', { name: fr('accounts:signup.submit') }).click()
        expect((await response).status()).toBe(400)
        await expect(page.locator('html')).toHaveAttribute('lang', 'fr')
        await expect(page.getByLabel(fr(field))).toHaveAttribute('aria-invalid', 'true')
        await expect(page.getByLabel(fr(field))).toHaveAccessibleDescription(fr(error))
        await expect(page.getByLabel(fr('accounts:fields.email'))).toHaveValue(email)
        await expect(page.getByLabel(fr('accounts:fields.password'), { exact: true })).toHaveValue('')
        await axe()
        expect(usersWithEmail(database, email)).toEqual([])
      })
    }

    test('a sign-up with an email already used is refused', async ({ page, axe, database, createUser }) => {
      const existing = await createUser()
      // The same address in capitals is the same account.
      await fillValidSignup(page, fr, existing.email.toUpperCase())
      const response = nextPost(page, '/signup')
      await page.getByRole('button', { name: fr('accounts:signup.submit') }).click()
      expect((await response).status()).toBe(400)
      await expect(page.getByLabel(fr('accounts:fields.email'))).toHaveAccessibleDescription(fr('accounts:errors.emailTaken'))
      await axe()
      expect(usersWithEmail(database, existing.email)).toEqual([expect.objectContaining({ id: existing.id })])
    })
  })
})

test.describe('guards and error pages', () => {
  test('a visitor gets a 401 on /account', async ({ page, axe }) => {
    const response = await page.goto('/account')
    expect(response?.status()).toBe(401)
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(en('errors.401.title'))
    await expect(page.getByRole('main').getByRole('link', { name: en('nav.login') })).toBeVisible()
    await axe()
  })

  test('a participant gets a 403 on /admin/users, an admin gets the page', async ({
    page,
    axe,
    browser,
    createUser,
    login,
  }) => {
    const participant = await createUser()
    await login(participant)
    const response = await page.goto('/admin/users')
    expect(response?.status()).toBe(403)
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(en('errors.403.title'))
    await expect(page.getByRole('table')).toHaveCount(0)
    await axe()

    const admin = await createUser({ role: 'admin' })
    const adminContext = await browser.newContext()
    await login(admin, adminContext)
    const adminPage = await adminContext.newPage()
    expect((await adminPage.goto('/admin/users'))?.status()).toBe(200)
    await expect(adminPage.getByRole('heading', { level: 1 })).toHaveText(en('admin:users.title'))
    await expect(adminPage.getByRole('rowheader', { name: new RegExp(escapeRegExp(participant.email)) })).toBeVisible()
    await axe(adminPage)
    await adminContext.close()
  })

  test.describe('in Arabic', () => {
    test.use({ locale: 'ar' })
    test('the 403 page speaks the participant’s language, right to left', async ({ page, axe, createUser, login }) => {
      const ar = translator('ar')
      await login(await createUser())
      const response = await page.goto('/admin/users')
      expect(response?.status()).toBe(403)
      await expect(page.locator('html')).toHaveAttribute('dir', 'rtl')
      await expect(page.getByRole('heading', { level: 1 })).toHaveText(ar('errors.403.title'))
      await expect(page.getByText(ar('errors.403.body'))).toBeVisible()
      await axe()
    })
  })

  test('an unknown URL gets a 404 page', async ({ page, axe }) => {
    const response = await page.goto('/no/such/page')
    expect(response?.status()).toBe(404)
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(en('errors.404.title'))
    await axe()
  })

  test.describe('in Russian', () => {
    test.use({ locale: 'ru-RU' })
    test('an unknown URL gets the 404 page in the reader’s language', async ({ page, axe }) => {
      const ru = translator('ru')
      const response = await page.goto('/nothing-here')
      expect(response?.status()).toBe(404)
      await expect(page.locator('html')).toHaveAttribute('lang', 'ru')
      await expect(page.getByRole('heading', { level: 1 })).toHaveText(ru('errors.404.title'))
      await expect(page.getByText(ru('errors.404.body'))).toBeVisible()
      await axe()
    })
  })
})

async function fillValidSignup(page: Page, t: ReturnType<typeof translator>, email: string) {
  await page.goto('/signup')
  await page.getByLabel(t('accounts:fields.email')).fill(email)
  await page.getByLabel(t('accounts:fields.password'), { exact: true }).fill('a long enough passphrase')
  await page.getByLabel(t('accounts:fields.displayName')).fill(`Refused ${randomUUID().slice(0, 6)}`)
  await page.getByLabel(t('accounts:fields.category')).selectOption('tech_firm')
  await page.getByLabel(t('accounts:fields.country')).selectOption('FR')
  await page.getByLabel(t('accounts:fields.language')).selectOption('fr')
}

/** What a hand-made request could send: an option the form does not offer, chosen. */
async function addOption(page: Page, name: string, value: string) {
  await page.locator(`select[name="${name}"]`).evaluate((select: HTMLSelectElement, optionValue) => {
    select.add(new Option(optionValue, optionValue, true, true))
  }, value)
}

/** A value past the field's maxlength, as a hand-made request could send it. */
async function setValue(page: Page, name: string, value: string) {
  await page.locator(`input[name="${name}"]`).evaluate((input: HTMLInputElement, inputValue) => {
    input.value = inputValue
  }, value)
}

/** The header's link to the account page (its text names the user). */
function accountLink(page: Page) {
  return page.getByRole('banner').locator('a[href="/account"]')
}

function escapeRegExp(text: string) {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}
