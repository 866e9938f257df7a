import { getFormProps, useForm } from '@conform-to/react'
import { getZodConstraint, parseWithZod } from '@conform-to/zod'
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { Form, useActionData, useLoaderData } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { STAKEHOLDER_CATEGORIES } from '#db/schema/accounts'
import { FormErrors, SelectField, TextField } from '~/components/forms'
import { passwordChangeSchema, profileSchema } from '~/modules/accounts/accounts.schema'
import { changePassword, getProfile, listCountries, updateProfile } from '~/modules/accounts/accounts.server'
import { LANGUAGE_NAMES, SUPPORTED_LANGUAGES } from '~/modules/i18n/i18n'
import { getFixedT, languageCookie } from '~/modules/i18n/i18n.server'
import { countryOptions } from '~/modules/regions/regions'
import { lucia, requireUser, startSession } from '~/utils/auth.server'
import { db } from '~/utils/db.server'
import { redirectWithFlash } from '~/utils/flash.server'
import { badRequest, readFormData } from '~/utils/http.server'

export const handle = { i18n: ['accounts'] }

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data?.title ?? 'Concord' }]

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request)
  const { t, language } = await getFixedT(request, 'accounts')
  const profile = getProfile(db, user.id)
  if (!profile) throw new Response('Unauthorized', { status: 401 })
  return {
    title: `${t('account.title')} · Concord`,
    profile,
    countries: countryOptions(
      listCountries(db).map((country) => country.code),
      language,
    ),
  }
}

export async function action({ request }: ActionFunctionArgs) {
  const user = await requireUser(request)
  const formData = await readFormData(request)
  const intent = formData.get('intent')
  if (intent === 'password') {
    const submission = parseWithZod(formData, { schema: passwordChangeSchema })
    const hidden = { hideFields: ['currentPassword', 'newPassword', 'confirmPassword'] }
    if (submission.status !== 'success') return badRequest({ intent, result: submission.reply(hidden) })
    const changed = await changePassword(db, user.id, submission.value.currentPassword, submission.value.newPassword)
    if (!changed.ok) return badRequest({ intent, result: submission.reply({ ...hidden, fieldErrors: changed.errors }) })
    // Every session of this account ends, this one included; a new one starts with a new id.
    await lucia.invalidateUserSessions(user.id)
    return redirectWithFlash(
      '/account',
      { key: 'accounts:flash.passwordChanged' },
      { headers: { 'Set-Cookie': await startSession(user.id) } },
    )
  }
  const submission = parseWithZod(formData, { schema: profileSchema })
  if (submission.status !== 'success') return badRequest({ intent: 'profile', result: submission.reply() })
  const updated = updateProfile(db, user.id, submission.value)
  if (!updated.ok) return badRequest({ intent: 'profile', result: submission.reply({ fieldErrors: updated.errors }) })
  return redirectWithFlash(
    '/account',
    { key: 'accounts:flash.profileSaved' },
    { headers: { 'Set-Cookie': await languageCookie.serialize(submission.value.language) } },
  )
}

export default function Account() {
  const { t } = useTranslation('accounts')
  const { profile } = useLoaderData<typeof loader>()
  const actionData = useActionData<typeof action>()
  const [passwordForm, passwordFields] = useForm({
    id: 'password',
    lastResult: actionData?.intent === 'password' ? actionData.result : undefined,
    constraint: getZodConstraint(passwordChangeSchema),
    shouldValidate: 'onBlur',
    onValidate: ({ formData }) => parseWithZod(formData, { schema: passwordChangeSchema }),
  })
  return (
    <div className="page page--narrow">
      <h1>{t('account.title')}</h1>
      <dl className="facts">
        <div>
          <dt>{t('fields.email')}</dt>
          <dd>{profile.email}</dd>
        </div>
        <div>
          <dt>{t('account.role')}</dt>
          <dd>{t(`common:roles.${profile.role}`)}</dd>
        </div>
        {profile.organization ? (
          <div>
            <dt>{t('fields.organization')}</dt>
            <dd>
              {profile.organization}{' '}
              <span className={profile.organizationVerified ? 'badge badge--ok' : 'badge'}>
                {profile.organizationVerified ? t('account.verified') : t('account.unverified')}
              </span>
            </dd>
          </div>
        ) : null}
      </dl>

      <ProfileForm key={profile.language} />

      <section aria-labelledby="password-title" className="card">
        <h2 id="password-title">{t('account.changePassword')}</h2>
        <Form method="post" {...getFormProps(passwordForm)} className="form">
          <FormErrors errors={passwordForm.errors} ns="accounts" />
          <TextField
            meta={passwordFields.currentPassword}
            type="password"
            label={t('fields.currentPassword')}
            ns="accounts"
            autoComplete="current-password"
          />
          <TextField
            meta={passwordFields.newPassword}
            type="password"
            label={t('fields.newPassword')}
            hint={t('fields.passwordHint', { count: 10 })}
            ns="accounts"
            autoComplete="new-password"
          />
          <TextField
            meta={passwordFields.confirmPassword}
            type="password"
            label={t('fields.confirmPassword')}
            ns="accounts"
            autoComplete="new-password"
          />
          <div className="actions">
            <button type="submit" name="intent" value="password" className="button">
              {t('account.changePassword')}
            </button>
          </div>
        </Form>
      </section>
    </div>
  )
}

/** Keyed by the saved language, so a language switch elsewhere shows in the select at once. */
function ProfileForm() {
  const { t } = useTranslation('accounts')
  const { profile, countries } = useLoaderData<typeof loader>()
  const actionData = useActionData<typeof action>()
  const [profileForm, profileFields] = useForm({
    id: 'profile',
    lastResult: actionData?.intent === 'profile' ? actionData.result : undefined,
    constraint: getZodConstraint(profileSchema),
    shouldValidate: 'onBlur',
    defaultValue: {
      displayName: profile.displayName,
      organization: profile.organization ?? '',
      category: profile.category,
      country: profile.country,
      language: profile.language,
    },
    onValidate: ({ formData }) => parseWithZod(formData, { schema: profileSchema }),
  })
  return (
    <section aria-labelledby="profile-title" className="card">
      <h2 id="profile-title">{t('account.profile')}</h2>
      <Form method="post" {...getFormProps(profileForm)} className="form">
        <FormErrors errors={profileForm.errors} ns="accounts" />
        <TextField meta={profileFields.displayName} label={t('fields.displayName')} ns="accounts" autoComplete="name" />
        <TextField
          meta={profileFields.organization}
          label={t('fields.organization')}
          hint={t('fields.organizationHint')}
          ns="accounts"
          autoComplete="organization"
        />
        <SelectField
          meta={profileFields.category}
          label={t('fields.category')}
          ns="accounts"
          options={STAKEHOLDER_CATEGORIES.map((key) => ({ value: key, label: t(`common:categories.${key}`) }))}
        />
        <SelectField
          meta={profileFields.country}
          label={t('fields.country')}
          ns="accounts"
          options={countries.map((country) => ({ value: country.code, label: country.name }))}
        />
        <SelectField
          meta={profileFields.language}
          label={t('fields.language')}
          ns="accounts"
          options={SUPPORTED_LANGUAGES.map((code) => ({ value: code, label: LANGUAGE_NAMES[code], lang: code }))}
        />
        <div className="actions">
          <button type="submit" name="intent" value="profile" className="button">
            {t('account.saveProfile')}
          </button>
        </div>
      </Form>
    </section>
  )
}
