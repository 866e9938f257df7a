import type { ReactNode } from 'react'
import { useTranslation } from 'react-i18next'
import { BarChart } from '~/components/charts/bar-chart'
import { Heatmap } from '~/components/charts/heatmap'
import { StackedBarChart } from '~/components/charts/stacked-bar-chart'
import type { Direction } from '~/components/charts/types'
import { ClauseText } from '~/components/clause-text'
import type { NarrativeView, QuoteView, SummaryView } from './view.server'

/**
 * The consolidated position summary as a document: participation, each clause, the consensus and
 * divergence map, each concern, dispositions and method. The public page, the moderators' preview and
 * the builder all render this; the builder puts its narrative fields where the narrative goes.
 */
export type NarrativeSlot = (section: string, sectionName: string) => ReactNode

export function NarrativeText({ narrative }: { narrative: NarrativeView }) {
  const { t } = useTranslation('summaries')
  if (!narrative) return null
  return (
    <div className="narrative">
      <div lang={narrative.lang} dir={narrative.dir}>
        {narrative.paragraphs.map((paragraph, index) => (
          <p key={index}>{paragraph}</p>
        ))}
      </div>
      {narrative.fallback ? (
        <p className="narrative__note">{t('narrative.fallback', { language: narrative.languageName })}</p>
      ) : null}
    </div>
  )
}

function Narrative({
  section,
  name,
  narrative,
  slot,
}: {
  section: string
  name: string
  narrative: NarrativeView
  slot?: NarrativeSlot
}) {
  if (slot) return <>{slot(section, name)}</>
  return <NarrativeText narrative={narrative} />
}

function Quote({ quote, position }: { quote: QuoteView; position?: string }) {
  const { t } = useTranslation('summaries')
  return (
    <li className="quote">
      {position ? <p className="quote__position">{position}</p> : null}
      <blockquote lang={quote.original.lang} dir={quote.original.dir} className="quote__original">
        <p>{quote.original.text}</p>
      </blockquote>
      <p className="quote__meta">
        {quote.attribution} · {t('quotes.originalLanguage', { language: quote.languageName })}
      </p>
      {quote.translation ? (
        <div className="quote__translation">
          <p className="quote__translation-label">{t('quotes.translation')}</p>
          <p lang={quote.translation.lang} dir={quote.translation.dir}>
            {quote.translation.text}
          </p>
        </div>
      ) : null}
    </li>
  )
}

export function HowToRead({ headingId }: { headingId: string }) {
  const { t } = useTranslation('summaries')
  return (
    <section className="how-to-read" aria-labelledby={headingId}>
      <h2 id={headingId}>{t('howToRead.title')}</h2>
      <dl>
        <div>
          <dt>{t('howToRead.netTerm')}</dt>
          <dd>{t('howToRead.netDefinition')}</dd>
        </div>
        <div>
          <dt>{t('howToRead.divergenceTerm')}</dt>
          <dd>{t('howToRead.divergenceDefinition')}</dd>
        </div>
        <div>
          <dt>{t('howToRead.countingTerm')}</dt>
          <dd>{t('howToRead.countingDefinition')}</dd>
        </div>
        <div>
          <dt>{t('howToRead.quotesTerm')}</dt>
          <dd>{t('howToRead.quotesDefinition')}</dd>
        </div>
      </dl>
    </section>
  )
}

function Facts({ items }: { items: { term: string; value: ReactNode }[] }) {
  return (
    <dl className="summary-facts">
      {items.map((item) => (
        <div key={item.term}>
          <dt>{item.term}</dt>
          <dd>{item.value}</dd>
        </div>
      ))}
    </dl>
  )
}

