import {
  data,
  type ActionFunctionArgs,
  type LinksFunction,
  type LoaderFunctionArgs,
  type MetaFunction,
} from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData, useNavigation } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { z } from 'zod'
import { CommentText } from '~/components/comment-text'
import { GeneralErrorBoundary } from '~/components/error-boundary'
import { ErrorSummary } from '~/components/error-summary'
import { languageName } from '~/modules/comments/languages'
import { getFixedT } from '~/modules/i18n/i18n.server'
import {
  CAMPAIGN_THRESHOLD_MAX,
  CAMPAIGN_THRESHOLD_MIN,
  confirmGroup,
  duplicatesOverview,
  formatGroupCursor,
  getDuplicateGroup,
  GROUP_MEMBERS_SHOWN,
  listDuplicateGroups,
  listGroupChoices,
  mergeGroups,
  parseGroupCursor,
  setCampaignThreshold,
  splitGroup,
} from '~/modules/moderation/duplicates.server'
import { formErrorMap } from '~/modules/norms/forms'
import { readId } from '~/modules/norms/forms.server'
import { countryName } from '~/modules/regions/regions'
import cssHref from '~/styles/dispositions.css'
import { requireRole } from '~/utils/auth.server'
import { db } from '~/utils/db.server'
import { redirectWithFlash } from '~/utils/flash.server'
import { badRequest, invariantResponse, readFormData } from '~/utils/http.server'

export const handle = { i18n: ['dispositions'] }

export const links: LinksFunction = () => [{ rel: 'stylesheet', href: cssHref }]

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data?.title ?? 'Concord' }]

/** The longest note a moderator may leave in the audit log with an act. */
const NOTE_MAX = 500

function pageUrl(roundId: number, after: string | null) {
  return `/moderate/rounds/${roundId}/duplicates${after ? `?after=${encodeURIComponent(after)}` : ''}`
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  await requireRole(request, 'moderator')
  const roundId = readId(params.roundId)
  invariantResponse(roundId, 'Not found')
  const overview = duplicatesOverview(db, roundId)
  invariantResponse(overview, 'Not found')
  const { t, language } = await getFixedT(request, 'dispositions')
  const requested = new URL(request.url).searchParams.get('after')
  const cursor = parseGroupCursor(requested)
  const cursorInvalid = requested !== null && cursor === null
  const page = listDuplicateGroups(db, roundId, cursor)
  const body = {
    title: `${t('duplicates.title')} · Concord`,
    roundId,
    language,
    overview,
    limits: { min: CAMPAIGN_THRESHOLD_MIN, max: CAMPAIGN_THRESHOLD_MAX },
    cursorInvalid,
    groups: page.groups.map((group) => ({
      ...group,
      members: group.members.map((member) => ({
        ...member,
        country: member.countryCode ? countryName(member.countryCode, language) : null,
        languageName: member.language ? languageName(member.language, language) : null,
      })),
    })),
    choices: listGroupChoices(db, roundId),
    nextHref: page.next ? pageUrl(roundId, formatGroupCursor(page.next)) : null,
    firstHref: cursor ? pageUrl(roundId, null) : null,
  }
  return cursorInvalid ? data(body, { status: 400 }) : body
}

