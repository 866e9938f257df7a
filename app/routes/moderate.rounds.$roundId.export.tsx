import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { Form, useLoaderData } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { EXPORT_COLUMNS, exportFileName } from '~/modules/comments/transfer.server'
import { getFixedT } from '~/modules/i18n/i18n.server'
import { getRound } from '~/modules/rounds/rounds.server'
import cssHref from '~/styles/transfer.css'
import { requireRole } from '~/utils/auth.server'
import { db } from '~/utils/db.server'
import { invariantResponse } from '~/utils/http.server'

export const handle = { i18n: ['transfer'] }

export const links: LinksFunction = () => [{ rel: 'stylesheet', href: cssHref }]

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data?.title ?? 'Concord' }]

export async function loader({ request, params }: LoaderFunctionArgs) {
  await requireRole(request, 'moderator')
  const roundId = Number(params.roundId)
  invariantResponse(Number.isSafeInteger(roundId) && roundId > 0)
  const { t, language } = await getFixedT(request, 'transfer')
  const round = getRound(db, roundId, language)
  invariantResponse(round)
  return {
    title: `${t('export.title')} · ${round.title} · Concord`,
    roundId,
    count: round.submittedCount,
    columns: [...EXPORT_COLUMNS],
    files: { csv: exportFileName(roundId, 'csv'), jsonl: exportFileName(roundId, 'jsonl') },
  }
}

export default function ExportComments() {
  const { t } = useTranslation('transfer')
  const { roundId, count, columns, files } = useLoaderData<typeof loader>()
  return (
    <section className="page transfer" aria-labelledby="export-heading">
      <h1 id="export-heading">{t('export.title')}</h1>
      <p className="lead">{t('export.intro', { count })}</p>
      {/* A document request, so the browser saves the file the server streams. */}
      <Form method="get" action={`/moderate/rounds/${roundId}/export/download`} reloadDocument className="form card">
        <fieldset className="fieldset">
          <legend>{t('export.format')}</legend>
          <div className="choices transfer__formats">
            <label>
              <input type="radio" name="format" value="csv" defaultChecked aria-describedby="format-csv-hint" />
              <span>
                {t('export.csv')}{' '}
                <span id="format-csv-hint" className="field__hint">
                  {t('export.csvHint', { file: files.csv })}
                </span>
              </span>
            </label>
            <label>
              <input type="radio" name="format" value="jsonl" aria-describedby="format-jsonl-hint" />
              <span>
                {t('export.jsonl')}{' '}
                <span id="format-jsonl-hint" className="field__hint">
                  {t('export.jsonlHint', { file: files.jsonl })}
                </span>
              </span>
            </label>
          </div>
        </fieldset>
        <div className="actions">
          <button type="submit" className="button">
            {t('export.download')}
          </button>
        </div>
      </Form>
      <h2>{t('export.contents')}</h2>
      <ul className="transfer__notes">
        <li>{t('export.scope')}</li>
        <li>{t('export.concerns')}</li>
        <li>{t('export.formulas')}</li>
        <li>{t('export.reimport')}</li>
      </ul>
      <details className="format-help">
        <summary>{t('export.columnsTitle')}</summary>
        <dl className="transfer__columns">
          {columns.map((column) => (
            <div key={column}>
              <dt>
                <code>{column}</code>
              </dt>
              <dd>{t(`columns.${column}`)}</dd>
            </div>
          ))}
        </dl>
      </details>
    </section>
  )
}

export { GeneralErrorBoundary as ErrorBoundary } from '~/components/error-boundary'
