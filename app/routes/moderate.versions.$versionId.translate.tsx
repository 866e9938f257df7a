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
import { getVersionForEditing, saveVersionTranslation, translationCoverage } from '~/modules/norms/norms.server'
import { versionTranslationSchema } from '~/modules/norms/translation-form.schema'
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
  const versionId = readId(params.versionId)
  invariantResponse(versionId)
  const found = getVersionForEditing(db, versionId)
  invariantResponse(found)
  const { t, language } = await getFixedT(request, 'norms')
  const { version } = found
  const targets = targetLanguages(version.sourceLanguage)
  const requested = new URL(request.url).searchParams.get('lang')
  const target = targets.find((code) => code === (requested ?? targets[0]))
  invariantResponse(target)
  const coverage = translationCoverage(db, [version.id])
  const translated = new Map(
    found.translations.filter((row) => row.language === target).map((row) => [row.clauseId, row]),
  )
  const versionTranslation = found.versionTranslations.find((row) => row.language === target)
  const targetName = languageName(target, language)
  return {
    title: `${t('translate.title', { language: targetName })} · ${version.title} · Concord`,
    language,
    target,
    targetName,
    version: {
      id: version.id,
      number: version.number,
      title: version.title,
      preamble: version.preamble,
      sourceLanguage: version.sourceLanguage,
      sourceLanguageName: languageName(version.sourceLanguage, language),
      frozen: version.frozenAt !== null,
    },
    clauses: found.clauses.map((clause) => ({
      id: clause.id,
      label: clause.label,
      heading: clause.heading,
      text: clause.text,
      translatedHeading: translated.get(clause.id)?.heading ?? '',
      translatedText: translated.get(clause.id)?.text ?? '',
    })),
    translation: { title: versionTranslation?.title ?? '', preamble: versionTranslation?.preamble ?? '' },
    targets: targets.map((code) => ({
      code,
      name: languageName(code, language),
      clauses: coverage.find((row) => row.language === code)?.clauses ?? 0,
    })),
  }
}

export async function action({ request, params }: ActionFunctionArgs) {
  const user = await requireRole(request, 'moderator')
  const versionId = readId(params.versionId)
  invariantResponse(versionId)
  const submission = parseSubmission(await readFormData(request), versionTranslationSchema)
  if (submission.status !== 'success') return replyUnfinished(submission.reply(), submission.status)
  const { language, title, preamble, clauses } = submission.value
  const saved = saveVersionTranslation(db, { versionId, language, title, preamble, clauses }, user.id)
  if (!saved.ok) {
    invariantResponse(saved.error !== 'versionUnknown')
    return badRequest(submission.reply({ formErrors: [`errors.${saved.error}`] }))
  }
  const { language: reader } = await getFixedT(request, 'norms')
  return redirectWithFlash(`/moderate/versions/${versionId}/translate?lang=${language}`, {
    key: 'norms:flash.translationSaved',
    values: { language: languageName(language, reader) },
  })
}

export default function TranslateVersion() {
  const { target } = useLoaderData<typeof loader>()
  // A new form for each target language: nothing typed for one language spills into another.
  return <TranslationPage key={target} />
}

