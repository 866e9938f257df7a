import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { Link, useLoaderData } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { getFixedT } from '~/modules/i18n/i18n.server'
import { Foreign } from '~/modules/norms/form-parts'
import { languageName } from '~/modules/norms/languages'
import { listNormVersions, translationCoverage } from '~/modules/norms/norms.server'
import { formatInstant } from '~/modules/rounds/format'
import { listRounds, listRoundTitles } from '~/modules/rounds/rounds.server'
import cssHref from '~/styles/moderation.css'
import { requireRole } from '~/utils/auth.server'
import { db } from '~/utils/db.server'

export const handle = { i18n: ['norms'] }

export const links: LinksFunction = () => [{ rel: 'stylesheet', href: cssHref }]

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data?.title ?? 'Concord' }]

export async function loader({ request }: LoaderFunctionArgs) {
  await requireRole(request, 'moderator')
  const { t, language } = await getFixedT(request, 'norms')
  const versions = listNormVersions(db)
  const coverage = translationCoverage(
    db,
    versions.map((version) => version.versionId),
  )
  const dateFormat = new Intl.DateTimeFormat(language, { dateStyle: 'medium', timeZone: 'UTC' })
  // Versions come newest first; the one before a version is the next of the same norm in the list.
  const rows = versions.map((version, index) => {
    const previous = versions[index + 1]?.normId === version.normId ? versions[index + 1] : undefined
    return {
      id: version.versionId,
      normId: version.normId,
      number: version.number,
      title: version.title,
      sourceLanguage: version.sourceLanguage,
      sourceLanguageName: languageName(version.sourceLanguage, language),
      frozen: version.frozenAt !== null,
      created: dateFormat.format(version.createdAt),
      clauseCount: version.clauseCount,
      previousId: previous?.versionId ?? null,
      previousNumber: previous?.number ?? null,
      translations: coverage
        .filter((entry) => entry.versionId === version.versionId && entry.language !== version.sourceLanguage)
        .map((entry) => ({
          code: entry.language,
          name: languageName(entry.language, language),
          clauses: entry.clauses,
        })),
    }
  })
  const versionNumbers = new Map(versions.map((version) => [version.versionId, version.number]))
  const titles = new Map(listRoundTitles(db, language).map((row) => [row.id, row]))
  const rounds = listRounds(db, language).map((round) => ({
    id: round.id,
    title: titles.get(round.id)?.title ?? round.title,
    titleLanguage: titles.get(round.id)?.language ?? language,
    state: round.state,
    versionId: round.versionId,
    versionNumber: versionNumbers.get(round.versionId) ?? null,
    opensAt: round.opensAt.toISOString(),
    closesAt: round.closesAt.toISOString(),
    opens: formatInstant(round.opensAt, language, round.timeZone),
    closes: formatInstant(round.closesAt, language, round.timeZone),
    timeZone: round.timeZone,
    submittedCount: round.submittedCount,
  }))
  return { title: `${t('dashboard.title')} · Concord`, language, versions: rows, rounds }
}

