import { getFormProps, getSelectProps, getTextareaProps, useForm, type FieldMetadata } from '@conform-to/react'
import { getZodConstraint, parseWithZod } from '@conform-to/zod'
import type { ActionFunctionArgs, LinksFunction, LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData, useLocation, useNavigation } from '@remix-run/react'
import type { ReactNode } from 'react'
import { useTranslation } from 'react-i18next'
import { CommentText } from '~/components/comment-text'
import { formatNumber } from '~/components/date-time'
import { ErrorSummary, type SummaryError } from '~/components/error-summary'
import { ErrorList } from '~/components/forms'
import { acceptSuggestions, concernComments, getBoardConcern, moveComments, setKeyPoints } from '~/modules/concerns/board.server'
import {
  acceptSchema,
  BOARD_VIEWS,
  CONCERN_KEY_MAX,
  CONCERN_KEY_PATTERN,
  KEY_POINTS_MAX,
  keyPointsSchema,
  moveSchema,
  REASON_MAX,
  type BoardView,
} from '~/modules/concerns/concerns.schema'
import { languageName } from '~/modules/comments/languages'
import { SUPPORTED_LANGUAGES, type Language } from '~/modules/i18n/i18n'
import { getFixedT } from '~/modules/i18n/i18n.server'
import { formErrorMap } from '~/modules/norms/forms'
import { readId } from '~/modules/norms/forms.server'
import { countryName } from '~/modules/regions/regions'
import { listConcerns } from '~/modules/rounds/rounds.server'
import cssHref from '~/styles/concerns.css'
import { requireRole } from '~/utils/auth.server'
import { db } from '~/utils/db.server'
import { redirectWithFlash } from '~/utils/flash.server'
import { badRequest, invariantResponse, readFormData } from '~/utils/http.server'

export const handle = { i18n: ['concerns', 'comments'] }

export const links: LinksFunction = () => [{ rel: 'stylesheet', href: cssHref }]

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data?.title ?? 'Concord' }]

/** The six languages of the interface in the UN's order. */
const FORM_LANGUAGES: readonly Language[] = ['ar', 'zh', 'en', 'fr', 'ru', 'es']

function shown(labels: Record<string, string>, language: string, key: string) {
  if (labels[language]) return { text: labels[language]!, lang: language }
  if (labels.en) return { text: labels.en, lang: 'en' }
  return { text: key, lang: language }
}

function readParams(params: { roundId?: string; concernKey?: string }) {
  const roundId = readId(params.roundId)
  invariantResponse(roundId)
  const key = params.concernKey ?? ''
  invariantResponse(key.length <= CONCERN_KEY_MAX && CONCERN_KEY_PATTERN.test(key))
  return { roundId, key }
}

/** The page's view and cursor, from the query; anything else there is a bad request. */
function readQuery(url: URL) {
  const view = url.searchParams.get('view') ?? 'all'
  const after = url.searchParams.get('after')
  const cursor = after === null ? null : readId(after)
  if (!(BOARD_VIEWS as readonly string[]).includes(view) || (after !== null && cursor === null)) {
    throw new Response('Bad request', { status: 400 })
  }
  return { view: view as BoardView, cursor }
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  await requireRole(request, 'moderator')
  const { roundId, key } = readParams(params)
  const { t, language } = await getFixedT(request, 'concerns')
  const concern = getBoardConcern(db, roundId, key)
  invariantResponse(concern)
  const url = new URL(request.url)
  const { view, cursor } = readQuery(url)
  const page = concernComments(db, roundId, key, cursor, { view })
  invariantResponse(page)
  const all = listConcerns(db, roundId).map((row) => ({ key: row.key, label: shown(row.labels as Record<string, string>, language, row.key) }))
  const labelOf = new Map(all.map((row) => [row.key, row.label]))
  const label = shown(concern.labels, language, concern.key)
  const query = (extra: Record<string, string>) => {
    const search = new URLSearchParams({ ...(view === 'all' ? {} : { view }), ...extra })
    return search.size ? `?${search}` : '?'
  }
  return {
    title: `${label.text} · ${t('board.title')} · Concord`,
    language,
    roundId,
    view,
    concern: { key: concern.key, label, confirmed: concern.confirmed, pending: concern.pending, keyPoints: concern.keyPoints },
    others: all.filter((row) => row.key !== key),
    languages: FORM_LANGUAGES.map((code) => ({ code, name: languageName(code, language) })),
    comments: page.comments.map((comment) => ({
      id: comment.id,
      text: comment.text,
      language: comment.language,
      languageName: comment.language ? languageName(comment.language, language) : null,
      category: comment.category,
      country: comment.countryCode ? countryName(comment.countryCode, language) : null,
      clauseLabel: comment.clauseLabel,
      position: comment.position,
      imported: comment.imported,
      confirmed: comment.confirmed,
      score: comment.score === null ? null : new Intl.NumberFormat(language, { maximumFractionDigits: 2, minimumFractionDigits: 2 }).format(comment.score),
      byAuthor: comment.byAuthor,
      moderator: comment.moderatorKeys.filter((other) => other !== key).map((other) => labelOf.get(other) ?? { text: other, lang: language }),
      suggested: comment.suggestedKeys.filter((other) => other !== key).map((other) => labelOf.get(other) ?? { text: other, lang: language }),
    })),
    firstHref: cursor === null ? null : query({}),
    nextHref: page.nextCursor === null ? null : query({ after: String(page.nextCursor) }),
  }
}

