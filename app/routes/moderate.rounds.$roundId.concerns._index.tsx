import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { Form, Link, useLoaderData } from '@remix-run/react'
import type { ReactNode } from 'react'
import { useTranslation } from 'react-i18next'
import { STAKEHOLDER_CATEGORIES } from '#db/schema/accounts'
import { formatNumber } from '~/components/date-time'
import { concernBoard, NO_REGION, type Tally } from '~/modules/concerns/board.server'
import { getFixedT } from '~/modules/i18n/i18n.server'
import { readId } from '~/modules/norms/forms.server'
import { getRound } from '~/modules/rounds/rounds.server'
import cssHref from '~/styles/concerns.css'
import { requireRole } from '~/utils/auth.server'
import { db } from '~/utils/db.server'
import { invariantResponse } from '~/utils/http.server'

export const handle = { i18n: ['concerns', 'regions'] }

export const links: LinksFunction = () => [{ rel: 'stylesheet', href: cssHref }]

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data?.title ?? 'Concord' }]

const BASES = ['all', 'confirmed'] as const
type Basis = (typeof BASES)[number]

/** Text in the reader's language where there is some, else English, else any: with the language it is in. */
function pick(texts: Record<string, string>, language: string) {
  if (texts[language]) return { text: texts[language]!, lang: language }
  if (texts.en) return { text: texts.en, lang: 'en' }
  const [lang, text] = Object.entries(texts).find(([, value]) => value) ?? []
  return lang && text ? { text, lang } : null
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  await requireRole(request, 'moderator')
  const roundId = readId(params.roundId)
  invariantResponse(roundId)
  const { t, language } = await getFixedT(request, 'concerns')
  const round = getRound(db, roundId, language)
  invariantResponse(round)
  const requested = new URL(request.url).searchParams.get('basis') ?? 'all'
  if (!(BASES as readonly string[]).includes(requested)) throw new Response('Bad request', { status: 400 })
  const basis = requested as Basis
  const board = concernBoard(db, roundId)
  const count = (tally: Tally) => (basis === 'confirmed' ? tally.confirmed : tally.confirmed + tally.pending)
  return {
    title: `${t('board.title')} · ${round.title} · Concord`,
    language,
    roundId,
    basis,
    regions: board.regions,
    concerns: board.concerns.map((concern) => ({
      key: concern.key,
      label: pick(concern.labels, language) ?? { text: concern.key, lang: language },
      keyPoints: pick(concern.keyPoints, language),
      confirmed: concern.confirmed,
      pending: concern.pending,
      byCategory: STAKEHOLDER_CATEGORIES.map((category) => count(concern.byCategory[category])),
      byRegion: board.regions.map((region) => count(concern.byRegion[region] ?? { confirmed: 0, pending: 0 })),
    })),
  }
}

function Lang({ lang, page, children }: { lang: string; page: string; children: ReactNode }) {
  return lang === page ? <>{children}</> : <span lang={lang} dir="auto">{children}</span>
}

