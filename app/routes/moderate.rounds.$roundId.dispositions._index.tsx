import { data, type LinksFunction, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { Form, Link, useLoaderData } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { GeneralErrorBoundary } from '~/components/error-boundary'
import { ErrorList } from '~/components/forms'
import { languageName } from '~/modules/comments/languages'
import { getFixedT } from '~/modules/i18n/i18n.server'
import { OUTCOMES } from '#db/schema/moderation'
import {
  countDispositions,
  formatDispositionCursor,
  isOutcome,
  listDispositions,
  parseDispositionCursor,
  type OutcomeFilter,
} from '~/modules/moderation/dispositions.server'
import { readId } from '~/modules/norms/forms.server'
import { countryName } from '~/modules/regions/regions'
import { getRound } from '~/modules/rounds/rounds.server'
import cssHref from '~/styles/dispositions.css'
import { requireRole } from '~/utils/auth.server'
import { db } from '~/utils/db.server'
import { invariantResponse } from '~/utils/http.server'

export const handle = { i18n: ['dispositions'] }

export const links: LinksFunction = () => [{ rel: 'stylesheet', href: cssHref }]

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data?.title ?? 'Concord' }]

const FILTERS = [...OUTCOMES, 'none'] as const

function listUrl(roundId: number, outcome: OutcomeFilter | null, after?: string) {
  const search = new URLSearchParams()
  if (outcome) search.set('outcome', outcome)
  if (after) search.set('after', after)
  const text = search.toString()
  return `/moderate/rounds/${roundId}/dispositions${text ? `?${text}` : ''}`
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  await requireRole(request, 'moderator')
  const roundId = readId(params.roundId)
  invariantResponse(roundId, 'Not found')
  const { t, language } = await getFixedT(request, 'dispositions')
  invariantResponse(getRound(db, roundId, language), 'Not found')
  const search = new URL(request.url).searchParams
  const errors: { name: 'outcome' | 'after'; message: string }[] = []
  const requestedOutcome = search.get('outcome') ?? ''
  let outcome: OutcomeFilter | null = null
  if (requestedOutcome === 'none' || isOutcome(requestedOutcome)) outcome = requestedOutcome
  else if (requestedOutcome !== '') errors.push({ name: 'outcome', message: 'errors.outcomeFilter' })
  const requestedAfter = search.get('after')
  const cursor = parseDispositionCursor(requestedAfter)
  if (requestedAfter !== null && !cursor) errors.push({ name: 'after', message: 'errors.cursorInvalid' })
  // A bad outcome shows nothing until it is corrected; a bad page link shows the first page.
  const page = errors.some((error) => error.name === 'outcome')
    ? { items: [], next: null }
    : listDispositions(db, roundId, { outcome: outcome ?? undefined, cursor })
  const body = {
    title: `${t('list.title')} · Concord`,
    roundId,
    outcome: errors.some((error) => error.name === 'outcome') ? requestedOutcome : outcome ?? '',
    errors,
    counts: countDispositions(db, roundId),
    items: page.items.map((item) => ({
      kind: item.kind,
      id: item.id,
      key: item.key,
      size: item.size,
      duplicateKind: item.duplicateKind,
      isCampaign: item.isCampaign,
      groupId: item.groupId,
      clauseLabel: item.clauseLabel,
      category: item.category,
      country: item.countryCode ? countryName(item.countryCode, language) : null,
      language: item.language,
      languageName: item.language ? languageName(item.language, language) : null,
      excerpt: item.excerpt,
      truncated: item.truncated,
      outcome: item.outcome,
      nextClauseLabel: item.nextClauseLabel,
      nextVersionNumber: item.nextVersionNumber,
    })),
    nextHref: page.next ? listUrl(roundId, outcome, formatDispositionCursor(page.next)) : null,
    firstHref: cursor ? listUrl(roundId, outcome) : null,
  }
  return errors.length ? data(body, { status: 400 }) : body
}

type Item = Awaited<ReturnType<typeof loader>> extends infer T ? (T extends { items: (infer I)[] } ? I : never) : never

function ItemRow({ roundId, item }: { roundId: number; item: Item }) {
  const { t } = useTranslation(['dispositions', 'common'])
  const name =
    item.kind === 'group' ? t('list.group', { id: item.id, count: item.size }) : t('list.comment', { id: item.id })
  return (
    <tr id={`item-${item.key}`}>
      <th scope="row">
        {name}
        {item.isCampaign ? (
          <>
            {' '}
            <span className="badge badge--warn">{t('duplicates.group.campaign')}</span>
          </>
        ) : null}
        {item.kind === 'comment' && item.groupId ? (
          <span className="item-note">{t('list.inGroup', { id: item.groupId })}</span>
        ) : null}
      </th>
      <td>{item.clauseLabel ? t('duplicates.clause', { label: item.clauseLabel }) : t('duplicates.whole')}</td>
      <td>
        {item.category ? t(`common:categories.${item.category}`) : item.kind === 'group' ? null : '—'}
        {item.country ? <span className="item-note">{item.country}</span> : null}
        {item.languageName ? <span className="item-note">{item.languageName}</span> : null}
      </td>
      <td>
        <span lang={item.language ?? ''} dir="auto" className="excerpt">
          {item.excerpt}
          {item.truncated ? '…' : ''}
        </span>
      </td>
      <td>
        {item.outcome ? (
          <span className={`badge outcome outcome--${item.outcome}`}>{t(`outcomes.${item.outcome}`)}</span>
        ) : (
          <span className="muted">{t('list.pending')}</span>
        )}
        {item.nextClauseLabel && item.nextVersionNumber !== null ? (
          <span className="item-note">
            {t('list.ledTo', { label: item.nextClauseLabel, version: item.nextVersionNumber })}
          </span>
        ) : null}
      </td>
      <td>
        <Link to={`/moderate/rounds/${roundId}/dispositions/${item.key}`}>
          {item.outcome ? t('list.change') : t('list.record')}
          <span className="visually-hidden"> · {name}</span>
        </Link>
      </td>
    </tr>
  )
}

