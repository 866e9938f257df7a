import { parseWithZod } from '@conform-to/zod'
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { Form, useActionData, useLoaderData } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { ROLES } from '#db/schema/accounts'
import { ErrorList } from '~/components/forms'
import { roleChangeSchema } from '~/modules/accounts/accounts.schema'
import {
  listRegionalOrganizations,
  listUsers,
  setOrganizationVerified,
  setRole,
} from '~/modules/accounts/accounts.server'
import { getFixedT } from '~/modules/i18n/i18n.server'
import { countryName } from '~/modules/regions/regions'
import { requireRole } from '~/utils/auth.server'
import { db } from '~/utils/db.server'
import { redirectWithFlash } from '~/utils/flash.server'
import { badRequest, readFormData } from '~/utils/http.server'

export const handle = { i18n: ['accounts', 'admin', 'regions'] }

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data?.title ?? 'Concord' }]

export async function loader({ request }: LoaderFunctionArgs) {
  await requireRole(request, 'admin')
  const { t, language } = await getFixedT(request, 'admin')
  return {
    title: `${t('users.title')} · Concord`,
    language,
    users: listUsers(db),
    regionalOrganizations: listRegionalOrganizations(db),
  }
}

export async function action({ request }: ActionFunctionArgs) {
  const admin = await requireRole(request, 'admin')
  const formData = await readFormData(request)
  if (formData.get('intent') === 'verify') {
    const organizationId = Number(formData.get('organizationId'))
    const verified = formData.get('verified') === 'true'
    if (!Number.isInteger(organizationId) || !setOrganizationVerified(db, organizationId, verified, admin.id)) {
      return badRequest({ userId: null, errors: ['admin:errors.organizationUnknown'] })
    }
    return redirectWithFlash('/admin/users', {
      key: verified ? 'admin:flash.organizationVerified' : 'admin:flash.organizationUnverified',
    })
  }
  const submission = parseWithZod(formData, { schema: roleChangeSchema })
  const userId = String(formData.get('userId') ?? '')
  if (submission.status !== 'success') {
    return badRequest({ userId, errors: Object.values(submission.error ?? {}).flat().map((key) => `accounts:${key}`) })
  }
  const result = setRole(db, userId, submission.value.role, submission.value.regionalOrganization || null)
  if (!result.ok) return badRequest({ userId, errors: Object.values(result.errors).flat().map((key) => `accounts:${key}`) })
  return redirectWithFlash('/admin/users', { key: 'admin:flash.roleChanged' })
}

export default function AdminUsers() {
  const { t } = useTranslation(['admin', 'accounts'])
  const { users, regionalOrganizations, language } = useLoaderData<typeof loader>()
  const actionData = useActionData<typeof action>()
  return (
    <div className="page">
      <h1>{t('users.title')}</h1>
      <p className="lead">{t('users.intro', { count: users.length })}</p>
      {actionData && !actionData.userId ? <ErrorList errors={actionData.errors} /> : null}
      <div className="table-scroll" role="region" aria-labelledby="users-caption" tabIndex={0}>
        <table className="table">
          <caption id="users-caption">{t('users.caption')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('accounts:fields.displayName')}</th>
              <th scope="col">{t('accounts:fields.organization')}</th>
              <th scope="col">{t('accounts:fields.category')}</th>
              <th scope="col">{t('accounts:fields.country')}</th>
              <th scope="col">{t('users.role')}</th>
            </tr>
          </thead>
          <tbody>
            {users.map((user) => (
              <tr key={user.id}>
                <th scope="row">
                  {user.displayName}
                  <br />
                  <span className="muted">{user.email}</span>
                </th>
                <td>
                  {user.organization ? (
                    <Form method="post" className="inline-form">
                      <span>{user.organization} </span>
                      <input type="hidden" name="organizationId" value={user.organizationId ?? ''} />
                      <input type="hidden" name="verified" value={user.organizationVerifiedAt ? 'false' : 'true'} />
                      {user.organizationVerifiedAt ? <span className="badge badge--ok">{t('users.verified')}</span> : null}
                      <button type="submit" name="intent" value="verify" className="button button--small button--quiet">
                        {user.organizationVerifiedAt ? t('users.unverify') : t('users.verify')}
                        <span className="visually-hidden"> · {user.organization}</span>
                      </button>
                    </Form>
                  ) : (
                    <span className="muted">—</span>
                  )}
                </td>
                <td>{t(`common:categories.${user.category}`)}</td>
                <td>{countryName(user.country, language)}</td>
                <td>
                  <Form method="post" className="role-form">
                    <input type="hidden" name="userId" value={user.id} />
                    <label className="visually-hidden" htmlFor={`role-${user.id}`}>
                      {t('users.roleOf', { name: user.displayName })}
                    </label>
                    <select id={`role-${user.id}`} name="role" defaultValue={user.role}>
                      {ROLES.map((role) => (
                        <option key={role} value={role}>
                          {t(`common:roles.${role}`)}
                        </option>
                      ))}
                    </select>
                    <label className="visually-hidden" htmlFor={`org-${user.id}`}>
                      {t('users.regionalOrganizationOf', { name: user.displayName })}
                    </label>
                    <select id={`org-${user.id}`} name="regionalOrganization" defaultValue={user.regionalOrganizationKey ?? ''}>
                      <option value="">{t('users.noRegionalOrganization')}</option>
                      {regionalOrganizations.map((organization) => (
                        <option key={organization.key} value={organization.key}>
                          {t(`regions:organizations.${organization.key}`)}
                        </option>
                      ))}
                    </select>
                    <button type="submit" name="intent" value="role" className="button button--small">
                      {t('users.save')}
                      <span className="visually-hidden"> · {user.displayName}</span>
                    </button>
                    {actionData?.userId === user.id ? <ErrorList errors={actionData.errors} /> : null}
                  </Form>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  )
}
