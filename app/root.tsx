import { data, type LinksFunction, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import {
  Form,
  Link,
  Links,
  Meta,
  NavLink,
  Outlet,
  Scripts,
  ScrollRestoration,
  useLocation,
  useMatches,
  useRouteLoaderData,
} from '@remix-run/react'
import type { ReactNode } from 'react'
import { useTranslation } from 'react-i18next'
import { useChangeLanguage } from 'remix-i18next/react'
import { GeneralErrorBoundary } from '~/components/error-boundary'
import { FlashMessage } from '~/components/flash-message'
import { FALLBACK_LANGUAGE, LANGUAGE_NAMES, SUPPORTED_LANGUAGES, textDirection } from '~/modules/i18n/i18n'
import { getLanguage } from '~/modules/i18n/i18n.server'
import { getSession } from '~/utils/auth.server'
import { readFlash } from '~/utils/flash.server'
import { useNonce } from '~/utils/nonce'
import stylesheet from '~/styles/app.css'

export const handle = { i18n: ['common'] }

export const links: LinksFunction = () => [
  { rel: 'stylesheet', href: stylesheet },
  { rel: 'icon', href: '/favicon.svg', type: 'image/svg+xml' },
]

export const meta: MetaFunction = () => [{ title: 'Concord' }]

export async function loader({ request }: LoaderFunctionArgs) {
  const [{ user, setCookie }, language, flash] = await Promise.all([
    getSession(request),
    getLanguage(request),
    readFlash(request),
  ])
  const headers = new Headers()
  if (setCookie) headers.append('Set-Cookie', setCookie)
  if (flash.setCookie) headers.append('Set-Cookie', flash.setCookie)
  return data(
    {
      language,
      user: user ? { displayName: user.displayName, role: user.role } : null,
      flash: flash.flash,
    },
    { headers },
  )
}

export type RootLoaderData = Awaited<ReturnType<typeof loader>>['data']

export function useRootData() {
  return useRouteLoaderData<typeof loader>('root')
}

/**
 * False on a page one of whose routes says `handle.scripts = false`: a document (a published
 * summary) that works whole as HTML is served without the application's scripts and their
 * hydration data, the pattern of Remix's guide "Disabling JavaScript" (README, decision 26).
 * Reached by a link from a page that runs them, it is still rendered in the browser.
 */
function useApplicationScripts() {
  return useMatches().every((match) => (match.handle as { scripts?: boolean } | undefined)?.scripts !== false)
}

export function Layout({ children }: { children: ReactNode }) {
  const root = useRootData()
  const nonce = useNonce()
  const scripts = useApplicationScripts()
  const language = root?.language ?? FALLBACK_LANGUAGE
  // In the layout, so error pages switch language too.
  useChangeLanguage(language)
  return (
    <html lang={language} dir={textDirection(language)}>
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <Meta />
        <Links />
      </head>
      <body>
        {children}
        {scripts ? (
          <>
            <ScrollRestoration nonce={nonce} />
            <Scripts nonce={nonce} />
          </>
        ) : null}
      </body>
    </html>
  )
}

function SiteHeader() {
  const { t } = useTranslation()
  const root = useRootData()
  const user = root?.user
  return (
    <header className="site-header">
      <div className="site-header__inner">
        <Link to="/" className="brand">
          <span className="brand__mark" aria-hidden="true">
            ◎
          </span>
          <span>Concord</span>
        </Link>
        <nav aria-label={t('nav.main')} className="site-nav">
          <ul>
            <li>
              <NavLink to="/consultations">{t('nav.consultations')}</NavLink>
            </li>
            {user ? (
              <li>
                <NavLink to="/my/comments">{t('nav.myComments')}</NavLink>
              </li>
            ) : null}
            {user && (user.role === 'moderator' || user.role === 'admin') ? (
              <li>
                <NavLink to="/moderate">{t('nav.moderate')}</NavLink>
              </li>
            ) : null}
            {user && (user.role === 'regional_viewer' || user.role === 'admin') ? (
              <li>
                <NavLink to="/regional">{t('nav.regional')}</NavLink>
              </li>
            ) : null}
            {user?.role === 'admin' ? (
              <li>
                <NavLink to="/admin/users">{t('nav.admin')}</NavLink>
              </li>
            ) : null}
          </ul>
        </nav>
        <div className="site-account">
          {user ? (
            <>
              <NavLink to="/account">{t('nav.account', { name: user.displayName })}</NavLink>
              <Form method="post" action="/logout">
                <button type="submit" className="button button--link">
                  {t('nav.logout')}
                </button>
              </Form>
            </>
          ) : (
            <>
              <NavLink to="/login">{t('nav.login')}</NavLink>
              <NavLink to="/signup" className="button button--small">
                {t('nav.signup')}
              </NavLink>
            </>
          )}
        </div>
      </div>
    </header>
  )
}

function LanguageSwitcher() {
  const { t } = useTranslation()
  const location = useLocation()
  const current = useRootData()?.language ?? FALLBACK_LANGUAGE
  return (
    <Form method="post" action="/language" className="language-switcher" aria-label={t('language.label')}>
      <input type="hidden" name="redirectTo" value={location.pathname + location.search} />
      <span className="language-switcher__label" id="language-label">
        {t('language.label')}
      </span>
      <ul aria-labelledby="language-label">
        {SUPPORTED_LANGUAGES.map((language) => (
          <li key={language}>
            <button
              type="submit"
              name="lng"
              value={language}
              lang={language}
              aria-current={language === current ? 'true' : undefined}
              className="language-switcher__option"
            >
              {LANGUAGE_NAMES[language]}
            </button>
          </li>
        ))}
      </ul>
    </Form>
  )
}

function Shell({ children }: { children: ReactNode }) {
  const { t } = useTranslation()
  return (
    <>
      <a href="#main" className="skip-link">
        {t('nav.skip')}
      </a>
      <LanguageSwitcher />
      <SiteHeader />
      <main id="main" tabIndex={-1}>
        {children}
      </main>
      <footer className="site-footer">
        <p>{t('footer.about')}</p>
      </footer>
    </>
  )
}

export default function App() {
  const root = useRootData()
  return (
    <Shell>
      {root?.flash ? <FlashMessage flash={root.flash} /> : null}
      <Outlet />
    </Shell>
  )
}

export function ErrorBoundary() {
  return (
    <Shell>
      <GeneralErrorBoundary />
    </Shell>
  )
}