/** Built on demand: the schema uses values of a server module, which the browser bundle does not have. */
function actionSchema() {
  const groupId = z
    .string()
    .regex(/^[1-9]\d{0,11}$/, 'errors.groupUnknown')
    .transform(Number)
  const note = z.string().trim().max(NOTE_MAX, 'errors.noteTooLong')
  return z.discriminatedUnion('intent', [
    z.object({
      intent: z.literal('threshold'),
      threshold: z
        .string()
        .trim()
        .min(1, 'errors.thresholdRequired')
        .pipe(
          z
            .string()
            .regex(/^\d{1,9}$/, 'errors.thresholdInvalid')
            .transform(Number)
            .refine(
              (value) => value >= CAMPAIGN_THRESHOLD_MIN && value <= CAMPAIGN_THRESHOLD_MAX,
              'errors.thresholdInvalid',
            ),
        ),
      note,
    }),
    z.object({ intent: z.literal('confirm'), groupId, note }),
    z.object({
      intent: z.literal('split'),
      groupId,
      members: z
        .array(
          z
            .string()
            .regex(/^[1-9]\d{0,11}$/, 'errors.membersUnknown')
            .transform(Number),
        )
        .min(1, 'errors.membersRequired')
        .max(GROUP_MEMBERS_SHOWN, 'errors.membersUnknown'),
      note,
    }),
    z.object({
      intent: z.literal('merge'),
      groupId,
      otherGroupId: z
        .string()
        .min(1, 'errors.otherGroupRequired')
        .pipe(
          z
            .string()
            .regex(/^[1-9]\d{0,11}$/, 'errors.otherGroupUnknown')
            .transform(Number),
        ),
      note,
    }),
  ])
}

type Values = { threshold?: string; note?: string; members?: string[]; otherGroupId?: string }
type ActionError = { intent: string; groupId: number | null; errors: string[]; values: Values }

export async function action({ request, params }: ActionFunctionArgs) {
  const user = await requireRole(request, 'moderator')
  const roundId = readId(params.roundId)
  invariantResponse(roundId, 'Not found')
  const formData = await readFormData(request)
  const text = (name: string) => {
    const value = formData.get(name)
    return typeof value === 'string' ? value : ''
  }
  const values: Values = {
    threshold: text('threshold'),
    note: text('note'),
    members: formData.getAll('members').filter((value): value is string => typeof value === 'string'),
    otherGroupId: text('otherGroupId'),
  }
  const intent = text('intent')
  const fail = (errors: string[], group: number | null = readId(text('groupId'))) =>
    badRequest<ActionError>({ intent, groupId: group, errors, values })

  if (!['threshold', 'confirm', 'split', 'merge'].includes(intent)) return fail(['errors.intentInvalid'], null)
  const parsed = actionSchema().safeParse(
    {
      intent,
      groupId: text('groupId'),
      threshold: values.threshold,
      members: values.members,
      otherGroupId: values.otherGroupId,
      note: values.note,
    },
    { errorMap: formErrorMap },
  )
  if (!parsed.success) return fail([...new Set(parsed.error.issues.map((issue) => issue.message))])
  const input = parsed.data
  const actor = { actorId: user.id, reason: input.note || null }
  const after = parseGroupCursor(new URL(request.url).searchParams.get('after'))
  const back = (anchor?: string) =>
    `${pageUrl(roundId, after ? formatGroupCursor(after) : null)}${anchor ? `#${anchor}` : ''}`

  if (input.intent === 'threshold') {
    const result = setCampaignThreshold(db, roundId, input.threshold, actor)
    if (!result.ok) {
      invariantResponse(result.error !== 'roundUnknown', 'Not found')
      return fail([`errors.${result.error}`], null)
    }
    return redirectWithFlash(back(), {
      key: result.changed ? 'dispositions:flash.thresholdSet' : 'dispositions:flash.thresholdUnchanged',
      values: { threshold: input.threshold, count: result.campaigns },
    })
  }

  const group = getDuplicateGroup(db, roundId, input.groupId)
  if (!group || group.size < 2) return fail(['errors.groupUnknown'], null)

  if (input.intent === 'confirm') {
    if (group.confirmed) return fail(['errors.alreadyConfirmed'])
    if (!confirmGroup(db, roundId, group.id, actor)) return fail(['errors.groupUnknown'], null)
    return redirectWithFlash(back(`group-${group.id}`), {
      key: 'dispositions:flash.confirmed',
      values: { group: group.id },
    })
  }

  if (input.intent === 'split') {
    const chosen = [...new Set(input.members)]
    if (chosen.length >= group.size) return fail(['errors.splitAll'])
    const split = splitGroup(db, roundId, group.id, chosen, actor)
    if (!split) return fail(['errors.membersUnknown'])
    return redirectWithFlash(
      back(split.newGroupId ? `group-${split.newGroupId}` : `group-${group.id}`),
      split.newGroupId
        ? {
            key: 'dispositions:flash.splitNew',
            values: { group: group.id, newGroup: split.newGroupId, count: chosen.length },
          }
        : { key: 'dispositions:flash.removed', values: { group: group.id } },
    )
  }

  if (input.otherGroupId === group.id) return fail(['errors.mergeSame'])
  const other = getDuplicateGroup(db, roundId, input.otherGroupId)
  if (!other || other.size < 2) return fail(['errors.otherGroupUnknown'])
  if (!mergeGroups(db, roundId, group.id, other.id, actor)) return fail(['errors.otherGroupUnknown'])
  return redirectWithFlash(back(`group-${group.id}`), {
    key: 'dispositions:flash.merged',
    values: { group: group.id, other: other.id },
  })
}

