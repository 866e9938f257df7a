import { getFormProps, getSelectProps, getTextareaProps, useForm, type SubmissionResult } from '@conform-to/react'
import { getZodConstraint, parseWithZod } from '@conform-to/zod'
import type { ActionFunctionArgs, LinksFunction, LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData, useNavigate, useNavigation } from '@remix-run/react'
import { useEffect, type ReactNode } from 'react'
import { useTranslation } from 'react-i18next'
import { z } from 'zod'
import { CommentText } from '~/components/comment-text'
import { ConcernList } from '~/components/concern-tags'
import { DateTime, formatInstant } from '~/components/date-time'
import { ErrorList, FormErrors } from '~/components/forms'
import { languageName } from '~/modules/comments/languages'
import { confirmConcerns, suggestedKeys } from '~/modules/concerns/concerns.server'
import { getFixedT } from '~/modules/i18n/i18n.server'
import { scoreFormatter, shownConcern, toQueueFilters } from '~/modules/moderation/labels.server'
import { getReviewItem, hideComment, neighbours, restoreComment, type ModerationError } from '~/modules/moderation/moderation.server'
import {
  concernsSchema,
  cursorParam,
  HIDE_REASONS,
  hideSchema,
  NOTE_MAX,
  queueSearch,
  readIntent,
  readQueueFilters,
  readReviewPosition,
  RESTORE_REASONS,
  restoreSchema,
  REVIEW_POSITION,
  type ReviewAction,
} from '~/modules/moderation/queue.schema'
import { readId } from '~/modules/norms/forms.server'
import { countryName } from '~/modules/regions/regions'
import { concernLabel, getRound, listConcerns } from '~/modules/rounds/rounds.server'
import cssHref from '~/styles/moderation-queue.css'
import { requireRole } from '~/utils/auth.server'
import { db } from '~/utils/db.server'
import { redirectWithFlash } from '~/utils/flash.server'
import { badRequest, invariantResponse, readFormData } from '~/utils/http.server'

export const handle = { i18n: ['moderation', 'regions'] }

export const links: LinksFunction = () => [{ rel: 'stylesheet', href: cssHref }]

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data?.title ?? 'Concord' }]

/**
 * The round, the comment, the queue's filters and the comment's place in the queue when it was
 * opened, of a request; 404 for ids that are not the round's, 400 for tampered filters.
 */
function readRequest(request: Request, params: LoaderFunctionArgs['params']) {
  const roundId = readId(params.roundId)
  const commentId = readId(params.commentId)
  invariantResponse(roundId)
  invariantResponse(commentId)
  const searchParams = new URL(request.url).searchParams
  const { raw, parsed } = readQueueFilters(searchParams)
  if (!parsed.success) throw new Response('Bad request', { status: 400 })
  const { after: _after, ...chosen } = parsed.data
  return { roundId, commentId, raw, filters: toQueueFilters(chosen), search: queueSearch(raw), from: readReviewPosition(searchParams) }
}

const queuePathOf = (roundId: number) => `/moderate/rounds/${roundId}/queue`

