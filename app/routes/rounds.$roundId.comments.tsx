import { data, type HeadersFunction, type LinksFunction, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { Form, Link, useLoaderData, useNavigation } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { STAKEHOLDER_CATEGORIES } from '#db/schema/accounts'
import { POSITIONS } from '#db/schema/comments'
import { CommentText } from '~/components/comment-text'
import { DateTime, formatInstant } from '~/components/date-time'
import { ErrorSummary } from '~/components/error-summary'
import { ErrorList } from '~/components/forms'
import { listPublicComments, type PublicFilters } from '~/modules/comments/comments.server'
import { PUBLIC_FILTER_NAMES, readPublicFilters } from '~/modules/comments/forms.schema'
import { languageName } from '~/modules/comments/languages'
import { listM49Regions, listPublicLanguages } from '~/modules/comments/public.server'
import { getFixedT } from '~/modules/i18n/i18n.server'
import { getReadableVersion } from '~/modules/norms/norms.server'
import { countryName } from '~/modules/regions/regions'
import { getRoundForReader } from '~/modules/rounds/rounds.server'
import { db } from '~/utils/db.server'
import { invariantResponse, pageLifetime } from '~/utils/http.server'
import cssHref from '~/styles/rounds.css'

export const handle = { i18n: ['rounds', 'comments', 'regions'] }

export const links: LinksFunction = () => [{ rel: 'stylesheet', href: cssHref }]

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data?.meta ?? 'Concord' }]

type FilterName = (typeof PUBLIC_FILTER_NAMES)[number] | 'before'
type FilterError = { name: FilterName; message: string }

/** The page depends only on the database and the request: the page cache keeps it until either changes. */
export const headers: HeadersFunction = () => pageLifetime()

export async function loader({ request, params }: LoaderFunctionArgs) {
  const param = params.roundId ?? ''
  const roundId = Number(param)
  invariantResponse(/^\d{1,12}$/.test(param) && roundId > 0, 'Not found')
  const { t, language } = await getFixedT(request, ['comments', 'rounds'])
  const round = getRoundForReader(db, roundId, language)
  invariantResponse(round, 'Not found')
  const version = getReadableVersion(db, round.versionId, language)
  invariantResponse(version, 'Not found')

  const url = new URL(request.url)
  const { raw, parsed } = readPublicFilters(url.searchParams)
  const regions = listM49Regions(db)
  const clauseLabels = new Map(version.clauses.map((clause) => [clause.id, clause.label]))
  const errors: FilterError[] = []
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const name = String(issue.path[0]) as FilterName
      if (!errors.some((error) => error.name === name)) {
        errors.push({ name, message: issue.message.startsWith('errors.') ? issue.message : 'errors.filterInvalid' })
      }
    }
  } else {
    const { clause, region } = parsed.data
    if (clause && clause !== 'whole' && !clauseLabels.has(Number(clause))) errors.push({ name: 'clause', message: 'errors.filterClause' })
    if (region && !regions.includes(region)) errors.push({ name: 'region', message: 'errors.filterRegion' })
  }

  const languages = listPublicLanguages(db, roundId)
  if (raw.language && !errors.some((error) => error.name === 'language') && !languages.includes(raw.language)) {
    languages.push(raw.language)
  }
  const base = {
    meta: `${t('public.title')} · ${round.title} · Concord`,
    round: { id: round.id, title: round.title, titleLanguage: round.titleLanguage, submittedCount: round.submittedCount },
    values: raw,
    errors,
    options: {
      clauses: version.clauses.map((clause) => ({ value: String(clause.id), label: t('rounds:draft.clause', { label: clause.label }) })),
      regions: regions.map((code) => ({ value: code, label: t(`regions:areas.${code}`) })),
      languages: languages.map((code) => ({ value: code, label: languageName(code, language) })),
    },
  }
  if (errors.length || !parsed.success) {
    return data({ ...base, comments: [], filtered: true, nextHref: null, newestHref: null }, { status: 400 })
  }

  const { before, ...chosen } = parsed.data
  const filters: PublicFilters = {
    clause: chosen.clause === 'whole' ? 'whole' : chosen.clause ? Number(chosen.clause) : undefined,
    category: chosen.category,
    region: chosen.region,
    position: chosen.position,
    language: chosen.language,
  }
  const page = listPublicComments(db, roundId, filters, before)
  const query = (extra: Record<string, string>) => {
    const search = new URLSearchParams()
    for (const name of PUBLIC_FILTER_NAMES) if (raw[name]) search.set(name, raw[name]!)
    for (const [name, value] of Object.entries(extra)) search.set(name, value)
    const text = search.toString()
    return `/rounds/${roundId}/comments${text ? `?${text}` : ''}`
  }
  return {
    ...base,
    filtered: PUBLIC_FILTER_NAMES.some((name) => raw[name]),
    comments: page.comments.map((comment) => ({
      id: comment.id,
      clauseLabel: comment.clauseLabel,
      position: comment.position,
      text: comment.text,
      proposedText: comment.proposedText,
      language: comment.language,
      consent: comment.consent,
      authorName: comment.authorName,
      organizationName: comment.organizationName,
      category: comment.category,
      country: comment.countryCode ? countryName(comment.countryCode, language) : null,
      imported: comment.imported,
      submitted: comment.submittedAt ? formatInstant(comment.submittedAt, language, round.timeZone, 'short') : null,
    })),
    nextHref: page.nextBefore ? query({ before: String(page.nextBefore) }) : null,
    newestHref: before ? query({}) : null,
  }
}

type LoaderData = Awaited<ReturnType<typeof loader>>
type Shown = Extract<LoaderData, { comments: unknown[] }>['comments'][number]

