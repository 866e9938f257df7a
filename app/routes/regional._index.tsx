import { data, type LinksFunction, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { isRouteErrorResponse, Link, useLoaderData, useRouteError } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { DateTime, formatInstant } from '~/components/date-time'
import { GeneralErrorBoundary } from '~/components/error-boundary'
import { getFixedT } from '~/modules/i18n/i18n.server'
import { listRoundsForReader } from '~/modules/rounds/rounds.server'
import { CSV_TABLES } from '~/modules/summaries/exports.server'
import {
  accessProblem,
  organizationKeys,
  trackerOrganization,
  type RegionalProblem,
} from '~/modules/summaries/tracker.server'
import { requireRole } from '~/utils/auth.server'
import { db } from '~/utils/db.server'
import cssHref from '~/styles/regional.css'

export const handle = { i18n: ['regional', 'common', 'regions'] }

export const links: LinksFunction = () => [{ rel: 'stylesheet', href: cssHref }]

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data?.title ?? 'Concord' }]

/**
 * The regional viewer's start page: the open rounds, each with a link to the participation tracker of
 * their own organization, and the published summaries with links to read and download them through
 * its lens. An admin chooses the organization (?organization=KEY).
 */
export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireRole(request, 'regional_viewer', 'admin')
  const { t, language } = await getFixedT(request, ['regional', 'common', 'regions'])
  const requested = new URL(request.url).searchParams.get('organization')
  const collator = new Intl.Collator(language)
  const organizationName = (key: string) => t(`regions:organizations.${key}`, { defaultValue: key })

  let organizationKey: string | null = null
  const access = trackerOrganization(db, user, requested)
  if (access.ok) organizationKey = access.organizationKey
  else if (!(access.reason === 'chooseOrganization' && user.role === 'admin')) {
    throw data(accessProblem(access, user, t) satisfies RegionalProblem, { status: access.status })
  }

  const now = new Date()
  const rounds = listRoundsForReader(db, language, now)
  const query = organizationKey && user.role === 'admin' ? `?organization=${encodeURIComponent(organizationKey)}` : ''
  const lensQuery = organizationKey ? `organization=${encodeURIComponent(organizationKey)}` : ''
  return {
    title: `${t('index.title')} · Concord`,
    isAdmin: user.role === 'admin',
    organizationKey,
    organization: organizationKey ? organizationName(organizationKey) : null,
    organizations:
      user.role === 'admin'
        ? organizationKeys(db)
            .map((key) => ({ key, name: organizationName(key) }))
            .sort((a, b) => collator.compare(a.name, b.name))
        : [],
    open: rounds
      .filter((round) => round.state === 'open')
      .sort((a, b) => a.closesAt.getTime() - b.closesAt.getTime())
      .map((round) => ({
        id: round.id,
        title: round.title,
        titleLanguage: round.titleLanguage,
        closes: formatInstant(round.closesAt, language, round.timeZone),
        submittedCount: round.submittedCount,
        trackerHref: `/regional/rounds/${round.id}/tracker${query}`,
      })),
    summarised: rounds
      .filter((round) => round.state === 'summarised')
      .map((round) => ({
        id: round.id,
        title: round.title,
        titleLanguage: round.titleLanguage,
        summaryHref: `/rounds/${round.id}/summary?${lensQuery}`,
        jsonHref: `/rounds/${round.id}/summary.json?${lensQuery}`,
        csvAction: `/rounds/${round.id}/summary.csv`,
      })),
    tables: CSV_TABLES.map((table) => ({ value: table, label: t(`tables.${table}`) })),
  }
}