/** A comment's review URL under the filters, with its place in the queue so previous and next go on from there. */
function reviewHref(roundId: number, raw: Record<string, string | undefined>, cursor: { rank: number; at: number; id: number }) {
  return `${queuePathOf(roundId)}/${cursor.id}${queueSearch(raw, { [REVIEW_POSITION]: cursorParam(cursor) })}`
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  await requireRole(request, 'moderator')
  const { roundId, commentId, raw, filters, search, from } = readRequest(request, params)
  const { t, language } = await getFixedT(request, 'moderation')
  const round = getRound(db, roundId, language)
  invariantResponse(round)
  const item = getReviewItem(db, roundId, commentId)
  invariantResponse(item)
  const around = neighbours(db, roundId, commentId, filters, from)
  invariantResponse(around.position)
  const score = scoreFormatter(language)
  const shown = (tags: typeof item.concerns.author) => tags.map((tag) => shownConcern(tag, language, score))
  const queuePath = queuePathOf(roundId)
  const moderatorKeys = item.concerns.moderator.map((tag) => tag.key)
  const proposedKeys = item.reviewState === 'reviewed' ? moderatorKeys : [...item.concerns.author, ...item.concerns.suggested].map((tag) => tag.key)
  const suggestedBy = new Map(item.concerns.suggested.map((tag) => [tag.key, tag.score]))
  const authorKeys = new Set(item.concerns.author.map((tag) => tag.key))
  return {
    title: `${t('review.title', { id: item.id })} · ${round.title} · Concord`,
    language,
    // The forms post back to this comment's URL, its place in the queue included.
    formAction: reviewHref(roundId, raw, around.position),
    queueHref: `${queuePath}${search}#queue-title`,
    previousHref: around.previous ? reviewHref(roundId, raw, around.previous) : null,
    nextHref: around.next ? reviewHref(roundId, raw, around.next) : null,
    comment: {
      id: item.id,
      clauseLabel: item.clauseLabel,
      position: item.position,
      text: item.text,
      proposedText: item.proposedText,
      language: item.language,
      languageName: item.language ? languageName(item.language, language) : null,
      detectedLanguageName:
        item.detectedLanguage && item.detectedLanguage !== item.language ? languageName(item.detectedLanguage, language) : null,
      consent: item.consent,
      imported: item.imported,
      externalId: item.externalId,
      category: item.category,
      organizationName: item.organizationName,
      authorName: item.authorName,
      country: item.countryCode ? countryName(item.countryCode, language) : null,
      regionCode: item.regionCode,
      subregionCode: item.subregionCode,
      moderation: item.moderation,
      hiddenReason: item.hiddenReason,
      hiddenNote: item.hiddenNote,
      state: item.state,
      submitted: formatInstant(item.submittedAt, language, round.timeZone, 'short'),
      group: item.group,
      representativeHref:
        item.group?.representativeId && item.group.representativeId !== item.id
          ? `${queuePath}/${item.group.representativeId}${search}`
          : null,
      author: shown(item.concerns.author),
      suggested: shown(item.concerns.suggested),
      moderator: shown(item.concerns.moderator),
      history: item.history.map((revision) => ({
        revision: revision.revision,
        status: revision.status,
        position: revision.position,
        text: revision.text,
        proposedText: revision.proposedText,
        language: revision.declaredLanguage,
        saved: formatInstant(revision.createdAt, language, round.timeZone, 'short'),
      })),
    },
    choices: listConcerns(db, roundId).map((concern) => {
      const lang = concern.labels[language] ? undefined : concern.labels.en ? 'en' : undefined
      const suggestion = suggestedBy.get(concern.key)
      return {
        key: concern.key,
        label: concernLabel(concern.labels, language, concern.key),
        lang,
        checked: proposedKeys.includes(concern.key),
        author: authorKeys.has(concern.key),
        suggested: suggestion === undefined ? null : suggestion === null ? '' : score(suggestion),
        decided: moderatorKeys.includes(concern.key),
      }
    }),
  }
}

type ActionData = { form: ReviewAction | 'intent'; result: SubmissionResult<string[]> }

const emptySchema = z.object({})

const MODERATION_ERRORS: Record<Exclude<ModerationError, 'commentUnknown'>, { field?: 'reason' | 'note'; message: string }> = {
  reasonInvalid: { field: 'reason', message: 'errors.reasonInvalid' },
  noteTooLong: { field: 'note', message: 'errors.noteTooLong' },
  alreadyHidden: { message: 'errors.alreadyHidden' },
  notHidden: { message: 'errors.notHidden' },
}

