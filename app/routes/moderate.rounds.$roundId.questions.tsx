import { getFormProps, getInputProps, useForm } from '@conform-to/react'
import { getZodConstraint, parseWithZod } from '@conform-to/zod'
import type { ActionFunctionArgs, LinksFunction, LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData, useNavigation } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { getFixedT } from '~/modules/i18n/i18n.server'
import { ErrorSummary, Foreign, SideBySide } from '~/modules/norms/form-parts'
import { formErrorMap } from '~/modules/norms/forms'
import { parseSubmission, readId, replyUnfinished } from '~/modules/norms/forms.server'
import { languageName, targetLanguages } from '~/modules/norms/languages'
import { formatInstant } from '~/modules/rounds/format'
import { roundTranslationSchema } from '~/modules/rounds/round-form.schema'
import { getRoundForTranslation, saveRoundTranslation } from '~/modules/rounds/rounds.server'
import cssHref from '~/styles/moderation.css'
import { requireRole } from '~/utils/auth.server'
import { db } from '~/utils/db.server'
import { redirectWithFlash } from '~/utils/flash.server'
import { badRequest, invariantResponse, readFormData } from '~/utils/http.server'

export const handle = { i18n: ['norms'] }

export const links: LinksFunction = () => [{ rel: 'stylesheet', href: cssHref }]

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data?.title ?? 'Concord' }]

export async function loader({ request, params }: LoaderFunctionArgs) {
  await requireRole(request, 'moderator')
  const roundId = readId(params.roundId)
  invariantResponse(roundId)
  const round = getRoundForTranslation(db, roundId)
  invariantResponse(round)
  const { t, language } = await getFixedT(request, 'norms')
  const targets = targetLanguages(round.sourceLanguage)
  const requested = new URL(request.url).searchParams.get('lang')
  const target = targets.find((code) => code === (requested ?? targets[0]))
  invariantResponse(target)
  const targetName = languageName(target, language)
  return {
    title: `${t('questions.title', { language: targetName })} · ${round.title} · Concord`,
    language,
    target,
    targetName,
    round: {
      id: round.id,
      title: round.title,
      versionId: round.versionId,
      sourceLanguage: round.sourceLanguage,
      sourceLanguageName: languageName(round.sourceLanguage, language),
      opens: formatInstant(round.opensAt, language, round.timeZone),
      closes: formatInstant(round.closesAt, language, round.timeZone),
      opensAt: round.opensAt.toISOString(),
      closesAt: round.closesAt.toISOString(),
      translatedTitle: round.titleTranslations[target] ?? '',
    },
    questions: round.questions.map((question) => ({
      id: question.id,
      text: question.text,
      translated: question.translations[target] ?? '',
    })),
    targets: targets.map((code) => ({
      code,
      name: languageName(code, language),
      done:
        round.questions.filter((question) => question.translations[code]).length +
        (round.titleTranslations[code] ? 1 : 0),
    })),
    total: round.questions.length + 1,
  }
}

export async function action({ request, params }: ActionFunctionArgs) {
  await requireRole(request, 'moderator')
  const roundId = readId(params.roundId)
  invariantResponse(roundId)
  const submission = parseSubmission(await readFormData(request), roundTranslationSchema)
  if (submission.status !== 'success') return replyUnfinished(submission.reply(), submission.status)
  const { language, title, questions } = submission.value
  const saved = saveRoundTranslation(db, { roundId, language, title, questions })
  if (!saved.ok) {
    invariantResponse(saved.error !== 'roundUnknown')
    return badRequest(submission.reply({ formErrors: [`errors.${saved.error}`] }))
  }
  const { language: reader } = await getFixedT(request, 'norms')
  return redirectWithFlash(`/moderate/rounds/${roundId}/questions?lang=${language}`, {
    key: 'norms:flash.translationSaved',
    values: { language: languageName(language, reader) },
  })
}

export default function TranslateQuestions() {
  const { target } = useLoaderData<typeof loader>()
  return <QuestionsPage key={target} />
}

