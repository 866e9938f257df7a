import { Link } from '@remix-run/react'
import { useTranslation } from 'react-i18next'
import type { MyDisposition } from '~/modules/moderation/dispositions.server'
import { languageName } from '~/modules/comments/languages'

/**
 * The reason in the reader's language; else in the round's source language; else in the first
 * language it was written in. The language it is actually in comes along, for `lang`.
 */
export function pickReason(reason: Partial<Record<string, string>>, language: string, sourceLanguage: string) {
  for (const code of [language, sourceLanguage]) {
    const text = reason[code]?.trim()
    if (text) return { text, language: code }
  }
  const first = Object.entries(reason).find(([, text]) => text?.trim())
  return first ? { text: first[1]!.trim(), language: first[0] } : null
}

export type DispositionView = {
  commentId: number
  outcome: MyDisposition['outcome']
  source: MyDisposition['source']
  reason: { text: string; language: string; languageName: string; translated: boolean } | null
  ledTo: { label: string; version: number; roundId: number | null } | null
}

/**
 * What the note shows, for the reader's language: call it in the loader, so the language's name
 * (Intl) is written once on the server and the page hydrates unchanged.
 */
export function dispositionView(disposition: MyDisposition, language: string): DispositionView {
  const reason = pickReason(disposition.reason, language, disposition.sourceLanguage)
  return {
    commentId: disposition.commentId,
    outcome: disposition.outcome,
    source: disposition.source,
    reason: reason
      ? { ...reason, languageName: languageName(reason.language, language), translated: reason.language === language }
      : null,
    ledTo:
      disposition.nextClauseLabel !== null && disposition.nextVersionNumber !== null
        ? {
            label: disposition.nextClauseLabel,
            version: disposition.nextVersionNumber,
            roundId: disposition.nextRoundId,
          }
        : null,
  }
}

/**
 * What became of a participant's comment: the outcome, the moderators' reason in the reader's
 * language (or, marked with its own `lang`, in the language it was written in, with a note saying
 * so), and the clause of the next version it led to — a link where a round shows that version.
 */
export function DispositionNote({ view }: { view: DispositionView }) {
  const { t } = useTranslation('dispositions')
  const titleId = `disposition-${view.commentId}-title`
  const ledTo = view.ledTo ? t('note.ledTo', { label: view.ledTo.label, version: view.ledTo.version }) : null
  return (
    <section className="disposition-note" aria-labelledby={titleId}>
      <h3 id={titleId} className="disposition-note__title">
        {t('note.title')}
      </h3>
      <p className="disposition-note__outcome">
        <span className={`badge outcome outcome--${view.outcome}`}>{t(`outcomes.${view.outcome}`)}</span>
        {view.source === 'group' ? <span className="disposition-note__source"> {t('note.forGroup')}</span> : null}
      </p>
      {view.reason ? (
        <>
          <p className="disposition-note__reason" lang={view.reason.language} dir="auto">
            {view.reason.text}
          </p>
          {view.reason.translated ? null : (
            <p className="disposition-note__language">
              {t('note.untranslated', { language: view.reason.languageName })}
            </p>
          )}
        </>
      ) : null}
      {view.ledTo && ledTo ? (
        <p className="disposition-note__next">
          {view.ledTo.roundId ? (
            <Link to={`/rounds/${view.ledTo.roundId}#clause-${encodeURIComponent(view.ledTo.label)}`}>{ledTo}</Link>
          ) : (
            ledTo
          )}
        </p>
      ) : null}
    </section>
  )
}