export async function action({ request, params }: ActionFunctionArgs) {
  const user = await requireRole(request, 'moderator')
  const { roundId, key } = readParams(params)
  const formData = await readFormData(request)
  const intent = formData.get('intent')
  const schema = intent === 'move' ? moveSchema : intent === 'accept' ? acceptSchema : intent === 'keyPoints' ? keyPointsSchema : null
  if (!schema) throw new Response('Bad request', { status: 400 })
  let submission
  try {
    submission = parseWithZod(formData, { schema, errorMap: formErrorMap })
  } catch {
    throw new Response('Bad request', { status: 400 })
  }
  if (submission.status !== 'success') return badRequest({ intent: String(intent), result: submission.reply() })
  const { language } = await getFixedT(request, 'concerns')
  const url = new URL(request.url)
  const back = `/moderate/rounds/${roundId}/concerns/${key}${url.search}`
  const value = submission.value
  const refuse = (error: string, field?: string) =>
    badRequest({
      intent: String(intent),
      result: submission.reply(field ? { fieldErrors: { [field]: [`errors.${error}`] } } : { formErrors: [`errors.${error}`] }),
    })
  switch (value.intent) {
    case 'move': {
      const result = moveComments(db, { roundId, from: key, to: value.to, commentIds: value.comments, actorId: user.id, reason: value.reason ?? null })
      if (!result.ok) {
        if (result.error === 'concernUnknown') {
          // The page's own concern went away (merged, say): nothing to come back to.
          invariantResponse(getBoardConcern(db, roundId, key))
          return refuse('concernUnknown', 'to')
        }
        return refuse(result.error, result.error === 'sameConcern' ? 'to' : 'comments')
      }
      const target = listConcerns(db, roundId).find((row) => row.key === value.to)
      return redirectWithFlash(back, {
        key: 'concerns:flash.moved',
        values: { count: result.moved, label: shown((target?.labels ?? {}) as Record<string, string>, language, value.to).text },
      })
    }
    case 'accept': {
      const result = acceptSuggestions(db, { roundId, commentIds: value.comments, actorId: user.id, reason: value.reason ?? null })
      if (!result.ok) return refuse(result.error, 'comments')
      return redirectWithFlash(back, {
        key: result.accepted ? 'concerns:flash.accepted' : 'concerns:flash.nothingAccepted',
        values: { count: result.accepted, unchanged: result.unchanged },
      })
    }
    case 'keyPoints': {
      const keyPoints = Object.fromEntries(SUPPORTED_LANGUAGES.map((code) => [code, value.keyPoints[code]]))
      const result = setKeyPoints(db, { roundId, concernKey: key, keyPoints, actorId: user.id })
      if (!result.ok) throw new Response('Not found', { status: 404 })
      return redirectWithFlash(`${back}#key-points`, { key: result.changed ? 'concerns:flash.keyPointsSaved' : 'concerns:flash.keyPointsUnchanged' })
    }
  }
  throw new Response('Bad request', { status: 400 })
}