function QuestionsPage() {
  const { t } = useTranslation('norms')
  const { round, questions, targets, target, targetName, total, language } = useLoaderData<typeof loader>()
  const lastResult = useActionData<typeof action>()
  const submitting = useNavigation().state === 'submitting'
  const [form, fields] = useForm({
    id: `questions-${target}`,
    lastResult,
    constraint: getZodConstraint(roundTranslationSchema),
    shouldValidate: 'onBlur',
    defaultValue: {
      language: target,
      title: round.translatedTitle,
      questions: questions.map((question) => ({ id: String(question.id), text: question.translated })),
    },
    onValidate: ({ formData }) => parseWithZod(formData, { schema: roundTranslationSchema, errorMap: formErrorMap }),
  })
  const questionFields = fields.questions.getFieldList()
  const { key: languageKey, ...languageProps } = getInputProps(fields.language, { type: 'hidden' })
  const sourceLabel = t('translate.source', { language: round.sourceLanguageName })
  const describe = (name: string) => {
    const match = /^questions\[(\d+)\]/.exec(name)
    if (match) return t('roundForm.question', { position: Number(match[1]) + 1 })
    return name === 'title' ? t('roundForm.roundTitle') : null
  }
  return (
    <section className="page moderation" aria-labelledby="questions-heading">
      <p className="breadcrumbs">
        <Link to="/moderate">{t('dashboard.title')}</Link>
      </p>
      <h1 id="questions-heading">{t('questions.title', { language: targetName })}</h1>
      <p className="lead">
        <Foreign lang={round.sourceLanguage} pageLanguage={language}>
          {round.title}
        </Foreign>
      </p>
      <dl className="facts">
        <div>
          <dt>{t('roundForm.opensAt')}</dt>
          <dd>
            <time dateTime={round.opensAt}>{round.opens}</time>
          </dd>
        </div>
        <div>
          <dt>{t('roundForm.closesAt')}</dt>
          <dd>
            <time dateTime={round.closesAt}>{round.closes}</time>
          </dd>
        </div>
        <div>
          <dt>{t('questions.version')}</dt>
          <dd>
            <Link to={`/moderate/versions/${round.versionId}`}>{t('questions.versionLink')}</Link>
          </dd>
        </div>
      </dl>
      <nav aria-label={t('translate.languages')} className="language-tabs">
        <p id="questions-languages">{t('translate.languages')}</p>
        <ul aria-labelledby="questions-languages">
          {targets.map((option) => (
            <li key={option.code}>
              <Link
                to={`?lang=${option.code}`}
                aria-current={option.code === target ? 'page' : undefined}
                className="language-tabs__link"
              >
                {option.name}{' '}
                <span className="muted">{t('questions.progress', { done: option.done, count: total })}</span>
              </Link>
            </li>
          ))}
        </ul>
      </nav>
      <p className="field__hint">{t('translate.emptyHint')}</p>
      <Form method="post" {...getFormProps(form)} className="form">
        <ErrorSummary formId={form.id} errors={form.allErrors} describe={describe} />
        <input key={languageKey} {...languageProps} />
        <fieldset className="fieldset">
          <legend>{t('roundForm.roundTitle')}</legend>
          <SideBySide
            source={round.title}
            sourceLanguage={round.sourceLanguage}
            sourceLabel={sourceLabel}
            pageLanguage={language}
            meta={fields.title}
            label={t('questions.titleField', { language: targetName })}
            target={target}
          />
        </fieldset>
        <fieldset className="fieldset">
          <legend>{t('roundForm.questions')}</legend>
          {questions.length === 0 ? <p>{t('questions.none')}</p> : null}
          {questionFields.map((questionField, index) => {
            const question = questions[index]
            if (!question) return null
            const item = questionField.getFieldset()
            const { key: idKey, ...idProps } = getInputProps(item.id, { type: 'hidden' })
            return (
              <div key={questionField.key} className="question-translation">
                <input key={idKey} {...idProps} />
                <SideBySide
                  source={question.text}
                  sourceLanguage={round.sourceLanguage}
                  sourceLabel={sourceLabel}
                  pageLanguage={language}
                  meta={item.text}
                  label={t('questions.questionField', { position: index + 1, language: targetName })}
                  target={target}
                  multiline
                />
              </div>
            )
          })}
        </fieldset>
        <div className="actions">
          <button type="submit" className="button" disabled={submitting}>
            {t('translate.save', { language: targetName })}
          </button>
          <Link to="/moderate">{t('form.cancel')}</Link>
        </div>
      </Form>
    </section>
  )
}
