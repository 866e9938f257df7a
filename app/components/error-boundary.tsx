import { isRouteErrorResponse, Link, useRouteError } from '@remix-run/react'
import { useTranslation } from 'react-i18next'

const KNOWN_STATUSES = [400, 401, 403, 404, 405, 413, 429] as const

/** The page for a thrown response or an unexpected error, in the reader's language. */
export function GeneralErrorBoundary() {
  const error = useRouteError()
  const { t } = useTranslation()
  const status = isRouteErrorResponse(error) ? error.status : 500
  const key = (KNOWN_STATUSES as readonly number[]).includes(status) ? String(status) : '500'
  return (
    <section className="page page--narrow error-page" aria-labelledby="error-title">
      <p className="error-page__status">{status}</p>
      <h1 id="error-title">{t(`errors.${key}.title`)}</h1>
      <p>{t(`errors.${key}.body`)}</p>
      <p className="actions">
        {status === 401 ? (
          <Link to="/login" className="button">
            {t('nav.login')}
          </Link>
        ) : null}
        <Link to="/">{t('errors.home')}</Link>
      </p>
    </section>
  )
}
