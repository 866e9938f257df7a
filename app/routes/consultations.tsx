import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { Link, useLoaderData } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { DateTime, formatInstant, formatRelative } from '~/components/date-time'
import { getFixedT } from '~/modules/i18n/i18n.server'
import { listRoundsForReader } from '~/modules/rounds/rounds.server'
import { db } from '~/utils/db.server'
import cssHref from '~/styles/rounds.css'

export const handle = { i18n: ['rounds'] }

export const links: LinksFunction = () => [{ rel: 'stylesheet', href: cssHref }]

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: data?.title ?? 'Concord' },
  { name: 'description', content: data?.description ?? '' },
]

export async function loader({ request }: LoaderFunctionArgs) {
  const { t, language } = await getFixedT(request, 'rounds')
  const now = new Date()
  const rounds = listRoundsForReader(db, language, now).map((round) => ({
    id: round.id,
    title: round.title,
    titleLanguage: round.titleLanguage,
    normTitle: round.normTitle,
    normTitleLanguage: round.normTitleLanguage,
    state: round.state,
    submittedCount: round.submittedCount,
    opensAtMs: round.opensAt.getTime(),
    closesAtMs: round.closesAt.getTime(),
    opens: formatInstant(round.opensAt, language, round.timeZone),
    closes: formatInstant(round.closesAt, language, round.timeZone),
    relative: formatRelative(round.state === 'scheduled' ? round.opensAt : round.closesAt, now, language),
  }))
  return {
    title: `${t('list.title')} · Concord`,
    description: t('list.intro'),
    // Open: the nearest deadline first; upcoming: the nearest opening first; closed: the latest first.
    open: rounds.filter((round) => round.state === 'open').sort((a, b) => a.closesAtMs - b.closesAtMs),
    upcoming: rounds.filter((round) => round.state === 'scheduled').sort((a, b) => a.opensAtMs - b.opensAtMs),
    closed: rounds.filter((round) => round.state === 'closed' || round.state === 'summarised'),
  }
}

type ListedRound = Awaited<ReturnType<typeof loader>>['open'][number]

function RoundCard({ round }: { round: ListedRound }) {
  const { t } = useTranslation('rounds')
  const upcoming = round.state === 'scheduled'
  return (
    <li className="card round-card">
      <h3 className="round-card__title">
        <Link to={`/rounds/${round.id}`} lang={round.titleLanguage}>
          {round.title}
        </Link>{' '}
        <span className={`badge badge--state badge--${round.state}`}>{t(`state.${round.state}`)}</span>
      </h3>
      <p className="round-card__norm" lang={round.normTitleLanguage}>
        {round.normTitle}
      </p>
      <dl className="facts facts--compact">
        <div>
          <dt>{upcoming ? t('dates.opens') : t('dates.opened')}</dt>
          <dd>
            <DateTime value={round.opens} />
            {upcoming ? <span className="relative"> {t('dates.relative', { relative: round.relative })}</span> : null}
          </dd>
        </div>
        <div>
          <dt>{round.state === 'open' || upcoming ? t('dates.closes') : t('dates.closed')}</dt>
          <dd>
            <DateTime value={round.closes} />
            {upcoming ? null : <span className="relative"> {t('dates.relative', { relative: round.relative })}</span>}
          </dd>
        </div>
        <div>
          <dt>{t('counts.label')}</dt>
          <dd>{t('counts.comments', { count: round.submittedCount })}</dd>
        </div>
      </dl>
    </li>
  )
}

function Group({ id, title, empty, rounds }: { id: string; title: string; empty: string; rounds: ListedRound[] }) {
  return (
    <section aria-labelledby={id} className="round-group">
      <h2 id={id}>{title}</h2>
      {rounds.length ? (
        <ul className="round-list">
          {rounds.map((round) => (
            <RoundCard key={round.id} round={round} />
          ))}
        </ul>
      ) : (
        <p className="muted">{empty}</p>
      )}
    </section>
  )
}

export default function Consultations() {
  const { t } = useTranslation('rounds')
  const { open, upcoming, closed } = useLoaderData<typeof loader>()
  return (
    <div className="page rounds-page">
      <h1>{t('list.title')}</h1>
      <p className="lead">{t('list.intro')}</p>
      <Group id="open-title" title={t('list.open')} empty={t('list.noneOpen')} rounds={open} />
      <Group id="upcoming-title" title={t('list.upcoming')} empty={t('list.noneUpcoming')} rounds={upcoming} />
      <Group id="closed-title" title={t('list.closed')} empty={t('list.noneClosed')} rounds={closed} />
    </div>
  )
}
