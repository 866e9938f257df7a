import type { HeadersFunction, LinksFunction, LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { useLoaderData } from '@remix-run/react'
import { loadSummaryPage } from '~/modules/summaries/page.server'
import { SummaryErrorBoundary, SummaryPage } from '~/modules/summaries/summary-page'
import cssHref from '~/styles/summaries.css'
import { requireRole } from '~/utils/auth.server'

export const handle = { i18n: ['summaries', 'rounds', 'regions'] }

/** Kept by the page cache as long as the loader says (http.server.ts, pageLifetime). */
export const headers: HeadersFunction = ({ loaderHeaders }) => loaderHeaders

export const links: LinksFunction = () => [{ rel: 'stylesheet', href: cssHref }]

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data?.title ?? 'Concord' }]

/** The draft as the public page will show it once published: current figures, the draft's narrative. */
export async function loader({ request, params }: LoaderFunctionArgs) {
  await requireRole(request, 'moderator')
  return loadSummaryPage(request, params.roundId, { kind: 'draft' })
}

export default function SummaryPreview() {
  return <SummaryPage data={useLoaderData<typeof loader>()} />
}

export function ErrorBoundary() {
  return <SummaryErrorBoundary />
}
