import { Form, isRouteErrorResponse, Link, useRouteError } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { BarChart } from '~/components/charts/bar-chart'
import { Heatmap } from '~/components/charts/heatmap'
import { DateTime } from '~/components/date-time'
import { GeneralErrorBoundary } from '~/components/error-boundary'
import { useHydrated } from '~/components/use-hydrated'
import { useNonce } from '~/utils/nonce'
import type { SummaryPageData } from './page.server'
import { HowToRead, SummaryDocument } from './summary-document'
import { isUnknownFilters, LENS_FILTERS } from './summaries.schema'

type PublishedData = Extract<SummaryPageData, { published: true }>
type NotPublishedData = { published: false; round: PublishedData['round']; basePath: string }

/** The public reading of a summary: its header, the reading notes, the lens, the document, its versions. */
export function SummaryPage({ data }: { data: PublishedData | NotPublishedData }) {
  const { t } = useTranslation('summaries')
  if (!data.published) return <NotPublished data={data} />
  const { round, snapshot, view, lens, versions, newer, preview, dir } = data
  return (
    <article className="page summary-page" aria-labelledby="summary-title">
      <p className="breadcrumb no-print">
        <Link to={`/rounds/${round.id}`} lang={round.titleLanguage}>
          {round.title}
        </Link>
      </p>
      {preview ? (
        <p className="preview-banner" role="note">
          <strong>{t('preview.banner')}</strong> {t('preview.explanation')}
        </p>
      ) : null}
      <h1 id="summary-title">{t('page.title')}</h1>
      <p className="lead">
        <span lang={round.titleLanguage}>{round.title}</span> ·{' '}
        <span lang={round.normTitleLanguage}>{round.normTitle}</span>
      </p>
      <dl className="summary-meta">
        {snapshot.number !== null ? (
          <div>
            <dt>{t('meta.version')}</dt>
            <dd>{t('meta.versionValue', { number: snapshot.number })}</dd>
          </div>
        ) : null}
        {snapshot.publishedAt ? (
          <div>
            <dt>{t('meta.published')}</dt>
            <dd>
              <DateTime value={snapshot.publishedAt} />
            </dd>
          </div>
        ) : null}
        {snapshot.computedAt ? (
          <div>
            <dt>{t('meta.computed')}</dt>
            <dd>
              <DateTime value={snapshot.computedAt} />
            </dd>
          </div>
        ) : null}
        {snapshot.contentHash ? (
          <div>
            <dt>{t('meta.hash')}</dt>
            <dd>
              <code className="hash">{snapshot.contentHash}</code>{' '}
              {snapshot.integrityOk ? <span className="badge badge--ok">{t('meta.verified')}</span> : null}
            </dd>
          </div>
        ) : null}
        <div className="print-only">
          <dt>{t('meta.address')}</dt>
          <dd>{snapshot.printUrl}</dd>
        </div>
      </dl>
      {snapshot.integrityOk ? null : (
        <p className="integrity-alert" role="alert">
          {t('meta.mismatch')}
        </p>
      )}
      {newer ? (
        <p className="notice newer-notice">
          {t('meta.newer', { number: newer.number })}{' '}
          <Link to={newer.href} data-print-href={`${data.origin}${newer.href}`}>
            {t('meta.readNewer', { number: newer.number })}
          </Link>
        </p>
      ) : null}

      {data.downloads ? <Downloads downloads={data.downloads} /> : null}

      <nav className="summary-toc no-print" aria-labelledby="toc-title">
        <h2 id="toc-title" className="visually-hidden">
          {t('toc.title')}
        </h2>
        <ul>
          {data.downloads ? (
            <li>
              <a href="#downloads-title">{t('downloads.title')}</a>
            </li>
          ) : null}
          <li>
            <a href="#how-to-read-title">{t('howToRead.title')}</a>
          </li>
          <li>
            <a href="#lens-title">{t('lens.title')}</a>
          </li>
          {(['participation', 'clauses', 'consensus', 'concerns', 'dispositions', 'method'] as const).map((section) => (
            <li key={section}>
              <a href={`#${view.idPrefix}-${section}-title`}>{t(`sections.${section}`)}</a>
            </li>
          ))}
          <li>
            <a href="#versions-title">{t('versions.title')}</a>
          </li>
        </ul>
      </nav>

      <HowToRead headingId="how-to-read-title" />
      <LensSection lens={lens} basePath={data.basePath} dir={dir} />
      <SummaryDocument view={view} dir={dir} sourceLanguageName={data.sourceLanguageName} />

      <section aria-labelledby="versions-title" className="summary-section">
        <h2 id="versions-title">{t('versions.title')}</h2>
        {versions.length ? (
          <div className="table-scroll" role="region" aria-labelledby="versions-caption" tabIndex={0}>
            <table className="table versions-table">
              <caption id="versions-caption">{t('versions.caption')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('versions.number')}</th>
                  <th scope="col">{t('versions.published')}</th>
                  <th scope="col">{t('versions.hash')}</th>
                </tr>
              </thead>
              <tbody>
                {versions.map((version) => (
                  <tr key={version.number}>
                    <th scope="row">
                      {version.number === snapshot.number ? (
                        <span aria-current="page">{t('versions.current', { number: version.number })}</span>
                      ) : (
                        <Link to={version.href} data-print-href={`${data.origin}${version.href}`}>
                          {t('meta.versionValue', { number: version.number })}
                        </Link>
                      )}
                    </th>
                    <td>
                      <DateTime value={version.publishedAt} />
                    </td>
                    <td>
                      <code className="hash">{version.contentHash}</code>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ) : (
          <p>{t('versions.none')}</p>
        )}
      </section>
    </article>
  )
}

/**
 * The version's open data (JSON, and each table as CSV; plain links the browser downloads, with or
 * without JavaScript) and printing: a button once scripts run, and always how to print without it.
 */
function Downloads({ downloads }: { downloads: NonNullable<PublishedData['downloads']> }) {
  const { t } = useTranslation('summaries')
  const hydrated = useHydrated()
  const sets = [
    { key: 'published', intro: t('downloads.published', { number: downloads.number }), links: downloads.published },
    ...(downloads.lens ? [{ key: 'lens', intro: t('downloads.lens'), links: downloads.lens }] : []),
  ]
  return (
    <section className="summary-downloads no-print" aria-labelledby="downloads-title">
      <h2 id="downloads-title">{t('downloads.title')}</h2>
      {sets.map((set) => (
        <div key={set.key} className="summary-downloads__set">
          <p id={`downloads-${set.key}`}>{set.intro}</p>
          <ul className="summary-downloads__links" aria-labelledby={`downloads-${set.key}`}>
            <li>
              <a href={set.links.json.href} download>
                {set.links.json.label}
              </a>
            </li>
            {set.links.csv.map((link) => (
              <li key={link.table}>
                <a href={link.href} download>
                  {link.label}
                </a>
              </li>
            ))}
          </ul>
        </div>
      ))}
      <p className="summary-print">
        {/* Shown once the application's scripts run, or by PrintButtonScript where they do not. */}
        <button type="button" className="button button--quiet" data-print hidden={!hydrated} onClick={() => window.print()}>
          {t('print.button')}
        </button>{' '}
        <span className="field__hint">{t('print.hint')}</span>
      </p>
    </section>
  )
}

/** Shows the print buttons and makes them print: the one bit of the summary that needs a script. */
const PRINT_BUTTONS =
  "for (const button of document.querySelectorAll('button[data-print]')) { button.hidden = false; button.addEventListener('click', () => window.print()) }"

/**
 * The print button's script, for a summary served without the application's scripts (handle
 * `scripts: false`, root.tsx). React does not run a script it inserts itself, so on a summary reached
 * by a link from a page that runs the application, the button's own onClick prints instead.
 */
function PrintButtonScript() {
  return <script nonce={useNonce()} dangerouslySetInnerHTML={{ __html: PRINT_BUTTONS }} />
}

/**
 * The handle of the published summary's routes (latest and numbered). A published summary is a
 * document that works whole as HTML (its lens is a GET form, its downloads are links): it is served
 * without the application's scripts and their copy of its data, a third of its bytes (root.tsx;
 * README, decision 26).
 */
export const PUBLISHED_SUMMARY_HANDLE = { i18n: ['summaries', 'rounds', 'regions'], scripts: false }

/** A published summary as its routes serve it: the page, then its print button's script. */
export function PublishedSummary({ data }: { data: SummaryPageData }) {
  return (
    <>
      <SummaryPage data={data} />
      <PrintButtonScript />
    </>
  )
}

function NotPublished({ data }: { data: NotPublishedData }) {
  const { t } = useTranslation('summaries')
  return (
    <section className="page page--narrow summary-page" aria-labelledby="summary-title">
      <p className="breadcrumb">
        <Link to={`/rounds/${data.round.id}`} lang={data.round.titleLanguage}>
          {data.round.title}
        </Link>
      </p>
      <h1 id="summary-title">{t('page.title')}</h1>
      <p className="lead">{t('page.notPublished')}</p>
      <p>
        <Link to={`/rounds/${data.round.id}`}>{t('page.backToRound')}</Link>
      </p>
    </section>
  )
}

function LensSection({ lens, basePath, dir }: { lens: PublishedData['lens']; basePath: string; dir: 'ltr' | 'rtl' }) {
  const { t } = useTranslation('summaries')
  const view = lens.view
  return (
    <section aria-labelledby="lens-title" className={lens.active ? 'lens' : 'lens lens--inactive'}>
      <h2 id="lens-title">{t('lens.title')}</h2>
      <p>{t('lens.intro')}</p>
      <Form method="get" action={basePath} className="lens-form" aria-labelledby="lens-title" preventScrollReset>
        <input type="hidden" name="lens" value="1" />
        <div className="lens-form__fields">
          {LENS_FILTERS.map((filter) => (
            <div className="field" key={filter}>
              <label htmlFor={`lens-${filter}`}>{t(`lens.filters.${filter}`)}</label>
              <select id={`lens-${filter}`} name={filter} defaultValue={lens.values[filter]}>
                <option value="">{t('lens.any')}</option>
                {lens.options[filter].map((option) => (
                  <option key={option.value} value={option.value}>
                    {option.label}
                  </option>
                ))}
              </select>
            </div>
          ))}
        </div>
        <div className="actions">
          <button type="submit" className="button">
            {t('lens.apply')}
          </button>
          {lens.active ? <Link to={`${basePath}?lens=1`}>{t('lens.clear')}</Link> : null}
        </div>
      </Form>
      {lens.active && view ? (
        <section aria-labelledby="lens-results-title" className="lens-results">
          <h3 id="lens-results-title">{t('lens.resultsTitle')}</h3>
          <p className="lens-results__note">
            {t('lens.liveNote')} {lens.computedAt ? <DateTime value={lens.computedAt} /> : null}
          </p>
          {lens.defaulted && lens.organizationName ? (
            <p>{t('lens.defaultNote', { organization: lens.organizationName })}</p>
          ) : null}
          <p>
            {t('lens.applied')}{' '}
            {lens.applied.map((entry, index) => (
              <span key={entry.filter}>
                {index ? ' · ' : ''}
                {entry.label}: <strong>{entry.value}</strong>
              </span>
            ))}
          </p>
          {view.empty ? <p className="empty-note">{t('lens.none')}</p> : null}
          <dl className="summary-facts">
            <div>
              <dt>{t('participation.counted')}</dt>
              <dd>{t('participation.countedValue', { count: view.counted.value, n: view.counted.text })}</dd>
            </div>
            <div>
              <dt>{t('participation.participants')}</dt>
              <dd>{view.participants.text}</dd>
            </div>
            <div>
              <dt>{t('participation.campaigns')}</dt>
              <dd>
                {view.campaigns.value > 0
                  ? t('participation.campaignsValue', {
                      count: view.campaigns.value,
                      n: view.campaigns.text,
                      signatories: view.signatories.text,
                    })
                  : t('participation.noCampaigns')}
              </dd>
            </div>
          </dl>
          <BarChart data={view.byCategoryChart} dir={dir} />
          <Heatmap data={view.heatmap} dir={dir} />
          {view.comparison && lens.organizationName ? (
            <>
              <h4 id="lens-comparison-title">{t('lens.comparisonTitle', { organization: lens.organizationName })}</h4>
              <p>
                {t('lens.comparisonIntro', {
                  organization: lens.organizationName,
                  threshold: view.comparison.threshold,
                })}
              </p>
              <p>
                {view.comparison.markedCount
                  ? t('lens.markedCount', { count: view.comparison.markedCount, n: view.comparison.marked.text })
                  : t('lens.noneMarked')}
              </p>
              <div className="table-scroll" role="region" aria-labelledby="lens-comparison-caption" tabIndex={0}>
                <table className="table comparison-table">
                  <caption id="lens-comparison-caption">
                    {t('lens.comparisonCaption', { organization: lens.organizationName })}
                  </caption>
                  <thead>
                    <tr>
                      <th scope="col">{t('table.clause')}</th>
                      <th scope="col" className="number">
                        {t('lens.membersNet')}
                      </th>
                      <th scope="col" className="number">
                        {t('lens.membersTotal')}
                      </th>
                      <th scope="col" className="number">
                        {t('lens.othersNet')}
                      </th>
                      <th scope="col" className="number">
                        {t('lens.othersTotal')}
                      </th>
                      <th scope="col" className="number">
                        {t('lens.difference')}
                      </th>
                      <th scope="col">{t('lens.note')}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {view.comparison.rows.map((row) => (
                      <tr key={row.key} className={row.marked ? 'is-marked' : undefined}>
                        <th scope="row">
                          <a href={row.href}>{row.name}</a>
                        </th>
                        <td className="number">{row.members.net}</td>
                        <td className="number">{row.members.total.text}</td>
                        <td className="number">{row.others.net}</td>
                        <td className="number">{row.others.total.text}</td>
                        <td className="number">{row.difference}</td>
                        <td>
                          {row.marked ? (
                            <strong className="marked-difference">
                              <span aria-hidden="true">▲ </span>
                              {t('lens.marked')}
                            </strong>
                          ) : null}
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
              <div className="table-scroll" role="region" aria-labelledby="lens-categories-caption" tabIndex={0}>
                <table className="table">
                  <caption id="lens-categories-caption">
                    {t('lens.categoriesCaption', { organization: lens.organizationName })}
                  </caption>
                  <thead>
                    <tr>
                      <th scope="col">{t('table.category')}</th>
                      <th scope="col" className="number">
                        {t('lens.members')}
                      </th>
                      <th scope="col" className="number">
                        {t('lens.others')}
                      </th>
                    </tr>
                  </thead>
                  <tbody>
                    {view.comparison.categories.map((row) => (
                      <tr key={row.key}>
                        <th scope="row">{row.label}</th>
                        <td className="number">{row.members.text}</td>
                        <td className="number">{row.others.text}</td>
                      </tr>
                    ))}
                  </tbody>
                  <tfoot>
                    <tr>
                      <th scope="row">{t('table.total')}</th>
                      <td className="number">{view.comparison.membersCounted.text}</td>
                      <td className="number">{view.comparison.othersCounted.text}</td>
                    </tr>
                  </tfoot>
                </table>
              </div>
            </>
          ) : null}
        </section>
      ) : null}
    </section>
  )
}

/** The 400 page of a lens with unknown values, naming each; any other error as everywhere else. */
export function SummaryErrorBoundary() {
  const error = useRouteError()
  const { t } = useTranslation('summaries')
  if (isRouteErrorResponse(error) && error.status === 400 && isUnknownFilters(error.data)) {
    return (
      <section className="page page--narrow error-page" aria-labelledby="error-title">
        <p className="error-page__status">400</p>
        <h1 id="error-title">{error.data.title}</h1>
        <ul>
          {error.data.unknownFilters.map((entry) => (
            <li key={entry.filter}>{entry.message}</li>
          ))}
        </ul>
        <p>
          <Link to={error.data.clearHref}>{t('lens.showWithout')}</Link>
        </p>
      </section>
    )
  }
  return <GeneralErrorBoundary />
}
