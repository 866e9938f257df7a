import { useTranslation } from 'react-i18next'

export type ClauseView = {
  id: number
  label: string
  heading: string | null
  text: string
  /** The language the text is in: the reader's, or the source language when untranslated. */
  language: string
  translated: boolean
}

/**
 * A clause's text in the reader's language, or its source text marked with its own `lang` and a
 * visible note (outside the source-language element, so the note is read in the reader's language).
 */
export function ClauseText({ clause, sourceLanguageName }: { clause: ClauseView; sourceLanguageName: string }) {
  const { t } = useTranslation('rounds')
  const noteId = `clause-note-${clause.id}`
  return (
    <div className="clause-text">
      <p lang={clause.language} dir="auto" aria-describedby={clause.translated ? undefined : noteId}>
        {clause.text}
      </p>
      {clause.translated ? null : (
        <p id={noteId} className="clause-text__note">
          {t('draft.untranslated', { language: sourceLanguageName })}
        </p>
      )}
    </div>
  )
}

/** Clauses in runs under the heading that opens each run (a run before any heading has none). */
export function groupByHeading<T extends { heading: string | null; translated: boolean; language: string }>(clauses: T[]) {
  const groups: { heading: string | null; headingLanguage: string; clauses: T[] }[] = []
  for (const clause of clauses) {
    const last = groups[groups.length - 1]
    if (!last || (clause.heading && clause.heading !== last.heading)) {
      groups.push({ heading: clause.heading, headingLanguage: clause.language, clauses: [clause] })
    } else {
      last.clauses.push(clause)
    }
  }
  return groups
}
