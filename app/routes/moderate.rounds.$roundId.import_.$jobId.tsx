import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { Link, useFetcher, useLoaderData, useLocation } from '@remix-run/react'
import { useEffect } from 'react'
import { useTranslation } from 'react-i18next'
import { getImportJob } from '~/modules/comments/transfer.server'
import { getFixedT } from '~/modules/i18n/i18n.server'
import cssHref from '~/styles/transfer.css'
import { requireRole } from '~/utils/auth.server'
import { invariantResponse } from '~/utils/http.server'

/**
 * The progress of a background import (URL /moderate/rounds/:roundId/import/:jobId; the trailing
 * underscore keeps this page out of the import page's layout, inside the round's frame). Without
 * JavaScript the page reloads itself every 2 seconds while the import runs; with it, a fetcher asks
 * for the job's state every second.
 */
export const handle = { i18n: ['transfer'] }

export const links: LinksFunction = () => [{ rel: 'stylesheet', href: cssHref }]

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data?.title ?? 'Concord' }]

const JOB_TITLES = { running: 'job.title', done: 'job.titleDone', failed: 'job.titleFailed' } as const

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireRole(request, 'moderator')
  const roundId = Number(params.roundId)
  invariantResponse(Number.isSafeInteger(roundId) && roundId > 0)
  const job = getImportJob(String(params.jobId ?? ''), roundId, user.id)
  invariantResponse(job)
  const { t } = await getFixedT(request, 'transfer')
  return {
    title: `${t(JOB_TITLES[job.state])} · Concord`,
    roundId,
    job: {
      id: job.id,
      fileName: job.fileName,
      state: job.state,
      progress: job.progress,
      result: job.result,
    },
  }
}

export default function ImportProgressPage() {
  const { t, i18n } = useTranslation('transfer')
  const initial = useLoaderData<typeof loader>()
  const fetcher = useFetcher<typeof loader>()
  const location = useLocation()
  const { job, roundId } = fetcher.data ?? initial
  const numbers = new Intl.NumberFormat(i18n.language)

  useEffect(() => {
    if (job.state !== 'running') return
    const timer = setTimeout(() => fetcher.load(location.pathname), 1000)
    return () => clearTimeout(timer)
  }, [job, fetcher, location.pathname])

  const { phase, done, total } = job.progress
  // Two steps on one bar: analysing the rows, then saving them.
  const value = phase === 'analysing' ? done : total + done
  const percent = total ? Math.floor((value / (2 * total)) * 100) : 100
  const result = job.result

  return (
    <section className="page transfer" aria-labelledby="job-heading">
      {job.state === 'running' ? (
        <noscript>
          <meta httpEquiv="refresh" content="2" />
        </noscript>
      ) : null}
      <h1 id="job-heading">{t(JOB_TITLES[job.state])}</h1>
      <p>{t('job.file', { file: job.fileName })}</p>

      {job.state === 'running' ? (
        <div className="transfer__progress">
          <label htmlFor="job-progress">{t('job.progressLabel')}</label>
          <progress id="job-progress" max={2 * total} value={value} aria-describedby="job-step">
            {t('job.percent', { percent })}
          </progress>
          <p id="job-step" className="transfer__step">
            {t(`job.phase.${phase}`, { done: numbers.format(done), total: numbers.format(total) })}
          </p>
          {/* Announced in steps of ten per cent, so a screen reader is not talked over every second. */}
          <p className="visually-hidden" role="status" aria-live="polite">
            {t('job.percent', { percent: Math.floor(percent / 10) * 10 })}
          </p>
          <p className="field__hint">{t('job.wait')}</p>
          <noscript>
            <p>
              <Link to={location.pathname}>{t('job.refresh')}</Link>
            </p>
          </noscript>
        </div>
      ) : null}

      {job.state === 'done' && result?.ok ? (
        <div role="status" className="transfer__done">
          <h2>{t('job.done', { count: result.imported })}</h2>
          <dl className="facts">
            <div>
              <dt>{t('job.grouped')}</dt>
              <dd>{numbers.format(result.grouped)}</dd>
            </div>
            <div>
              <dt>{t('job.confirmed')}</dt>
              <dd>{numbers.format(result.confirmed)}</dd>
            </div>
            <div>
              <dt>{t('job.suggested')}</dt>
              <dd>{numbers.format(result.suggested)}</dd>
            </div>
            <div>
              <dt>{t('job.detected')}</dt>
              <dd>{numbers.format(result.detected)}</dd>
            </div>
          </dl>
        </div>
      ) : null}

      {job.state === 'failed' && result && !result.ok ? (
        <div role="alert" className="transfer__problems">
          <h2>{t('job.failed')}</h2>
          <ul>
            {result.errors.map((error, index) => (
              <li key={index} dir="auto">
                {error.line !== null ? `${t('check.lineN', { line: numbers.format(error.line) })} ` : ''}
                {error.field ? <code>{error.field}</code> : null}
                {error.field ? ' ' : ''}
                {t(error.reason, error.values)}
              </li>
            ))}
          </ul>
          {result.errorCount > result.errors.length ? <p>{t('check.more', { count: result.errorCount - result.errors.length })}</p> : null}
        </div>
      ) : null}

      {job.state !== 'running' ? (
        <p className="actions">
          <Link to={`/moderate/rounds/${roundId}/import`}>{t('job.again')}</Link>
          <Link to={`/moderate/rounds/${roundId}/export`}>{t('job.export')}</Link>
        </p>
      ) : null}
    </section>
  )
}

export { GeneralErrorBoundary as ErrorBoundary } from '~/components/error-boundary'