export default function ModerationDashboard() {
  const { t } = useTranslation('norms')
  const { versions, rounds, language } = useLoaderData<typeof loader>()
  return (
    <div className="page moderation">
      <h1>{t('dashboard.title')}</h1>
      <p className="lead">{t('dashboard.intro')}</p>
      <nav aria-label={t('dashboard.actions')}>
        <ul className="action-list">
          <li>
            <Link to="/moderate/norms/new" className="button">
              {t('dashboard.newDraft')}
            </Link>
          </li>
          <li>
            <Link to="/moderate/norms/import" className="button button--quiet">
              {t('dashboard.import')}
            </Link>
          </li>
          <li>
            <Link to="/moderate/rounds/new" className="button button--quiet">
              {t('dashboard.newRound')}
            </Link>
          </li>
          <li>
            <Link to="/moderate/versions/compare" className="button button--quiet">
              {t('dashboard.compare')}
            </Link>
          </li>
        </ul>
      </nav>

      <section aria-labelledby="norms-title">
        <h2 id="norms-title">{t('dashboard.normsTitle')}</h2>
        {versions.length === 0 ? (
          <p>{t('dashboard.noNorms')}</p>
        ) : (
          <div className="table-scroll" role="region" aria-labelledby="norms-caption" tabIndex={0}>
            <table className="table">
              <caption id="norms-caption">{t('dashboard.normsCaption')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('dashboard.col.title')}</th>
                  <th scope="col">{t('dashboard.col.version')}</th>
                  <th scope="col" className="number">
                    {t('dashboard.col.clauses')}
                  </th>
                  <th scope="col">{t('dashboard.col.status')}</th>
                  <th scope="col">{t('dashboard.col.translations')}</th>
                  <th scope="col">{t('dashboard.col.actions')}</th>
                </tr>
              </thead>
              <tbody>
                {versions.map((version) => (
                  <tr key={version.id}>
                    <th scope="row">
                      <Link to={`/moderate/versions/${version.id}`}>
                        <Foreign lang={version.sourceLanguage} pageLanguage={language}>
                          {version.title}
                        </Foreign>
                      </Link>
                      <br />
                      <span className="muted">
                        {t('dashboard.createdIn', { date: version.created, language: version.sourceLanguageName })}
                      </span>
                    </th>
                    <td>{t('version.number', { number: version.number })}</td>
                    <td className="number">{version.clauseCount}</td>
                    <td>
                      {version.frozen ? (
                        <span className="badge badge--warn">{t('version.frozen')}</span>
                      ) : (
                        <span className="badge badge--ok">{t('version.editable')}</span>
                      )}
                    </td>
                    <td>
                      {version.translations.length ? (
                        <ul className="plain-list">
                          {version.translations.map((translation) => (
                            <li key={translation.code}>
                              {translation.name}{' '}
                              <span className="muted">
                                {t('version.ofClauses', { done: translation.clauses, count: version.clauseCount })}
                              </span>
                            </li>
                          ))}
                        </ul>
                      ) : (
                        <span className="muted">{t('dashboard.noTranslations')}</span>
                      )}
                    </td>
                    <td>
                      <ul className="plain-list">
                        <li>
                          <Link to={`/moderate/versions/${version.id}/translate`}>
                            {t('dashboard.translate')}
                            <span className="visually-hidden">
                              {' '}
                              · {t('version.number', { number: version.number })}
                            </span>
                          </Link>
                        </li>
                        {version.previousId ? (
                          <li>
                            <Link to={`/moderate/versions/compare?from=${version.previousId}&to=${version.id}`}>
                              {t('version.compareWith', { number: version.previousNumber })}
                            </Link>
                          </li>
                        ) : null}
                        <li>
                          <Link to={`/moderate/rounds/new?versionId=${version.id}`}>
                            {t('version.openRound')}
                            <span className="visually-hidden">
                              {' '}
                              · {t('version.number', { number: version.number })}
                            </span>
                          </Link>
                        </li>
                      </ul>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>

      <section aria-labelledby="rounds-title">
        <h2 id="rounds-title">{t('dashboard.roundsTitle')}</h2>
        {rounds.length === 0 ? (
          <p>{t('dashboard.noRounds')}</p>
        ) : (
          <div className="table-scroll" role="region" aria-labelledby="rounds-caption" tabIndex={0}>
            <table className="table">
              <caption id="rounds-caption">{t('dashboard.roundsCaption')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('dashboard.col.round')}</th>
                  <th scope="col">{t('dashboard.col.version')}</th>
                  <th scope="col">{t('dashboard.col.opens')}</th>
                  <th scope="col">{t('dashboard.col.closes')}</th>
                  <th scope="col">{t('dashboard.col.state')}</th>
                  <th scope="col" className="number">
                    {t('dashboard.col.comments')}
                  </th>
                  <th scope="col">{t('dashboard.col.actions')}</th>
                </tr>
              </thead>
              <tbody>
                {rounds.map((round) => (
                  <tr key={round.id}>
                    <th scope="row">
                      <Foreign lang={round.titleLanguage} pageLanguage={language}>
                        {round.title}
                      </Foreign>
                    </th>
                    <td>
                      <Link to={`/moderate/versions/${round.versionId}`}>
                        {t('version.number', { number: round.versionNumber ?? round.versionId })}
                      </Link>
                    </td>
                    <td>
                      <time dateTime={round.opensAt}>{round.opens}</time>
                    </td>
                    <td>
                      <time dateTime={round.closesAt}>{round.closes}</time>
                      <br />
                      <span className="muted">{round.timeZone}</span>
                    </td>
                    <td>
                      <span className={`badge state-badge state-badge--${round.state}`}>
                        {t(`rounds.state.${round.state}`)}
                      </span>
                    </td>
                    <td className="number">{round.submittedCount}</td>
                    <td>
                      <Link to={`/moderate/rounds/${round.id}/questions`}>
                        {t('dashboard.translateQuestions')}
                        <span className="visually-hidden">
                          {' · '}
                          <Foreign lang={round.titleLanguage} pageLanguage={language}>
                            {round.title}
                          </Foreign>
                        </span>
                      </Link>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
    </div>
  )
}
