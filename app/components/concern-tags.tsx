/** A concern as the moderation pages show it: its label (marked with the language it is in) and, for a suggestion, its score. */
export type ConcernTag = { key: string; label: string; lang?: string; score: string | null }

/**
 * Concerns as a list of tags. Suggestions carry their score and a dashed outline, so that they never
 * look like a moderator's decision.
 */
export function ConcernList({ concerns, empty, suggested }: { concerns: ConcernTag[]; empty: string; suggested?: boolean }) {
  if (!concerns.length) return <span className="muted">{empty}</span>
  return (
    <ul className="concern-tags">
      {concerns.map((concern) => (
        <li key={concern.key} className={suggested ? 'concern-tag concern-tag--suggested' : 'concern-tag'}>
          <span lang={concern.lang}>{concern.label}</span>
          {suggested && concern.score ? <span className="concern-tag__score"> {concern.score}</span> : null}
        </li>
      ))}
    </ul>
  )
}