type LoaderData = Awaited<ReturnType<typeof loader>>
type Shown = Extract<LoaderData, { groups: unknown[] }>

/** Values of server modules reach components through the loader: in the browser bundle they are empty. */
function ThresholdForm({
  threshold,
  limits,
  error,
}: {
  threshold: number
  limits: { min: number; max: number }
  error: ActionError | null
}) {
  const { t } = useTranslation('dispositions')
  const submitting = useNavigation().state === 'submitting'
  const errors = error?.errors ?? []
  return (
    <section className="card" aria-labelledby="threshold-title">
      <h2 id="threshold-title">{t('duplicates.threshold.title')}</h2>
      <Form method="post" className="form threshold-form">
        <ErrorSummary
          id="threshold-errors"
          title={t('form.problems', { count: errors.length })}
          errors={errors.map((message) => ({ message, href: '#threshold' }))}
          ns="dispositions"
          focusKey={error}
        />
        <div className="field">
          <label htmlFor="threshold">{t('duplicates.threshold.label')}</label>
          <p id="threshold-hint" className="field__hint">
            {t('duplicates.threshold.hint', { min: limits.min })}
          </p>
          <input
            id="threshold"
            name="threshold"
            type="number"
            inputMode="numeric"
            min={limits.min}
            max={limits.max}
            step={1}
            required
            defaultValue={error ? error.values.threshold : threshold}
            aria-invalid={errors.length ? true : undefined}
            aria-describedby="threshold-hint"
            className="threshold-form__number"
          />
        </div>
        <div className="field">
          <label htmlFor="threshold-note">{t('duplicates.note')}</label>
          <input
            id="threshold-note"
            name="note"
            type="text"
            maxLength={NOTE_MAX}
            defaultValue={error?.values.note ?? ''}
          />
        </div>
        <div className="actions">
          <button type="submit" name="intent" value="threshold" className="button" disabled={submitting}>
            {t('duplicates.threshold.submit')}
          </button>
        </div>
      </Form>
    </section>
  )
}

