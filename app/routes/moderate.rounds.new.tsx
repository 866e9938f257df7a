import { getCollectionProps, getFormProps, getSelectProps, getTextareaProps, useForm } from '@conform-to/react'
import { getZodConstraint, parseWithZod } from '@conform-to/zod'
import {
  data,
  type ActionFunctionArgs,
  type LinksFunction,
  type LoaderFunctionArgs,
  type MetaFunction,
} from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData, useNavigation } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { STAKEHOLDER_CATEGORIES } from '#db/schema/accounts'
import { ErrorList, Field, SelectField, TextField } from '~/components/forms'
import { getFixedT } from '~/modules/i18n/i18n.server'
import { ErrorSummary } from '~/modules/norms/form-parts'
import { formErrorMap } from '~/modules/norms/forms'
import { parseSubmission, readId, replyUnfinished } from '~/modules/norms/forms.server'
import { listNormVersions } from '~/modules/norms/norms.server'
import { formatInstant, timeZoneOptions } from '~/modules/rounds/format'
import { roundFormSchema } from '~/modules/rounds/round-form.schema'
import { parseInstant } from '~/modules/rounds/rounds.schema'
import { createRound } from '~/modules/rounds/rounds.server'
import cssHref from '~/styles/moderation.css'
import { requireRole } from '~/utils/auth.server'
import { db } from '~/utils/db.server'
import { redirectWithFlash } from '~/utils/flash.server'
import { badRequest, readFormData } from '~/utils/http.server'

export const handle = { i18n: ['norms'] }

export const links: LinksFunction = () => [{ rel: 'stylesheet', href: cssHref }]

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data?.title ?? 'Concord' }]

export async function loader({ request }: LoaderFunctionArgs) {
  await requireRole(request, 'moderator')
  const { t } = await getFixedT(request, 'norms')
  const versions = listNormVersions(db)
  const wanted = readId(new URL(request.url).searchParams.get('versionId'))
  return {
    title: `${t('roundForm.title')} · Concord`,
    versions: versions.map((version) => ({
      value: String(version.versionId),
      label: t(version.frozenAt ? 'roundForm.versionOptionFrozen' : 'roundForm.versionOption', {
        title: version.title,
        number: version.number,
      }),
    })),
    versionId: versions.some((version) => version.versionId === wanted) ? String(wanted) : '',
    timeZones: timeZoneOptions(),
  }
}

export async function action({ request }: ActionFunctionArgs) {
  const user = await requireRole(request, 'moderator')
  const formData = await readFormData(request)
  const submission = parseSubmission(formData, roundFormSchema)
  if (submission.status !== 'success')
    return replyUnfinished({ result: submission.reply(), preview: null }, submission.status)
  const { versionId, title, opensAt, closesAt, timeZone, eligibleCategories, questions } = submission.value
  const opens = parseInstant(opensAt, timeZone)
  const closes = parseInstant(closesAt, timeZone)
  const fieldErrors: Record<string, string[]> = {}
  if (!opens) fieldErrors.opensAt = ['errors.dateInvalid']
  if (!closes) fieldErrors.closesAt = ['errors.dateInvalid']
  if (opens && closes && closes <= opens) fieldErrors.closesAt = ['errors.closesBeforeOpens']
  if (!opens || !closes || Object.keys(fieldErrors).length) {
    return badRequest({ result: submission.reply({ fieldErrors }), preview: null })
  }
  if (formData.get('intent') === 'check') {
    // "Check the dates": the instants as participants will read them, nothing stored.
    const { language } = await getFixedT(request, 'norms')
    const preview = {
      timeZone,
      opens: formatInstant(opens, language, timeZone),
      closes: formatInstant(closes, language, timeZone),
      opensUtc: formatInstant(opens, language, 'UTC'),
      closesUtc: formatInstant(closes, language, 'UTC'),
    }
    return data({ result: submission.reply(), preview })
  }
  const created = createRound(
    db,
    {
      versionId,
      title,
      opensAt: opens,
      closesAt: closes,
      timeZone,
      eligibleCategories,
      questions: questions.flatMap((text) => (text ? [{ text }] : [])),
    },
    user.id,
  )
  if (!created.ok) {
    const field = created.error === 'versionUnknown' ? 'versionId' : 'closesAt'
    return badRequest({
      result: submission.reply({ fieldErrors: { [field]: [`errors.${created.error}`] } }),
      preview: null,
    })
  }
  return redirectWithFlash('/moderate', { key: 'norms:flash.roundCreated', values: { title } })
}

