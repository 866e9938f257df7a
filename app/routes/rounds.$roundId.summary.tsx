import type { HeadersFunction, LinksFunction, LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { useLoaderData } from '@remix-run/react'
import { loadSummaryPage } from '~/modules/summaries/page.server'
import { PUBLISHED_SUMMARY_HANDLE, PublishedSummary, SummaryErrorBoundary } from '~/modules/summaries/summary-page'
import cssHref from '~/styles/summaries.css'

export const handle = PUBLISHED_SUMMARY_HANDLE

/** Kept by the page cache as long as the loader says (http.server.ts, pageLifetime). */
export const headers: HeadersFunction = ({ loaderHeaders }) => loaderHeaders

export const links: LinksFunction = () => [{ rel: 'stylesheet', href: cssHref }]

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data?.title ?? 'Concord' }]

/** The latest published summary of a round, for anyone; with a lens, current figures beside it. */
export async function loader({ request, params }: LoaderFunctionArgs) {
  return loadSummaryPage(request, params.roundId, { kind: 'latest' })
}

export default function LatestSummary() {
  return <PublishedSummary data={useLoaderData<typeof loader>()} />
}

export function ErrorBoundary() {
  return <SummaryErrorBoundary />
}