type Field = FieldMetadata<string | undefined, Record<string, unknown>, string[]>

/** Conform's metadata of a field, as the shared controls take it. */
const asField = (meta: unknown) => meta as Field

type BulkFields = { intent: string; to: string; comments: string[]; reason: string }

function Lang({ lang, page, children }: { lang: string; page: string; children: ReactNode }) {
  return lang === page ? <>{children}</> : <span lang={lang} dir="auto">{children}</span>
}

function summaryErrors(formId: string, errors: Record<string, string[] | null | undefined>): SummaryError[] {
  return Object.entries(errors).flatMap(([name, messages]) =>
    (messages ?? []).map((message) => ({ message, href: name ? `#${formId}-${name}` : undefined })),
  )
}

export default function ConcernPage() {
  const data = useLoaderData<typeof loader>()
  // Every navigation (another page, another view, the redirect after an action) starts with fresh
  // forms; a refused submission is no navigation and keeps what the moderator chose and typed.
  const location = useLocation()
  return <ConcernView key={location.key} data={data} />
}

function ConcernView({ data }: { data: ReturnType<typeof useLoaderData<typeof loader>> }) {
  const { t } = useTranslation(['concerns', 'comments'])
  const { concern, comments, language, roundId, view, firstHref, nextHref } = data
  const n = (value: number) => formatNumber(value, language)
  return (
    <section className="concerns-page" aria-labelledby="concern-heading">
      <p className="breadcrumbs">
        <Link to={`/moderate/rounds/${roundId}/concerns`}>{t('board.title')}</Link>
      </p>
      <h1 id="concern-heading">
        <Lang lang={concern.label.lang} page={language}>
          {concern.label.text}
        </Lang>
      </h1>
      <dl className="facts">
        <div>
          <dt>{t('concern.key')}</dt>
          <dd>
            <code className="concern-key">{concern.key}</code>
          </dd>
        </div>
        <div>
          <dt>{t('board.confirmed')}</dt>
          <dd>{n(concern.confirmed)}</dd>
        </div>
        <div>
          <dt>{t('board.pending')}</dt>
          <dd>{n(concern.pending)}</dd>
        </div>
      </dl>
      <ul className="concerns-links">
        <li>
          <Link to={`/moderate/rounds/${roundId}/concerns/taxonomy?edit=${concern.key}`}>{t('concern.editConcern')}</Link>
        </li>
        <li>
          <Link to={`/moderate/rounds/${roundId}/concerns/taxonomy?split=${concern.key}`}>{t('concern.splitConcern')}</Link>
        </li>
        <li>
          <a href="#key-points">{t('concern.keyPointsTitle')}</a>
        </li>
      </ul>

      <section aria-labelledby="comments-heading">
        <h2 id="comments-heading">{t('concern.commentsTitle')}</h2>
        <p>{t('concern.commentsIntro')}</p>
        <Form method="get" className="basis-form">
          <fieldset className="fieldset">
            <legend>{t('concern.view')}</legend>
            <div className="choices">
              {BOARD_VIEWS.map((option) => (
                <label key={option}>
                  <input type="radio" name="view" value={option} defaultChecked={option === view} />
                  {t(`concern.views.${option}`)}
                </label>
              ))}
            </div>
            <button type="submit" className="button button--small button--quiet">
              {t('board.show')}
            </button>
          </fieldset>
        </Form>
        {comments.length === 0 ? <p>{t(`concern.none.${view}`)}</p> : <BulkForm data={data} />}
        {firstHref || nextHref ? (
          <nav aria-label={t('concern.pages')} className="pager">
            <ul className="concerns-links">
              {firstHref ? (
                <li>
                  <Link to={firstHref}>{t('concern.firstPage')}</Link>
                </li>
              ) : null}
              {nextHref ? (
                <li>
                  <Link to={nextHref}>{t('concern.nextPage')}</Link>
                </li>
              ) : null}
            </ul>
          </nav>
        ) : null}
      </section>
      <KeyPointsForm data={data} />
    </section>
  )
}

