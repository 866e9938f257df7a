import { getFormProps, getInputProps, useForm } from '@conform-to/react'
import { getZodConstraint, parseWithZod } from '@conform-to/zod'
import type { ActionFunctionArgs, LinksFunction, LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData, useNavigation } from '@remix-run/react'
import { useEffect, useRef } from 'react'
import { useTranslation } from 'react-i18next'
import { SelectField } from '~/components/forms'
import { getFixedT } from '~/modules/i18n/i18n.server'
import { ErrorSummary, TextareaField } from '~/modules/norms/form-parts'
import { formErrorMap } from '~/modules/norms/forms'
import { parseSubmission, replyUnfinished } from '~/modules/norms/forms.server'
import { importSchema, MAX_IMPORT_BYTES } from '~/modules/norms/import.schema'
import { languageOptions } from '~/modules/norms/languages'
import { importDraft } from '~/modules/norms/norms.server'
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
  const { t, language } = await getFixedT(request, 'norms')
  return { title: `${t('import.title')} · Concord`, language }
}

type LineError = { line: number; key: string; values?: Record<string, string | number>; text: string }

export async function action({ request }: ActionFunctionArgs) {
  const user = await requireRole(request, 'moderator')
  const formData = await readFormData(request)
  const submission = parseSubmission(formData, importSchema)
  const noLines: LineError[] = []
  if (submission.status !== 'success') {
    return replyUnfinished({ result: submission.reply(), lineErrors: noLines, fileText: null }, submission.status)
  }
  const file = formData.get('file')
  const pasted = submission.value.markdown ?? ''
  let source = pasted
  let fileText: string | null = null
  if (file instanceof File && file.size > 0) {
    if (pasted.trim()) {
      return badRequest({ result: submission.reply({ formErrors: ['errors.importBoth'] }), lineErrors: noLines, fileText: null })
    }
    if (file.size > MAX_IMPORT_BYTES) {
      return badRequest({
        result: submission.reply({ fieldErrors: { file: ['errors.fileTooLarge'] } }),
        lineErrors: noLines,
        fileText: null,
      })
    }
    try {
      source = new TextDecoder('utf-8', { fatal: true }).decode(await file.arrayBuffer())
    } catch {
      return badRequest({
        result: submission.reply({ fieldErrors: { file: ['errors.notUtf8'] } }),
        lineErrors: noLines,
        fileText: null,
      })
    }
    // The file's text goes into the box, where the errors below can be put right.
    submission.payload.markdown = source
    fileText = source
  }
  if (!source.trim()) {
    return badRequest({ result: submission.reply({ formErrors: ['errors.importEmpty'] }), lineErrors: noLines, fileText: null })
  }
  const imported = importDraft(db, source, { sourceLanguage: submission.value.sourceLanguage }, user.id)
  if (!imported.ok) {
    const lines = source.replace(/^\uFEFF/, '').split(/\r\n?|\n/)
    const lineErrors: LineError[] = imported.errors.map((error) => ({
      ...error,
      text: (lines[error.line - 1] ?? '').slice(0, 200),
    }))
    return badRequest({
      result: submission.reply({ fieldErrors: { markdown: ['errors.markdownInvalid'] } }),
      lineErrors,
      fileText,
    })
  }
  return redirectWithFlash(`/moderate/versions/${imported.versionId}`, { key: 'norms:flash.imported' })
}

