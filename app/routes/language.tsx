import { redirect, type ActionFunctionArgs } from '@remix-run/node'
import { setPreferredLanguage } from '~/modules/accounts/accounts.server'
import { isLanguage } from '~/modules/i18n/i18n'
import { languageCookie } from '~/modules/i18n/i18n.server'
import { getUser } from '~/utils/auth.server'
import { db } from '~/utils/db.server'
import { readFormData, safeRedirect } from '~/utils/http.server'

export async function loader() {
  return redirect('/')
}

/** The language switcher posts here: the choice goes into a cookie and, when signed in, the profile. */
export async function action({ request }: ActionFunctionArgs) {
  const formData = await readFormData(request)
  const language = formData.get('lng')
  const redirectTo = safeRedirect(formData.get('redirectTo'))
  if (!isLanguage(language)) return redirect(redirectTo)
  const user = await getUser(request)
  if (user) setPreferredLanguage(db, user.id, language)
  return redirect(redirectTo, { headers: { 'Set-Cookie': await languageCookie.serialize(language) } })
}