export default function ConcernBoard() {
  const { t } = useTranslation(['concerns', 'regions'])
  const { concerns, regions, language, roundId, basis } = useLoaderData<typeof loader>()
  const n = (value: number) => formatNumber(value, language)
  const name = (concern: (typeof concerns)[number]) => (
    <Link to={`/moderate/rounds/${roundId}/concerns/${concern.key}`}>
      <Lang lang={concern.label.lang} page={language}>
        {concern.label.text}
      </Lang>
    </Link>
  )
  const regionName = (code: string) => (code === NO_REGION ? t('board.noRegion') : t(`regions:areas.${code}`))
  return (
    <section className="concerns-page" aria-labelledby="board-heading">
      <h1 id="board-heading">{t('board.title')}</h1>
      <p className="lead">{t('board.intro')}</p>
      <ul className="concerns-links">
        <li>
          <Link to={`/moderate/rounds/${roundId}/concerns/taxonomy`}>{t('board.toTaxonomy')}</Link>
        </li>
        <li>
          <a href="#key-points-heading">{t('board.keyPointsTitle')}</a>
        </li>
      </ul>

      <section aria-labelledby="totals-heading">
        <h2 id="totals-heading">{t('board.totalsTitle')}</h2>
        {concerns.length === 0 ? <p>{t('board.noConcerns')}</p> : null}
        <div className="table-scroll" role="region" aria-labelledby="totals-caption" tabIndex={0}>
          <table className="table">
            <caption id="totals-caption">{t('board.totalsCaption')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('board.concern')}</th>
                <th scope="col" className="number">
                  {t('board.confirmed')}
                </th>
                <th scope="col" className="number">
                  {t('board.pending')}
                </th>
                <th scope="col" className="number">
                  {t('board.total')}
                </th>
              </tr>
            </thead>
            <tbody>
              {concerns.map((concern) => (
                <tr key={concern.key}>
                  <th scope="row">{name(concern)}</th>
                  <td className="number">{n(concern.confirmed)}</td>
                  <td className="number">{n(concern.pending)}</td>
                  <td className="number">{n(concern.confirmed + concern.pending)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>

      <section aria-labelledby="spread-heading">
        <h2 id="spread-heading">{t('board.spreadTitle')}</h2>
        <Form method="get" className="basis-form">
          <fieldset className="fieldset">
            <legend>{t('board.basis')}</legend>
            <div className="choices">
              {BASES.map((option) => (
                <label key={option}>
                  <input type="radio" name="basis" value={option} defaultChecked={option === basis} />
                  {t(`board.basisOptions.${option}`)}
                </label>
              ))}
            </div>
            <button type="submit" className="button button--small button--quiet">
              {t('board.show')}
            </button>
          </fieldset>
        </Form>
        <p className="field__hint">{t(`board.basisNote.${basis}`)}</p>
        <div className="table-scroll" role="region" aria-labelledby="categories-caption" tabIndex={0}>
          <table className="table">
            <caption id="categories-caption">{t(`board.categoriesCaption.${basis}`)}</caption>
            <thead>
              <tr>
                <th scope="col">{t('board.concern')}</th>
                {STAKEHOLDER_CATEGORIES.map((category) => (
                  <th key={category} scope="col" className="number">
                    {t(`common:categories.${category}`)}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {concerns.map((concern) => (
                <tr key={concern.key}>
                  <th scope="row">{name(concern)}</th>
                  {concern.byCategory.map((value, index) => (
                    <td key={STAKEHOLDER_CATEGORIES[index]} className="number">
                      {n(value)}
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        <div className="table-scroll" role="region" aria-labelledby="regions-caption" tabIndex={0}>
          <table className="table">
            <caption id="regions-caption">{t(`board.regionsCaption.${basis}`)}</caption>
            <thead>
              <tr>
                <th scope="col">{t('board.concern')}</th>
                {regions.map((region) => (
                  <th key={region} scope="col" className="number">
                    {regionName(region)}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {concerns.map((concern) => (
                <tr key={concern.key}>
                  <th scope="row">{name(concern)}</th>
                  {concern.byRegion.map((value, index) => (
                    <td key={regions[index]} className="number">
                      {n(value)}
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        {regions.length === 0 ? <p>{t('board.noComments')}</p> : null}
      </section>

      <section aria-labelledby="key-points-heading">
        <h2 id="key-points-heading">{t('board.keyPointsTitle')}</h2>
        {concerns.map((concern) => (
          <article key={concern.key} className="card key-points" aria-labelledby={`points-${concern.key}`}>
            <h3 id={`points-${concern.key}`}>{name(concern)}</h3>
            {concern.keyPoints ? (
              <p className="key-points__text" lang={concern.keyPoints.lang} dir="auto">
                {concern.keyPoints.text}
              </p>
            ) : (
              <p className="muted">{t('board.noKeyPoints')}</p>
            )}
            <p>
              <Link to={`/moderate/rounds/${roundId}/concerns/${concern.key}#key-points`}>
                {t('board.writeKeyPoints')}
                <span className="visually-hidden"> · {concern.label.text}</span>
              </Link>
            </p>
          </article>
        ))}
      </section>
    </section>
  )
}