export default function Dispositions() {
  const { t } = useTranslation('dispositions')
  const { roundId, outcome, errors, counts, items, nextHref, firstHref } = useLoaderData<typeof loader>()
  const outcomeError = errors.find((error) => error.name === 'outcome')
  const cursorError = errors.find((error) => error.name === 'after')
  return (
    <section className="dispositions-page" aria-labelledby="dispositions-title">
      <h1 id="dispositions-title">{t('list.title')}</h1>
      <p className="lead">{t('list.intro')}</p>
      {cursorError ? (
        <p className="form-errors" role="alert">
          {t(cursorError.message)}
        </p>
      ) : null}

      <div className="table-scroll" role="region" aria-labelledby="counts-caption" tabIndex={0}>
        <table className="table counts-table">
          <caption id="counts-caption">{t('counts.caption')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('counts.outcome')}</th>
              <th scope="col" className="number">
                {t('counts.items')}
              </th>
              <th scope="col" className="number">
                {t('counts.comments')}
              </th>
            </tr>
          </thead>
          <tbody>
            {counts.byOutcome.map((entry) => (
              <tr key={entry.outcome}>
                <th scope="row">
                  <Link to={listUrl(roundId, entry.outcome)}>
                    {entry.outcome === 'none' ? t('list.pending') : t(`outcomes.${entry.outcome}`)}
                  </Link>
                </th>
                <td className="number">{entry.items}</td>
                <td className="number">{entry.comments}</td>
              </tr>
            ))}
          </tbody>
          <tfoot>
            <tr>
              <th scope="row">{t('counts.total')}</th>
              <td className="number">{counts.items}</td>
              <td className="number">{counts.comments}</td>
            </tr>
          </tfoot>
        </table>
      </div>

      <Form method="get" className="filter-form" aria-labelledby="filter-title">
        <h2 id="filter-title" className="visually-hidden">
          {t('filter.title')}
        </h2>
        <div className="field">
          <label htmlFor="filter-outcome">{t('filter.label')}</label>
          <select
            id="filter-outcome"
            name="outcome"
            defaultValue={FILTERS.some((value) => value === outcome) ? outcome : ''}
            aria-invalid={outcomeError ? true : undefined}
            aria-describedby={outcomeError ? 'filter-outcome-error' : undefined}
          >
            <option value="">{t('filter.all')}</option>
            {OUTCOMES.map((value) => (
              <option key={value} value={value}>
                {t(`outcomes.${value}`)}
              </option>
            ))}
            <option value="none">{t('list.pending')}</option>
          </select>
          <ErrorList
            id="filter-outcome-error"
            errors={outcomeError ? [outcomeError.message] : null}
            ns="dispositions"
          />
        </div>
        <button type="submit" className="button button--quiet">
          {t('filter.submit')}
        </button>
      </Form>

      <h2 id="items-title">{t('list.items')}</h2>
      {items.length ? (
        <div className="table-scroll" role="region" aria-labelledby="items-caption" tabIndex={0}>
          <table className="table items-table">
            <caption id="items-caption">
              {outcome && !outcomeError
                ? t('list.captionFiltered', {
                    outcome: outcome === 'none' ? t('list.pending') : t(`outcomes.${outcome}`),
                  })
                : t('list.caption')}
            </caption>
            <thead>
              <tr>
                <th scope="col">{t('list.columns.item')}</th>
                <th scope="col">{t('list.columns.clause')}</th>
                <th scope="col">{t('list.columns.author')}</th>
                <th scope="col">{t('list.columns.excerpt')}</th>
                <th scope="col">{t('list.columns.disposition')}</th>
                <th scope="col">{t('list.columns.action')}</th>
              </tr>
            </thead>
            <tbody>
              {items.map((item) => (
                <ItemRow key={item.key} roundId={roundId} item={item} />
              ))}
            </tbody>
          </table>
        </div>
      ) : (
        <p>{outcomeError ? t('list.fixFilter') : t('list.none')}</p>
      )}
      {nextHref || firstHref ? (
        <nav aria-label={t('pagination.label')} className="pagination">
          <ul>
            {firstHref ? (
              <li>
                <Link to={firstHref}>{t('pagination.first')}</Link>
              </li>
            ) : null}
            {nextHref ? (
              <li>
                <Link to={nextHref}>{t('pagination.next')}</Link>
              </li>
            ) : null}
          </ul>
        </nav>
      ) : null}
    </section>
  )
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />
}