export async function action({ request, params }: ActionFunctionArgs) {
  const user = await requireRole(request, 'moderator')
  const { roundId, commentId, raw, filters, search, from } = readRequest(request, params)
  invariantResponse(getReviewItem(db, roundId, commentId))
  const formData = await readFormData(request)
  const intent = readIntent(formData.get('intent'))
  if (!intent) {
    const submission = parseWithZod(formData, { schema: emptySchema })
    return badRequest<ActionData>({ form: 'intent', result: submission.reply({ formErrors: ['errors.intent'] }) })
  }
  // Where the comment stood before the act changes its place: "save" stays there, so that next and
  // previous still go on from it, and "save and next" goes to the comment that followed it.
  const around = neighbours(db, roundId, commentId, filters, from)
  invariantResponse(around.position)
  const position = around.position
  const done = (key: string) => {
    const values = { id: commentId }
    if (!intent.next) return redirectWithFlash(reviewHref(roundId, raw, position), { key: `moderation:flash.${key}`, values })
    if (around.next) return redirectWithFlash(reviewHref(roundId, raw, around.next), { key: `moderation:flash.${key}`, values })
    return redirectWithFlash(`${queuePathOf(roundId)}${search}`, { key: `moderation:flash.${key}Last`, values })
  }

  switch (intent.action) {
    case 'confirm': {
      const submission = parseWithZod(formData, { schema: emptySchema })
      const keys = suggestedKeys(db, roundId, [commentId]).get(commentId) ?? []
      if (!keys.length) return badRequest<ActionData>({ form: 'confirm', result: submission.reply({ formErrors: ['errors.noSuggestions'] }) })
      const confirmed = confirmConcerns(db, { roundId, keysByComment: new Map([[commentId, keys]]), actorId: user.id })
      invariantResponse(confirmed.ok || confirmed.error !== 'commentUnknown')
      if (!confirmed.ok) return badRequest<ActionData>({ form: 'confirm', result: submission.reply({ formErrors: ['errors.concernUnknown'] }) })
      return done('confirmed')
    }
    case 'concerns': {
      const submission = parseWithZod(formData, { schema: concernsSchema })
      if (submission.status !== 'success') return badRequest<ActionData>({ form: 'concerns', result: submission.reply() })
      const saved = confirmConcerns(db, { roundId, keysByComment: new Map([[commentId, submission.value.concern]]), actorId: user.id })
      invariantResponse(saved.ok || saved.error !== 'commentUnknown')
      if (!saved.ok) return badRequest<ActionData>({ form: 'concerns', result: submission.reply({ formErrors: ['errors.concernUnknown'] }) })
      return done('concernsSaved')
    }
    case 'hide':
    case 'restore': {
      const hiding = intent.action === 'hide'
      const submission = parseWithZod(formData, { schema: hiding ? hideSchema : restoreSchema })
      if (submission.status !== 'success') return badRequest<ActionData>({ form: intent.action, result: submission.reply() })
      const act = { roundId, commentId, reason: submission.value.reason, note: submission.value.note, actorId: user.id }
      const result = hiding ? hideComment(db, act) : restoreComment(db, act)
      if (!result.ok) {
        if (result.error === 'commentUnknown') throw new Response('Not found', { status: 404 })
        const { field, message } = MODERATION_ERRORS[result.error]
        const reply = field ? submission.reply({ fieldErrors: { [field]: [message] } }) : submission.reply({ formErrors: [message] })
        return badRequest<ActionData>({ form: intent.action, result: reply })
      }
      return done(hiding ? 'hidden' : 'restored')
    }
  }
}

export default function ReviewRoute() {
  const { comment } = useLoaderData<typeof loader>()
  // A new comment is a new page: its forms start afresh.
  return <Review key={comment.id} />
}

type Loaded = ReturnType<typeof useLoaderData<typeof loader>>

function Section({ id, title, children, className }: { id: string; title: string; children: ReactNode; className?: string }) {
  return (
    <section aria-labelledby={id} className={className ? `card ${className}` : 'card'}>
      <h2 id={id}>{title}</h2>
      {children}
    </section>
  )
}

function isTyping(target: EventTarget | null) {
  if (!(target instanceof HTMLElement)) return false
  return target.isContentEditable || ['INPUT', 'SELECT', 'TEXTAREA'].includes(target.tagName)
}

/**
 * Keyboard shortcuts, a progressive enhancement: every action is also an ordinary link or button.
 * Keys typed into a form field are the field's; with Ctrl, Alt or Meta they are the browser's. On a
 * keyboard without Latin letters the key in the same place counts (event.code).
 */