function GroupCard({
  roundId,
  group,
  choices,
  error,
}: {
  roundId: number
  group: Shown['groups'][number]
  choices: Shown['choices']
  error: ActionError | null
}) {
  const { t } = useTranslation(['dispositions', 'common'])
  const submitting = useNavigation().state === 'submitting'
  const prefix = `group-${group.id}`
  const errors = error?.errors ?? []
  const chosen = new Set(error?.values.members ?? [])
  const others = choices.filter((choice) => choice.id !== group.id)
  return (
    <li>
      <article className="card duplicate-group" id={prefix} aria-labelledby={`${prefix}-title`}>
        <h3 id={`${prefix}-title`}>{t('duplicates.group.title', { id: group.id })}</h3>
        <ul className="tag-list" aria-label={t('duplicates.group.facts')}>
          <li>
            <span className="badge">{t(`duplicates.kind.${group.kind}`)}</span>
          </li>
          <li>
            <span className="badge">{t('duplicates.group.size', { count: group.size })}</span>
          </li>
          {group.isCampaign ? (
            <li>
              <span className="badge badge--warn">{t('duplicates.group.campaign')}</span>
            </li>
          ) : null}
          <li>
            <span className={group.confirmed ? 'badge badge--ok' : 'badge'}>
              {group.confirmed ? t('duplicates.group.confirmed') : t('duplicates.group.unconfirmed')}
            </span>
          </li>
        </ul>
        {group.representative ? (
          <div className="duplicate-group__representative">
            <p className="duplicate-group__label">
              {t('duplicates.group.representative', { id: group.representative.id })}
              {group.representative.clauseLabel
                ? ` · ${t('duplicates.clause', { label: group.representative.clauseLabel })}`
                : ` · ${t('duplicates.whole')}`}
            </p>
            <CommentText text={group.representative.text} language={group.representative.language} />
          </div>
        ) : null}
        <Form method="post" className="form duplicate-group__form">
          <ErrorSummary
            id={`${prefix}-errors`}
            title={t('form.problems', { count: errors.length })}
            errors={errors.map((message) => ({ message }))}
            ns="dispositions"
            focusKey={error}
          />
          <input type="hidden" name="groupId" value={group.id} />
          <p id={`${prefix}-split-hint`} className="field__hint">
            {t('duplicates.split.hint')}
          </p>
          <div className="table-scroll" role="region" aria-labelledby={`${prefix}-caption`} tabIndex={0}>
            <table className="table members-table">
              <caption id={`${prefix}-caption`}>{t('duplicates.members.caption', { id: group.id })}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('duplicates.members.choose')}</th>
                  <th scope="col">{t('duplicates.members.comment')}</th>
                  <th scope="col">{t('duplicates.members.category')}</th>
                  <th scope="col">{t('duplicates.members.country')}</th>
                  <th scope="col">{t('duplicates.members.language')}</th>
                  <th scope="col">{t('duplicates.members.excerpt')}</th>
                </tr>
              </thead>
              <tbody>
                {group.members.map((member) => (
                  <tr key={member.id}>
                    <td>
                      <input
                        type="checkbox"
                        name="members"
                        value={member.id}
                        id={`${prefix}-member-${member.id}`}
                        defaultChecked={chosen.has(String(member.id))}
                        className="checkbox"
                      />
                      <label htmlFor={`${prefix}-member-${member.id}`} className="visually-hidden">
                        {t('duplicates.members.chooseOne', { id: member.id })}
                      </label>
                    </td>
                    <th scope="row">
                      <Link to={`/moderate/rounds/${roundId}/dispositions/comment-${member.id}`}>
                        {t('duplicates.members.number', { id: member.id })}
                      </Link>
                      {member.hidden ? (
                        <>
                          {' '}
                          <span className="badge badge--danger">{t('duplicates.members.hidden')}</span>
                        </>
                      ) : null}
                    </th>
                    <td>{t(`common:categories.${member.category}`)}</td>
                    <td>{member.country ?? '—'}</td>
                    <td>{member.languageName ?? '—'}</td>
                    <td>
                      <span lang={member.language ?? ''} dir="auto" className="excerpt">
                        {member.excerpt}
                        {member.truncated ? '…' : ''}
                      </span>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {group.size > group.members.length ? (
            <p className="muted">{t('duplicates.members.more', { shown: group.members.length, count: group.size })}</p>
          ) : null}
          <fieldset className="fieldset">
            <legend>{t('duplicates.actions.legend')}</legend>
            <div className="field">
              <label htmlFor={`${prefix}-other`}>{t('duplicates.merge.label')}</label>
              <select
                id={`${prefix}-other`}
                name="otherGroupId"
                defaultValue={error?.values.otherGroupId ?? ''}
                disabled={!others.length}
              >
                <option value="">{others.length ? t('duplicates.merge.choose') : t('duplicates.merge.none')}</option>
                {others.map((choice) => (
                  <option key={choice.id} value={choice.id}>
                    {t('duplicates.merge.option', { id: choice.id, count: choice.size })}
                  </option>
                ))}
              </select>
            </div>
            <div className="field">
              <label htmlFor={`${prefix}-note`}>{t('duplicates.note')}</label>
              <input
                id={`${prefix}-note`}
                name="note"
                type="text"
                maxLength={NOTE_MAX}
                defaultValue={error?.values.note ?? ''}
              />
            </div>
            <div className="actions">
              {group.confirmed ? null : (
                <button type="submit" name="intent" value="confirm" className="button" disabled={submitting}>
                  {t('duplicates.actions.confirm')}
                </button>
              )}
              <button
                type="submit"
                name="intent"
                value="split"
                className="button button--quiet"
                disabled={submitting}
                aria-describedby={`${prefix}-split-hint`}
              >
                {t('duplicates.actions.split')}
              </button>
              <button
                type="submit"
                name="intent"
                value="merge"
                className="button button--quiet"
                disabled={submitting || !others.length}
              >
                {t('duplicates.actions.merge')}
              </button>
              <Link to={`/moderate/rounds/${roundId}/dispositions/group-${group.id}`}>
                {t('duplicates.actions.disposition')}
              </Link>
            </div>
          </fieldset>
        </Form>
      </article>
    </li>
  )
}

export default function Duplicates() {
  const { t } = useTranslation('dispositions')
  const { roundId, overview, limits, groups, choices, nextHref, firstHref, cursorInvalid } =
    useLoaderData<typeof loader>()
  const actionData = useActionData<typeof action>()
  const error = actionData ?? null
  const groupError = (id: number) => (error && error.groupId === id && error.intent !== 'threshold' ? error : null)
  const shownGroupIds = new Set(groups.map((group) => group.id))
  const pageError =
    error && error.intent !== 'threshold' && (error.groupId === null || !shownGroupIds.has(error.groupId))
      ? error
      : null
  return (
    <section className="dispositions-page" aria-labelledby="duplicates-title">
      <h1 id="duplicates-title">{t('duplicates.title')}</h1>
      <p className="lead">{t('duplicates.intro')}</p>
      {cursorInvalid ? (
        <p className="form-errors" role="alert">
          {t('errors.cursorInvalid')}
        </p>
      ) : null}
      {pageError ? (
        <ErrorSummary
          id="duplicates-errors"
          title={t('form.problems', { count: pageError.errors.length })}
          errors={pageError.errors.map((message) => ({ message }))}
          ns="dispositions"
          focusKey={pageError}
        />
      ) : null}
      <dl className="facts facts--compact">
        <div>
          <dt>{t('duplicates.overview.groups')}</dt>
          <dd>{overview.groups}</dd>
        </div>
        <div>
          <dt>{t('duplicates.overview.comments')}</dt>
          <dd>{overview.comments}</dd>
        </div>
        <div>
          <dt>{t('duplicates.overview.campaigns')}</dt>
          <dd>{overview.campaigns}</dd>
        </div>
        <div>
          <dt>{t('duplicates.overview.threshold')}</dt>
          <dd>{t('duplicates.overview.thresholdValue', { count: overview.threshold })}</dd>
        </div>
      </dl>
      <ThresholdForm
        threshold={overview.threshold}
        limits={limits}
        error={error?.intent === 'threshold' ? error : null}
      />
      <h2 id="groups-title">{t('duplicates.groups')}</h2>
      {groups.length ? (
        <ol className="duplicate-groups" aria-labelledby="groups-title">
          {groups.map((group) => (
            <GroupCard key={group.id} roundId={roundId} group={group} choices={choices} error={groupError(group.id)} />
          ))}
        </ol>
      ) : (
        <p>{firstHref ? t('duplicates.noMore') : t('duplicates.none')}</p>
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
