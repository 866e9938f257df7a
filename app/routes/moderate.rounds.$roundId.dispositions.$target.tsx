import { getFormProps, getSelectProps, getTextareaProps, useForm } from '@conform-to/react'
import { getZodConstraint, parseWithZod } from '@conform-to/zod'
import type { ActionFunctionArgs, LinksFunction, LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData, useNavigation } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { z } from 'zod'
import { OUTCOMES } from '#db/schema/moderation'
import { CommentText } from '~/components/comment-text'
import { GeneralErrorBoundary } from '~/components/error-boundary'
import { ErrorSummary } from '~/components/error-summary'
import { ErrorList } from '~/components/forms'
import { characterCount } from '~/modules/comments/comments.schema'
import { languageName } from '~/modules/comments/languages'
import { SUPPORTED_LANGUAGES, textDirection } from '~/modules/i18n/i18n'
import { getFixedT } from '~/modules/i18n/i18n.server'
import {
  getDispositionTarget,
  nextClauseOptions,
  parseTarget,
  recordDisposition,
} from '~/modules/moderation/dispositions.server'
import { formErrorMap } from '~/modules/norms/forms'
import { parseSubmission, readId } from '~/modules/norms/forms.server'
import { countryName } from '~/modules/regions/regions'
import cssHref from '~/styles/dispositions.css'
import { requireRole } from '~/utils/auth.server'
import { db } from '~/utils/db.server'
import { redirectWithFlash } from '~/utils/flash.server'
import { badRequest, invariantResponse, readFormData } from '~/utils/http.server'

export const handle = { i18n: ['dispositions', 'comments'] }

export const links: LinksFunction = () => [{ rel: 'stylesheet', href: cssHref }]

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data?.title ?? 'Concord' }]

/** Characters per language; the same limit as REASON_MAX in dispositions.server.ts, which enforces it again. */
const REASON_MAX = 4000

const reasonText = z
  .string()
  .refine((text) => characterCount(text) <= REASON_MAX, 'errors.reasonTooLong')
  .optional()

/** The form: an outcome, a reason in at least one of the interface languages, and optionally the clause it led to. */
const dispositionSchema = z.object({
  outcome: z.enum(OUTCOMES, { errorMap: () => ({ message: 'errors.outcomeRequired' }) }),
  reason: z
    .object(
      Object.fromEntries(SUPPORTED_LANGUAGES.map((language) => [language, reasonText])) as Record<
        (typeof SUPPORTED_LANGUAGES)[number],
        typeof reasonText
      >,
    )
    .strict('errors.reasonLanguage')
    .default({})
    .refine((reason) => Object.values(reason).some((text) => text?.trim()), 'errors.reasonRequired'),
  nextClause: z
    .string()
    .regex(/^[1-9]\d{0,11}$/, 'errors.clauseUnknown')
    .optional(),
})

async function readTarget(request: Request, params: LoaderFunctionArgs['params']) {
  const user = await requireRole(request, 'moderator')
  const roundId = readId(params.roundId)
  const target = parseTarget(params.target)
  invariantResponse(roundId, 'Not found')
  invariantResponse(target, 'Not found')
  return { user, roundId, target }
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { roundId, target } = await readTarget(request, params)
  const found = getDispositionTarget(db, roundId, target)
  invariantResponse(found, 'Not found')
  const { t, language } = await getFixedT(request, 'dispositions')
  const describe = (row: { category: string; countryCode: string | null; language: string | null }) => ({
    country: row.countryCode ? countryName(row.countryCode, language) : null,
    languageName: row.language ? languageName(row.language, language) : null,
  })
  const heading =
    found.kind === 'comment' ? t('record.titleComment', { id: target.id }) : t('record.titleGroup', { id: target.id })
  return {
    title: `${heading} · Concord`,
    heading,
    roundId,
    language,
    target:
      found.kind === 'comment'
        ? {
            kind: 'comment' as const,
            comment: { ...found.comment, ...describe(found.comment) },
            groupOutcome: found.groupOutcome,
          }
        : {
            kind: 'group' as const,
            group: found.group,
            representative: found.representative
              ? { ...found.representative, ...describe(found.representative) }
              : null,
            members: found.members.map((member) => ({ ...member, ...describe(member) })),
          },
    disposition: found.disposition,
    clauses: nextClauseOptions(db, roundId, language),
    languages: [language, ...SUPPORTED_LANGUAGES.filter((code) => code !== language)].map((code) => ({
      code,
      name: languageName(code, language),
    })),
  }
}

