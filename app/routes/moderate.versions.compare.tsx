import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { Form, Link, useLoaderData } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { getFixedT } from '~/modules/i18n/i18n.server'
import { Foreign } from '~/modules/norms/form-parts'
import { readId } from '~/modules/norms/forms.server'
import {
  compareVersions,
  getVersionHeaders,
  listNormVersions,
  type ClauseComparison,
} from '~/modules/norms/norms.server'
import cssHref from '~/styles/moderation.css'
import { requireRole } from '~/utils/auth.server'
import { db } from '~/utils/db.server'
import { invariantResponse } from '~/utils/http.server'

export const handle = { i18n: ['norms'] }

export const links: LinksFunction = () => [{ rel: 'stylesheet', href: cssHref }]

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data?.title ?? 'Concord' }]

export async function loader({ request }: LoaderFunctionArgs) {
  await requireRole(request, 'moderator')
  const { t, language } = await getFixedT(request, 'norms')
  const url = new URL(request.url)
  const fromParam = url.searchParams.get('from')
  const toParam = url.searchParams.get('to')
  const versions = listNormVersions(db).map((version) => ({
    id: version.versionId,
    label: t('compare.option', { title: version.title, number: version.number }),
  }))
  const base = {
    title: `${t('compare.title')} · Concord`,
    language,
    versions,
    from: fromParam ?? '',
    to: toParam ?? '',
  }
  if (!fromParam && !toParam) return { ...base, comparison: null }
  const fromId = readId(fromParam)
  const toId = readId(toParam)
  if (!fromId || !toId) throw new Response('Bad request', { status: 400 })
  const headers = getVersionHeaders(db, [fromId, toId])
  const from = headers.find((version) => version.id === fromId)
  const to = headers.find((version) => version.id === toId)
  invariantResponse(from)
  invariantResponse(to)
  const clauses = compareVersions(db, fromId, toId)
  const count = (status: ClauseComparison['status']) => clauses.filter((clause) => clause.status === status).length
  return {
    ...base,
    comparison: {
      from: { id: from.id, number: from.number, title: from.title, sourceLanguage: from.sourceLanguage },
      to: { id: to.id, number: to.number, title: to.title, sourceLanguage: to.sourceLanguage },
      counts: {
        changed: count('changed'),
        added: count('added'),
        removed: count('removed'),
        unchanged: count('unchanged'),
      },
      clauses,
    },
  }
}

export default function CompareVersions() {
  const { t } = useTranslation('norms')
  const { versions, from, to, comparison, language } = useLoaderData<typeof loader>()
  return (
    <section className="page moderation" aria-labelledby="compare-title">
      <p className="breadcrumbs">
        <Link to="/moderate">{t('dashboard.title')}</Link>
      </p>
      <h1 id="compare-title">{t('compare.title')}</h1>
      <Form method="get" className="form compare-form">
        <div className="field">
          <label htmlFor="compare-from">{t('compare.from')}</label>
          <select id="compare-from" name="from" defaultValue={from} required>
            <option value="">{t('form.choose')}</option>
            {versions.map((version) => (
              <option key={version.id} value={version.id}>
                {version.label}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="compare-to">{t('compare.to')}</label>
          <select id="compare-to" name="to" defaultValue={to} required>
            <option value="">{t('form.choose')}</option>
            {versions.map((version) => (
              <option key={version.id} value={version.id}>
                {version.label}
              </option>
            ))}
          </select>
        </div>
        <div className="actions">
          <button type="submit" className="button">
            {t('compare.submit')}
          </button>
        </div>
      </Form>

      {comparison ? (
        <section aria-labelledby="changes-title">
          <h2 id="changes-title">{t('compare.heading', { from: comparison.from.number, to: comparison.to.number })}</h2>
          <p>
            <Link to={`/moderate/versions/${comparison.from.id}`}>
              {t('version.number', { number: comparison.from.number })}
            </Link>
            {' · '}
            <Foreign lang={comparison.from.sourceLanguage} pageLanguage={language}>
              {comparison.from.title}
            </Foreign>
            <br />
            <Link to={`/moderate/versions/${comparison.to.id}`}>
              {t('version.number', { number: comparison.to.number })}
            </Link>
            {' · '}
            <Foreign lang={comparison.to.sourceLanguage} pageLanguage={language}>
              {comparison.to.title}
            </Foreign>
          </p>
          <ul className="inline-list compare-counts">
            <li>{t('compare.counts.changed', { count: comparison.counts.changed })}</li>
            <li>{t('compare.counts.added', { count: comparison.counts.added })}</li>
            <li>{t('compare.counts.removed', { count: comparison.counts.removed })}</li>
            <li>{t('compare.counts.unchanged', { count: comparison.counts.unchanged })}</li>
          </ul>
          <p className="field__hint">{t('compare.legend')}</p>
          <div className="table-scroll" role="region" aria-labelledby="compare-caption" tabIndex={0}>
            <table className="table compare-table">
              <caption id="compare-caption">
                {t('compare.caption', { from: comparison.from.number, to: comparison.to.number })}
              </caption>
              <thead>
                <tr>
                  <th scope="col">{t('compare.clause')}</th>
                  <th scope="col">{t('compare.change')}</th>
                  <th scope="col">{t('compare.text')}</th>
                </tr>
              </thead>
              <tbody>
                {comparison.clauses.map((clause) => (
                  <tr key={`${clause.status}-${clause.label}`} className={`compare-row compare-row--${clause.status}`}>
                    <th scope="row">{clause.label}</th>
                    <td>
                      <span className={`badge change-badge change-badge--${clause.status}`}>
                        {t(`compare.status.${clause.status}`)}
                      </span>
                    </td>
                    <td>
                      <Foreign
                        lang={
                          clause.status === 'removed' ? comparison.from.sourceLanguage : comparison.to.sourceLanguage
                        }
                        pageLanguage={language}
                        className="diff"
                      >
                        <ClauseDiff clause={clause} />
                      </Foreign>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </section>
      ) : null}
    </section>
  )
}

/** Inserted words underlined, removed words struck through, each announced with a text label. */
function ClauseDiff({ clause }: { clause: ClauseComparison }) {
  const { t } = useTranslation('norms')
  const inserted = (text: string, key?: number) => (
    <ins key={key}>
      <span className="visually-hidden">{t('compare.insStart')}</span>
      {text}
      <span className="visually-hidden">{t('compare.insEnd')}</span>
    </ins>
  )
  const deleted = (text: string, key?: number) => (
    <del key={key}>
      <span className="visually-hidden">{t('compare.delStart')}</span>
      {text}
      <span className="visually-hidden">{t('compare.delEnd')}</span>
    </del>
  )
  switch (clause.status) {
    case 'added':
      return inserted(clause.text)
    case 'removed':
      return deleted(clause.text)
    case 'unchanged':
      return <span className="muted">{clause.text}</span>
    case 'changed':
      return (
        <>
          {clause.changes.map((change, index) =>
            change.added ? inserted(change.value, index) : change.removed ? deleted(change.value, index) : change.value,
          )}
        </>
      )
  }
}
