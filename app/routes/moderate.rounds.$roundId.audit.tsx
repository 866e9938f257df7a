import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from '@remix-run/node'
import { Link, useLoaderData } from '@remix-run/react'
import type { TFunction } from 'i18next'
import { useTranslation } from 'react-i18next'
import { DateTime, formatInstant, formatNumber } from '~/components/date-time'
import { getFixedT } from '~/modules/i18n/i18n.server'
import { verifyAuditLog } from '~/modules/moderation/audit.server'
import { scoreFormatter } from '~/modules/moderation/labels.server'
import { listAuditEntries } from '~/modules/moderation/moderation.server'
import { HIDE_REASONS, RESTORE_REASONS } from '~/modules/moderation/queue.schema'
import { readId } from '~/modules/norms/forms.server'
import { concernLabel, getRound, listConcerns } from '~/modules/rounds/rounds.server'
import cssHref from '~/styles/moderation-queue.css'
import { requireRole } from '~/utils/auth.server'
import { db } from '~/utils/db.server'
import { invariantResponse } from '~/utils/http.server'

export const handle = { i18n: ['moderation'] }

export const links: LinksFunction = () => [{ rel: 'stylesheet', href: cssHref }]

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: data?.title ?? 'Concord' }]

/** One line of a before/after list; `free` marks text a person typed, in a language of its own. */
type Shown = { label: string; value: string; free?: boolean }

/** Fields whose values are text people typed (notes, reasons): shown as text of unknown language. */
const FREE_TEXT = new Set(['hiddenNote', 'note', 'reason', 'text', 'narrative'])
const KNOWN_FIELDS = new Set(['moderation', 'hiddenReason', 'hiddenNote', 'note', 'moderator', 'suggested', 'author', 'confirmed', 'groupId', 'comments', 'groups', 'size'])
/** Audit actions with a translated name; others show their code. */
const KNOWN_ACTIONS = new Set([
  'comment.hide',
  'comment.restore',
  'comments.import',
  'concerns.confirm',
  'concern.add',
  'concern.rename',
  'concern.keywords',
  'concern.keyPoints',
  'concern.merge',
  'concern.split',
  'taxonomy.set',
  'duplicates.confirm',
  'duplicates.split',
  'duplicates.merge',
  'duplicates.threshold',
  'disposition.record',
  'summary.publish',
])
const KNOWN_SUBJECTS = new Set(['comment', 'duplicate_group', 'concern', 'disposition', 'summary', 'round'])

function describe(
  value: unknown,
  t: TFunction,
  language: string,
  concernName: (key: string) => string,
  score: (value: number) => string,
): Shown[] {
  if (value === null || value === undefined) return []
  if (typeof value !== 'object' || Array.isArray(value)) return [{ label: t('audit.fields.value'), value: plain(value, t, language) }]
  const list = new Intl.ListFormat(language, { type: 'unit' })
  return Object.entries(value as Record<string, unknown>).map(([key, raw]) => {
    const label = KNOWN_FIELDS.has(key) ? t(`audit.fields.${key}`) : key
    let shown: string
    if (raw === null || raw === undefined || raw === '' || (Array.isArray(raw) && !raw.length)) shown = '—'
    else if (key === 'moderation' && (raw === 'visible' || raw === 'hidden')) shown = t(`audit.moderation.${raw}`)
    else if (key === 'hiddenReason' && (HIDE_REASONS as readonly unknown[]).includes(raw)) shown = t(`reasons.hide.${raw as string}`)
    else if ((key === 'moderator' || key === 'author') && Array.isArray(raw)) shown = list.format(raw.map((item) => concernName(String(item))))
    else if (key === 'suggested' && Array.isArray(raw)) {
      shown = list.format(
        raw.map((item) => {
          const [concern = '', value] = String(item).split(':')
          const number = Number(value)
          return value !== undefined && Number.isFinite(number) ? `${concernName(concern)} (${score(number)})` : concernName(concern)
        }),
      )
    } else shown = plain(raw, t, language)
    return { label, value: shown, free: FREE_TEXT.has(key) || undefined }
  })
}

