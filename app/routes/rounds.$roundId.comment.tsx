import crypto from 'node:crypto'
import {
  getCollectionProps,
  getFormProps,
  getSelectProps,
  getTextareaProps,
  useForm,
  type SubmissionResult,
} from '@conform-to/react'
import { getZodConstraint, parseWithZod, unstable_coerceFormValue as coerceFormValue } from '@conform-to/zod'
import { data, type ActionFunctionArgs, type HeadersFunction, type LinksFunction, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData, useNavigation } from '@remix-run/react'
import { useMemo, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { POSITIONS } from '#db/schema/index'
import { CharacterCount } from '~/components/character-count'
import { ClauseText, groupByHeading, type ClauseView } from '~/components/clause-text'
import { CommentText } from '~/components/comment-text'
import { DateTime, formatInstant, formatNumber, formatRelative } from '~/components/date-time'
import { ErrorSummary, type SummaryError } from '~/components/error-summary'
import { ErrorList } from '~/components/forms'
import { useHydrated } from '~/components/use-hydrated'
import { getProfile } from '~/modules/accounts/accounts.server'
import { COMMENT_MAX, commentSchema, PROPOSED_MAX } from '~/modules/comments/comments.schema'
import { listOwnComments, setCommentLanguage, submitComment, withdrawComment } from '~/modules/comments/comments.server'
import { languageCorrectionSchema, withdrawConfirmSchema } from '~/modules/comments/forms.schema'
import { commentLanguageOptions, languageName } from '~/modules/comments/languages'
import { getFixedT } from '~/modules/i18n/i18n.server'
import { getReadableVersion } from '~/modules/norms/norms.server'
import { countryName } from '~/modules/regions/regions'
import { commentRefusal } from '~/modules/rounds/rounds'
import { concernLabel, getRoundForReader, listConcerns } from '~/modules/rounds/rounds.server'
import { requireUser } from '~/utils/auth.server'
import { db } from '~/utils/db.server'
import { assertListIndexes } from '~/utils/form-data.server'
import { redirectWithFlash } from '~/utils/flash.server'
import { invariantResponse } from '~/utils/http.server'
import { checkRateLimit, RATE_LIMITED_MESSAGE, retryAfterHeaders } from '~/utils/rate-limit.server'
import cssHref from '~/styles/rounds.css'

export const handle = { i18n: ['rounds', 'comments'] }

/**
 * Retry-After after a refusal, and never kept by a cache (the page cache of server.js or the
 * browser's): each visit's form carries one-time idempotency keys, so that two tabs' comments stay
 * two comments.
 */
export const headers: HeadersFunction = (args) => {
  const headers = new Headers(retryAfterHeaders(args))
  headers.set('Cache-Control', 'private, no-store')
  return headers
}

export const links: LinksFunction = () => [{ rel: 'stylesheet', href: cssHref }]

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data?.meta ?? 'Concord' }]

const WHOLE = 'whole'

function idOf(value: unknown) {
  const text = typeof value === 'string' ? value.trim() : ''
  const id = Number(text)
  return /^\d{1,12}$/.test(text) && Number.isSafeInteger(id) && id > 0 ? id : null
}