function FilterSelect({
  name,
  label,
  any,
  options,
  value,
  error,
}: {
  name: FilterName
  label: string
  any: string
  options: { value: string; label: string }[]
  value?: string
  error?: string
}) {
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
        <option value="">{any}</option>
        {options.map((option) => (
          <option key={option.value} value={option.value}>
            {option.label}
          </option>
        ))}
      </select>
      <ErrorList id={`${id}-error`} errors={error ? [error] : null} ns="comments" />
    </div>
  )
}

function PublicComment({ comment }: { comment: Shown }) {
  const { t } = useTranslation('comments')
  const titleId = `comment-${comment.id}-title`
  return (
    <li className="public-comment">
      <article aria-labelledby={titleId}>
        <header className="public-comment__header">
          <h3 id={titleId} className="public-comment__author">
            {comment.consent === 'named' && comment.authorName ? comment.authorName : t('public.anonymous')}
          </h3>
          <p className="public-comment__meta">
            {comment.consent === 'named' && comment.organizationName ? (
              <span className="public-comment__organization">{comment.organizationName}</span>
            ) : null}
            <span>{t(`common:categories.${comment.category}`)}</span>
            {comment.country ? <span>{comment.country}</span> : null}
          </p>
          <p className="public-comment__meta">
            <span>{comment.clauseLabel ? t('rounds:draft.clause', { label: comment.clauseLabel }) : t('comment.whole')}</span>
            {comment.position ? (
              <span className={`badge badge--position badge--${comment.position}`}>{t(`positions.${comment.position}`)}</span>
            ) : null}
            {comment.submitted ? <DateTime value={comment.submitted} /> : null}
            {comment.imported ? <span className="badge">{t('public.imported')}</span> : null}
          </p>
        </header>
        <CommentText text={comment.text} language={comment.language} />
        {comment.proposedText ? (
          <div className="proposed">
            <p className="proposed__label">{t('form.proposed')}</p>
            <CommentText text={comment.proposedText} language={comment.language} />
          </div>
        ) : null}
      </article>
    </li>
  )
}

export default function PublicComments() {
  const { t } = useTranslation(['comments', 'rounds'])
  const loaderData = useLoaderData<typeof loader>()
  const { round, values, errors, options, comments, filtered, nextHref, newestHref } = loaderData
  const busy = useNavigation().state === 'loading'
  const errorOf = (name: FilterName) => errors.find((error) => error.name === name)?.message
  return (
    <div className="page public-page">
      <p className="breadcrumb">
        <Link to={`/rounds/${round.id}`} lang={round.titleLanguage}>
          {round.title}
        </Link>
      </p>
      <h1>{t('public.title')}</h1>
      <p className="lead" lang={round.titleLanguage}>
        {round.title}
      </p>
      <p>{t('public.intro', { count: round.submittedCount })}</p>

      <section aria-labelledby="filters-title" className="card filters">
        <h2 id="filters-title">{t('public.filters')}</h2>
        <Form method="get" className="filter-form" preventScrollReset>
          <ErrorSummary
            id="filter-errors"
            title={t('public.filterErrors')}
            errors={errors.map((error) => ({ message: error.message, href: error.name === 'before' ? undefined : `#filter-${error.name}` }))}
            ns="comments"
            focusKey={values}
          />
          <div className="filter-grid">
            <FilterSelect
              name="clause"
              label={t('public.clause')}
              any={t('public.any')}
              options={[{ value: 'whole', label: t('comment.whole') }, ...options.clauses]}
              value={values.clause}
              error={errorOf('clause')}
            />
            <FilterSelect
              name="category"
              label={t('public.category')}
              any={t('public.any')}
              options={STAKEHOLDER_CATEGORIES.map((key) => ({ value: key, label: t(`common:categories.${key}`) }))}
              value={values.category}
              error={errorOf('category')}
            />
            <FilterSelect
              name="region"
              label={t('public.region')}
              any={t('public.any')}
              options={options.regions}
              value={values.region}
              error={errorOf('region')}
            />
            <FilterSelect
              name="position"
              label={t('public.position')}
              any={t('public.any')}
              options={POSITIONS.map((key) => ({ value: key, label: t(`positions.${key}`) }))}
              value={values.position}
              error={errorOf('position')}
            />
            <FilterSelect
              name="language"
              label={t('public.language')}
              any={t('public.any')}
              options={options.languages}
              value={values.language}
              error={errorOf('language')}
            />
          </div>
          {errorOf('before') ? <ErrorList errors={[errorOf('before')!]} ns="comments" /> : null}
          <div className="actions">
            <button type="submit" className="button" disabled={busy}>
              {t('public.apply')}
            </button>
            {filtered || errors.length ? <Link to={`/rounds/${round.id}/comments`}>{t('public.clear')}</Link> : null}
          </div>
        </Form>
      </section>

      <section aria-labelledby="results-title" className="results">
        <h2 id="results-title">{t('public.results')}</h2>
        {errors.length ? null : comments.length ? (
          <ol className="public-comments">
            {comments.map((comment) => (
              <PublicComment key={comment.id} comment={comment} />
            ))}
          </ol>
        ) : (
          <p className="muted">{filtered ? t('public.noneFiltered') : t('public.none')}</p>
        )}
        {nextHref || newestHref ? (
          <nav aria-label={t('public.pages')} className="pager">
            {newestHref ? <Link to={newestHref}>{t('public.newest')}</Link> : null}
            {nextHref ? <Link to={nextHref}>{t('public.next')}</Link> : null}
          </nav>
        ) : null}
      </section>
    </div>
  )
}