export default function NewRound() {
  const { t } = useTranslation('norms')
  const { versions, versionId, timeZones } = useLoaderData<typeof loader>()
  const actionData = useActionData<typeof action>()
  const submitting = useNavigation().state === 'submitting'
  const [form, fields] = useForm({
    id: 'round',
    lastResult: actionData?.result,
    constraint: getZodConstraint(roundFormSchema),
    shouldValidate: 'onBlur',
    shouldRevalidate: 'onInput',
    defaultValue: {
      versionId,
      title: '',
      timeZone: 'UTC',
      opensAt: '',
      closesAt: '',
      eligibleCategories: [...STAKEHOLDER_CATEGORIES],
      questions: [''],
    },
    onValidate: ({ formData }) => parseWithZod(formData, { schema: roundFormSchema, errorMap: formErrorMap }),
  })
  const zone = String(fields.timeZone.value ?? fields.timeZone.initialValue ?? 'UTC')
  const questions = fields.questions.getFieldList()
  const preview = actionData?.preview
  const { key: versionSelectKey, ...versionSelectProps } = getSelectProps(fields.versionId, {
    ariaDescribedBy: fields.versionId.descriptionId,
  })
  const describe = (name: string) => {
    const question = /^questions\[(\d+)\]$/.exec(name)
    if (question) return t('roundForm.question', { position: Number(question[1]) + 1 })
    const known: Record<string, string> = {
      versionId: t('roundForm.version'),
      title: t('roundForm.roundTitle'),
      timeZone: t('roundForm.timeZone'),
      opensAt: t('roundForm.opensAt'),
      closesAt: t('roundForm.closesAt'),
      eligibleCategories: t('roundForm.categories'),
      questions: t('roundForm.questions'),
    }
    return known[name.replace(/\[\d+\]$/, '')] ?? null
  }
  // A wrong category is reported on its checkbox (eligibleCategories[2]); it is shown on the group.
  const categoryErrors = Object.values(fields.eligibleCategories.allErrors).flat()
  return (
    <section className="page page--narrow moderation" aria-labelledby="new-round-heading">
      <p className="breadcrumbs">
        <Link to="/moderate">{t('dashboard.title')}</Link>
      </p>
      <h1 id="new-round-heading">{t('roundForm.title')}</h1>
      <p className="lead">{t('roundForm.intro')}</p>
      <Form method="post" {...getFormProps(form)} className="form">
        <button type="submit" name="intent" value="create" className="visually-hidden" tabIndex={-1} aria-hidden="true">
          {t('roundForm.submit')}
        </button>
        <ErrorSummary
          formId={form.id}
          errors={form.allErrors}
          describe={describe}
          target={(name) => `${form.id}-${name.startsWith('eligibleCategories') ? 'eligibleCategories' : name}`}
        />
        <Field meta={fields.versionId} label={t('roundForm.version')} hint={t('roundForm.versionHint')} ns="norms">
          <select key={versionSelectKey} {...versionSelectProps}>
            <option value="">{t('form.choose')}</option>
            {versions.map((option) => (
              <option key={option.value} value={option.value}>
                {option.label}
              </option>
            ))}
          </select>
        </Field>
        <TextField
          meta={fields.title}
          label={t('roundForm.roundTitle')}
          hint={t('roundForm.roundTitleHint')}
          ns="norms"
        />
        <fieldset className="fieldset">
          <legend>{t('roundForm.schedule')}</legend>
          <SelectField
            meta={fields.timeZone}
            label={t('roundForm.timeZone')}
            hint={t('roundForm.timeZoneHint')}
            ns="norms"
            options={timeZones}
          />
          <TextField
            meta={fields.opensAt}
            type="datetime-local"
            label={t('roundForm.opensAt')}
            hint={t('roundForm.inZone', { zone })}
            ns="norms"
          />
          <TextField
            meta={fields.closesAt}
            type="datetime-local"
            label={t('roundForm.closesAt')}
            hint={t('roundForm.inZone', { zone })}
            ns="norms"
          />
          <div className="actions">
            <button type="submit" name="intent" value="check" className="button button--quiet button--small">
              {t('roundForm.check')}
            </button>
          </div>
          {preview ? (
            <div className="date-preview" role="status">
              <p>{t('roundForm.previewIntro', { zone: preview.timeZone })}</p>
              <dl className="facts">
                <div>
                  <dt>{t('roundForm.opensAt')}</dt>
                  <dd>
                    {preview.opens} <span className="muted">({preview.opensUtc})</span>
                  </dd>
                </div>
                <div>
                  <dt>{t('roundForm.closesAt')}</dt>
                  <dd>
                    {preview.closes} <span className="muted">({preview.closesUtc})</span>
                  </dd>
                </div>
              </dl>
            </div>
          ) : null}
        </fieldset>
        <fieldset
          className="fieldset"
          aria-describedby={categoryErrors.length ? fields.eligibleCategories.errorId : undefined}
          id={fields.eligibleCategories.id}
        >
          <legend>{t('roundForm.categories')}</legend>
          <div className="choices">
            {getCollectionProps(fields.eligibleCategories, {
              type: 'checkbox',
              options: [...STAKEHOLDER_CATEGORIES],
            }).map(({ key, ...props }) => (
              <label key={key}>
                <input {...props} aria-invalid={undefined} aria-describedby={undefined} />
                {t(`common:categories.${props.value}`)}
              </label>
            ))}
          </div>
          <ErrorList id={fields.eligibleCategories.errorId} errors={[...new Set(categoryErrors)]} ns="norms" />
        </fieldset>
        <fieldset className="fieldset" id={fields.questions.id}>
          <legend>{t('roundForm.questions')}</legend>
          <p className="field__hint">{t('roundForm.questionsHint')}</p>
          <ErrorList id={fields.questions.errorId} errors={fields.questions.errors} ns="norms" />
          <ol className="question-list">
            {questions.map((question, index) => {
              const label = t('roundForm.question', { position: index + 1 })
              const { key, ...props } = getTextareaProps(question)
              return (
                <li key={question.key} className="field">
                  <label htmlFor={question.id}>{label}</label>
                  <textarea key={key} {...props} rows={2} />
                  <ErrorList id={question.errorId} errors={question.errors} ns="norms" />
                  <div className="actions">
                    <button
                      {...form.remove.getButtonProps({ name: fields.questions.name, index })}
                      className="button button--small button--quiet"
                    >
                      {t('roundForm.removeQuestion')}
                      <span className="visually-hidden"> · {label}</span>
                    </button>
                  </div>
                </li>
              )
            })}
          </ol>
          <button
            {...form.insert.getButtonProps({ name: fields.questions.name, defaultValue: '' })}
            className="button button--quiet"
            disabled={questions.length >= 20}
          >
            {t('roundForm.addQuestion')}
          </button>
        </fieldset>
        <p className="field__hint">{t('roundForm.freezeWarning')}</p>
        <div className="actions">
          <button type="submit" name="intent" value="create" className="button" disabled={submitting}>
            {t('roundForm.submit')}
          </button>
          <Link to="/moderate">{t('form.cancel')}</Link>
        </div>
      </Form>
    </section>
  )
}