function useShortcuts({ previousHref, nextHref, queueHref }: { previousHref: string | null; nextHref: string | null; queueHref: string }) {
  const navigate = useNavigate()
  useEffect(() => {
    function onKeyDown(event: KeyboardEvent) {
      if (event.defaultPrevented || event.ctrlKey || event.altKey || event.metaKey || isTyping(event.target)) return
      const key = /^[a-z]$/.test(event.key) ? event.key : event.code.startsWith('Key') && !event.shiftKey ? event.code.slice(3).toLowerCase() : null
      if (!key) return
      const focus = (selector: string) => {
        const element = document.querySelector<HTMLElement>(selector)
        if (!element) return false
        element.focus()
        element.scrollIntoView({ block: 'center' })
        return true
      }
      let handled = false
      if ((key === 'j' || key === 'n') && nextHref) {
        navigate(nextHref)
        handled = true
      } else if ((key === 'k' || key === 'p') && previousHref) {
        navigate(previousHref)
        handled = true
      } else if (key === 'q') {
        navigate(queueHref)
        handled = true
      } else if (key === 'c') {
        const button = document.getElementById('confirm-suggestions')
        if (button instanceof HTMLButtonElement && !button.disabled) {
          button.click()
          handled = true
        }
      } else if (key === 'h') {
        handled = focus('#hide-reason') || focus('#restore-reason')
      } else if (key === 'e') {
        handled = focus('#concerns-form input[type="checkbox"]')
      }
      if (handled) event.preventDefault()
    }
    document.addEventListener('keydown', onKeyDown)
    return () => document.removeEventListener('keydown', onKeyDown)
  }, [navigate, nextHref, previousHref, queueHref])
}