function BulkForm({ data }: { data: ReturnType<typeof useLoaderData<typeof loader>> }) {
  const { t } = useTranslation(['concerns', 'comments'])
  const { comments, others, language, concern } = data
  const actionData = useActionData<typeof action>()
  const lastResult = actionData && (actionData.intent === 'move' || actionData.intent === 'accept') ? actionData.result : undefined
  const submitting = useNavigation().state === 'submitting'
  const [form, fields] = useForm<BulkFields>({
    id: 'bulk',
    lastResult,
    shouldValidate: 'onSubmit',
  })
  const initial = fields.comments.initialValue as string[] | string | undefined
  const chosen = new Set(typeof initial === 'string' ? [initial] : (initial ?? []))
  const errors = summaryErrors(form.id, form.allErrors)
  const commentsId = `${form.id}-comments`
  const to = asField(fields.to)
  const { key: toKey, ...toProps } = getSelectProps(to, { ariaDescribedBy: to.descriptionId })
  const reason = asField(fields.reason)
  return (
    <Form method="post" {...getFormProps(form)} className="form">
      <ErrorSummary id="bulk-summary" title={t('form.problems', { count: errors.length })} errors={errors} ns="concerns" focusKey={lastResult} />
      <fieldset className="fieldset" id={commentsId} aria-describedby={fields.comments.errors?.length ? `${commentsId}-error` : undefined}>
        <legend>{t('concern.selection')}</legend>
        <ErrorList id={`${commentsId}-error`} errors={fields.comments.errors} ns="concerns" />
        <ol className="comment-choices">
          {comments.map((comment) => {
            const id = `${commentsId}-${comment.id}`
            return (
              <li key={comment.id} className="comment-choice">
                <input
                  type="checkbox"
                  id={id}
                  name="comments"
                  value={String(comment.id)}
                  defaultChecked={chosen.has(String(comment.id))}
                  aria-describedby={`${id}-about ${id}-text`}
                />
                <div className="comment-choice__body">
                  <label htmlFor={id}>{t('board.commentNumber', { id: comment.id })}</label>{' '}
                  {comment.confirmed ? (
                    <span className="badge badge--ok">{t('concern.confirmed')}</span>
                  ) : (
                    <>
                      {comment.score !== null ? <span className="badge badge--warn">{t('concern.suggested', { score: comment.score })}</span> : null}{' '}
                      {comment.byAuthor ? <span className="badge">{t('concern.byAuthor')}</span> : null}
                    </>
                  )}
                  <p id={`${id}-about`} className="comment-choice__meta muted">
                    {[
                      t(`common:categories.${comment.category}`),
                      comment.country ?? t('concern.noCountry'),
                      comment.clauseLabel ? t('concern.clause', { label: comment.clauseLabel }) : t('concern.wholeDraft'),
                      comment.position ? t(`comments:positions.${comment.position}`) : null,
                      comment.languageName,
                      comment.imported ? t('concern.imported') : null,
                    ]
                      .filter(Boolean)
                      .join(' · ')}
                  </p>
                  <div id={`${id}-text`}>
                    <CommentText text={comment.text} language={comment.language} className="comment-excerpt" />
                  </div>
                  {comment.moderator.length ? (
                    <p className="comment-choice__meta">
                      {t('concern.alsoConfirmed')}{' '}
                      {comment.moderator.map((label, index) => (
                        <span key={label.text}>
                          {index ? t('concern.separator') : null}
                          <Lang lang={label.lang} page={language}>
                            {label.text}
                          </Lang>
                        </span>
                      ))}
                    </p>
                  ) : null}
                  {!comment.confirmed && comment.suggested.length ? (
                    <p className="comment-choice__meta">
                      {t('concern.alsoSuggested')}{' '}
                      {comment.suggested.map((label, index) => (
                        <span key={label.text}>
                          {index ? t('concern.separator') : null}
                          <Lang lang={label.lang} page={language}>
                            {label.text}
                          </Lang>
                        </span>
                      ))}
                    </p>
                  ) : null}
                </div>
              </li>
            )
          })}
        </ol>
      </fieldset>
      <fieldset className="fieldset bulk-actions">
        <legend>{t('concern.actions')}</legend>
        <div className="field">
          <label htmlFor={to.id}>{t('concern.moveTo', { label: concern.label.text })}</label>
          <p id={to.descriptionId} className="field__hint">
            {t('concern.moveHint')}
          </p>
          <select key={toKey} {...toProps}>
            <option value="">{t('form.choose')}</option>
            {others.map((other) => (
              <option key={other.key} value={other.key} lang={other.label.lang}>
                {`${other.label.text} (${other.key})`}
              </option>
            ))}
          </select>
          <ErrorList id={to.errorId} errors={to.errors} ns="concerns" />
        </div>
        <div className="field">
          <label htmlFor={reason.id}>{t('form.reason')}</label>
          <p id={reason.descriptionId} className="field__hint">
            {t('form.reasonHint', { max: REASON_MAX })}
          </p>
          <input
            id={reason.id}
            name={reason.name}
            type="text"
            maxLength={REASON_MAX}
            defaultValue={typeof reason.initialValue === 'string' ? reason.initialValue : ''}
            aria-describedby={reason.errors?.length ? `${reason.errorId} ${reason.descriptionId}` : reason.descriptionId}
            aria-invalid={reason.errors?.length ? true : undefined}
          />
          <ErrorList id={reason.errorId} errors={reason.errors} ns="concerns" />
        </div>
        <div className="actions">
          <button type="submit" name="intent" value="move" className="button" disabled={submitting}>
            {t('concern.move')}
          </button>
          <button type="submit" name="intent" value="accept" className="button button--quiet" disabled={submitting}>
            {t('concern.accept')}
          </button>
        </div>
        <p className="field__hint">{t('concern.acceptHint')}</p>
      </fieldset>
    </Form>
  )
}