export async function action({ request, params }: ActionFunctionArgs) {
  const { user, roundId, target } = await readTarget(request, params)
  const submission = parseSubmission(await readFormData(request), dispositionSchema)
  if (submission.status !== 'success') return badRequest(submission.reply())
  const { outcome, reason, nextClause } = submission.value
  const result = recordDisposition(db, {
    roundId,
    target,
    outcome,
    reason,
    nextClauseId: nextClause ? Number(nextClause) : null,
    actorId: user.id,
  })
  if (!result.ok) {
    invariantResponse(result.error !== 'targetUnknown', 'Not found')
    if (result.error === 'clauseUnknown')
      return badRequest(submission.reply({ fieldErrors: { nextClause: ['errors.clauseUnknown'] } }))
    return badRequest(submission.reply({ formErrors: [`errors.${result.error}`] }))
  }
  const key = result.changed
    ? target.kind === 'comment'
      ? 'dispositions:flash.recordedComment'
      : 'dispositions:flash.recordedGroup'
    : 'dispositions:flash.unchanged'
  return redirectWithFlash(`/moderate/rounds/${roundId}/dispositions#item-${target.kind}-${target.id}`, {
    key,
    values: { id: target.id },
  })
}

type LoaderData = Awaited<ReturnType<typeof loader>>

function CommentFacts({
  row,
}: {
  row: {
    clauseLabel: string | null
    category: string
    country: string | null
    languageName: string | null
    position?: string | null
  }
}) {
  const { t } = useTranslation(['dispositions', 'common', 'comments'])
  return (
    <dl className="facts facts--compact">
      <div>
        <dt>{t('record.clause')}</dt>
        <dd>{row.clauseLabel ? t('duplicates.clause', { label: row.clauseLabel }) : t('duplicates.whole')}</dd>
      </div>
      {row.position ? (
        <div>
          <dt>{t('record.position')}</dt>
          <dd>{t(`comments:positions.${row.position}`)}</dd>
        </div>
      ) : null}
      <div>
        <dt>{t('duplicates.members.category')}</dt>
        <dd>{t(`common:categories.${row.category}`)}</dd>
      </div>
      <div>
        <dt>{t('duplicates.members.country')}</dt>
        <dd>{row.country ?? '—'}</dd>
      </div>
      <div>
        <dt>{t('duplicates.members.language')}</dt>
        <dd>{row.languageName ?? '—'}</dd>
      </div>
    </dl>
  )
}