export function SummaryDocument({
  view,
  dir,
  sourceLanguageName,
  narrativeSlot,
}: {
  view: SummaryView
  dir: Direction
  sourceLanguageName: string
  narrativeSlot?: NarrativeSlot
}) {
  const { t } = useTranslation(['summaries', 'common'])
  const id = (suffix: string) => `${view.idPrefix}-${suffix}`
  const p = view.participation
  return (
    <div className="summary-document">
      <section aria-labelledby={id('participation-title')} className="summary-section">
        <h2 id={id('participation-title')}>{t('sections.participation')}</h2>
        <Narrative
          section="participation"
          name={t('sections.participation')}
          narrative={view.narrative.participation}
          slot={narrativeSlot}
        />
        {p.empty ? <p className="empty-note">{t('participation.none')}</p> : null}
        <Facts
          items={[
            {
              term: t('participation.counted'),
              value: t('participation.countedValue', { count: p.counted.value, n: p.counted.text }),
            },
            {
              term: t('participation.received'),
              value: t('participation.receivedValue', { count: p.comments.value, n: p.comments.text }),
            },
            { term: t('participation.participants'), value: p.participants.text },
            { term: t('participation.imported'), value: p.imported.text },
            {
              term: t('participation.consent'),
              value: t('participation.consentValue', {
                named: p.named.text,
                anonymous: p.anonymous.text,
                unpublished: p.unpublished.text,
              }),
            },
            {
              term: t('participation.campaigns'),
              value:
                p.campaigns.value > 0
                  ? t('participation.campaignsValue', {
                      count: p.campaigns.value,
                      n: p.campaigns.text,
                      signatories: p.signatories.text,
                    })
                  : t('participation.noCampaigns'),
            },
          ]}
        />
        <BarChart data={p.byCategoryChart} dir={dir} />
        <div className="table-scroll" role="region" aria-labelledby={id('participants-caption')} tabIndex={0}>
          <table className="table">
            <caption id={id('participants-caption')}>{t('participation.participantsCaption')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('table.category')}</th>
                <th scope="col" className="number">
                  {t('table.participants')}
                </th>
              </tr>
            </thead>
            <tbody>
              {p.participantsByCategory.map((row) => (
                <tr key={row.key}>
                  <th scope="row">{row.label}</th>
                  <td className="number">{row.count.text}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        <BarChart data={p.byRegionChart} dir={dir} />
        <div className="summary-columns">
          <div className="table-scroll" role="region" aria-labelledby={id('countries-caption')} tabIndex={0}>
            <table className="table">
              <caption id={id('countries-caption')}>{t('participation.byCountryCaption')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('table.country')}</th>
                  <th scope="col" className="number">
                    {t('table.comments')}
                  </th>
                  <th scope="col" className="number">
                    {t('table.share')}
                  </th>
                </tr>
              </thead>
              <tbody>
                {p.byCountry.length ? (
                  p.byCountry.map((row) => (
                    <tr key={row.key}>
                      <th scope="row">{row.label}</th>
                      <td className="number">{row.count.text}</td>
                      <td className="number">{row.share}</td>
                    </tr>
                  ))
                ) : (
                  <tr>
                    <td colSpan={3}>{t('participation.noneShort')}</td>
                  </tr>
                )}
              </tbody>
            </table>
          </div>
          <div className="table-scroll" role="region" aria-labelledby={id('languages-caption')} tabIndex={0}>
            <table className="table">
              <caption id={id('languages-caption')}>{t('participation.byLanguageCaption')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('table.language')}</th>
                  <th scope="col" className="number">
                    {t('table.comments')}
                  </th>
                  <th scope="col" className="number">
                    {t('table.share')}
                  </th>
                </tr>
              </thead>
              <tbody>
                {p.byLanguage.length ? (
                  p.byLanguage.map((row) => (
                    <tr key={row.key}>
                      <th scope="row">{row.label}</th>
                      <td className="number">{row.count.text}</td>
                      <td className="number">{row.share}</td>
                    </tr>
                  ))
                ) : (
                  <tr>
                    <td colSpan={3}>{t('participation.noneShort')}</td>
                  </tr>
                )}
              </tbody>
            </table>
          </div>
        </div>
        {p.campaignList.length ? (
          <>
            <h3 id={id('campaigns-title')}>{t('participation.campaignsTitle')}</h3>
            <ul className="campaigns" aria-labelledby={id('campaigns-title')}>
              {p.campaignList.map((campaign) => (
                <li key={campaign.key}>
                  <p>
                    <strong>{campaign.clause}</strong>
                    {campaign.position ? ` · ${campaign.position}` : ''} ·{' '}
                    {t('participation.countedOnce', {
                      count: campaign.signatories.value,
                      n: campaign.signatories.text,
                    })}
                  </p>
                  {campaign.text ? (
                    <blockquote lang={campaign.text.lang} dir={campaign.text.dir}>
                      <p>{campaign.text.text}</p>
                    </blockquote>
                  ) : null}
                </li>
              ))}
            </ul>
            {p.campaignsMore.value > 0 ? (
              <p>{t('participation.campaignsMore', { count: p.campaignsMore.value, n: p.campaignsMore.text })}</p>
            ) : null}
          </>
        ) : null}
      </section>

      <section aria-labelledby={id('clauses-title')} className="summary-section">
        <h2 id={id('clauses-title')}>{t('sections.clauses')}</h2>
        <Narrative
          section="clauses"
          name={t('sections.clauses')}
          narrative={view.narrative.clauses}
          slot={narrativeSlot}
        />
        {view.clauses.map((clause) => (
          <section
            key={clause.key}
            id={clause.anchor}
            aria-labelledby={`${clause.anchor}-title`}
            className="summary-clause"
          >
            <h3 id={`${clause.anchor}-title`}>{clause.name}</h3>
            {clause.text ? <ClauseText clause={clause.text} sourceLanguageName={sourceLanguageName} /> : null}
            {clause.section ? (
              <Narrative
                section={clause.section}
                name={clause.name}
                narrative={clause.narrative}
                slot={narrativeSlot}
              />
            ) : null}
            <Facts
              items={[
                { term: t('clauses.positionsTaken'), value: clause.all.total.text },
                { term: t('table.net'), value: clause.all.net ? clause.all.net.text : t('clauses.noNet') },
                {
                  term: t('clauses.divergence'),
                  value: clause.divergence ? clause.divergence.text : t('clauses.noDivergence'),
                },
              ]}
            />
            {clause.campaigns.length ? (
              <ul className="clause-campaigns">
                {clause.campaigns.map((campaign) => (
                  <li key={campaign.key}>
                    {t('clauses.campaign', {
                      position: campaign.position ?? '—',
                      count: campaign.signatories.value,
                      n: campaign.signatories.text,
                    })}
                  </li>
                ))}
                {clause.campaignsMore.value > 0 ? (
                  <li>{t('clauses.campaignsMore', { count: clause.campaignsMore.value, n: clause.campaignsMore.text })}</li>
                ) : null}
              </ul>
            ) : null}
            <StackedBarChart data={clause.chart} dir={dir} />
            <h4>{t('clauses.concernsTitle')}</h4>
            {clause.concerns.length ? (
              <ul className="inline-list">
                {clause.concerns.map((concern) => (
                  <li key={concern.key}>
                    <span lang={concern.label.lang}>{concern.label.text}</span> ({concern.count.text})
                  </li>
                ))}
              </ul>
            ) : (
              <p className="muted">{t('clauses.noConcerns')}</p>
            )}
            <h4>{t('clauses.amendmentsTitle')}</h4>
            {clause.amendments.length ? (
              <ol className="amendments">
                {clause.amendments.map((amendment) => (
                  <li key={amendment.key}>
                    <blockquote lang={amendment.text.lang} dir={amendment.text.dir}>
                      <p>{amendment.text.text}</p>
                    </blockquote>
                    <p className="quote__meta">
                      {t('clauses.proposers', { count: amendment.proposers.value, n: amendment.proposers.text })}
                    </p>
                  </li>
                ))}
              </ol>
            ) : (
              <p className="muted">{t('clauses.noAmendments')}</p>
            )}
            <h4>{t('clauses.quotesTitle')}</h4>
            {clause.quotes.length ? (
              <ul className="quotes">
                {clause.quotes.map((quote) => (
                  <Quote key={quote.id} quote={quote} position={quote.position} />
                ))}
              </ul>
            ) : (
              <p className="muted">{t('clauses.noQuotes')}</p>
            )}
          </section>
        ))}
      </section>

      <section aria-labelledby={id('consensus-title')} className="summary-section">
        <h2 id={id('consensus-title')}>{t('sections.consensus')}</h2>
        <p>{t('consensus.intro')}</p>
        <Narrative
          section="consensus"
          name={t('sections.consensus')}
          narrative={view.narrative.consensus}
          slot={narrativeSlot}
        />
        {view.consensus.ranked.length ? (
          <div className="table-scroll" role="region" aria-labelledby={id('ranking-caption')} tabIndex={0}>
            <table className="table">
              <caption id={id('ranking-caption')}>{t('consensus.rankingCaption')}</caption>
              <thead>
                <tr>
                  <th scope="col" className="number">
                    {t('table.rank')}
                  </th>
                  <th scope="col">{t('table.clause')}</th>
                  <th scope="col" className="number">
                    {t('table.divergence')}
                  </th>
                  <th scope="col" className="number">
                    {t('table.net')}
                  </th>
                </tr>
              </thead>
              <tbody>
                {view.consensus.ranked.map((row) => (
                  <tr key={row.key}>
                    <td className="number">{row.rank.text}</td>
                    <th scope="row">
                      <a href={`#${row.anchor}`}>{row.name}</a>
                    </th>
                    <td className="number">{row.divergence.text}</td>
                    <td className="number">{row.net ? row.net.text : '—'}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ) : (
          <p className="empty-note">{t('consensus.noRanking')}</p>
        )}
        {view.consensus.unranked.length ? (
          <p className="muted">
            {t('consensus.unranked', {
              clauses: view.consensus.unranked.map((row) => row.name).join(t('consensus.listSeparator')),
            })}
          </p>
        ) : null}
        <Heatmap data={view.consensus.heatmap} dir={dir} />
      </section>

      <section aria-labelledby={id('concerns-title')} className="summary-section">
        <h2 id={id('concerns-title')}>{t('sections.concerns')}</h2>
        <Narrative
          section="concerns"
          name={t('sections.concerns')}
          narrative={view.narrative.concerns}
          slot={narrativeSlot}
        />
        {view.concerns.anyRaised ? null : <p className="empty-note">{t('concerns.none')}</p>}
        <Heatmap data={view.concerns.chart} dir={dir} />
        {view.concerns.items
          .filter((concern) => concern.total.value > 0 || concern.keyPoints)
          .map((concern) => (
            <section
              key={concern.key}
              id={concern.anchor}
              aria-labelledby={`${concern.anchor}-title`}
              className="summary-concern"
            >
              <h3 id={`${concern.anchor}-title`} lang={concern.label.lang}>
                {concern.label.text}
              </h3>
              <p>{t('concerns.total', { count: concern.total.value, n: concern.total.text, share: concern.share })}</p>
              {concern.byRegion.length ? (
                <p>
                  {t('concerns.regions')}{' '}
                  {concern.byRegion.map((row, index) => (
                    <span key={row.key}>
                      {index ? t('consensus.listSeparator') : ''}
                      {row.label} ({row.count.text})
                    </span>
                  ))}
                </p>
              ) : null}
              {concern.keyPoints ? (
                <>
                  <h4>{t('concerns.keyPoints')}</h4>
                  <NarrativeText narrative={concern.keyPoints} />
                </>
              ) : null}
              {concern.quotes.length ? (
                <>
                  <h4>{t('concerns.quotesTitle')}</h4>
                  <ul className="quotes">
                    {concern.quotes.map((quote) => (
                      <Quote key={quote.id} quote={quote} />
                    ))}
                  </ul>
                </>
              ) : null}
            </section>
          ))}
      </section>

      <section aria-labelledby={id('dispositions-title')} className="summary-section">
        <h2 id={id('dispositions-title')}>{t('sections.dispositions')}</h2>
        <Narrative
          section="dispositions"
          name={t('sections.dispositions')}
          narrative={view.narrative.dispositions}
          slot={narrativeSlot}
        />
        <p>{t('dispositions.intro')}</p>
        <BarChart data={view.dispositions.chart} dir={dir} />
      </section>

      <section aria-labelledby={id('method-title')} className="summary-section">
        <h2 id={id('method-title')}>{t('sections.method')}</h2>
        <Narrative
          section="method"
          name={t('sections.method')}
          narrative={view.narrative.method}
          slot={narrativeSlot}
        />
        <p>{t('method.rules')}</p>
        <Facts
          items={[
            { term: t('method.reviewed'), value: view.method.reviewed.text },
            { term: t('method.confirmedAsSuggested'), value: view.method.confirmedAsSuggested.text },
            { term: t('method.changedFromSuggestion'), value: view.method.changedFromSuggestion.text },
            { term: t('method.unreviewed'), value: view.method.unreviewed.text },
            { term: t('method.duplicateGroups'), value: view.method.duplicateGroups.text },
            { term: t('method.commentsInGroups'), value: view.method.commentsInGroups.text },
            {
              term: t('method.campaigns'),
              value: t('method.campaignsValue', {
                n: view.method.campaigns.text,
                threshold: view.method.campaignThreshold.text,
              }),
            },
            { term: t('method.hidden'), value: view.method.hiddenTotal.text },
          ]}
        />
        {view.method.hidden.length ? (
          <div className="table-scroll" role="region" aria-labelledby={id('hidden-caption')} tabIndex={0}>
            <table className="table">
              <caption id={id('hidden-caption')}>{t('method.hiddenCaption')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('table.reason')}</th>
                  <th scope="col" className="number">
                    {t('table.comments')}
                  </th>
                </tr>
              </thead>
              <tbody>
                {view.method.hidden.map((row) => (
                  <tr key={row.key}>
                    <th scope="row">{row.label}</th>
                    <td className="number">{row.count.text}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ) : (
          <p className="muted">{t('method.noneHidden')}</p>
        )}
      </section>
    </div>
  )
}
