import { data, type LinksFunction, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { isRouteErrorResponse, Link, useLoaderData, useRouteError } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { STAKEHOLDER_CATEGORIES } from '#db/schema/index'
import { DateTime, formatInstant } from '~/components/date-time'
import { GeneralErrorBoundary } from '~/components/error-boundary'
import { getFixedT } from '~/modules/i18n/i18n.server'
import { countryName } from '~/modules/regions/regions'
import { getRoundForReader } from '~/modules/rounds/rounds.server'
import {
  accessProblem,
  participationTracker,
  roundIdOf,
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
 * The participation tracker of the viewer's own regional organization for an open round: counts by
 * member country and stakeholder category, and the member countries not heard yet. Aggregates only.
 * A regional viewer always reads their own organization's; an admin names one with ?organization=KEY.
 */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireRole(request, 'regional_viewer', 'admin')
  const { t, language } = await getFixedT(request, ['regional', 'common', 'regions'])
  const url = new URL(request.url)
  const access = trackerOrganization(db, user, url.searchParams.get('organization'))
  if (!access.ok) throw data(accessProblem(access, user, t) satisfies RegionalProblem, { status: access.status })
  const organizationKey = access.organizationKey

  const roundId = roundIdOf(params.roundId)
  const now = new Date()
  const round = roundId === null ? null : getRoundForReader(db, roundId, language, now)
  if (!round) throw new Response('Not found', { status: 404 })

  const organization = t(`regions:organizations.${organizationKey}`, { defaultValue: organizationKey })
  const query = user.role === 'admin' ? `?organization=${encodeURIComponent(organizationKey)}` : ''
  const base = {
    title: `${t('tracker.title')} · ${round.title} · Concord`,
    organization,
    backHref: `/regional${query}`,
    round: { id: round.id, title: round.title, titleLanguage: round.titleLanguage },
  }

  if (round.state !== 'open') {
    // The tracker follows open rounds only: a scheduled or closed round is a conflict with the page's purpose.
    return data(
      {
        ...base,
        open: false as const,
        message:
          round.state === 'scheduled'
            ? t('tracker.scheduled', { opens: formatInstant(round.opensAt, language, round.timeZone).text })
            : t('tracker.closed', { closes: formatInstant(round.closesAt, language, round.timeZone).text }),
        summaryHref:
          round.state === 'summarised'
            ? `/rounds/${round.id}/summary?organization=${encodeURIComponent(organizationKey)}`
            : null,
      },
      { status: 409 },
    )
  }

  const tracker = participationTracker(db, round.id, organizationKey)
  if (!tracker) throw new Response('Not found', { status: 404 })
  const number = new Intl.NumberFormat(language)
  const collator = new Intl.Collator(language)
  const byName = <T extends { name: string }>(items: T[]) => items.sort((a, b) => collator.compare(a.name, b.name))
  const counts = (byCategory: Record<string, number>) =>
    STAKEHOLDER_CATEGORIES.map((category) => number.format(byCategory[category] ?? 0))

  return data({
    ...base,
    open: true as const,
    lead: t('tracker.lead', { organization, closes: formatInstant(round.closesAt, language, round.timeZone).text }),
    caption: t('tracker.caption', { organization }),
    asOf: formatInstant(now, language, round.timeZone),
    facts: {
      members: number.format(tracker.memberCount),
      heard: t('tracker.heardValue', {
        heard: number.format(tracker.totals.countriesHeard),
        members: number.format(tracker.memberCount),
      }),
      comments: number.format(tracker.totals.comments),
      participants: number.format(tracker.totals.participants),
    },
    categories: STAKEHOLDER_CATEGORIES.map((category) => ({
      key: category,
      label: t(`common:categories.${category}`),
    })),
    rows: byName(
      tracker.countries.map((country) => ({
        code: country.countryCode,
        name: countryName(country.countryCode, language),
        cells: counts(country.byCategory),
        total: number.format(country.comments),
        participants: number.format(country.participants),
      })),
    ),
    totals: {
      cells: counts(tracker.totals.byCategory),
      total: number.format(tracker.totals.comments),
      participants: number.format(tracker.totals.participants),
    },
    unheard: byName(tracker.unheard.map((code) => ({ code, name: countryName(code, language) }))),
    unheardCount: tracker.unheard.length,
  })
}

export default function ParticipationTracker() {
  const { t } = useTranslation('regional')
  const page = useLoaderData<typeof loader>()
  return (
    <div className="page regional-page">
      <h1>{t('tracker.title')}</h1>
      <p className="regional-subtitle">
        <span lang={page.round.titleLanguage}>{page.round.title}</span>
        <span aria-hidden="true"> · </span>
        <span className="visually-hidden">, </span>
        <span>{page.organization}</span>
      </p>
      {page.open ? (
        <>
          <p className="lead">{page.lead}</p>
          <dl className="facts">
            <div>
              <dt>{t('tracker.asOf')}</dt>
              <dd>
                <DateTime value={page.asOf} />
              </dd>
            </div>
            <div>
              <dt>{t('tracker.members')}</dt>
              <dd>{page.facts.members}</dd>
            </div>
            <div>
              <dt>{t('tracker.heard')}</dt>
              <dd>{page.facts.heard}</dd>
            </div>
            <div>
              <dt>{t('tracker.comments')}</dt>
              <dd>{page.facts.comments}</dd>
            </div>
            <div>
              <dt>{t('tracker.participants')}</dt>
              <dd>{page.facts.participants}</dd>
            </div>
          </dl>

          <section aria-labelledby="by-country-title">
            <h2 id="by-country-title">{t('tracker.tableTitle')}</h2>
            {page.rows.length ? (
              <div className="table-scroll" role="region" aria-labelledby="tracker-caption" tabIndex={0}>
                <table className="table tracker-table">
                  <caption id="tracker-caption">{page.caption}</caption>
                  <thead>
                    <tr>
                      <th scope="col">{t('tracker.country')}</th>
                      {page.categories.map((category) => (
                        <th scope="col" key={category.key} className="number">
                          {category.label}
                        </th>
                      ))}
                      <th scope="col" className="number">
                        {t('tracker.total')}
                      </th>
                      <th scope="col" className="number">
                        {t('tracker.participants')}
                      </th>
                    </tr>
                  </thead>
                  <tbody>
                    {page.rows.map((row) => (
                      <tr key={row.code}>
                        <th scope="row">{row.name}</th>
                        {row.cells.map((cell, index) => (
                          <td key={page.categories[index]?.key ?? index} className="number">
                            {cell}
                          </td>
                        ))}
                        <td className="number">{row.total}</td>
                        <td className="number">{row.participants}</td>
                      </tr>
                    ))}
                  </tbody>
                  <tfoot>
                    <tr>
                      <th scope="row">{t('tracker.allMembers')}</th>
                      {page.totals.cells.map((cell, index) => (
                        <td key={page.categories[index]?.key ?? index} className="number">
                          {cell}
                        </td>
                      ))}
                      <td className="number">{page.totals.total}</td>
                      <td className="number">{page.totals.participants}</td>
                    </tr>
                  </tfoot>
                </table>
              </div>
            ) : (
              <p>{t('tracker.noComments')}</p>
            )}
          </section>

          <section aria-labelledby="unheard-title" className="tracker-unheard">
            <h2 id="unheard-title">{t('tracker.unheardTitle')}</h2>
            {page.unheard.length ? (
              <>
                <p id="unheard-count">{t('tracker.unheardCount', { count: page.unheardCount })}</p>
                <ul className="tracker-unheard__list" aria-labelledby="unheard-count">
                  {page.unheard.map((country) => (
                    <li key={country.code}>{country.name}</li>
                  ))}
                </ul>
              </>
            ) : (
              <p>{t('tracker.allHeard')}</p>
            )}
          </section>

          <p className="muted">{t('tracker.counting')}</p>
        </>
      ) : (
        <section aria-labelledby="not-open-title" className="card">
          <h2 id="not-open-title">{t('tracker.notOpenTitle')}</h2>
          <p>{page.message}</p>
          {page.summaryHref ? (
            <p>
              <Link to={page.summaryHref}>{t('tracker.summaryLink', { organization: page.organization })}</Link>
            </p>
          ) : null}
        </section>
      )}
      <p>
        <Link to={page.backHref}>{t('tracker.back')}</Link>
      </p>
    </div>
  )
}

function isRegionalProblem(value: unknown): value is RegionalProblem {
  return Boolean(value && typeof value === 'object' && 'regionalProblem' in value)
}

/** A refusal explained in the reader's language (another organization's tracker, no organization…). */
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
