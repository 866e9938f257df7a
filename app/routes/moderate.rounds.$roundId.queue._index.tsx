import { data, type HeadersFunction, type LinksFunction, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { Form, Link, useLoaderData, useNavigation } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { STAKEHOLDER_CATEGORIES } from '#db/schema/accounts'
import { ConcernList } from '~/components/concern-tags'
import { DateTime, formatInstant } from '~/components/date-time'
import { ErrorSummary } from '~/components/error-summary'
import { ErrorList } from '~/components/forms'
import { languageName } from '~/modules/comments/languages'
import { listM49Regions } from '~/modules/comments/public.server'
import { getFixedT } from '~/modules/i18n/i18n.server'
import { scoreFormatter, shownConcern, toQueueFilters } from '~/modules/moderation/labels.server'
import { listQueue, listQueueLanguages, listRoundClauses } from '~/modules/moderation/moderation.server'
import {
  cursorParam,
  QUEUE_STATES,
  queueSearch,
  readQueueFilters,
  REVIEW_POSITION,
  type QueueFilterName,
} from '~/modules/moderation/queue.schema'
import { readId } from '~/modules/norms/forms.server'
import { countryName } from '~/modules/regions/regions'
import { concernLabel, getRound, listConcerns } from '~/modules/rounds/rounds.server'
import cssHref from '~/styles/moderation-queue.css'
import { requireRole } from '~/utils/auth.server'
import { db } from '~/utils/db.server'
import { invariantResponse, pageLifetime } from '~/utils/http.server'

export const handle = { i18n: ['moderation', 'regions'] }

export const links: LinksFunction = () => [{ rel: 'stylesheet', href: cssHref }]

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data?.title ?? 'Concord' }]

type FilterError = { name: QueueFilterName | 'after'; message: string }

/** The page depends only on the database and the request: the page cache keeps it until either changes. */
export const headers: HeadersFunction = () => pageLifetime()

export async function loader({ request, params }: LoaderFunctionArgs) {
  await requireRole(request, 'moderator')
  const roundId = readId(params.roundId)
  invariantResponse(roundId)
  const { t, language } = await getFixedT(request, 'moderation')
  const round = getRound(db, roundId, language)
  invariantResponse(round)

  const { raw, parsed } = readQueueFilters(new URL(request.url).searchParams)
  const clauses = listRoundClauses(db, roundId)
  const roundConcerns = listConcerns(db, roundId)
  const regions = listM49Regions(db)
  const languages = listQueueLanguages(db, roundId)
  const errors: FilterError[] = []
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const name = String(issue.path[0]) as FilterError['name']
      if (!errors.some((error) => error.name === name)) {
        errors.push({ name, message: issue.message.startsWith('errors.') ? issue.message : 'errors.filterInvalid' })
      }
    }
  } else {
    const { clause, region, concern } = parsed.data
    if (clause && clause !== 'whole' && !clauses.some((row) => row.id === Number(clause))) {
      errors.push({ name: 'clause', message: 'errors.filterClause' })
    }
    if (region && !regions.includes(region)) errors.push({ name: 'region', message: 'errors.filterRegion' })
    if (concern && !roundConcerns.some((row) => row.key === concern)) errors.push({ name: 'concern', message: 'errors.filterConcern' })
  }
  if (raw.language && !errors.some((error) => error.name === 'language') && !languages.includes(raw.language)) {
    languages.push(raw.language)
  }

  const base = {
    title: `${t('queue.title')} · ${round.title} · Concord`,
    language,
    roundId,
    values: raw,
    errors,
    filtered: Object.keys(raw).some((name) => name !== 'after'),
    options: {
      clauses: [
        { value: 'whole', label: t('queue.whole') },
        ...clauses.map((clause) => ({ value: String(clause.id), label: t('queue.clause', { label: clause.label }) })),
      ],
      categories: STAKEHOLDER_CATEGORIES.map((key) => ({ value: key, label: t(`common:categories.${key}`) })),
      regions: regions.map((code) => ({ value: code, label: t(`regions:areas.${code}`) })),
      languages: languages.map((code) => ({ value: code, label: languageName(code, language) })),
      concerns: roundConcerns.map((concern) => {
        const lang = concern.labels[language] ? undefined : concern.labels.en ? 'en' : undefined
        return { value: concern.key, label: concernLabel(concern.labels, language, concern.key), lang }
      }),
      states: QUEUE_STATES.map((state) => ({ value: state, label: t(`states.${state}`) })),
    },
  }
  if (!parsed.success || errors.length) {
    return data({ ...base, total: 0, moreThanTotal: false, items: [], nextHref: null, firstHref: null }, { status: 400 })
  }

  const { after, ...chosen } = parsed.data
  const page = listQueue(db, roundId, toQueueFilters(chosen), after)
  const score = scoreFormatter(language)
  const search = queueSearch(raw)
  const queuePath = `/moderate/rounds/${roundId}/queue`
  return {
    ...base,
    total: page.total,
    moreThanTotal: page.moreThanTotal,
    items: page.items.map((item) => ({
      id: item.id,
      // The row's place as the moderator sees it, so that next and previous go on from it after a review.
      href: `${queuePath}/${item.id}${queueSearch(raw, { [REVIEW_POSITION]: cursorParam(item.cursor) })}`,
      submitted: formatInstant(item.submittedAt, language, round.timeZone, 'short'),
      clauseLabel: item.clauseLabel,
      position: item.position,
      category: item.category,
      country: item.countryCode ? countryName(item.countryCode, language) : null,
      region: item.regionCode,
      language: item.language,
      languageName: item.language ? languageName(item.language, language) : null,
      excerpt: item.excerpt,
      state: item.state,
      hiddenReason: item.hiddenReason,
      group: item.group,
      suggested: item.concerns.suggested.map((tag) => shownConcern(tag, language, score)),
      confirmed: item.concerns.moderator.map((tag) => shownConcern(tag, language, score)),
    })),
    nextHref: page.nextCursor ? `${queuePath}${queueSearch(raw, { after: cursorParam(page.nextCursor) })}` : null,
    firstHref: after ? `${queuePath}${search}` : null,
  }
}