function Review() {
  const { t } = useTranslation(['moderation', 'regions'])
  const data = useLoaderData<typeof loader>()
  const { comment, previousHref, nextHref, queueHref, formAction, choices } = data
  const actionData = useActionData<ActionData>()
  const busy = useNavigation().state !== 'idle'
  useShortcuts({ previousHref, nextHref, queueHref })
  const resultFor = (form: ActionData['form']) => (actionData?.form === form ? actionData.result : undefined)
  const shownForms: ActionData['form'][] = ['concerns', comment.moderation === 'visible' ? 'hide' : 'restore']
  if (comment.suggested.length) shownForms.push('confirm')

  return (
    <article className="review-page" aria-labelledby="review-title">
      <h1 id="review-title">{t('review.title', { id: comment.id })}</h1>
      <nav aria-label={t('review.navigation')} className="review-nav">
        <ul>
          <li>
            {previousHref ? (
              <Link to={previousHref} rel="prev" aria-keyshortcuts="K P">
                {t('review.previous')}
              </Link>
            ) : (
              <span className="muted">{t('review.noPrevious')}</span>
            )}
          </li>
          <li>
            <Link to={queueHref} aria-keyshortcuts="Q">
              {t('review.backToQueue')}
            </Link>
          </li>
          <li>
            {nextHref ? (
              <Link to={nextHref} rel="next" aria-keyshortcuts="J N">
                {t('review.next')}
              </Link>
            ) : (
              <span className="muted">{t('review.noNext')}</span>
            )}
          </li>
        </ul>
      </nav>
      {/* A refused action whose form is not on the page (any more): its errors show here. */}
      {actionData && !shownForms.includes(actionData.form) ? (
        <FormErrors errors={Object.values(actionData.result.error ?? {}).flatMap((messages) => messages ?? [])} ns="moderation" />
      ) : null}

      <p className="review-state">
        <span className="muted">{t('review.state')}</span>{' '}
        <span className={`badge ${comment.state === 'hidden' ? 'badge--danger' : comment.state === 'confirmed' ? 'badge--ok' : 'badge--warn'}`}>
          {t(`states.${comment.state}`)}
        </span>
        {comment.hiddenReason ? <span> {t('review.hiddenFor', { reason: t(`reasons.hide.${comment.hiddenReason}`) })}</span> : null}
      </p>

      <div className="review-layout">
        <div className="review-layout__main">
          <Section id="comment-heading" title={t('review.comment')}>
            <dl className="facts facts--compact">
              <div>
                <dt>{t('review.clause')}</dt>
                <dd>{comment.clauseLabel ? t('queue.clause', { label: comment.clauseLabel }) : t('queue.whole')}</dd>
              </div>
              <div>
                <dt>{t('review.position')}</dt>
                <dd>{comment.position ? t(`positions.${comment.position}`) : '—'}</dd>
              </div>
              <div>
                <dt>{t('review.language')}</dt>
                <dd>
                  {comment.languageName ?? '—'}
                  {comment.detectedLanguageName ? (
                    <span className="muted"> {t('review.detected', { language: comment.detectedLanguageName })}</span>
                  ) : null}
                </dd>
              </div>
              <div>
                <dt>{t('review.submitted')}</dt>
                <dd>
                  <DateTime value={comment.submitted} />
                </dd>
              </div>
            </dl>
            <h3>{t('review.text')}</h3>
            <CommentText text={comment.text} language={comment.language} className="review-text" />
            {comment.proposedText ? (
              <>
                <h3>{t('review.proposed')}</h3>
                <CommentText text={comment.proposedText} language={comment.language} className="review-text" />
              </>
            ) : null}
          </Section>

          <Section id="author-heading" title={t('review.author')}>
            <dl className="facts facts--compact">
              <div>
                <dt>{t('review.category')}</dt>
                <dd>{t(`common:categories.${comment.category}`)}</dd>
              </div>
              <div>
                <dt>{t('review.organization')}</dt>
                <dd>
                  {comment.organizationName ? (
                    <span dir="auto" lang="">
                      {comment.organizationName}
                    </span>
                  ) : (
                    '—'
                  )}
                </dd>
              </div>
              <div>
                <dt>{t('review.country')}</dt>
                <dd>
                  {comment.country ?? '—'}
                  {comment.regionCode ? <span className="muted"> · {t(`regions:areas.${comment.regionCode}`)}</span> : null}
                  {comment.subregionCode ? <span className="muted"> · {t(`regions:areas.${comment.subregionCode}`)}</span> : null}
                </dd>
              </div>
              <div>
                <dt>{t('review.publication')}</dt>
                <dd>
                  {t(`consents.${comment.consent}`)}
                  {comment.authorName ? (
                    <>
                      {' · '}
                      <span dir="auto" lang="">
                        {comment.authorName}
                      </span>
                    </>
                  ) : null}
                </dd>
              </div>
              {comment.imported ? (
                <div>
                  <dt>{t('review.imported')}</dt>
                  <dd>{comment.externalId ? t('review.externalId', { id: comment.externalId }) : t('review.yes')}</dd>
                </div>
              ) : null}
            </dl>
          </Section>

          <Section id="concerns-heading" title={t('review.concerns')}>
            <h3>{t('review.authorConcerns')}</h3>
            <ConcernList concerns={comment.author} empty={t('review.noAuthorConcerns')} />
            <h3>{t('review.suggestedConcerns')}</h3>
            <p className="field__hint">{t('review.suggestedHint')}</p>
            <ConcernList concerns={comment.suggested} empty={t('queue.noSuggestion')} suggested />
            <h3>{t('review.moderatorConcerns')}</h3>
            <ConcernList
              concerns={comment.moderator}
              empty={comment.state === 'confirmed' || comment.moderator.length ? t('queue.noConcern') : t('review.noDecision')}
            />
          </Section>

          <Section id="group-heading" title={t('review.group')}>
            {comment.group ? (
              <p>
                {comment.group.campaign
                  ? t('queue.campaign', { id: comment.group.id, count: comment.group.size })
                  : t('queue.group', { id: comment.group.id, count: comment.group.size })}{' '}
                <span className="muted">
                  {t(`review.groupKind.${comment.group.kind}`)} · {comment.group.confirmed ? t('review.groupConfirmed') : t('review.groupUnconfirmed')}
                </span>
                {comment.representativeHref ? (
                  <>
                    {' · '}
                    <Link to={comment.representativeHref}>{t('review.representative', { id: comment.group.representativeId })}</Link>
                  </>
                ) : null}
              </p>
            ) : (
              <p className="muted">{t('review.noGroup')}</p>
            )}
          </Section>

          <Section id="history-heading" title={t('review.history')}>
            <ol className="revision-list">
              {comment.history.map((revision) => (
                <li key={revision.revision}>
                  <details>
                    <summary>
                      {t('review.revision', { number: revision.revision })} · {t(`statuses.${revision.status}`)} ·{' '}
                      <DateTime value={revision.saved} />
                    </summary>
                    <p className="muted">{revision.position ? t(`positions.${revision.position}`) : '—'}</p>
                    <CommentText text={revision.text} language={revision.language} />
                    {revision.proposedText ? (
                      <>
                        <p className="proposed-label">{t('review.proposed')}</p>
                        <CommentText text={revision.proposedText} language={revision.language} />
                      </>
                    ) : null}
                  </details>
                </li>
              ))}
            </ol>
          </Section>
        </div>

        <div className="review-layout__side">
          <Section id="decide-heading" title={t('review.decide')} className="review-decide">
            <ConfirmForm action={formAction} canConfirm={comment.suggested.length > 0} busy={busy} result={resultFor('confirm')} />
            <ConcernsForm action={formAction} choices={choices} busy={busy} result={resultFor('concerns')} />
            {comment.moderation === 'visible' ? (
              <ModerationForm kind="hide" action={formAction} busy={busy} result={resultFor('hide')} />
            ) : (
              <ModerationForm kind="restore" action={formAction} busy={busy} result={resultFor('restore')} hiddenNote={comment.hiddenNote} />
            )}
          </Section>
          <Shortcuts />
        </div>
      </div>
    </article>
  )
}

