import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { Link, useLoaderData } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import { CommentText } from '~/components/comment-text'
import { DateTime, formatInstant } from '~/components/date-time'
import { DispositionNote, dispositionView } from '~/components/disposition-note'
import { listMyComments } from '~/modules/comments/comments.server'
import { getFixedT } from '~/modules/i18n/i18n.server'
import { myDispositions } from '~/modules/moderation/dispositions.server'
import { listRoundsForReader } from '~/modules/rounds/rounds.server'
import { requireUser } from '~/utils/auth.server'
import { db } from '~/utils/db.server'
import dispositionsCssHref from '~/styles/dispositions.css'
import cssHref from '~/styles/rounds.css'

export const handle = { i18n: ['rounds', 'comments', 'dispositions'] }

export const links: LinksFunction = () => [
  { rel: 'stylesheet', href: cssHref },
  { rel: 'stylesheet', href: dispositionsCssHref },
]

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data?.meta ?? 'Concord' }]

export async function loader({ request }: LoaderFunctionArgs) {
  const user = await requireUser(request)
  const { t, language } = await getFixedT(request, 'comments')
  const now = new Date()
  const rounds = new Map(listRoundsForReader(db, language, now).map((round) => [round.id, round]))
  const dispositions = new Map(myDispositions(db, user.id).map((disposition) => [disposition.commentId, disposition]))
  const comments = listMyComments(db, user.id).map((comment) => {
    const round = rounds.get(comment.roundId)
    const timeZone = round?.timeZone ?? 'UTC'
    return {
      id: comment.id,
      roundId: comment.roundId,
      roundTitle: round?.title ?? comment.roundTitle,
      roundTitleLanguage: round?.titleLanguage,
      roundOpen: round?.state === 'open',
      clauseLabel: comment.clauseLabel,
      position: comment.position,
      text: comment.text,
      language: comment.language,
      status: comment.status,
      receipt: comment.receipt,
      hidden: comment.moderation === 'hidden',
      hiddenReason: comment.hiddenReason,
      hiddenNote: comment.moderation === 'hidden' ? comment.hiddenNote : null,
      disposition: dispositions.has(comment.id) ? dispositionView(dispositions.get(comment.id)!, language) : null,
      submitted: comment.submittedAt ? formatInstant(comment.submittedAt, language, timeZone, 'short') : null,
      updated: formatInstant(comment.updatedAt, language, timeZone, 'short'),
    }
  })
  return { meta: `${t('mine.title')} · Concord`, comments }
}

type Mine = Awaited<ReturnType<typeof loader>>['comments'][number]

function MyComment({ comment }: { comment: Mine }) {
  const { t } = useTranslation('comments')
  const titleId = `mine-${comment.id}-title`
  return (
    <li className="card my-comment" id={`c-${comment.id}`}>
      <article aria-labelledby={titleId}>
        <h2 id={titleId} className="my-comment__title">
          <Link to={`/rounds/${comment.roundId}`} lang={comment.roundTitleLanguage}>
            {comment.roundTitle}
          </Link>
          <span className="my-comment__clause">
            {' · '}
            {comment.clauseLabel ? t('rounds:draft.clause', { label: comment.clauseLabel }) : t('comment.whole')}
          </span>
        </h2>
        <dl className="facts facts--compact">
          <div>
            <dt>{t('mine.status')}</dt>
            <dd>
              <span className={`badge badge--status badge--${comment.status}`}>{t(`status.${comment.status}`)}</span>
            </dd>
          </div>
          <div>
            <dt>{t('own.receipt')}</dt>
            <dd>
              <code className="receipt">{comment.receipt}</code>
            </dd>
          </div>
          <div>
            <dt>{t('own.position')}</dt>
            <dd>{comment.position ? t(`positions.${comment.position}`) : t('own.noPosition')}</dd>
          </div>
          <div>
            <dt>{t('mine.moderation')}</dt>
            <dd>
              {comment.hidden ? (
                <span className="badge badge--danger">
                  {comment.hiddenReason
                    ? t('mine.hidden', { reason: t(`hiddenReasons.${comment.hiddenReason}`) })
                    : t('mine.hiddenNoReason')}
                </span>
              ) : (
                t('mine.visible')
              )}
            </dd>
          </div>
          {comment.hiddenNote ? (
            <div>
              <dt>{t('mine.hiddenNote')}</dt>
              <dd lang="" dir="auto">
                {comment.hiddenNote}
              </dd>
            </div>
          ) : null}
          <div>
            <dt>{comment.submitted ? t('mine.submitted') : t('own.updated')}</dt>
            <dd>
              <DateTime value={comment.submitted ?? comment.updated} />
            </dd>
          </div>
        </dl>
        <CommentText text={comment.text} language={comment.language} />
        {comment.disposition ? <DispositionNote view={comment.disposition} /> : null}
        {comment.roundOpen && comment.status !== 'withdrawn' ? (
          <p className="actions">
            <Link to={`/rounds/${comment.roundId}/comment?edit=${comment.id}#editing`} className="button button--small button--quiet">
              {t('own.edit')}
              <span className="visually-hidden"> {t('own.commentWithReceipt', { receipt: comment.receipt })}</span>
            </Link>
          </p>
        ) : null}
      </article>
    </li>
  )
}

export default function MyComments() {
  const { t } = useTranslation('comments')
  const { comments } = useLoaderData<typeof loader>()
  return (
    <div className="page my-comments-page">
      <h1>{t('mine.title')}</h1>
      <p className="lead">{t('mine.intro', { count: comments.length })}</p>
      {comments.length ? (
        <ul className="my-comments">
          {comments.map((comment) => (
            <MyComment key={comment.id} comment={comment} />
          ))}
        </ul>
      ) : (
        <p>
          {t('mine.none')} <Link to="/consultations">{t('mine.browse')}</Link>
        </p>
      )}
    </div>
  )
}