type Option = { value: string; label: string; lang?: string }

function FilterSelect({
  name,
  label,
  options,
  value,
  error,
}: {
  name: QueueFilterName
  label: string
  options: Option[]
  value?: string
  error?: string
}) {
  const { t } = useTranslation('moderation')
  const id = `filter-${name}`
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <select
        id={id}
        name={name}
        defaultValue={value && options.some((option) => option.value === value) ? value : ''}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? `${id}-error` : undefined}
      >
        <option value="">{t('queue.any')}</option>
        {options.map((option) => (
          <option key={option.value} value={option.value} lang={option.lang}>
            {option.label}
          </option>
        ))}
      </select>
      <ErrorList id={`${id}-error`} errors={error ? [error] : null} ns="moderation" />
    </div>
  )
}

const STATE_BADGE: Record<string, string> = {
  unreviewed: 'badge badge--warn',
  suggested: 'badge badge--warn',
  confirmed: 'badge badge--ok',
  hidden: 'badge badge--danger',
}

export default function Queue() {
  const { t } = useTranslation(['moderation', 'regions'])
  const { values, errors, options, items, total, moreThanTotal, nextHref, firstHref, filtered, roundId } = useLoaderData<typeof loader>()
  const busy = useNavigation().state === 'loading'
  const errorOf = (name: QueueFilterName) => errors.find((error) => error.name === name)?.message
  const pageError = errors.find((error) => error.name === 'after')?.message
  return (
    <section className="queue-page" aria-labelledby="queue-title">
      <h1 id="queue-title">{t('queue.title')}</h1>
      <p className="lead">{t('queue.intro')}</p>

      <section aria-labelledby="queue-filters-title" className="card queue-filters">
        <h2 id="queue-filters-title">{t('queue.filters')}</h2>
        <Form method="get" className="queue-filter-form" preventScrollReset>
          <ErrorSummary
            id="queue-filter-errors"
            title={t('queue.filterErrors')}
            errors={errors.map((error) => ({ message: error.message, href: error.name === 'after' ? undefined : `#filter-${error.name}` }))}
            ns="moderation"
            focusKey={values}
          />
          <div className="queue-filter-grid">
            <FilterSelect name="state" label={t('queue.state')} options={options.states} value={values.state} error={errorOf('state')} />
            <FilterSelect name="clause" label={t('queue.clauseFilter')} options={options.clauses} value={values.clause} error={errorOf('clause')} />
            <FilterSelect
              name="category"
              label={t('queue.category')}
              options={options.categories}
              value={values.category}
              error={errorOf('category')}
            />
            <FilterSelect name="region" label={t('queue.region')} options={options.regions} value={values.region} error={errorOf('region')} />
            <FilterSelect
              name="language"
              label={t('queue.language')}
              options={options.languages}
              value={values.language}
              error={errorOf('language')}
            />
            <FilterSelect
              name="concern"
              label={t('queue.concern')}
              options={options.concerns}
              value={values.concern}
              error={errorOf('concern')}
            />
          </div>
          {pageError ? <ErrorList errors={[pageError]} ns="moderation" /> : null}
          <div className="actions">
            <button type="submit" className="button" disabled={busy}>
              {t('queue.apply')}
            </button>
            {filtered || errors.length ? <Link to={`/moderate/rounds/${roundId}/queue`}>{t('queue.clear')}</Link> : null}
          </div>
        </Form>
      </section>

      <section aria-labelledby="queue-results-title" className="queue-results">
        <h2 id="queue-results-title">{t('queue.results')}</h2>
        <p aria-live="polite" aria-atomic="true" className="queue-count">
          {errors.length
            ? t('queue.fixFilters')
            : moreThanTotal
              ? t('queue.matchingMore', { count: total })
              : filtered
                ? t('queue.matching', { count: total })
                : t('queue.submitted', { count: total })}
        </p>
        {items.length ? (
          <div className="table-scroll" role="region" aria-labelledby="queue-caption" tabIndex={0}>
            <table className="table queue-table">
              <caption id="queue-caption">{t('queue.caption')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('queue.columns.comment')}</th>
                  <th scope="col">{t('queue.columns.state')}</th>
                  <th scope="col">{t('queue.columns.clause')}</th>
                  <th scope="col">{t('queue.columns.position')}</th>
                  <th scope="col">{t('queue.columns.author')}</th>
                  <th scope="col">{t('queue.columns.language')}</th>
                  <th scope="col">{t('queue.columns.excerpt')}</th>
                  <th scope="col">{t('queue.columns.suggested')}</th>
                  <th scope="col">{t('queue.columns.confirmed')}</th>
                  <th scope="col">{t('queue.columns.group')}</th>
                  <th scope="col">{t('queue.columns.submitted')}</th>
                </tr>
              </thead>
              <tbody>
                {items.map((item) => (
                  <tr key={item.id} className={`queue-row queue-row--${item.state}`}>
                    <th scope="row">
                      <Link to={item.href}>{t('queue.commentNumber', { id: item.id })}</Link>
                    </th>
                    <td>
                      <span className={STATE_BADGE[item.state]}>{t(`states.${item.state}`)}</span>
                      {item.hiddenReason ? <span className="queue-row__reason">{t(`reasons.hide.${item.hiddenReason}`)}</span> : null}
                    </td>
                    <td>{item.clauseLabel ? t('queue.clause', { label: item.clauseLabel }) : t('queue.whole')}</td>
                    <td>{item.position ? t(`positions.${item.position}`) : '—'}</td>
                    <td>
                      {t(`common:categories.${item.category}`)}
                      {item.country ? (
                        <>
                          <br />
                          <span className="muted">{item.country}</span>
                        </>
                      ) : null}
                    </td>
                    <td>{item.languageName ?? '—'}</td>
                    <td className="queue-row__excerpt">
                      <span lang={item.language ?? ''} dir="auto">
                        {item.excerpt}
                      </span>
                    </td>
                    <td>
                      <ConcernList concerns={item.suggested} empty={t('queue.noSuggestion')} suggested />
                    </td>
                    <td>
                      <ConcernList concerns={item.confirmed} empty={item.state === 'confirmed' ? t('queue.noConcern') : t('queue.undecided')} />
                    </td>
                    <td>
                      {item.group ? (
                        <span className={item.group.campaign ? 'badge badge--warn' : 'badge'}>
                          {item.group.campaign
                            ? t('queue.campaign', { id: item.group.id, count: item.group.size })
                            : t('queue.group', { id: item.group.id, count: item.group.size })}
                        </span>
                      ) : (
                        '—'
                      )}
                    </td>
                    <td>
                      <DateTime value={item.submitted} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ) : errors.length ? null : (
          <p className="muted">{filtered ? t('queue.noneFiltered') : t('queue.none')}</p>
        )}
        {nextHref || firstHref ? (
          <nav aria-label={t('queue.pages')} className="queue-pager">
            {firstHref ? <Link to={firstHref}>{t('queue.first')}</Link> : null}
            {nextHref ? <Link to={nextHref}>{t('queue.next')}</Link> : null}
          </nav>
        ) : null}
      </section>
    </section>
  )
}