export default function RegionalOverview() {
  const { t } = useTranslation('regional')
  const page = useLoaderData<typeof loader>()
  const ready = page.organizationKey !== null
  return (
    <div className="page regional-page">
      <h1>{t('index.title')}</h1>
      {page.isAdmin ? (
        <>
          <p>{t('index.adminLead')}</p>
          <form method="get" className="regional-chooser">
            <label htmlFor="organization">{t('index.organizationLabel')}</label>
            <select id="organization" name="organization" defaultValue={page.organizationKey ?? ''} required>
              <option value="" disabled>
                {t('index.organizationLabel')}
              </option>
              {page.organizations.map((organization) => (
                <option key={organization.key} value={organization.key}>
                  {organization.name}
                </option>
              ))}
            </select>
            <button type="submit" className="button button--small">
              {t('index.show')}
            </button>
          </form>
        </>
      ) : null}
      {ready && page.organization ? (
        <>
          <p className="lead">{t('index.lead', { organization: page.organization })}</p>
          <section aria-labelledby="open-title">
            <h2 id="open-title">{t('index.openTitle')}</h2>
            {page.open.length ? (
              <ul className="cards regional-rounds">
                {page.open.map((round) => (
                  <li key={round.id} className="card">
                    <h3 lang={round.titleLanguage}>{round.title}</h3>
                    <dl className="facts">
                      <div>
                        <dt>{t('index.closes')}</dt>
                        <dd>
                          <DateTime value={round.closes} />
                        </dd>
                      </div>
                      <div>
                        <dt>{t('index.submitted')}</dt>
                        <dd>{t('index.submittedValue', { count: round.submittedCount })}</dd>
                      </div>
                    </dl>
                    <p>
                      <Link to={round.trackerHref} className="button button--small">
                        {t('index.trackerLink')}
                        <span className="visually-hidden">
                          {' · '}
                          {round.title}
                        </span>
                      </Link>
                    </p>
                  </li>
                ))}
              </ul>
            ) : (
              <p className="muted">{t('index.noneOpen')}</p>
            )}
          </section>
          <section aria-labelledby="summaries-title">
            <h2 id="summaries-title">{t('index.summariesTitle')}</h2>
            {page.summarised.length ? (
              <ul className="cards regional-rounds">
                {page.summarised.map((round) => (
                  <li key={round.id} className="card">
                    <h3 lang={round.titleLanguage}>{round.title}</h3>
                    <ul className="regional-links">
                      <li>
                        <Link to={round.summaryHref}>
                          {t('index.summaryLink', { organization: page.organization })}
                        </Link>
                      </li>
                      <li>
                        <a href={round.jsonHref} download>
                          {t('index.downloadJson')}
                        </a>
                      </li>
                    </ul>
                    {/* A plain GET form: the browser downloads the file, with or without JavaScript. */}
                    <form method="get" action={round.csvAction} className="inline-form">
                      <input type="hidden" name="organization" value={page.organizationKey ?? ''} />
                      <label htmlFor={`table-${round.id}`}>{t('index.tableLabel')}</label>{' '}
                      <select id={`table-${round.id}`} name="table">
                        {page.tables.map((table) => (
                          <option key={table.value} value={table.value}>
                            {table.label}
                          </option>
                        ))}
                      </select>{' '}
                      <button type="submit" className="button button--small button--quiet">
                        {t('index.downloadCsv')}
                        <span className="visually-hidden">
                          {' · '}
                          {round.title}
                        </span>
                      </button>
                    </form>
                  </li>
                ))}
              </ul>
            ) : (
              <p className="muted">{t('index.noneSummarised')}</p>
            )}
          </section>
        </>
      ) : null}
    </div>
  )
}

function isRegionalProblem(value: unknown): value is RegionalProblem {
  return Boolean(value && typeof value === 'object' && 'regionalProblem' in value)
}

/** A refusal explained in the reader's language (no organization linked, another organization…). */
export function ErrorBoundary() {
  const error = useRouteError()
  if (!isRouteErrorResponse(error) || !isRegionalProblem(error.data)) return <GeneralErrorBoundary />
  const problem = error.data.regionalProblem
  return (
    <section className="page page--narrow error-page" aria-labelledby="error-title">
      <p className="error-page__status">{error.status}</p>
      <h1 id="error-title">{problem.title}</h1>
      <p>{problem.message}</p>
      <p className="actions">
        <Link to={problem.backHref}>{problem.backLabel}</Link>
      </p>
    </section>
  )
}