function plain(value: unknown, t: TFunction, language: string): string {
  if (value === null || value === undefined) return '—'
  if (typeof value === 'boolean') return value ? t('audit.yes') : t('audit.no')
  if (typeof value === 'number') return formatNumber(value, language)
  if (typeof value === 'string') return value
  if (Array.isArray(value)) return new Intl.ListFormat(language, { type: 'unit' }).format(value.map((item) => plain(item, t, language)))
  return Object.entries(value as Record<string, unknown>)
    .map(([key, item]) => `${KNOWN_FIELDS.has(key) ? t(`audit.fields.${key}`) : key}: ${plain(item, t, language)}`)
    .join(', ')
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  await requireRole(request, 'moderator')
  const roundId = readId(params.roundId)
  invariantResponse(roundId)
  const { t, language } = await getFixedT(request, 'moderation')
  const round = getRound(db, roundId, language)
  invariantResponse(round)
  const beforeParam = new URL(request.url).searchParams.get('before')
  const before = beforeParam === null ? null : readId(beforeParam)
  if (beforeParam !== null && before === null) throw new Response('Bad request', { status: 400 })

  const verification = verifyAuditLog(db)
  const page = listAuditEntries(db, roundId, before)
  const labels = new Map(listConcerns(db, roundId).map((concern) => [concern.key, concern.labels]))
  const concernName = (key: string) => {
    const found = labels.get(key)
    return found ? concernLabel(found, language, key) : key
  }
  const score = scoreFormatter(language)
  const path = `/moderate/rounds/${roundId}`
  return {
    title: `${t('audit.title')} · ${round.title} · Concord`,
    language,
    verification: {
      ok: verification.ok,
      entries: verification.entries,
      problems: verification.problems.map((problem) => ({ id: problem.id, problem: problem.problem })),
    },
    entries: page.entries.map((entry) => {
      const reasonKnown =
        (entry.action === 'comment.hide' && (HIDE_REASONS as readonly (string | null)[]).includes(entry.reason)) ||
        (entry.action === 'comment.restore' && (RESTORE_REASONS as readonly (string | null)[]).includes(entry.reason))
      return {
        id: entry.id,
        time: formatInstant(entry.createdAt, language, round.timeZone, 'short'),
        actor: entry.actorName ?? (entry.actorId ? t('audit.unknownActor') : t('audit.system')),
        action: KNOWN_ACTIONS.has(entry.action) ? t(`audit.actions.${entry.action.replaceAll('.', '_')}`) : entry.action,
        subject: {
          label: KNOWN_SUBJECTS.has(entry.subjectType)
            ? t(`audit.subjects.${entry.subjectType}`, { id: entry.subjectId })
            : `${entry.subjectType} ${entry.subjectId}`,
          href: entry.subjectType === 'comment' ? `${path}/queue/${entry.subjectId}` : null,
        },
        reason: entry.reason
          ? reasonKnown
            ? { text: t(`reasons.${entry.action === 'comment.hide' ? 'hide' : 'restore'}.${entry.reason}`), free: false }
            : { text: entry.reason, free: true }
          : null,
        before: describe(entry.before, t, language, concernName, score),
        after: describe(entry.after, t, language, concernName, score),
      }
    }),
    nextHref: page.nextBefore ? `${path}/audit?before=${page.nextBefore}` : null,
    newestHref: before ? `${path}/audit` : null,
  }
}

function Values({ values }: { values: Shown[] }) {
  if (!values.length) return <span className="muted">—</span>
  return (
    <dl className="audit-values">
      {values.map((value) => (
        <div key={value.label}>
          <dt>{value.label}</dt>
          <dd>
            {value.free && value.value !== '—' ? (
              <span lang="" dir="auto">
                {value.value}
              </span>
            ) : (
              value.value
            )}
          </dd>
        </div>
      ))}
    </dl>
  )
}

export default function AuditLog() {
  const { t } = useTranslation('moderation')
  const { verification, entries, nextHref, newestHref, language } = useLoaderData<typeof loader>()
  const count = formatNumber(verification.entries, language)
  return (
    <section className="audit-page" aria-labelledby="audit-title">
      <h1 id="audit-title">{t('audit.title')}</h1>
      <p className="lead">{t('audit.intro')}</p>

      {verification.ok ? (
        <div className="audit-verify audit-verify--ok">
          <h2 id="verify-title">{t('audit.verifyTitle')}</h2>
          <p>
            <span className="badge badge--ok">{t('audit.intact')}</span> {t('audit.verifiedAll', { count: verification.entries })}
          </p>
        </div>
      ) : (
        <div className="audit-verify audit-verify--broken" role="alert">
          <h2 id="verify-title">{t('audit.verifyTitle')}</h2>
          <p>
            <span className="badge badge--danger">{t('audit.broken')}</span>{' '}
            {t('audit.problems', { count: verification.problems.length, entries: count })}
          </p>
          <ul>
            {verification.problems.map((problem) => (
              <li key={`${problem.id}-${problem.problem}`}>{t(`audit.problem.${problem.problem}`, { id: problem.id })}</li>
            ))}
          </ul>
          <p>{t('audit.brokenHelp')}</p>
        </div>
      )}

      <section aria-labelledby="audit-entries-title">
        <h2 id="audit-entries-title">{t('audit.entries')}</h2>
        {entries.length ? (
          <div className="table-scroll" role="region" aria-labelledby="audit-caption" tabIndex={0}>
            <table className="table audit-table">
              <caption id="audit-caption">{t('audit.caption')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('audit.columns.entry')}</th>
                  <th scope="col">{t('audit.columns.time')}</th>
                  <th scope="col">{t('audit.columns.actor')}</th>
                  <th scope="col">{t('audit.columns.action')}</th>
                  <th scope="col">{t('audit.columns.subject')}</th>
                  <th scope="col">{t('audit.columns.reason')}</th>
                  <th scope="col">{t('audit.columns.before')}</th>
                  <th scope="col">{t('audit.columns.after')}</th>
                </tr>
              </thead>
              <tbody>
                {entries.map((entry) => (
                  <tr key={entry.id}>
                    <th scope="row">{formatNumber(entry.id, language)}</th>
                    <td>
                      <DateTime value={entry.time} />
                    </td>
                    <td>
                      <span dir="auto">{entry.actor}</span>
                    </td>
                    <td>{entry.action}</td>
                    <td>{entry.subject.href ? <Link to={entry.subject.href}>{entry.subject.label}</Link> : entry.subject.label}</td>
                    <td>
                      {entry.reason ? (
                        entry.reason.free ? (
                          <span lang="" dir="auto">
                            {entry.reason.text}
                          </span>
                        ) : (
                          entry.reason.text
                        )
                      ) : (
                        <span className="muted">—</span>
                      )}
                    </td>
                    <td>
                      <Values values={entry.before} />
                    </td>
                    <td>
                      <Values values={entry.after} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ) : (
          <p className="muted">{t('audit.none')}</p>
        )}
        {nextHref || newestHref ? (
          <nav aria-label={t('audit.pages')} className="queue-pager">
            {newestHref ? <Link to={newestHref}>{t('audit.newest')}</Link> : null}
            {nextHref ? <Link to={nextHref}>{t('audit.older')}</Link> : null}
          </nav>
        ) : null}
      </section>
    </section>
  )
}
