import { getFormProps, useForm } from '@conform-to/react'
import { getZodConstraint, parseWithZod } from '@conform-to/zod'
import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { Form, Link, useActionData, useLoaderData, useNavigation } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { STAKEHOLDER_CATEGORIES } from '#db/schema/accounts'
import { FormErrors, SelectField, TextField } from '~/components/forms'
import { signupSchema } from '~/modules/accounts/accounts.schema'
import { createUser, listCountries } from '~/modules/accounts/accounts.server'
import { LANGUAGE_NAMES, SUPPORTED_LANGUAGES } from '~/modules/i18n/i18n'
import { getFixedT, languageCookie } from '~/modules/i18n/i18n.server'
import { countryOptions } from '~/modules/regions/regions'
import { getUser, startSession } from '~/utils/auth.server'
import { db } from '~/utils/db.server'
import { redirectWithFlash } from '~/utils/flash.server'
import { badRequest, readFormData } from '~/utils/http.server'
import { checkRateLimit, RATE_LIMITED_MESSAGE, retryAfterHeaders } from '~/utils/rate-limit.server'

export const handle = { i18n: ['accounts'] }

export const headers = retryAfterHeaders

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data?.title ?? 'Concord' }]

export async function loader({ request }: LoaderFunctionArgs) {
  if (await getUser(request)) throw await redirectWithFlash('/account', { key: 'accounts:flash.alreadySignedIn' })
  const { t, language } = await getFixedT(request, 'accounts')
  return {
    title: `${t('signup.title')} · Concord`,
    language,
    countries: countryOptions(
      listCountries(db).map((country) => country.code),
      language,
    ),
  }
}

export async function action({ request, context }: ActionFunctionArgs) {
  const formData = await readFormData(request)
  const submission = parseWithZod(formData, { schema: signupSchema })
  // Per address, and per email address asked for (which also slows finding out who has an account).
  const email = formData.get('email')
  const limited = await checkRateLimit({ request, context }, 'signup', typeof email === 'string' ? email : null)
  if (limited) {
    return data(submission.reply({ formErrors: [RATE_LIMITED_MESSAGE], hideFields: ['password'] }), {
      status: 429,
      headers: limited.headers,
    })
  }
  if (submission.status !== 'success') return badRequest(submission.reply({ hideFields: ['password'] }))
  const result = await createUser(db, submission.value)
  if (!result.ok) return badRequest(submission.reply({ fieldErrors: result.errors, hideFields: ['password'] }))
  const headers = new Headers()
  headers.append('Set-Cookie', await startSession(result.userId))
  headers.append('Set-Cookie', await languageCookie.serialize(submission.value.language))
  return redirectWithFlash('/account', { key: 'accounts:flash.welcome' }, { headers })
}

export default function Signup() {
  const { t } = useTranslation('accounts')
  const { countries, language } = useLoaderData<typeof loader>()
  const lastResult = useActionData<typeof action>()
  const submitting = useNavigation().state === 'submitting'
  const [form, fields] = useForm({
    id: 'signup',
    lastResult,
    constraint: getZodConstraint(signupSchema),
    // Validating on blur would insert errors above the button between mouse-down and mouse-up.
    shouldValidate: 'onSubmit',
    shouldRevalidate: 'onInput',
    defaultValue: { language },
    onValidate: ({ formData }) => parseWithZod(formData, { schema: signupSchema }),
  })
  return (
    <section className="page page--narrow" aria-labelledby="signup-title">
      <h1 id="signup-title">{t('signup.title')}</h1>
      <p className="lead">{t('signup.intro')}</p>
      <Form method="post" {...getFormProps(form)} className="form">
        <FormErrors errors={form.errors} ns="accounts" />
        <TextField meta={fields.email} type="email" label={t('fields.email')} ns="accounts" autoComplete="email" />
        <TextField
          meta={fields.password}
          type="password"
          label={t('fields.password')}
          hint={t('fields.passwordHint', { count: 10 })}
          ns="accounts"
          autoComplete="new-password"
        />
        <TextField meta={fields.displayName} label={t('fields.displayName')} ns="accounts" autoComplete="name" />
        <TextField
          meta={fields.organization}
          label={t('fields.organization')}
          hint={t('fields.organizationHint')}
          ns="accounts"
          autoComplete="organization"
        />
        <SelectField
          meta={fields.category}
          label={t('fields.category')}
          ns="accounts"
          placeholder={t('fields.choose')}
          options={STAKEHOLDER_CATEGORIES.map((key) => ({ value: key, label: t(`common:categories.${key}`) }))}
        />
        <SelectField
          meta={fields.country}
          label={t('fields.country')}
          ns="accounts"
          placeholder={t('fields.choose')}
          options={countries.map((country) => ({ value: country.code, label: country.name }))}
        />
        <SelectField
          meta={fields.language}
          label={t('fields.language')}
          ns="accounts"
          options={SUPPORTED_LANGUAGES.map((code) => ({ value: code, label: LANGUAGE_NAMES[code], lang: code }))}
        />
        <div className="actions">
          <button type="submit" className="button" disabled={submitting}>
            {t('signup.submit')}
          </button>
          <Link to="/login">{t('signup.haveAccount')}</Link>
        </div>
      </Form>
    </section>
  )
}
