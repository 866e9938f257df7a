import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { Link, useLoaderData } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { STAKEHOLDER_CATEGORIES, type StakeholderCategory } from '#db/schema/accounts'
import { ClauseText, groupByHeading } from '~/components/clause-text'
import { DateTime, formatInstant, formatRelative } from '~/components/date-time'
import { ModerationFigures } from '~/components/moderation-figures'
import { languageName } from '~/modules/comments/languages'
import { countSubmittedByClause } from '~/modules/comments/public.server'
import { getFixedT } from '~/modules/i18n/i18n.server'
import { publicModerationFigures } from '~/modules/moderation/moderation.server'
import { getReadableVersion } from '~/modules/norms/norms.server'
import { commentRefusal } from '~/modules/rounds/rounds'
import { getGuidingQuestions, getRoundForReader } from '~/modules/rounds/rounds.server'
import { listSnapshots } from '~/modules/summaries/summaries.server'
import { getUser } from '~/utils/auth.server'
import { db } from '~/utils/db.server'
import { invariantResponse } from '~/utils/http.server'
import cssHref from '~/styles/rounds.css'

export const handle = { i18n: ['rounds', 'moderation'] }

export const links: LinksFunction = () => [{ rel: 'stylesheet', href: cssHref }]

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data?.meta ?? 'Concord' }]

/** A route parameter that must be a record id; anything else is a page that does not exist. */
function roundIdOf(param: string | undefined) {
  const id = Number(param)
  invariantResponse(param && /^\d{1,12}$/.test(param) && Number.isSafeInteger(id) && id > 0, 'Not found')
  return id
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  const roundId = roundIdOf(params.roundId)
  const { t, language } = await getFixedT(request, 'rounds')
  const now = new Date()
  const round = getRoundForReader(db, roundId, language, now)
  invariantResponse(round, 'Not found')
  const version = getReadableVersion(db, round.versionId, language)
  invariantResponse(version, 'Not found')
  const user = await getUser(request)
  const counts = countSubmittedByClause(db, roundId)
  const refusal = user ? commentRefusal(round, user.category as StakeholderCategory, now) : null
  return {
    meta: `${round.title} · ${version.title} · Concord`,
    round: {
      id: round.id,
      title: round.title,
      titleLanguage: round.titleLanguage,
      state: round.state,
      submittedCount: round.submittedCount,
      opens: formatInstant(round.opensAt, language, round.timeZone),
      closes: formatInstant(round.closesAt, language, round.timeZone),
      opensRelative: formatRelative(round.opensAt, now, language),
      closesRelative: formatRelative(round.closesAt, now, language),
    },
    version: {
      title: version.title,
      titleLanguage: version.titleLanguage,
      preamble: version.preamble.split(/\n{2,}/).filter((paragraph) => paragraph.trim()),
      clauses: version.clauses.map((clause) => ({ ...clause, count: counts.get(clause.id) ?? 0 })),
    },
    wholeCount: counts.get(null) ?? 0,
    sourceLanguageName: languageName(version.sourceLanguage, language),
    questions: getGuidingQuestions(db, roundId, language).map((question) => ({
      id: question.id,
      text: question.text,
      translated: Boolean(question.translated),
    })),
    sourceLanguage: version.sourceLanguage,
    eligible:
      round.eligibleCategories.length === STAKEHOLDER_CATEGORIES.length
        ? t('round.everyone')
        : new Intl.ListFormat(language, { type: 'conjunction' }).format(
            round.eligibleCategories.map((category) => t(`common:categories.${category}`)),
          ),
    signedIn: Boolean(user),
    refusal,
    userCategory: user?.category ?? null,
    hasSummary: listSnapshots(db, roundId).length > 0,
    // Nothing can have been hidden before the round opens.
    moderation: round.state === 'scheduled' ? null : publicModerationFigures(db, roundId),
  }
}

