import { getFormProps, getInputProps, useForm } from '@conform-to/react'
import { getZodConstraint, parseWithZod } from '@conform-to/zod'
import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from '@remix-run/node'
import { Form, Link, useActionData, useNavigation, useSearchParams } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { FormErrors, TextField } from '~/components/forms'
import { loginSchema } from '~/modules/accounts/accounts.schema'
import { authenticate } from '~/modules/accounts/accounts.server'
import { getFixedT, languageCookie } from '~/modules/i18n/i18n.server'
import { endSession, getUser, startSession } from '~/utils/auth.server'
import { db } from '~/utils/db.server'
import { redirectWithFlash } from '~/utils/flash.server'
import { badRequest, readFormData, safeRedirect } from '~/utils/http.server'
import { checkRateLimit, RATE_LIMITED_MESSAGE, retryAfterHeaders } from '~/utils/rate-limit.server'

export const handle = { i18n: ['accounts'] }

export const headers = retryAfterHeaders

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data?.title ?? 'Concord' }]

export async function loader({ request }: LoaderFunctionArgs) {
  if (await getUser(request)) throw await redirectWithFlash('/account', { key: 'accounts:flash.alreadySignedIn' })
  const { t } = await getFixedT(request, 'accounts')
  return { title: `${t('login.title')} · Concord` }
}

export async function action({ request, context }: ActionFunctionArgs) {
  const formData = await readFormData(request)
  const submission = parseWithZod(formData, { schema: loginSchema })
  // Counted before the password is checked: per address, and per account the email names.
  const email = formData.get('email')
  const limited = await checkRateLimit({ request, context }, 'login', typeof email === 'string' ? email : null)
  if (limited) {
    return data(submission.reply({ formErrors: [RATE_LIMITED_MESSAGE], hideFields: ['password'] }), {
      status: 429,
      headers: limited.headers,
    })
  }
  if (submission.status !== 'success') return badRequest(submission.reply({ hideFields: ['password'] }))
  const user = await authenticate(db, submission.value.email, submission.value.password)
  if (!user) {
    // One message whether the account exists or not.
    return badRequest(submission.reply({ formErrors: ['errors.loginFailed'], hideFields: ['password'] }))
  }
  // A new session with a new id; the one this browser held before, if any, ends.
  await endSession(request)
  const headers = new Headers()
  headers.append('Set-Cookie', await startSession(user.id))
  headers.append('Set-Cookie', await languageCookie.serialize(user.language))
  return redirectWithFlash(safeRedirect(submission.value.redirectTo, '/'), { key: 'accounts:flash.loggedIn' }, { headers })
}

export default function Login() {
  const { t } = useTranslation('accounts')
  const [searchParams] = useSearchParams()
  const lastResult = useActionData<typeof action>()
  const submitting = useNavigation().state === 'submitting'
  const [form, fields] = useForm({
    id: 'login',
    lastResult,
    constraint: getZodConstraint(loginSchema),
    shouldValidate: 'onSubmit',
    defaultValue: { redirectTo: searchParams.get('redirectTo') ?? '' },
    onValidate: ({ formData }) => parseWithZod(formData, { schema: loginSchema }),
  })
  const { key: redirectKey, ...redirectProps } = getInputProps(fields.redirectTo, { type: 'hidden' })
  return (
    <section className="page page--narrow" aria-labelledby="login-title">
      <h1 id="login-title">{t('login.title')}</h1>
      <Form method="post" {...getFormProps(form)} className="form">
        <FormErrors errors={form.errors} ns="accounts" />
        <input key={redirectKey} {...redirectProps} />
        <TextField meta={fields.email} type="email" label={t('fields.email')} ns="accounts" autoComplete="email" />
        <TextField
          meta={fields.password}
          type="password"
          label={t('fields.password')}
          ns="accounts"
          autoComplete="current-password"
        />
        <div className="actions">
          <button type="submit" className="button" disabled={submitting}>
            {t('login.submit')}
          </button>
          <Link to="/signup">{t('login.noAccount')}</Link>
        </div>
      </Form>
    </section>
  )
}
