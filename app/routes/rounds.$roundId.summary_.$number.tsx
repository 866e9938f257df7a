import type { HeadersFunction, LinksFunction, LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { useLoaderData } from '@remix-run/react'
import { loadSummaryPage, positiveIdOf } from '~/modules/summaries/page.server'
import { PrintButtonScript, SummaryErrorBoundary, SummaryPage } from '~/modules/summaries/summary-page'
import cssHref from '~/styles/summaries.css'

/**
 * A published summary is a document that works whole as HTML (its lens is a GET form, its downloads
 * are links): it is served without the application's scripts and their copy of its data, a third
 * of its bytes (root.tsx; README, decision 26).
 */
export const handle = { i18n: ['summaries', 'rounds', 'regions'], scripts: false }

/** Kept by the page cache as long as the loader says (http.server.ts, pageLifetime). */
export const headers: HeadersFunction = ({ loaderHeaders }) => loaderHeaders

export const links: LinksFunction = () => [{ rel: 'stylesheet', href: cssHref }]

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data?.title ?? 'Concord' }]

/** One published snapshot of a round's summary; earlier ones stay readable, with a note when a newer one exists. */
export async function loader({ request, params }: LoaderFunctionArgs) {
  return loadSummaryPage(request, params.roundId, { kind: 'number', number: positiveIdOf(params.number) })
}

export default function NumberedSummary() {
  return (
    <>
      <SummaryPage data={useLoaderData<typeof loader>()} />
      <PrintButtonScript />
    </>
  )
}

export function ErrorBoundary() {
  return <SummaryErrorBoundary />
}