export default function ImportDraft() {
  const { t } = useTranslation('norms')
  const { language } = useLoaderData<typeof loader>()
  const actionData = useActionData<typeof action>()
  const submitting = useNavigation().state === 'submitting'
  const [form, fields] = useForm({
    id: 'import',
    lastResult: actionData?.result,
    constraint: getZodConstraint(importSchema),
    shouldValidate: 'onSubmit',
    defaultValue: { sourceLanguage: language, markdown: '' },
    onValidate: ({ formData }) => parseWithZod(formData, { schema: importSchema, errorMap: formErrorMap }),
  })
  const lineErrors = actionData?.lineErrors ?? []
  // Without JavaScript every answer is a new page: no file chosen, the file's text in the box. With
  // it the form stays in place, so the same is done here; otherwise the text corrected in the box
  // would be sent again together with the old file, and refused for giving both.
  const fileInput = useRef<HTMLInputElement>(null)
  const answered = useRef<unknown>(null)
  const markdownName = fields.markdown.name
  useEffect(() => {
    if (!actionData || answered.current === actionData) return
    answered.current = actionData
    if (fileInput.current) fileInput.current.value = ''
    if (actionData.fileText !== null) form.update({ name: markdownName, value: actionData.fileText })
  }, [actionData, form, markdownName])
  const { key: fileKey, ...fileProps } = getInputProps(fields.file, {
    type: 'file',
    ariaDescribedBy: fields.file.descriptionId,
  })
  const describe = (name: string) =>
    name === 'file'
      ? t('import.file')
      : name === 'markdown'
      ? t('import.paste')
      : name === 'sourceLanguage'
      ? t('draft.fields.sourceLanguage')
      : null
  return (
    <section className="page moderation" aria-labelledby="import-heading">
      <p className="breadcrumbs">
        <Link to="/moderate">{t('dashboard.title')}</Link>
      </p>
      <h1 id="import-heading">{t('import.title')}</h1>
      <p className="lead">{t('import.intro')}</p>
      <details className="format-help">
        <summary>{t('import.formatTitle')}</summary>
        <p>{t('import.formatBody')}</p>
        <pre lang="en" dir="ltr">
          <code>{t('import.example')}</code>
        </pre>
      </details>
      <Form method="post" encType="multipart/form-data" {...getFormProps(form)} className="form">
        <ErrorSummary formId={form.id} errors={form.allErrors} describe={describe} />
        {lineErrors.length ? (
          <section className="line-errors" aria-labelledby="line-errors-title">
            <h2 id="line-errors-title">{t('import.lineErrorsTitle', { count: lineErrors.length })}</h2>
            <div className="table-scroll" role="region" aria-labelledby="line-errors-caption" tabIndex={0}>
              <table className="table">
                <caption id="line-errors-caption">{t('import.lineErrorsCaption')}</caption>
                <thead>
                  <tr>
                    <th scope="col" className="number">
                      {t('import.line')}
                    </th>
                    <th scope="col">{t('import.problem')}</th>
                    <th scope="col">{t('import.lineText')}</th>
                  </tr>
                </thead>
                <tbody>
                  {lineErrors.map((error, index) => (
                    <tr key={`${error.line}-${index}`}>
                      <th scope="row" className="number">
                        {error.line}
                      </th>
                      <td>{t('import.lineError', { line: error.line, message: t(error.key, error.values) })}</td>
                      <td>
                        <code dir="auto">{error.text}</code>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </section>
        ) : null}
        <SelectField
          meta={fields.sourceLanguage}
          label={t('draft.fields.sourceLanguage')}
          hint={t('draft.sourceLanguageHint')}
          ns="norms"
          options={languageOptions()}
        />
        <fieldset className="fieldset">
          <legend>{t('import.sourceLegend')}</legend>
          <p className="field__hint">{t('import.sourceHint')}</p>
          <div className="field">
            <label htmlFor={fields.file.id}>{t('import.file')}</label>
            <p id={fields.file.descriptionId} className="field__hint">
              {t('import.fileHint')}
            </p>
            <input key={fileKey} {...fileProps} ref={fileInput} accept=".md,.markdown,.txt,text/markdown,text/plain" />
            {fields.file.errors ? (
              <ul id={fields.file.errorId} className="field__errors">
                {fields.file.errors.map((error) => (
                  <li key={error}>{t(error)}</li>
                ))}
              </ul>
            ) : null}
          </div>
          <TextareaField
            meta={fields.markdown}
            label={t('import.paste')}
            hint={t('import.pasteHint')}
            rows={14}
            className="markdown-input"
            spellCheck={false}
            dir="auto"
          />
        </fieldset>
        <div className="actions">
          <button type="submit" className="button" disabled={submitting}>
            {t('import.submit')}
          </button>
          <Link to="/moderate/norms/new">{t('import.orWrite')}</Link>
        </div>
      </Form>
    </section>
  )
}