function KeyPointsForm({ data }: { data: ReturnType<typeof useLoaderData<typeof loader>> }) {
  const { t } = useTranslation('concerns')
  const { concern, languages } = data
  const actionData = useActionData<typeof action>()
  const lastResult = actionData && actionData.intent === 'keyPoints' ? actionData.result : undefined
  const submitting = useNavigation().state === 'submitting'
  const [form, fields] = useForm({
    id: 'key-points-form',
    lastResult,
    constraint: getZodConstraint(keyPointsSchema),
    shouldValidate: 'onBlur',
    defaultValue: { keyPoints: concern.keyPoints },
    onValidate: ({ formData }) => parseWithZod(formData, { schema: keyPointsSchema, errorMap: formErrorMap }),
  })
  const boxes = fields.keyPoints.getFieldset() as unknown as Record<Language, Field>
  const errors = summaryErrors(form.id, form.allErrors)
  return (
    <section aria-labelledby="key-points-heading" id="key-points" className="card">
      <h2 id="key-points-heading">{t('concern.keyPointsTitle')}</h2>
      <p id="key-points-hint">{t('concern.keyPointsIntro', { max: KEY_POINTS_MAX })}</p>
      <Form method="post" {...getFormProps(form)} className="form">
        <ErrorSummary id="key-points-summary" title={t('form.problems', { count: errors.length })} errors={errors} ns="concerns" focusKey={lastResult} />
        <div className="language-grid language-grid--wide">
          {languages.map((option) => {
            const meta = boxes[option.code]
            const { key, ...props } = getTextareaProps(meta, { ariaDescribedBy: 'key-points-hint' })
            return (
              <div key={option.code} className="field">
                <label htmlFor={meta.id}>{t('concern.keyPointsIn', { language: option.name })}</label>
                <textarea key={key} {...props} rows={5} lang={option.code} dir="auto" />
                <ErrorList id={meta.errorId} errors={meta.errors} ns="concerns" />
              </div>
            )
          })}
        </div>
        <div className="actions">
          <button type="submit" name="intent" value="keyPoints" className="button" disabled={submitting}>
            {t('concern.saveKeyPoints')}
          </button>
        </div>
      </Form>
    </section>
  )
}
