import type { LoaderFunctionArgs } from '@remix-run/node'
import { isLanguage } from '~/modules/i18n/i18n'
import { resourcesOf } from '~/modules/i18n/i18n.server'

/** The browser's i18next backend fetches one namespace of one language from here. */
export async function loader({ params }: LoaderFunctionArgs) {
  const resources = isLanguage(params.lng) && params.ns ? resourcesOf(params.lng, params.ns) : undefined
  if (!resources) return new Response('Not found', { status: 404 })
  return new Response(JSON.stringify(resources), {
    headers: {
      'Content-Type': 'application/json; charset=utf-8',
      'Cache-Control': 'public, max-age=300, stale-while-revalidate=86400',
    },
  })
}