function TranslationPage() {
  const { t } = useTranslation('norms')
  const { version, clauses, translation, targets, target, targetName, language } = useLoaderData<typeof loader>()
  const lastResult = useActionData<typeof action>()
  const submitting = useNavigation().state === 'submitting'
  const [form, fields] = useForm({
    id: `translate-${target}`,
    lastResult,
    constraint: getZodConstraint(versionTranslationSchema),
    shouldValidate: 'onBlur',
    defaultValue: {
      language: target,
      title: translation.title,
      preamble: translation.preamble,
      clauses: clauses.map((clause) => ({
        id: String(clause.id),
        heading: clause.translatedHeading,
        text: clause.translatedText,
      })),
    },
    onValidate: ({ formData }) => parseWithZod(formData, { schema: versionTranslationSchema, errorMap: formErrorMap }),
  })
  const clauseFields = fields.clauses.getFieldList()
  const { key: languageKey, ...languageProps } = getInputProps(fields.language, { type: 'hidden' })
  const describe = (name: string) => {
    const match = /^clauses\[(\d+)\]/.exec(name)
    if (match) return t('translate.clause', { label: clauses[Number(match[1])]?.label ?? '' })
    return name === 'title' ? t('translate.titleField') : name === 'preamble' ? t('translate.preambleField') : null
  }
  return (
    <section className="page moderation" aria-labelledby="translate-heading">
      <p className="breadcrumbs">
        <Link to="/moderate">{t('dashboard.title')}</Link>
        {' / '}
        <Link to={`/moderate/versions/${version.id}`}>{t('version.number', { number: version.number })}</Link>
      </p>
      <h1 id="translate-heading">{t('translate.title', { language: targetName })}</h1>
      <p className="lead">
        <Foreign lang={version.sourceLanguage} pageLanguage={language}>
          {version.title}
        </Foreign>
        {' · '}
        {t('translate.from', { language: version.sourceLanguageName })}
      </p>
      <nav aria-label={t('translate.languages')} className="language-tabs">
        <p id="translate-languages">{t('translate.languages')}</p>
        <ul aria-labelledby="translate-languages">
          {targets.map((option) => (
            <li key={option.code}>
              <Link
                to={`?lang=${option.code}`}
                aria-current={option.code === target ? 'page' : undefined}
                className="language-tabs__link"
              >
                {option.name}{' '}
                <span className="muted">{t('version.ofClauses', { done: option.clauses, count: clauses.length })}</span>
              </Link>
            </li>
          ))}
        </ul>
      </nav>
      <p>{version.frozen ? t('translate.frozenHint') : t('translate.editableHint')}</p>
      <p className="field__hint">{t('translate.emptyHint')}</p>

      <Form method="post" {...getFormProps(form)} className="form">
        <ErrorSummary formId={form.id} errors={form.allErrors} describe={describe} />
        <input key={languageKey} {...languageProps} />
        <fieldset className="fieldset">
          <legend>{t('translate.titleLegend')}</legend>
          <SideBySide
            source={version.title}
            sourceLanguage={version.sourceLanguage}
            sourceLabel={t('translate.source', { language: version.sourceLanguageName })}
            pageLanguage={language}
            meta={fields.title}
            label={t('translate.titleField')}
            target={target}
          />
          {version.preamble ? (
            <SideBySide
              source={version.preamble}
              sourceLanguage={version.sourceLanguage}
              sourceLabel={t('translate.source', { language: version.sourceLanguageName })}
              pageLanguage={language}
              meta={fields.preamble}
              label={t('translate.preambleField')}
              target={target}
              multiline
            />
          ) : null}
        </fieldset>
        {clauseFields.map((clauseField, index) => {
          const clause = clauses[index]
          if (!clause) return null
          const item = clauseField.getFieldset()
          const { key: idKey, ...idProps } = getInputProps(item.id, { type: 'hidden' })
          return (
            <fieldset key={clauseField.key} className="fieldset">
              <legend>{t('translate.clause', { label: clause.label })}</legend>
              <input key={idKey} {...idProps} />
              {clause.heading ? (
                <SideBySide
                  source={clause.heading}
                  sourceLanguage={version.sourceLanguage}
                  sourceLabel={t('translate.source', { language: version.sourceLanguageName })}
                  pageLanguage={language}
                  meta={item.heading}
                  label={t('translate.headingField')}
                  target={target}
                />
              ) : null}
              <SideBySide
                source={clause.text}
                sourceLanguage={version.sourceLanguage}
                sourceLabel={t('translate.source', { language: version.sourceLanguageName })}
                pageLanguage={language}
                meta={item.text}
                label={t('translate.textField', { language: targetName })}
                target={target}
                multiline
              />
            </fieldset>
          )
        })}
        <div className="actions">
          <button type="submit" className="button" disabled={submitting}>
            {t('translate.save', { language: targetName })}
          </button>
          <Link to={`/moderate/versions/${version.id}`}>{t('form.cancel')}</Link>
        </div>
      </Form>
    </section>
  )
}