function roundIdOf(param: string | undefined) {
  const id = idOf(param)
  invariantResponse(id, 'Not found')
  return id
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  const user = await requireUser(request)
  const roundId = roundIdOf(params.roundId)
  const { t, language } = await getFixedT(request, ['comments', 'rounds'])
  const now = new Date()
  const round = getRoundForReader(db, roundId, language, now)
  invariantResponse(round, 'Not found')
  const version = getReadableVersion(db, round.versionId, language)
  invariantResponse(version, 'Not found')
  // The profile as stored now: the category and country a comment would be recorded with.
  const profile = getProfile(db, user.id)
  invariantResponse(profile, 'Unauthorized', 401)
  const refusal = commentRefusal(round, profile.category, now)
  const concerns = listConcerns(db, roundId).map((concern) => ({
    key: concern.key,
    label: concernLabel(concern.labels, language, concern.key),
  }))
  const concernLabels = new Map(concerns.map((concern) => [concern.key, concern.label]))
  const own = listOwnComments(db, user.id, roundId).map((comment) => ({
    id: comment.id,
    clauseKey: comment.clauseId === null ? WHOLE : String(comment.clauseId),
    position: comment.position,
    text: comment.text,
    proposedText: comment.proposedText,
    language: comment.language,
    languageName: comment.language ? languageName(comment.language, language) : null,
    detectedLanguageName: comment.detectedLanguage ? languageName(comment.detectedLanguage, language) : null,
    consent: comment.consent,
    status: comment.status,
    receipt: comment.receipt,
    hidden: comment.moderation === 'hidden',
    hiddenReason: comment.hiddenReason,
    concerns: comment.concerns,
    concernLabels: comment.concerns.map((key) => concernLabels.get(key) ?? key),
    updated: formatInstant(comment.updatedAt, language, round.timeZone, 'short'),
  }))

  // ?edit=<id> fills the clause's form with one of the participant's own comments (a GET changes nothing).
  const editParam = new URL(request.url).searchParams.get('edit')
  let editingId: number | null = null
  if (editParam !== null) {
    const id = idOf(editParam)
    const comment = own.find((candidate) => candidate.id === id)
    invariantResponse(comment, 'Not found')
    if (!refusal && comment.status !== 'withdrawn') editingId = comment.id
  }

  const keys = [WHOLE, ...version.clauses.map((clause) => String(clause.id))]
  return {
    meta: `${t('comment.title')} · ${round.title} · Concord`,
    round: {
      id: round.id,
      title: round.title,
      titleLanguage: round.titleLanguage,
      state: round.state,
      opens: formatInstant(round.opensAt, language, round.timeZone),
      closes: formatInstant(round.closesAt, language, round.timeZone),
      closesRelative: formatRelative(round.closesAt, now, language),
      eligible: new Intl.ListFormat(language, { type: 'conjunction' }).format(
        round.eligibleCategories.map((category) => t(`common:categories.${category}`)),
      ),
    },
    version: { title: version.title, titleLanguage: version.titleLanguage, clauses: version.clauses },
    sourceLanguageName: languageName(version.sourceLanguage, language),
    author: { category: profile.category, country: countryName(profile.country, language) },
    refusal,
    concerns,
    languages: commentLanguageOptions(language, ...own.map((comment) => comment.language)),
    own,
    editingId,
    maxText: formatNumber(COMMENT_MAX, language),
    maxProposed: formatNumber(PROPOSED_MAX, language),
    // A fresh key for each form on each render: a double click, a retry or a resubmission after
    // going back sends the same key again, and saveComment then returns the comment it made.
    idempotencyKeys: refusal ? {} : Object.fromEntries(keys.map((key) => [key, crypto.randomUUID()])),
  }
}

type ActionData =
  | { kind: 'comment'; clause: string; result: SubmissionResult<string[]> }
  | { kind: 'withdraw' | 'language'; commentId: number | null; error: string }

/** What a field's error falls back to when zod's own message is not one of ours. */
const FALLBACK_ERRORS: Record<string, string> = {
  commentId: 'errors.commentUnknown',
  clause: 'errors.clauseUnknown',
  concerns: 'errors.concernUnknown',
  idempotencyKey: 'errors.retry',
  intent: 'errors.intentInvalid',
}

