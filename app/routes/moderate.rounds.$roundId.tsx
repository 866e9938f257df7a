import type { LoaderFunctionArgs } from '@remix-run/node'
import { NavLink, Outlet, useLoaderData } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { GeneralErrorBoundary } from '~/components/error-boundary'
import { getLanguage } from '~/modules/i18n/i18n.server'
import { getRound } from '~/modules/rounds/rounds.server'
import { requireRole } from '~/utils/auth.server'
import { db } from '~/utils/db.server'
import { invariantResponse } from '~/utils/http.server'

export const handle = { i18n: ['moderation'] }

/** The frame of every moderator page of one round: which round, and the tabs between its pages. */
export async function loader({ request, params }: LoaderFunctionArgs) {
  await requireRole(request, 'moderator')
  const roundId = Number(params.roundId)
  invariantResponse(Number.isSafeInteger(roundId) && roundId > 0, 'Not found')
  const round = getRound(db, roundId, await getLanguage(request))
  invariantResponse(round, 'Not found')
  return { round: { id: round.id, title: round.title, state: round.state, submittedCount: round.submittedCount } }
}

const TABS = ['queue', 'concerns', 'duplicates', 'dispositions', 'import', 'export', 'audit', 'summary', 'questions'] as const

export default function RoundModeration() {
  const { t } = useTranslation(['moderation', 'common'])
  const { round } = useLoaderData<typeof loader>()
  return (
    <div className="moderation-frame">
      <p className="moderation-frame__context">
        <span className="muted">{t('frame.round')}</span> <strong>{round.title}</strong>{' '}
        <span className="badge">{t(`frame.state.${round.state}`)}</span>{' '}
        <span className="muted">{t('frame.comments', { count: round.submittedCount })}</span>
      </p>
      <nav aria-label={t('frame.nav')} className="tabs">
        <ul>
          {TABS.map((tab) => (
            <li key={tab}>
              <NavLink to={`/moderate/rounds/${round.id}/${tab}`} prefetch="intent">
                {t(`frame.tabs.${tab}`)}
              </NavLink>
            </li>
          ))}
        </ul>
      </nav>
      <Outlet />
    </div>
  )
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />
}
