import type { LoaderFunctionArgs } from '@remix-run/node'
import { getUser } from '~/utils/auth.server'
import { getLanguage } from '~/modules/i18n/i18n.server'
import { exportSummary } from '~/modules/summaries/exports.server'
import { db } from '~/utils/db.server'
import { enforceRateLimit } from '~/utils/rate-limit.server'

/**
 * One table of the round's published summary as CSV open data: `?table=` one of CSV_TABLES
 * (participation_by_category, …, dispositions). Public, like the summary page; lens filters in the
 * query give live figures through the lens, announced in a first `#` comment row.
 */
export async function loader({ request, params, context }: LoaderFunctionArgs) {
  await enforceRateLimit({ request, context }, 'export', (await getUser(request))?.id)
  const language = await getLanguage(request)
  return exportSummary(db, {
    roundParam: params.roundId,
    format: 'csv',
    search: new URL(request.url).searchParams,
    language,
  })
}