function SaveButtons({ intent, label, nextLabel, busy, id }: { intent: ReviewAction; label: string; nextLabel: string; busy: boolean; id?: string }) {
  return (
    <div className="actions">
      <button type="submit" name="intent" value={intent} className="button" disabled={busy} id={id} aria-keyshortcuts={id === 'confirm-suggestions' ? 'C' : undefined}>
        {label}
      </button>
      <button type="submit" name="intent" value={`${intent}-next`} className="button button--quiet" disabled={busy}>
        {nextLabel}
      </button>
    </div>
  )
}

function ConfirmForm({ action, canConfirm, busy, result }: { action: string; canConfirm: boolean; busy: boolean; result?: SubmissionResult<string[]> }) {
  const { t } = useTranslation('moderation')
  return (
    <section aria-labelledby="confirm-heading" className="decide-block">
      <h3 id="confirm-heading">{t('review.confirmTitle')}</h3>
      {canConfirm ? (
        <Form method="post" action={action} className="form">
          <p className="field__hint">{t('review.confirmHint')}</p>
          <FormErrors errors={result?.error?.[''] ?? null} ns="moderation" />
          <SaveButtons intent="confirm" label={t('review.confirm')} nextLabel={t('review.confirmNext')} busy={busy} id="confirm-suggestions" />
        </Form>
      ) : (
        <p className="muted">{t('review.nothingToConfirm')}</p>
      )}
    </section>
  )
}

function ConcernsForm({
  action,
  choices,
  busy,
  result,
}: {
  action: string
  choices: Loaded['choices']
  busy: boolean
  result?: SubmissionResult<string[]>
}) {
  const { t } = useTranslation('moderation')
  const [form, fields] = useForm({
    id: 'concerns-form',
    lastResult: result,
    constraint: getZodConstraint(concernsSchema),
    onValidate: ({ formData }) => parseWithZod(formData, { schema: concernsSchema }),
  })
  return (
    <section aria-labelledby="concerns-form-heading" className="decide-block">
      <h3 id="concerns-form-heading">{t('review.changeTitle')}</h3>
      <Form method="post" action={action} {...getFormProps(form)} className="form">
        <FormErrors errors={form.errors} ns="moderation" />
        <fieldset className="fieldset" aria-describedby="concerns-form-hint">
          <legend>{t('review.concernsLegend')}</legend>
          <p id="concerns-form-hint" className="field__hint">
            {t('review.concernsHint')}
          </p>
          <ul className="concern-choices">
            {choices.map((choice) => {
              const id = `concern-${choice.key}`
              const notes = [
                choice.author ? t('review.byAuthor') : null,
                choice.suggested !== null ? (choice.suggested ? t('review.suggestedScore', { score: choice.suggested }) : t('review.suggestedNoScore')) : null,
                choice.decided ? t('review.decided') : null,
              ].filter(Boolean)
              return (
                <li key={choice.key}>
                  <input
                    type="checkbox"
                    id={id}
                    name={fields.concern.name}
                    value={choice.key}
                    defaultChecked={choice.checked}
                  />{' '}
                  <label htmlFor={id}>
                    <span lang={choice.lang}>{choice.label}</span>
                    {notes.length ? <span className="muted concern-choices__note"> ({notes.join(' · ')})</span> : null}
                  </label>
                </li>
              )
            })}
          </ul>
          <ErrorList id={fields.concern.errorId} errors={fields.concern.errors} ns="moderation" />
        </fieldset>
        <SaveButtons intent="concerns" label={t('review.save')} nextLabel={t('review.saveNext')} busy={busy} />
      </Form>
    </section>
  )
}

