import type { LoaderFunctionArgs } from '@remix-run/node'
import { getUser } from '~/utils/auth.server'
import { getLanguage } from '~/modules/i18n/i18n.server'
import { exportSummary } from '~/modules/summaries/exports.server'
import { db } from '~/utils/db.server'
import { enforceRateLimit } from '~/utils/rate-limit.server'

/**
 * The round's published summary as JSON open data (schema: app/modules/summaries/summary.schema.json).
 * Public, like the summary page: a round without a published summary answers 404. Lens filters in
 * the query (region, subregion, organization, category, language) give live figures through the lens.
 */
export async function loader({ request, params, context }: LoaderFunctionArgs) {
  await enforceRateLimit({ request, context }, 'export', (await getUser(request))?.id)
  const language = await getLanguage(request)
  return exportSummary(db, {
    roundParam: params.roundId,
    format: 'json',
    search: new URL(request.url).searchParams,
    language,
  })
}