function TargetView({ roundId, target }: { roundId: number; target: LoaderData['target'] }) {
  const { t } = useTranslation(['dispositions', 'common'])
  if (target.kind === 'comment') {
    const { comment } = target
    return (
      <section aria-labelledby="target-title" className="card">
        <h2 id="target-title">{t('record.theComment')}</h2>
        <CommentFacts row={comment} />
        {comment.moderation === 'hidden' ? (
          <p className="badge badge--danger">{t('duplicates.members.hidden')}</p>
        ) : null}
        <CommentText text={comment.text} language={comment.language} />
        {comment.proposedText ? (
          <>
            <p className="duplicate-group__label">{t('record.proposed')}</p>
            <CommentText text={comment.proposedText} language={comment.language} />
          </>
        ) : null}
        {comment.groupId ? (
          <p className="note">
            {target.groupOutcome
              ? t('record.inGroupDecided', { id: comment.groupId, outcome: t(`outcomes.${target.groupOutcome}`) })
              : t('record.inGroup', { id: comment.groupId })}{' '}
            <Link to={`/moderate/rounds/${roundId}/dispositions/group-${comment.groupId}`}>
              {t('record.groupLink', { id: comment.groupId })}
            </Link>
          </p>
        ) : null}
      </section>
    )
  }
  const { group, representative, members } = target
  return (
    <section aria-labelledby="target-title" className="card">
      <h2 id="target-title">{t('record.theGroup')}</h2>
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
      <p className="note">{t('record.groupApplies', { count: group.size })}</p>
      {representative ? (
        <>
          <h3>{t('duplicates.group.representative', { id: representative.id })}</h3>
          <CommentFacts row={representative} />
          <CommentText text={representative.text} language={representative.language} />
        </>
      ) : null}
      <div className="table-scroll" role="region" aria-labelledby="members-caption" tabIndex={0}>
        <table className="table members-table">
          <caption id="members-caption">{t('duplicates.members.caption', { id: group.id })}</caption>
          <thead>
            <tr>
              <th scope="col">{t('duplicates.members.comment')}</th>
              <th scope="col">{t('duplicates.members.category')}</th>
              <th scope="col">{t('duplicates.members.country')}</th>
              <th scope="col">{t('duplicates.members.language')}</th>
              <th scope="col">{t('duplicates.members.excerpt')}</th>
              <th scope="col">{t('record.ownDisposition')}</th>
            </tr>
          </thead>
          <tbody>
            {members.map((member) => (
              <tr key={member.id}>
                <th scope="row">
                  <Link to={`/moderate/rounds/${roundId}/dispositions/comment-${member.id}`}>
                    {t('duplicates.members.number', { id: member.id })}
                  </Link>
                </th>
                <td>{t(`common:categories.${member.category}`)}</td>
                <td>{member.country ?? '—'}</td>
                <td>{member.languageName ?? '—'}</td>
                <td>
                  <span lang={member.language ?? ''} dir="auto" className="excerpt">
                    {member.text}
                  </span>
                </td>
                <td>{member.ownOutcome ? t(`outcomes.${member.ownOutcome}`) : t('record.followsGroup')}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {group.size > members.length ? (
        <p className="muted">{t('duplicates.members.more', { shown: members.length, count: group.size })}</p>
      ) : null}
    </section>
  )
}

export default function RecordDisposition() {
  const { t } = useTranslation(['dispositions', 'common'])
  const { heading, roundId, target, disposition, clauses, languages, language } = useLoaderData<typeof loader>()
  const lastResult = useActionData<typeof action>()
  const submitting = useNavigation().state === 'submitting'
  const [form, fields] = useForm({
    id: 'disposition',
    lastResult,
    constraint: getZodConstraint(dispositionSchema),
    shouldValidate: 'onBlur',
    defaultValue: {
      outcome: disposition?.outcome ?? '',
      reason: disposition?.reason ?? {},
      nextClause: disposition?.nextClauseId ? String(disposition.nextClauseId) : '',
    },
    onValidate: ({ formData }) => parseWithZod(formData, { schema: dispositionSchema, errorMap: formErrorMap }),
  })
  const reasonFields = fields.reason.getFieldset()
  const firstReasonId = reasonFields[languages[0]!.code as keyof typeof reasonFields]?.id
  const outcomeId = (value: string) => `${fields.outcome.id}-${value}`
  const hrefOf = (name: string) => {
    if (name === 'outcome') return `#${outcomeId(OUTCOMES[0])}`
    if (name === 'reason') return `#${firstReasonId}`
    const match = /^reason\.(\w+)$/.exec(name)
    if (match) return `#${reasonFields[match[1] as keyof typeof reasonFields]?.id}`
    if (name === 'nextClause') return `#${fields.nextClause.id}`
    return undefined
  }
  const summaryErrors = Object.entries(form.allErrors).flatMap(([name, messages]) =>
    (messages ?? []).map((message) => ({ message, href: name ? hrefOf(name) : undefined })),
  )
  const versions = [...new Set(clauses.map((clause) => clause.versionNumber))]
  const { key: selectKey, ...selectProps } = getSelectProps(fields.nextClause, { ariaDescribedBy: 'next-clause-hint' })
  return (
    <section className="dispositions-page" aria-labelledby="record-title">
      <p className="back-link">
        <Link to={`/moderate/rounds/${roundId}/dispositions`}>{t('record.back')}</Link>
      </p>
      <h1 id="record-title">{heading}</h1>
      <TargetView roundId={roundId} target={target} />

      <section aria-labelledby="form-title" className="card">
        <h2 id="form-title">{disposition ? t('record.change') : t('record.new')}</h2>
        {disposition ? (
          <p className="note">{t('record.current', { outcome: t(`outcomes.${disposition.outcome}`) })}</p>
        ) : null}
        <Form method="post" {...getFormProps(form)} className="form disposition-form">
          <ErrorSummary
            id="disposition-errors"
            title={t('form.problems', { count: summaryErrors.length })}
            errors={summaryErrors}
            ns="dispositions"
            focusKey={lastResult}
          />
          <fieldset className="fieldset" aria-describedby={fields.outcome.errors ? fields.outcome.errorId : undefined}>
            <legend>{t('record.outcome')}</legend>
            <ul className="outcome-choices">
              {OUTCOMES.map((value) => (
                <li key={value}>
                  <input
                    type="radio"
                    id={outcomeId(value)}
                    name={fields.outcome.name}
                    value={value}
                    defaultChecked={fields.outcome.initialValue === value}
                    required
                    aria-describedby={`${outcomeId(value)}-hint`}
                  />
                  <label htmlFor={outcomeId(value)}>{t(`outcomes.${value}`)}</label>
                  <p id={`${outcomeId(value)}-hint`} className="field__hint">
                    {t(`outcomeHints.${value}`)}
                  </p>
                </li>
              ))}
            </ul>
            <ErrorList id={fields.outcome.errorId} errors={fields.outcome.errors} ns="dispositions" />
          </fieldset>

          <fieldset
            className="fieldset"
            aria-describedby={`reason-hint${fields.reason.errors ? ` ${fields.reason.errorId}` : ''}`}
          >
            <legend>{t('record.reason')}</legend>
            <p id="reason-hint" className="field__hint">
              {t('record.reasonHint', { max: REASON_MAX })}
            </p>
            <ErrorList id={fields.reason.errorId} errors={fields.reason.errors} ns="dispositions" />
            <div className="reason-fields">
              {languages.map(({ code, name }) => {
                const field = reasonFields[code as keyof typeof reasonFields]
                if (!field) return null
                const { key, ...props } = getTextareaProps(field)
                return (
                  <div className="field" key={code}>
                    <label htmlFor={field.id}>{t('record.reasonIn', { language: name })}</label>
                    <textarea
                      key={key}
                      {...props}
                      lang={code}
                      dir={textDirection(code)}
                      rows={code === language ? 5 : 3}
                      aria-invalid={field.errors || fields.reason.errors ? true : undefined}
                    />
                    <ErrorList id={field.errorId} errors={field.errors} ns="dispositions" />
                  </div>
                )
              })}
            </div>
          </fieldset>

          {clauses.length ? (
            <div className="field">
              <label htmlFor={fields.nextClause.id}>{t('record.nextClause')}</label>
              <p id="next-clause-hint" className="field__hint">
                {t('record.nextClauseHint')}
              </p>
              <select key={selectKey} {...selectProps}>
                <option value="">{t('record.noClause')}</option>
                {versions.map((number) => (
                  <optgroup key={number} label={t('record.version', { number })}>
                    {clauses
                      .filter((clause) => clause.versionNumber === number)
                      .map((clause) => (
                        <option key={clause.id} value={clause.id}>
                          {clause.textLanguage === language
                            ? t('record.clauseOption', {
                                label: clause.label,
                                text: clause.truncated ? `${clause.text}…` : clause.text,
                              })
                            : t('duplicates.clause', { label: clause.label })}
                        </option>
                      ))}
                  </optgroup>
                ))}
              </select>
              <ErrorList id={fields.nextClause.errorId} errors={fields.nextClause.errors} ns="dispositions" />
            </div>
          ) : (
            <div className="field">
              <p className="field__label">{t('record.nextClause')}</p>
              <p className="field__hint">{t('record.noLaterVersion')}</p>
              <ErrorList id={fields.nextClause.errorId} errors={fields.nextClause.errors} ns="dispositions" />
            </div>
          )}

          <div className="actions">
            <button type="submit" className="button" disabled={submitting}>
              {disposition ? t('record.saveChange') : t('record.save')}
            </button>
            <Link to={`/moderate/rounds/${roundId}/dispositions`}>{t('record.cancel')}</Link>
          </div>
        </Form>
      </section>
    </section>
  )
}

export function ErrorBoundary() {
  return <GeneralErrorBoundary />
}
