import { getFormProps, useForm } from '@conform-to/react'
import { getZodConstraint, parseWithZod } from '@conform-to/zod'
import type { ActionFunctionArgs, LinksFunction, LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData, useNavigation } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { getFixedT } from '~/modules/i18n/i18n.server'
import { DraftFields, draftDefaults } from '~/modules/norms/draft-form'
import { formErrorMap } from '~/modules/norms/forms'
import { parseSubmission, replyUnfinished } from '~/modules/norms/forms.server'
import { languageOptions } from '~/modules/norms/languages'
import { draftSchema } from '~/modules/norms/norms.schema'
import { createNorm } from '~/modules/norms/norms.server'
import cssHref from '~/styles/moderation.css'
import { requireRole } from '~/utils/auth.server'
import { db } from '~/utils/db.server'
import { redirectWithFlash } from '~/utils/flash.server'
import { readFormData } from '~/utils/http.server'

export const handle = { i18n: ['norms'] }

export const links: LinksFunction = () => [{ rel: 'stylesheet', href: cssHref }]

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data?.title ?? 'Concord' }]

export async function loader({ request }: LoaderFunctionArgs) {
  await requireRole(request, 'moderator')
  const { t, language } = await getFixedT(request, 'norms')
  return { title: `${t('draft.newTitle')} · Concord`, language }
}

export async function action({ request }: ActionFunctionArgs) {
  const user = await requireRole(request, 'moderator')
  const submission = parseSubmission(await readFormData(request), draftSchema)
  if (submission.status !== 'success') return replyUnfinished(submission.reply(), submission.status)
  const { title, preamble, sourceLanguage, clauses } = submission.value
  const versionId = createNorm(
    db,
    {
      title,
      preamble: preamble ?? '',
      sourceLanguage,
      clauses: clauses.map((clause) => ({ label: clause.label, heading: clause.heading || null, text: clause.text })),
    },
    user.id,
  )
  return redirectWithFlash(`/moderate/versions/${versionId}`, { key: 'norms:flash.created' })
}

export default function NewDraft() {
  const { t } = useTranslation('norms')
  const { language } = useLoaderData<typeof loader>()
  const lastResult = useActionData<typeof action>()
  const submitting = useNavigation().state === 'submitting'
  const [form] = useForm({
    id: 'draft',
    lastResult,
    constraint: getZodConstraint(draftSchema),
    shouldValidate: 'onBlur',
    shouldRevalidate: 'onInput',
    defaultValue: draftDefaults(undefined, language),
    onValidate: ({ formData }) => parseWithZod(formData, { schema: draftSchema, errorMap: formErrorMap }),
  })
  return (
    <section className="page moderation" aria-labelledby="new-draft-heading">
      <p className="breadcrumbs">
        <Link to="/moderate">{t('dashboard.title')}</Link>
      </p>
      <h1 id="new-draft-heading">{t('draft.newTitle')}</h1>
      <p className="lead">{t('draft.newIntro')}</p>
      <p>
        <Link to="/moderate/norms/import">{t('draft.orImport')}</Link>
      </p>
      <Form method="post" {...getFormProps(form)} className="form">
        <DraftFields form={form} languageOptions={languageOptions()} intent="create" submitLabel={t('draft.create')} />
        <div className="actions">
          <button type="submit" name="intent" value="create" className="button" disabled={submitting}>
            {t('draft.create')}
          </button>
          <Link to="/moderate">{t('form.cancel')}</Link>
        </div>
      </Form>
    </section>
  )
}