/** Only i18n keys travel back to the page; zod's English defaults become our own keys. */
function keysOnly(result: SubmissionResult<string[]>): SubmissionResult<string[]> {
  if (!result.error) return result
  const error: Record<string, string[] | null> = {}
  for (const [name, messages] of Object.entries(result.error)) {
    const base = name.replace(/\[.*$/, '')
    error[base] = [
      ...new Set([
        ...(error[base] ?? []),
        ...(messages ?? []).map((message) =>
          message.startsWith('errors.') ? message : (FALLBACK_ERRORS[base] ?? 'errors.invalid'),
        ),
      ]),
    ]
  }
  return { ...result, error }
}

function firstKey(issues: { message: string }[]) {
  const message = issues[0]?.message ?? ''
  return message.startsWith('errors.') ? message : 'errors.invalid'
}

async function readForm(request: Request) {
  let formData: FormData
  try {
    formData = await request.formData()
  } catch {
    throw new Response('Bad request', { status: 400 })
  }
  // A comment has at most 20 concerns; "concerns[1000000]" would make conform build a list that long.
  assertListIndexes(formData, 100)
  return formData
}

/**
 * The comment schema with conform's form-value coercion, built once: parseWithZod would build it
 * anew, a few hundred zod objects, on every request.
 */
const coercedCommentSchema = coerceFormValue(commentSchema)

/** A tampered conform intent (its `__intent__` value is JSON) is a bad request, not a server error. */
function parseComment(formData: FormData) {
  try {
    return parseWithZod(formData, { schema: coercedCommentSchema, disableAutoCoercion: true })
  } catch {
    throw new Response('Bad request', { status: 400 })
  }
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const user = await requireUser(request)
  const roundId = roundIdOf(params.roundId)
  const formData = await readForm(request)
  const here = `/rounds/${roundId}/comment`
  const intent = formData.get('intent')

  if (intent === 'withdraw') {
    const commentId = idOf(formData.get('commentId'))
    const parsed = withdrawConfirmSchema.safeParse({
      commentId: formData.get('commentId') ?? undefined,
      confirm: formData.get('confirm') ?? undefined,
    })
    if (!parsed.success) {
      return data<ActionData>({ kind: 'withdraw', commentId, error: firstKey(parsed.error.issues) }, { status: 400 })
    }
    const result = withdrawComment(db, { userId: user.id, commentId: parsed.data.commentId })
    if (!result.ok) return data<ActionData>({ kind: 'withdraw', commentId, error: result.error }, { status: result.status })
    return redirectWithFlash(`${here}#c-${result.commentId}`, {
      key: 'comments:flash.withdrawn',
      values: { receipt: result.receipt },
    })
  }

  if (intent === 'language') {
    const commentId = idOf(formData.get('commentId'))
    const parsed = languageCorrectionSchema.safeParse({
      commentId: formData.get('commentId') ?? undefined,
      language: formData.get('language') ?? undefined,
    })
    if (!parsed.success) {
      return data<ActionData>({ kind: 'language', commentId, error: firstKey(parsed.error.issues) }, { status: 400 })
    }
    const result = setCommentLanguage(db, {
      userId: user.id,
      commentId: parsed.data.commentId,
      language: parsed.data.language || null,
    })
    if (!result.ok) return data<ActionData>({ kind: 'language', commentId, error: result.error }, { status: result.status })
    return redirectWithFlash(`${here}#c-${result.commentId}`, {
      key: 'comments:flash.languageSet',
      values: { receipt: result.receipt },
    })
  }

  // Save draft or submit; the schema refuses any other intent.
  const clause = String(formData.get('clause') ?? '').slice(0, 20)
  const submission = parseComment(formData)
  // Saving a draft counts as submitting: both write, per address and per account.
  const limited = await checkRateLimit({ request, context }, 'comment', user.id)
  if (limited) {
    return data<ActionData>(
      { kind: 'comment', clause, result: submission.reply({ formErrors: [RATE_LIMITED_MESSAGE] }) },
      { status: 429, headers: limited.headers },
    )
  }
  if (submission.status !== 'success') {
    return data<ActionData>({ kind: 'comment', clause, result: keysOnly(submission.reply()) }, { status: 400 })
  }
  const result = await submitComment(db, { roundId, userId: user.id, input: submission.value })
  if (!result.ok) {
    const reply =
      'field' in result
        ? submission.reply({ fieldErrors: { [result.field]: [result.error] } })
        : submission.reply({ formErrors: [result.error] })
    return data<ActionData>({ kind: 'comment', clause, result: reply }, { status: result.status })
  }
  // Submitting a draft is the comment's first submission (counted, receipt to keep), not a change.
  const key = result.replayed
    ? 'comments:flash.replayed'
    : result.firstSubmission
      ? 'comments:flash.submitted'
      : result.status === 'submitted'
        ? 'comments:flash.updated'
        : 'comments:flash.draftSaved'
  return redirectWithFlash(`${here}#c-${result.commentId}`, { key, values: { receipt: result.receipt } })
}

type LoaderData = Awaited<ReturnType<typeof loader>>
type OwnComment = LoaderData['own'][number]
type Option = { value: string; label: string }

/** Where each field's error in the summary links to (the first control of a group). */
function summaryErrors(formId: string, errors: Record<string, string[] | null | undefined>, concernKeys: string[]) {
  const anchors: Record<string, string | undefined> = {
    position: `${formId}-position-${POSITIONS[0]}`,
    text: `${formId}-text`,
    proposedText: `${formId}-proposedText`,
    concerns: concernKeys[0] ? `${formId}-concerns-${concernKeys[0]}` : undefined,
    consent: `${formId}-consent-named`,
    language: `${formId}-language`,
  }
  const order = ['', 'intent', 'clause', 'commentId', 'idempotencyKey', 'position', 'text', 'proposedText', 'concerns', 'consent', 'language']
  const names = Object.keys(errors).sort((a, b) => order.indexOf(a) - order.indexOf(b))
  const result: SummaryError[] = []
  for (const name of names) {
    const anchor = anchors[name.replace(/\[.*$/, '')]
    for (const message of errors[name] ?? []) result.push({ message, href: anchor ? `#${anchor}` : undefined })
  }
  return result
}

function CommentForm({
  formKey,
  subject,
  level,
  concerns,
  languages,
  idempotencyKey,
  editing,
  lastResult,
  cancelHref,
  maxText,
  maxProposed,
}: {
  formKey: string
  subject: string
  level: 3 | 4
  concerns: { key: string; label: string }[]
  languages: Option[]
  idempotencyKey?: string
  editing?: OwnComment
  lastResult?: SubmissionResult<string[]>
  cancelHref: string
  maxText: string
  maxProposed: string
}) {
  const { t } = useTranslation('comments')
  const hydrated = useHydrated()
  const busy = useNavigation().state === 'submitting'
  const formId = `comment-${formKey}`
  // The summary shows after a submission (the server's answer, or a try the browser refused), not while typing.
  const [attempts, setAttempts] = useState(0)
  const [form, fields] = useForm({
    id: formId,
    lastResult,
    constraint: getZodConstraint(commentSchema),
    shouldValidate: 'onBlur',
    shouldRevalidate: 'onInput',
    defaultValue: editing
      ? {
          position: editing.position ?? undefined,
          text: editing.text,
          proposedText: editing.proposedText ?? '',
          concerns: editing.concerns,
          consent: editing.consent,
          language: editing.language ?? '',
        }
      : { language: '' },
    onValidate: ({ formData }) => parseWithZod(formData, { schema: commentSchema }),
  })
  const formProps = getFormProps(form)
  // A new identity for each submission and each answer from the server: the summary takes focus again.
  const focusKey = useMemo(() => ({ attempts, lastResult }), [attempts, lastResult])
  const Heading = `h${level}` as const
  const countId = `${formId}-count`
  const textHintId = `${formId}-text-hint`
  const proposedHintId = `${formId}-proposedText-hint`
  const showProposed = !hydrated || fields.position.value === 'amend' || Boolean(fields.proposedText.value)
  const submitted = editing?.status === 'submitted'
  const { key: textKey, ...textProps } = getTextareaProps(fields.text, { ariaDescribedBy: `${textHintId} ${countId}` })
  const { key: proposedKey, ...proposedProps } = getTextareaProps(fields.proposedText, { ariaDescribedBy: proposedHintId })
  const { key: languageKey, ...languageProps } = getSelectProps(fields.language, {
    ariaDescribedBy: fields.language.descriptionId,
  })
  return (
    <div className="comment-form" id={editing ? 'editing' : undefined}>
      <Heading id={`${formId}-title`}>
        {editing ? t('form.editTitle', { receipt: editing.receipt }) : t('form.newTitle', { subject })}
      </Heading>
      <Form
        method="post"
        {...formProps}
        onSubmit={(event) => {
          // conform validates fields by submitting with its own intent button; only our buttons count.
          const submitter = (event.nativeEvent as SubmitEvent).submitter
          if (!submitter || submitter.getAttribute('name') === 'intent') setAttempts((count) => count + 1)
          formProps.onSubmit(event)
        }}
        aria-labelledby={`${formId}-title`}
        className="form"
      >
        <ErrorSummary
          id={`${formId}-errors`}
          title={t('form.errorTitle')}
          errors={
            attempts || lastResult ? summaryErrors(formId, form.allErrors, concerns.map((concern) => concern.key)) : []
          }
          ns="comments"
          focusKey={focusKey}
        />
        <input type="hidden" name="clause" value={formKey} />
        {editing ? <input type="hidden" name="commentId" value={editing.id} /> : null}
        {!editing && idempotencyKey ? <input type="hidden" name="idempotencyKey" value={idempotencyKey} /> : null}

        <fieldset className="fieldset" aria-describedby={`${formId}-position-hint`}>
          <legend>{t('form.position')}</legend>
          <p id={`${formId}-position-hint`} className="field__hint">
            {t('form.positionHint')}
          </p>
          <div className="choices">
            {getCollectionProps(fields.position, { type: 'radio', options: [...POSITIONS] }).map(({ key, ...props }) => (
              <label key={key} htmlFor={props.id} className="choice">
                <input {...props} />
                <span>{t(`positions.${props.value}`)}</span>
              </label>
            ))}
          </div>
          <ErrorList id={fields.position.errorId} errors={fields.position.errors} ns="comments" />
        </fieldset>

        <div className="field">
          <label htmlFor={fields.text.id}>{t('form.text')}</label>
          <p id={textHintId} className="field__hint">
            {t('form.textHint', { max: maxText })}
          </p>
          <textarea key={textKey} {...textProps} rows={7} />
          <CharacterCount id={countId} textareaId={fields.text.id} max={COMMENT_MAX} />
          <ErrorList id={fields.text.errorId} errors={fields.text.errors} ns="comments" />
        </div>

        <div className="field" hidden={!showProposed}>
          <label htmlFor={fields.proposedText.id}>{t('form.proposed')}</label>
          <p id={proposedHintId} className="field__hint">
            {hydrated ? t('form.proposedHint', { max: maxProposed }) : t('form.proposedHintNoScript', { max: maxProposed })}
          </p>
          <textarea key={proposedKey} {...proposedProps} rows={4} />
          <ErrorList id={fields.proposedText.errorId} errors={fields.proposedText.errors} ns="comments" />
        </div>

        {concerns.length ? (
          <fieldset className="fieldset" aria-describedby={`${formId}-concerns-hint`}>
            <legend>{t('form.concerns')}</legend>
            <p id={`${formId}-concerns-hint`} className="field__hint">
              {t('form.concernsHint')}
            </p>
            <div className="choices choices--grid">
              {getCollectionProps(fields.concerns, {
                type: 'checkbox',
                options: concerns.map((concern) => concern.key),
              }).map(({ key, ...props }) => (
                <label key={key} htmlFor={props.id} className="choice">
                  <input {...props} />
                  <span>{concerns.find((concern) => concern.key === props.value)?.label ?? props.value}</span>
                </label>
              ))}
            </div>
            <ErrorList id={fields.concerns.errorId} errors={fields.concerns.errors} ns="comments" />
          </fieldset>
        ) : null}

        <fieldset className="fieldset">
          <legend>{t('form.consent')}</legend>
          <div className="choices choices--stacked">
            {getCollectionProps(fields.consent, { type: 'radio', options: ['named', 'anonymous', 'private'] }).map(
              ({ key, ...props }) => (
                <label key={key} htmlFor={props.id} className="choice choice--explained">
                  <input {...props} />
                  <span>
                    <strong>{t(`consent.${props.value}`)}</strong>
                    <span className="choice__explanation">{t(`consent.${props.value}Explained`)}</span>
                  </span>
                </label>
              ),
            )}
          </div>
          <ErrorList id={fields.consent.errorId} errors={fields.consent.errors} ns="comments" />
        </fieldset>

        <div className="field">
          <label htmlFor={fields.language.id}>{t('form.language')}</label>
          <p id={fields.language.descriptionId} className="field__hint">
            {t('form.languageHint')}
          </p>
          <select key={languageKey} {...languageProps}>
            <option value="">{t('form.languageAuto')}</option>
            {languages.map((option) => (
              <option key={option.value} value={option.value}>
                {option.label}
              </option>
            ))}
          </select>
          <ErrorList id={fields.language.errorId} errors={fields.language.errors} ns="comments" />
        </div>

        <div className="actions">
          {submitted ? null : (
            <button type="submit" name="intent" value="draft" className="button button--quiet" disabled={busy}>
              {t('form.saveDraft')}
            </button>
          )}
          <button type="submit" name="intent" value="submit" className="button" disabled={busy}>
            {submitted ? t('form.saveChanges') : t('form.submit')}
          </button>
          {editing ? <Link to={cancelHref}>{t('form.cancelEdit')}</Link> : null}
        </div>
      </Form>
    </div>
  )
}

/** What the participant typed when the server refused it: kept, so it can be copied elsewhere. */
function RefusedText({ result }: { result: SubmissionResult<string[]> }) {
  const { t } = useTranslation('comments')
  const initial = (result.initialValue ?? {}) as Record<string, unknown>
  const text = typeof initial.text === 'string' ? initial.text : ''
  const proposed = typeof initial.proposedText === 'string' ? initial.proposedText : ''
  const errors = [...(result.error?.[''] ?? []), ...Object.entries(result.error ?? {}).flatMap(([name, list]) => (name ? (list ?? []) : []))]
  return (
    <section className="card refused" aria-labelledby="refused-title">
      <ErrorSummary id="refused-errors" title={t('form.notSaved')} errors={errors.map((message) => ({ message }))} ns="comments" focusKey={result} />
      <h2 id="refused-title">{t('form.keptTitle')}</h2>
      <p>{t('form.keptIntro')}</p>
      {text ? (
        <div className="field">
          <label htmlFor="refused-text">{t('form.text')}</label>
          <textarea id="refused-text" readOnly defaultValue={text} rows={6} dir="auto" />
        </div>
      ) : null}
      {proposed ? (
        <div className="field">
          <label htmlFor="refused-proposed">{t('form.proposed')}</label>
          <textarea id="refused-proposed" readOnly defaultValue={proposed} rows={4} dir="auto" />
        </div>
      ) : null}
    </section>
  )
}

function OwnCommentItem({
  comment,
  canEdit,
  canWithdraw,
  editing,
  languages,
  actionData,
}: {
  comment: OwnComment
  canEdit: boolean
  canWithdraw: boolean
  editing: boolean
  languages: Option[]
  actionData?: ActionData
}) {
  const { t } = useTranslation('comments')
  const busy = useNavigation().state === 'submitting'
  const withdrawError = actionData?.kind === 'withdraw' && actionData.commentId === comment.id ? actionData.error : null
  const languageError = actionData?.kind === 'language' && actionData.commentId === comment.id ? actionData.error : null
  const active = comment.status !== 'withdrawn'
  return (
    <li id={`c-${comment.id}`} className={`own-comment own-comment--${comment.status}`}>
      <p className="own-comment__meta">
        <span className={`badge badge--status badge--${comment.status}`}>{t(`status.${comment.status}`)}</span>{' '}
        <span>
          {t('own.receipt')} <code className="receipt">{comment.receipt}</code>
        </span>{' '}
        <span className="muted">
          {t('own.updated')} <DateTime value={comment.updated} />
        </span>
        {editing ? <span className="badge badge--warn"> {t('own.beingEdited')}</span> : null}
      </p>
      {comment.hidden ? (
        <p className="notice notice--warn">
          {comment.hiddenReason
            ? t('own.hidden', { reason: t(`hiddenReasons.${comment.hiddenReason}`) })
            : t('own.hiddenNoReason')}
        </p>
      ) : null}
      <dl className="facts facts--compact">
        <div>
          <dt>{t('own.position')}</dt>
          <dd>{comment.position ? t(`positions.${comment.position}`) : t('own.noPosition')}</dd>
        </div>
        <div>
          <dt>{t('own.publication')}</dt>
          <dd>{t(`consent.${comment.consent}`)}</dd>
        </div>
        <div>
          <dt>{t('own.language')}</dt>
          <dd>
            {comment.languageName ?? t('own.languageUnknown')}
            {comment.detectedLanguageName ? (
              <span className="muted"> {t('own.detected', { language: comment.detectedLanguageName })}</span>
            ) : (
              <span className="muted"> {t('own.notDetected')}</span>
            )}
          </dd>
        </div>
        {comment.concernLabels.length ? (
          <div>
            <dt>{t('own.concerns')}</dt>
            <dd>{comment.concernLabels.join(t('own.separator'))}</dd>
          </div>
        ) : null}
      </dl>
      <CommentText text={comment.text} language={comment.language} />
      {comment.proposedText ? (
        <div className="proposed">
          <p className="proposed__label">{t('form.proposed')}</p>
          <CommentText text={comment.proposedText} language={comment.language} />
        </div>
      ) : null}
      {active && (canEdit || canWithdraw) ? (
        <div className="own-comment__actions">
          {canEdit && !editing ? (
            <Link to={`?edit=${comment.id}#editing`} className="button button--small button--quiet">
              {t('own.edit')}
              <span className="visually-hidden"> {t('own.commentWithReceipt', { receipt: comment.receipt })}</span>
            </Link>
          ) : null}
          {canEdit ? (
            <Form method="post" className="inline-form language-form" id={`language-${comment.id}`}>
              <input type="hidden" name="commentId" value={comment.id} />
              <label htmlFor={`language-${comment.id}-select`}>{t('own.correctLanguage')}</label>
              <select
                id={`language-${comment.id}-select`}
                name="language"
                defaultValue={comment.language ?? ''}
                aria-invalid={languageError ? true : undefined}
                aria-describedby={languageError ? `language-${comment.id}-error` : undefined}
              >
                <option value="">{t('form.languageAuto')}</option>
                {languages.map((option) => (
                  <option key={option.value} value={option.value}>
                    {option.label}
                  </option>
                ))}
              </select>
              <button type="submit" name="intent" value="language" className="button button--small button--quiet" disabled={busy}>
                {t('own.setLanguage')}
              </button>
              <ErrorList id={`language-${comment.id}-error`} errors={languageError ? [languageError] : null} ns="comments" />
            </Form>
          ) : null}
          {canWithdraw ? (
            <Form method="post" className="inline-form withdraw-form" id={`withdraw-${comment.id}`}>
              <input type="hidden" name="commentId" value={comment.id} />
              <span className="checkbox">
                <input
                  type="checkbox"
                  id={`withdraw-${comment.id}-confirm`}
                  name="confirm"
                  value="yes"
                  required
                  aria-invalid={withdrawError ? true : undefined}
                  aria-describedby={withdrawError ? `withdraw-${comment.id}-error` : undefined}
                />
                <label htmlFor={`withdraw-${comment.id}-confirm`}>
                  {t('own.confirmWithdraw', { receipt: comment.receipt })}
                </label>
              </span>
              <button type="submit" name="intent" value="withdraw" className="button button--small button--danger" disabled={busy}>
                {t('own.withdraw')}
              </button>
              {withdrawError ? (
                // The summary takes focus after a refused withdrawal, with or without JavaScript.
                <ErrorSummary
                  id={`withdraw-${comment.id}-error`}
                  title={t('own.withdrawFailed')}
                  errors={[{ message: withdrawError, href: `#withdraw-${comment.id}-confirm` }]}
                  ns="comments"
                  focusKey={actionData}
                />
              ) : null}
            </Form>
          ) : null}
        </div>
      ) : null}
    </li>
  )
}

type SectionProps = {
  formKey: string
  subject: string
  clause?: ClauseView
  level: 2 | 3
  page: LoaderData
  actionData?: ActionData
  commentResult: Extract<ActionData, { kind: 'comment' }> | null
}

/** A clause (or the draft as a whole): its text, the participant's comments on it, and its form. */
function Section({ formKey, subject, clause, level, page, actionData, commentResult }: SectionProps) {
  const { t } = useTranslation('comments')
  const { own, editingId, refusal, round, languages, concerns, idempotencyKeys, sourceLanguageName, maxText, maxProposed } = page
  const mine = own.filter((comment) => comment.clauseKey === formKey)
  const editing = mine.find((comment) => comment.id === editingId)
  const Heading = `h${level}` as const
  const SubHeading = `h${level + 1}` as 'h3' | 'h4'
  return (
    <section id={`clause-${formKey}`} className="comment-section" aria-labelledby={`clause-${formKey}-title`}>
      <Heading id={`clause-${formKey}-title`}>{subject}</Heading>
      {clause ? <ClauseText clause={clause} sourceLanguageName={sourceLanguageName} /> : null}
      {mine.length ? (
        <>
          <SubHeading>{t('own.title', { count: mine.length })}</SubHeading>
          <ul className="own-comments">
            {mine.map((comment) => (
              <OwnCommentItem
                key={comment.id}
                comment={comment}
                canEdit={!refusal}
                canWithdraw={round.state === 'open'}
                editing={comment.id === editingId}
                languages={languages}
                actionData={actionData}
              />
            ))}
          </ul>
        </>
      ) : null}
      {refusal ? null : (
        <CommentForm
          // A new form (and a new key) after every save; the edited comment's own form when editing.
          key={editing ? `edit-${editing.id}` : `new-${idempotencyKeys[formKey] ?? ''}`}
          formKey={formKey}
          subject={subject}
          level={(level + 1) as 3 | 4}
          concerns={concerns}
          languages={languages}
          idempotencyKey={idempotencyKeys[formKey]}
          editing={editing}
          cancelHref={`/rounds/${round.id}/comment#c-${editing?.id ?? ''}`}
          lastResult={commentResult?.clause === formKey ? commentResult.result : undefined}
          maxText={maxText}
          maxProposed={maxProposed}
        />
      )}
    </section>
  )
}

export default function CommentPage() {
  const { t } = useTranslation(['comments', 'rounds'])
  const loaderData = useLoaderData<typeof loader>()
  const actionData = useActionData<typeof action>() as ActionData | undefined
  const { round, version, author, refusal, own, maxText } = loaderData
  const keys = new Set([WHOLE, ...version.clauses.map((clause) => String(clause.id))])
  const commentResult = actionData?.kind === 'comment' ? actionData : null
  // A submission for a clause that is not on this page has no form to show its errors: show them on top.
  const strayResult = commentResult && (!keys.has(commentResult.clause) || refusal) ? commentResult.result : null
  // Likewise for a withdrawal or a language correction of a comment that has no such form here.
  const ownAction = actionData && actionData.kind !== 'comment' ? actionData : null
  const target = ownAction ? own.find((comment) => comment.id === ownAction.commentId && comment.status !== 'withdrawn') : undefined
  const strayOwnError =
    ownAction &&
    (!target || (ownAction.kind === 'withdraw' ? round.state !== 'open' : Boolean(refusal)))
      ? ownAction.error
      : null

  return (
    <div className="page comment-page">
      <p className="breadcrumb">
        <Link to={`/rounds/${round.id}`} lang={round.titleLanguage}>
          {round.title}
        </Link>
      </p>
      <h1>{t('comment.title')}</h1>
      <p className="lead">
        <span lang={round.titleLanguage}>{round.title}</span>
        {t('comment.titleSeparator')}
        <span lang={version.titleLanguage}>{version.title}</span>
      </p>
      <dl className="facts">
        <div>
          <dt>{round.state === 'scheduled' ? t('rounds:dates.opens') : t('rounds:dates.closes')}</dt>
          <dd>
            {round.state === 'scheduled' ? (
              <DateTime value={round.opens} />
            ) : (
              <>
                <DateTime value={round.closes} />
                <span className="relative"> {t('rounds:dates.relative', { relative: round.closesRelative })}</span>
              </>
            )}
          </dd>
        </div>
        <div>
          <dt>{t('comment.youCommentAs')}</dt>
          <dd>{t('comment.author', { category: t(`common:categories.${author.category}`), country: author.country })}</dd>
        </div>
      </dl>

      {refusal ? (
        <div className="notice notice--block" role="status">
          <p>
            {refusal === 'closed'
              ? t('refusal.closed')
              : refusal === 'notOpenYet'
                ? t('refusal.notOpenYet', { date: round.opens.text })
                : t('refusal.ineligible', { category: t(`common:categories.${author.category}`), eligible: round.eligible })}
          </p>
          <p>
            <Link to={`/rounds/${round.id}/comments`}>{t('refusal.readPublic')}</Link>
          </p>
        </div>
      ) : (
        <div className="intro">
          <p>{t('comment.intro')}</p>
          <p>{t('comment.limit', { max: maxText })}</p>
        </div>
      )}

      {strayResult ? (
        refusal ? (
          <RefusedText result={strayResult} />
        ) : (
          <ErrorSummary
            id="page-errors"
            title={t('form.errorTitle')}
            errors={Object.values(strayResult.error ?? {}).flatMap((list) => (list ?? []).map((message) => ({ message })))}
            ns="comments"
            focusKey={strayResult}
          />
        )
      ) : null}
      {strayOwnError ? (
        <ErrorSummary
          id="page-errors"
          title={ownAction?.kind === 'withdraw' ? t('own.withdrawFailed') : t('form.errorTitle')}
          errors={[{ message: strayOwnError }]}
          ns="comments"
          focusKey={ownAction}
        />
      ) : null}

      {refusal && !own.length ? null : (
        <nav aria-labelledby="toc-title" className="toc">
          <h2 id="toc-title">{t('comment.contents')}</h2>
          <ul>
            <li>
              <a href={`#clause-${WHOLE}`}>{t('comment.whole')}</a>
              <OwnCount count={own.filter((comment) => comment.clauseKey === WHOLE).length} />
            </li>
            {version.clauses.map((clause) => (
              <li key={clause.id}>
                <a href={`#clause-${clause.id}`}>{t('rounds:draft.clause', { label: clause.label })}</a>
                <OwnCount count={own.filter((comment) => comment.clauseKey === String(clause.id)).length} />
              </li>
            ))}
          </ul>
        </nav>
      )}

      {refusal && !own.length ? null : (
        <>
          <Section
            formKey={WHOLE}
            subject={t('comment.whole')}
            level={2}
            page={loaderData}
            actionData={actionData}
            commentResult={commentResult}
          />
          {groupByHeading(version.clauses).map((group, index) => (
            <div key={index} className="clause-group">
              {group.heading ? (
                <h2 className="clause-group__heading" lang={group.headingLanguage}>
                  {group.heading}
                </h2>
              ) : null}
              {group.clauses.map((clause) => (
                <Section
                  key={clause.id}
                  formKey={String(clause.id)}
                  subject={t('rounds:draft.clause', { label: clause.label })}
                  clause={clause}
                  level={group.heading ? 3 : 2}
                  page={loaderData}
                  actionData={actionData}
                  commentResult={commentResult}
                />
              ))}
            </div>
          ))}
        </>
      )}
    </div>
  )
}

function OwnCount({ count }: { count: number }) {
  const { t } = useTranslation('comments')
  if (!count) return null
  return <span className="muted"> {t('comment.ownCount', { count })}</span>
}