export default function RoundPage() {
  const { t } = useTranslation('rounds')
  const {
    round,
    version,
    wholeCount,
    sourceLanguageName,
    questions,
    sourceLanguage,
    eligible,
    signedIn,
    refusal,
    userCategory,
    hasSummary,
    moderation,
  } = useLoaderData<typeof loader>()
  const open = round.state === 'open'
  return (
    <div className="page round-page">
      <p className="breadcrumb">
        <Link to="/consultations">{t('list.title')}</Link>
      </p>
      <h1 lang={round.titleLanguage}>{round.title}</h1>
      <p className="lead" lang={version.titleLanguage}>
        {version.title}
      </p>

      <dl className="facts round-facts">
        <div>
          <dt>{t('round.state')}</dt>
          <dd>
            <span className={`badge badge--state badge--${round.state}`}>{t(`state.${round.state}`)}</span>
          </dd>
        </div>
        <div>
          <dt>{round.state === 'scheduled' ? t('dates.opens') : t('dates.opened')}</dt>
          <dd>
            <DateTime value={round.opens} />
            {round.state === 'scheduled' ? (
              <span className="relative"> {t('dates.relative', { relative: round.opensRelative })}</span>
            ) : null}
          </dd>
        </div>
        <div>
          <dt>{open || round.state === 'scheduled' ? t('dates.closes') : t('dates.closed')}</dt>
          <dd>
            <DateTime value={round.closes} />
            {round.state === 'scheduled' ? null : (
              <span className="relative"> {t('dates.relative', { relative: round.closesRelative })}</span>
            )}
          </dd>
        </div>
        <div>
          <dt>{t('counts.label')}</dt>
          <dd>{t('counts.comments', { count: round.submittedCount })}</dd>
        </div>
        <div>
          <dt>{t('round.eligible')}</dt>
          <dd>{eligible}</dd>
        </div>
      </dl>

      <div className="round-actions">
        {open ? (
          refusal === 'ineligible' ? (
            <p className="notice">
              {t('round.ineligible', { category: t(`common:categories.${userCategory ?? 'other'}`) })}
            </p>
          ) : signedIn ? (
            <Link to={`/rounds/${round.id}/comment`} className="button">
              {t('round.comment')}
            </Link>
          ) : (
            <Link to={`/login?redirectTo=${encodeURIComponent(`/rounds/${round.id}/comment`)}`} className="button">
              {t('round.loginToComment')}
            </Link>
          )
        ) : round.state === 'scheduled' ? (
          <p className="notice">{t('round.notOpenYet', { date: round.opens.text })}</p>
        ) : (
          <p className="notice">{t('round.closedNotice')}</p>
        )}
        <Link to={`/rounds/${round.id}/comments`} className="button button--quiet">
          {t('round.publicComments')}
        </Link>
        {hasSummary ? (
          <Link to={`/rounds/${round.id}/summary`} className="button button--quiet">
            {t('round.summary')}
          </Link>
        ) : null}
      </div>

      {questions.length ? (
        <section aria-labelledby="questions-title" className="card questions">
          <h2 id="questions-title">{t('round.questions')}</h2>
          <ol>
            {questions.map((question) => (
              <li key={question.id}>
                <span lang={question.translated ? undefined : sourceLanguage} dir="auto">
                  {question.text}
                </span>
                {question.translated ? null : (
                  <span className="clause-text__note"> {t('draft.untranslatedShort', { language: sourceLanguageName })}</span>
                )}
              </li>
            ))}
          </ol>
        </section>
      ) : null}

      <section aria-labelledby="draft-title" className="draft">
        <h2 id="draft-title">{t('draft.title')}</h2>
        {version.preamble.length ? (
          <div className="preamble" lang={version.titleLanguage}>
            {version.preamble.map((paragraph, index) => (
              <p key={index}>{paragraph}</p>
            ))}
          </div>
        ) : null}
        <p className="clause-count">
          <Link to={`/rounds/${round.id}/comments?clause=whole`}>
            {t('draft.wholeComments', { count: wholeCount })}
          </Link>
        </p>
        {groupByHeading(version.clauses).map((group, index) => (
          <section key={index} className="clause-group" aria-labelledby={group.heading ? `group-${index}` : undefined}>
            {group.heading ? (
              <h3 id={`group-${index}`} lang={group.headingLanguage}>
                {group.heading}
              </h3>
            ) : null}
            <ul className="clauses">
              {group.clauses.map((clause) => (
                <li className="clause" id={`clause-${clause.label}`} key={clause.id}>
                  <p className="clause__label">{t('draft.clause', { label: clause.label })}</p>
                  <ClauseText clause={clause} sourceLanguageName={sourceLanguageName} />
                  <p className="clause-count">
                    <Link to={`/rounds/${round.id}/comments?clause=${clause.id}`}>
                      {t('draft.clauseComments', { count: clause.count, label: clause.label })}
                    </Link>
                  </p>
                </li>
              ))}
            </ul>
          </section>
        ))}
      </section>

      {moderation ? <ModerationFigures figures={moderation} /> : null}
    </div>
  )
}