function ModerationForm({
  kind,
  action,
  busy,
  result,
  hiddenNote,
}: {
  kind: 'hide' | 'restore'
  action: string
  busy: boolean
  result?: SubmissionResult<string[]>
  hiddenNote?: string | null
}) {
  const { t } = useTranslation('moderation')
  const schema = kind === 'hide' ? hideSchema : restoreSchema
  const [form, fields] = useForm({
    id: `${kind}-form`,
    lastResult: result,
    constraint: getZodConstraint(schema),
    shouldValidate: 'onSubmit',
    shouldRevalidate: 'onInput',
    onValidate: ({ formData }) => parseWithZod(formData, { schema }),
  })
  const reasons = kind === 'hide' ? HIDE_REASONS : RESTORE_REASONS
  const { key: reasonKey, ...reasonProps } = getSelectProps(fields.reason)
  const { key: noteKey, ...noteProps } = getTextareaProps(fields.note, { ariaDescribedBy: `${kind}-note-hint` })
  return (
    <section aria-labelledby={`${kind}-heading`} className="decide-block">
      <h3 id={`${kind}-heading`}>{kind === 'hide' ? t('review.hideTitle') : t('review.restoreTitle')}</h3>
      {kind === 'hide' ? (
        <p className="field__hint">{t('review.hideHint')}</p>
      ) : hiddenNote ? (
        <p>
          {t('review.hiddenNote')}{' '}
          <span dir="auto" lang="">
            {hiddenNote}
          </span>
        </p>
      ) : null}
      <Form method="post" action={action} {...getFormProps(form)} className="form">
        <FormErrors errors={form.errors} ns="moderation" />
        <div className="field">
          <label htmlFor={`${kind}-reason`}>{t('review.reason')}</label>
          <select key={reasonKey} {...reasonProps} id={`${kind}-reason`} aria-describedby={fields.reason.errors ? fields.reason.errorId : undefined}>
            <option value="">{t('review.chooseReason')}</option>
            {reasons.map((reason) => (
              <option key={reason} value={reason}>
                {t(`reasons.${kind}.${reason}`)}
              </option>
            ))}
          </select>
          <ErrorList id={fields.reason.errorId} errors={fields.reason.errors} ns="moderation" />
        </div>
        <div className="field">
          <label htmlFor={`${kind}-note`}>{t('review.note')}</label>
          <p id={`${kind}-note-hint`} className="field__hint">
            {kind === 'hide' ? t('review.hideNoteHint', { max: NOTE_MAX }) : t('review.restoreNoteHint', { max: NOTE_MAX })}
          </p>
          <textarea key={noteKey} {...noteProps} id={`${kind}-note`} rows={3} />
          <ErrorList id={fields.note.errorId} errors={fields.note.errors} ns="moderation" />
        </div>
        <SaveButtons
          intent={kind}
          label={kind === 'hide' ? t('review.hide') : t('review.restore')}
          nextLabel={kind === 'hide' ? t('review.hideNext') : t('review.restoreNext')}
          busy={busy}
        />
      </Form>
    </section>
  )
}

const SHORTCUTS = [
  { keys: ['J', 'N'], action: 'next' },
  { keys: ['K', 'P'], action: 'previous' },
  { keys: ['C'], action: 'confirm' },
  { keys: ['E'], action: 'concerns' },
  { keys: ['H'], action: 'hide' },
  { keys: ['Q'], action: 'queue' },
] as const

function Shortcuts() {
  const { t } = useTranslation('moderation')
  return (
    <Section id="shortcuts-heading" title={t('shortcuts.title')} className="shortcuts">
      <p className="field__hint">{t('shortcuts.intro')}</p>
      <dl className="shortcut-list">
        {SHORTCUTS.map((shortcut) => (
          <div key={shortcut.action}>
            <dt>
              {shortcut.keys.map((key, index) => (
                <span key={key}>
                  {index > 0 ? ` ${t('shortcuts.or')} ` : null}
                  <kbd>{key}</kbd>
                </span>
              ))}
            </dt>
            <dd>{t(`shortcuts.${shortcut.action}`)}</dd>
          </div>
        ))}
      </dl>
    </Section>
  )
}
