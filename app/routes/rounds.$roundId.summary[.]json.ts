import type { LoaderFunctionArgs } from '@remix-run/node'
import { getLanguage } from '~/modules/i18n/i18n.server'
import { exportSummary } from '~/modules/summaries/exports.server'
import { db } from '~/utils/db.server'

/**
 * The round's published summary as JSON open data (schema: app/modules/summaries/summary.schema.json).
 * Public, like the summary page: a round without a published summary answers 404. Lens filters in
 * the query (region, subregion, organization, category, language) give live figures through the lens.
 */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const language = await getLanguage(request)
  return exportSummary(db, {
    roundParam: params.roundId,
    format: 'json',
    search: new URL(request.url).searchParams,
    language,
  })
}
