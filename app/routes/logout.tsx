import { redirect, type ActionFunctionArgs } from '@remix-run/node'
import { endSession } from '~/utils/auth.server'
import { redirectWithFlash } from '~/utils/flash.server'

export async function loader() {
  return redirect('/')
}

export async function action({ request }: ActionFunctionArgs) {
  const cookie = await endSession(request)
  return redirectWithFlash('/', { key: 'accounts:flash.loggedOut' }, { headers: { 'Set-Cookie': cookie } })
}
